// SPDX-License-Identifier: GPL-3.0-or-later
#include "ReaderTestUtil.h"

#include "dataset/RangeReader.h"

#include <QElapsedTimer>
#include <QTest>

using namespace fastmap;
using namespace fastmap::test;

class TestRangeReader : public QObject
{
    Q_OBJECT

private slots:
    void values();
    void empty();
    void appendsToExistingRows();
    void batches();
    void badSpecs_data();
    void badSpecs();
    void throughDataset();
    void tenMillionRows();
};

void TestRangeReader::values()
{
    RangeReader reader("range:5");
    QVERIFY(reader.open());
    QCOMPARE(reader.source(), QStringLiteral("range:5"));
    QCOMPARE(reader.columns(), QStringList({"x"}));
    QCOMPARE(reader.totalRows(), 5);
    QCOMPARE(reader.progress(), 0.0);
    Table table(1);
    QCOMPARE(reader.read(table, 2), 2);
    QCOMPARE(reader.progress(), 0.4);
    QCOMPARE(reader.read(table, 100), 3);
    QCOMPARE(reader.progress(), 1.0);
    QCOMPARE(reader.read(table, 100), 0);
    QCOMPARE(table.rowCount(), 5);
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(table.at(i, 0).typeId(), QMetaType::LongLong);
        QCOMPARE(table.at(i, 0).toLongLong(), i);
    }
}

void TestRangeReader::empty()
{
    RangeReader reader("range:0");
    QVERIFY(reader.open());
    QCOMPARE(reader.totalRows(), 0);
    QCOMPARE(reader.progress(), 1.0);
    Table table(1);
    QCOMPARE(reader.read(table, 10), 0);
    QCOMPARE(table.rowCount(), 0);
}

void TestRangeReader::appendsToExistingRows()
{
    RangeReader reader("range:3");
    QVERIFY(reader.open());
    Table table(1);
    table.appendRow()[0] = QStringLiteral("before");
    QCOMPARE(reader.read(table, 10), 3);
    QCOMPARE(table.rowCount(), 4);
    QCOMPARE(table.at(0, 0).toString(), QStringLiteral("before"));
    QCOMPARE(table.at(3, 0).toLongLong(), 2);
}

void TestRangeReader::batches()
{
    RangeReader reader("range:1000");
    QVERIFY(reader.open());
    const ReadResult result = readAll(reader, 7);
    QCOMPARE(result.rows.size(), 1000);
    QCOMPARE(result.calls, 144); // 143 batches and the end
    for (int i = 0; i < 1000; ++i)
        QCOMPARE(result.rows[i][0].toLongLong(), i);

    RangeReader zero("range:3");
    QVERIFY(zero.open());
    Table table(1);
    QCOMPARE(zero.read(table, 0), 0);
    QCOMPARE(zero.read(table, -5), 0);
    QCOMPARE(zero.read(table, 3), 3);
}

void TestRangeReader::badSpecs_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("message");
    const QString usage =
        QStringLiteral("expected range:N with N a whole number of rows (digits only), as in range:1000");
    QTest::newRow("nothing") << "range:" << usage;
    QTest::newRow("negative") << "range:-1" << usage;
    QTest::newRow("plus") << "range:+1" << usage;
    QTest::newRow("exponent") << "range:1e6" << usage;
    QTest::newRow("space") << "range: 5" << usage;
    QTest::newRow("trailing space") << "range:5 " << usage;
    QTest::newRow("hex") << "range:0x10" << usage;
    QTest::newRow("decimal") << "range:1.0" << usage;
    QTest::newRow("arabic-indic digits") << QString::fromUtf8("range:\xD9\xA3") << usage;
    QTest::newRow("too large") << "range:99999999999999999999"
                               << "the number of rows is too large";
}

void TestRangeReader::badSpecs()
{
    QFETCH(QString, spec);
    QFETCH(QString, message);
    RangeReader reader(spec);
    QVERIFY(!reader.open());
    QCOMPARE(reader.error().file, spec);
    QCOMPARE(reader.error().message, message);
    Table table(1);
    QCOMPARE(reader.read(table, 10), -1);

    InputError error;
    QVERIFY(!Dataset::open(spec, &error));
    QCOMPARE(error.message, message);
}

void TestRangeReader::throughDataset()
{
    InputError error;
    const auto reader = Dataset::open("range:12", &error);
    QVERIFY(reader);
    QVERIFY(!error.isSet());
    QCOMPARE(reader->totalRows(), 12);

    DatasetOptions options;
    options.format = DatasetFormat::Range;
    const auto plain = Dataset::open("7", &error, options);
    QVERIFY(plain);
    QCOMPARE(plain->totalRows(), 7);
    QCOMPARE(plain->columns(), QStringList({"x"}));
}

void TestRangeReader::tenMillionRows()
{
    RangeReader reader("range:10000000");
    QVERIFY(reader.open());
    QElapsedTimer timer;
    timer.start();
    qint64 rows = 0;
    qint64 last = -1;
    Table table(1);
    for (;;) {
        table.clear();
        const int got = reader.read(table, 65536);
        QVERIFY(got >= 0);
        if (got == 0)
            break;
        rows += got;
        last = table.at(got - 1, 0).toLongLong();
    }
    QCOMPARE(rows, 10000000);
    QCOMPARE(last, 9999999);
    qInfo("range:10000000 read in %lld ms", timer.elapsed());
}

QTEST_GUILESS_MAIN(TestRangeReader)
#include "tst_rangereader.moc"
