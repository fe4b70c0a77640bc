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
    void targetTypes();
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
    QCOMPARE(reader.bytesRead(), 0);
    RecordBlock block;
    QCOMPARE(reader.readRecords(block, 2), 2);
    QCOMPARE(block.count, 2);
    QCOMPARE(block.firstRow, 0);
    QVERIFY(block.bytes.isEmpty());
    QCOMPARE(reader.progress(), 0.4);
    QCOMPARE(reader.readRecords(block, 100), 3);
    QCOMPARE(block.firstRow, 2);
    QCOMPARE(reader.progress(), 1.0);
    Table table;
    BatchOutput failures({}, block.count);
    InputError error;
    QCOMPARE(reader.parser()->parse(block, {{0, ColumnType::Int64, "x"}}, &table, &failures, &error), 3);
    QCOMPARE(table.rowCount(), 3);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(table.value(i, 0).typeId(), QMetaType::LongLong);
        QCOMPARE(table.integers(0)[i], i + 2);
    }
    QCOMPARE(reader.readRecords(block, 100), 0);
    QCOMPARE(reader.bytesRead(), 0);
}

void TestRangeReader::empty()
{
    RangeReader reader("range:0");
    QVERIFY(reader.open());
    QCOMPARE(reader.totalRows(), 0);
    QCOMPARE(reader.progress(), 1.0);
    RecordBlock block;
    QCOMPARE(reader.readRecords(block, 10), 0);
    QCOMPARE(block.count, 0);
    Table table;
    QCOMPARE(reader.readText(table, 10), 0);
    QCOMPARE(table.rowCount(), 0);
}

void TestRangeReader::appendsToExistingRows()
{
    RangeReader reader("range:3");
    QVERIFY(reader.open());
    Table table({ColumnType::Text}, 1);
    table.setText(0, 0, std::string_view("before"));
    QCOMPARE(reader.readText(table, 10), 3);
    QCOMPARE(table.rowCount(), 4);
    QCOMPARE(table.value(0, 0).toString(), QStringLiteral("before"));
    QCOMPARE(table.value(3, 0), QVariant(QStringLiteral("2")));
}

void TestRangeReader::targetTypes()
{
    RangeReader reader("range:10");
    QVERIFY(reader.open());
    RecordBlock block;
    QCOMPARE(reader.readRecords(block, 3), 3);
    QCOMPARE(reader.readRecords(block, 4), 4); // rows 3 to 6
    Table table;
    BatchOutput failures({}, block.count);
    InputError error;
    const std::vector<FieldTarget> targets = {
        {0, ColumnType::Float64, "f"}, {0, ColumnType::Text, "t"}, {0, ColumnType::Int64, "i"}};
    QCOMPARE(reader.parser()->parse(block, targets, &table, &failures, &error), 4);
    QVERIFY(!failures.hasFailures());
    for (int i = 0; i < 4; ++i) {
        QCOMPARE(table.doubles(0)[i], double(3 + i));
        QCOMPARE(table.string(1, i), QString::number(3 + i));
        QCOMPARE(table.integers(2)[i], 3 + i);
    }
    // Only 0 and 1 are booleans.
    RangeReader flags("range:3");
    QVERIFY(flags.open());
    QCOMPARE(flags.readRecords(block, 3), 3);
    BatchOutput boolFailures({}, 3);
    QCOMPARE(flags.parser()->parse(block, {{0, ColumnType::Bool, "b"}}, &table, &boolFailures, &error), 3);
    QCOMPARE(table.bools(0)[0], 0);
    QCOMPARE(table.bools(0)[1], 1);
    QCOMPARE(boolFailures.error(2), QStringLiteral("input 'b' is not a boolean: '2'"));
    QCOMPARE(boolFailures.failedCount(), 1);
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
    RecordBlock block;
    QCOMPARE(zero.readRecords(block, 0), 0);
    QCOMPARE(zero.readRecords(block, -5), 0);
    QCOMPARE(zero.readRecords(block, 3), 3);
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
    RecordBlock block;
    QCOMPARE(reader.readRecords(block, 10), -1);

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
    RecordBlock block;
    Table table;
    const std::shared_ptr<const RecordParser> parser = reader.parser();
    const std::vector<FieldTarget> targets = {{0, ColumnType::Int64, "x"}};
    for (;;) {
        const int got = reader.readRecords(block, 65536);
        QVERIFY(got >= 0);
        if (got == 0)
            break;
        BatchOutput failures({}, got);
        InputError error;
        QCOMPARE(parser->parse(block, targets, &table, &failures, &error), got);
        rows += got;
        last = table.integers(0)[std::size_t(got - 1)];
    }
    QCOMPARE(rows, 10000000);
    QCOMPARE(last, 9999999);
    qInfo("range:10000000 read in %lld ms", timer.elapsed());
}

QTEST_GUILESS_MAIN(TestRangeReader)
#include "tst_rangereader.moc"
