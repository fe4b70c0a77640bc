// SPDX-License-Identifier: GPL-3.0-or-later
// TableCodec: typed columns as raw little-endian blocks in CBOR, and a strict decoder that
// refuses every truncated, garbled or wrongly shaped blob with a reason instead of crashing.
#include "util/TableCodec.h"

#include <QCborArray>
#include <QCborValue>
#include <QTest>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace fastmap;

namespace {

using Types = std::vector<ColumnType>;
const Types kAllTypes{ColumnType::Float64, ColumnType::Int64, ColumnType::Bool, ColumnType::Text, ColumnType::Text};

// Every type, nulls in each column, two text columns (so the decoder has to merge their bytes).
BatchOutput sampleOutput()
{
    BatchOutput out(kAllTypes, 70); // more than one bitmap word
    Table &t = out.values();
    for (int r = 0; r < 70; ++r) {
        t.doubles(0)[std::size_t(r)] = r * 0.1 - 3;
        t.integers(1)[std::size_t(r)] = (r % 2 ? -1 : 1) * (qint64(1) << (r % 63));
        t.bools(2)[std::size_t(r)] = r % 3 == 0;
        t.setText(3, r, QStringLiteral("zeile %1 äöü €").arg(r));
        t.setText(4, r, r % 5 ? std::string_view("x") : std::string_view());
    }
    t.setNull(0, 1);
    t.setNull(1, 64);
    t.setNull(2, 69);
    t.setNull(3, 0);
    t.setNull(4, 65);
    out.fail(2, QStringLiteral("bad element"));
    out.fail(69, QStringLiteral("the last one, ✗"));
    return out;
}

bool sameBits(double a, double b)
{
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// Cell by cell, nulls included; a null's value is not compared.
QString difference(const Table &a, const Table &b)
{
    if (a.types() != b.types())
        return QStringLiteral("types differ");
    if (a.rowCount() != b.rowCount())
        return QStringLiteral("%1 rows against %2").arg(a.rowCount()).arg(b.rowCount());
    for (int c = 0; c < a.columnCount(); ++c) {
        for (int r = 0; r < a.rowCount(); ++r) {
            const QString where = QStringLiteral("column %1 row %2").arg(c).arg(r);
            if (a.isNull(c, r) != b.isNull(c, r))
                return where + QStringLiteral(": null differs");
            if (a.isNull(c, r))
                continue;
            const auto i = std::size_t(r);
            switch (a.type(c)) {
            case ColumnType::Float64:
                if (!sameBits(a.doubles(c)[i], b.doubles(c)[i]))
                    return where + QStringLiteral(": %1 against %2").arg(a.doubles(c)[i]).arg(b.doubles(c)[i]);
                break;
            case ColumnType::Int64:
                if (a.integers(c)[i] != b.integers(c)[i])
                    return where;
                break;
            case ColumnType::Bool:
                if (a.bools(c)[i] != b.bools(c)[i])
                    return where;
                break;
            case ColumnType::Text:
                if (a.text(c, r) != b.text(c, r))
                    return where + QStringLiteral(": \"%1\" against \"%2\"").arg(a.string(c, r), b.string(c, r));
                break;
            }
        }
    }
    return {};
}

QString difference(const BatchOutput &a, const BatchOutput &b)
{
    if (a.failedCount() != b.failedCount())
        return QStringLiteral("%1 failures against %2").arg(a.failedCount()).arg(b.failedCount());
    for (int r = 0; r < a.rowCount() && r < b.rowCount(); ++r)
        if (a.failed(r) != b.failed(r) || a.error(r) != b.error(r))
            return QStringLiteral("row %1: failure \"%2\" against \"%3\"").arg(r).arg(a.error(r), b.error(r));
    return difference(a.values(), b.values());
}

QByteArray encodeTable(const Table &table)
{
    QByteArray blob;
    QCborStreamWriter writer(&blob);
    TableCodec::write(writer, table);
    return blob;
}

QByteArray le32(std::initializer_list<std::uint32_t> values)
{
    QByteArray bytes;
    for (std::uint32_t v : values)
        bytes.append(reinterpret_cast<const char *>(&v), 4);
    return bytes;
}

QByteArray le64(std::initializer_list<std::uint64_t> values)
{
    QByteArray bytes;
    for (std::uint64_t v : values)
        bytes.append(reinterpret_cast<const char *>(&v), 8);
    return bytes;
}

// A hand-made blob of one column, for shapes the encoder never writes.
QByteArray oneColumn(const QCborArray &column, qint64 rows, const QCborArray &failures = {})
{
    return QCborArray{QCborArray{rows, QCborArray{column}}, failures}.toCborValue().toCbor();
}

QCborArray column(ColumnType type, qint64 rows, const QByteArray &nulls, const QByteArray &data)
{
    return QCborArray{qint64(type), rows, nulls, data};
}

QCborArray textColumn(qint64 rows, const QByteArray &nulls, const QByteArray &ends, const QByteArray &bytes)
{
    return QCborArray{qint64(ColumnType::Text), rows, nulls, ends, bytes};
}

} // namespace

class TestTableCodec : public QObject
{
    Q_OBJECT

private slots:
    void everyTypeWithNullsAndFailuresRoundTrips()
    {
        const BatchOutput out = sampleOutput();
        BatchOutput back;
        QString error;
        QVERIFY2(TableCodec::decode(TableCodec::encode(out), kAllTypes, 70, &back, &error), qPrintable(error));
        QVERIFY2(difference(out, back).isEmpty(), qPrintable(difference(out, back)));
        QCOMPARE(back.error(69), QStringLiteral("the last one, ✗"));
        QVERIFY(back.values().hasNulls(0) && !back.failed(1));
        // rows < 0: any row count.
        QVERIFY2(TableCodec::decode(TableCodec::encode(out), kAllTypes, -1, &back, &error), qPrintable(error));
        QCOMPARE(back.rowCount(), 70);
    }

    void aTableRoundTripsThroughTheStreamApi()
    {
        Table t = sampleOutput().values();
        const QByteArray blob = encodeTable(t);
        QCborStreamReader reader(blob);
        Table back;
        QString error;
        QVERIFY2(TableCodec::read(reader, kAllTypes, 70, &back, &error), qPrintable(error));
        QVERIFY2(difference(t, back).isEmpty(), qPrintable(difference(t, back)));
        QCOMPARE(reader.currentOffset(), blob.size());
    }

    void emptyTablesRoundTrip_data()
    {
        QTest::addColumn<int>("columns");
        QTest::addColumn<int>("rows");
        QTest::newRow("no rows") << 5 << 0;
        QTest::newRow("no columns") << 0 << 12;
        QTest::newRow("nothing") << 0 << 0;
    }

    void emptyTablesRoundTrip()
    {
        QFETCH(int, columns);
        QFETCH(int, rows);
        const Types types(kAllTypes.begin(), kAllTypes.begin() + columns);
        BatchOutput out(types, rows);
        if (rows > 0)
            out.fail(rows - 1, QStringLiteral("even without columns"));
        BatchOutput back;
        QString error;
        QVERIFY2(TableCodec::decode(TableCodec::encode(out), types, rows, &back, &error), qPrintable(error));
        QCOMPARE(back.rowCount(), rows);
        QCOMPARE(back.values().columnCount(), columns);
        QVERIFY2(difference(out, back).isEmpty(), qPrintable(difference(out, back)));
    }

    void randomDoublesAreBitExact()
    {
        std::mt19937_64 random(20261202);
        const int rows = 20000;
        Table t(Types{ColumnType::Float64, ColumnType::Int64}, rows);
        for (int r = 0; r < rows; ++r) {
            const std::uint64_t bits = random();
            t.doubles(0)[std::size_t(r)] = std::bit_cast<double>(bits); // NaN payloads and denormals too
            t.integers(1)[std::size_t(r)] = std::int64_t(random());
        }
        const double specials[] = {0.0, -0.0, std::numeric_limits<double>::infinity(),
                                   -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN(),
                                   std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max(), 0.1};
        for (std::size_t i = 0; i < std::size(specials); ++i)
            t.doubles(0)[i] = specials[i];
        t.integers(1)[0] = std::numeric_limits<std::int64_t>::min();
        t.integers(1)[1] = std::numeric_limits<std::int64_t>::max();
        BatchOutput out(t.types(), 0);
        out.values() = t;
        BatchOutput back;
        QString error;
        const QByteArray blob = TableCodec::encode(out);
        QVERIFY2(TableCodec::decode(blob, t.types(), rows, &back, &error), qPrintable(error));
        QVERIFY(std::memcmp(back.values().doubles(0).data(), t.doubles(0).data(), rows * 8) == 0);
        QVERIFY(std::memcmp(back.values().integers(1).data(), t.integers(1).data(), rows * 8) == 0);
        QVERIFY(blob.size() < rows * 16 + 64); // raw blocks, not a CBOR item per value
    }

    void textIsGatheredFromWhereverItsRefsPoint()
    {
        // Refs out of order, overwritten values and nulls leave bytes in the buffer that no
        // row uses; only the values' own bytes are written.
        Table t(Types{ColumnType::Text}, 3);
        t.setText(0, 2, std::string_view("third"));
        t.setText(0, 0, std::string_view("stale"));
        t.setText(0, 0, std::string_view("first"));
        t.setText(0, 1, std::string_view("null, not written"));
        t.setNull(0, 1);
        BatchOutput out(t.types(), 0);
        out.values() = t;
        BatchOutput back;
        QString error;
        QVERIFY2(TableCodec::decode(TableCodec::encode(out), t.types(), 3, &back, &error), qPrintable(error));
        QCOMPARE(back.values().string(0, 0), QStringLiteral("first"));
        QVERIFY(back.values().isNull(0, 1));
        QCOMPARE(back.values().string(0, 2), QStringLiteral("third"));
        QCOMPARE(back.values().buffer(), QByteArray("firstthird")); // the one text column's bytes, as they came
    }

    void bitsOfRowsCutAwayAreNotWritten()
    {
        Table t(Types{ColumnType::Int64}, 10);
        t.setNull(0, 9);
        t.setNull(0, 2);
        t.resizeRows(5); // row 9's bit stays in the word
        BatchOutput out(t.types(), 0);
        out.values() = t;
        BatchOutput back;
        QString error;
        QVERIFY2(TableCodec::decode(TableCodec::encode(out), t.types(), 5, &back, &error), qPrintable(error));
        QVERIFY(back.values().isNull(0, 2));
        QCOMPARE(back.values().nullBits(0), std::vector<std::uint64_t>{4});
        t.setNull(0, 2, false); // only a bit past the end is left: no bitmap at all
        out.values() = t;
        QVERIFY2(TableCodec::decode(TableCodec::encode(out), t.types(), 5, &back, &error), qPrintable(error));
        QVERIFY(!back.values().hasNulls(0));
    }

    void everyTruncationIsRefused()
    {
        const QByteArray blob = TableCodec::encode(sampleOutput());
        for (qsizetype cut = 0; cut < blob.size(); ++cut) {
            BatchOutput back;
            QString error;
            if (TableCodec::decode(blob.left(cut), kAllTypes, 70, &back, &error))
                QFAIL(qPrintable(QStringLiteral("a blob cut at %1 of %2 bytes was accepted").arg(cut).arg(blob.size())));
            if (error.isEmpty())
                QFAIL(qPrintable(QStringLiteral("no reason for the cut at %1").arg(cut)));
        }
        // The stream API on a cut blob, with any row count.
        for (qsizetype cut = 0; cut < blob.size(); cut += 7) {
            QCborStreamReader reader(blob.left(cut));
            BatchOutput back;
            QString error;
            QVERIFY(!TableCodec::read(reader, kAllTypes, -1, &back, &error));
            QVERIFY(!error.isEmpty());
        }
    }

    void garbledBlobsNeverCrashOrChangeShape()
    {
        // Flipping bytes may leave a valid blob (a changed double is still a double); what is
        // accepted must still have the shape asked for, and what is refused must say why.
        const QByteArray blob = TableCodec::encode(sampleOutput());
        int refused = 0;
        for (qsizetype at = 0; at < blob.size(); ++at) {
            for (char mask : {char(0xff), char(0x01), char(0x80), char(0x20)}) {
                QByteArray garbled = blob;
                garbled[at] = char(garbled[at] ^ mask);
                BatchOutput back;
                QString error;
                if (TableCodec::decode(garbled, kAllTypes, -1, &back, &error)) {
                    QCOMPARE(back.values().types(), kAllTypes);
                    for (int c = 0; c < back.values().columnCount(); ++c)
                        for (int r = 0; r < back.rowCount(); ++r)
                            if (back.values().type(c) == ColumnType::Text)
                                QVERIFY(QByteArrayView(back.values().text(c, r)).isValidUtf8());
                } else {
                    QVERIFY(!error.isEmpty());
                    ++refused;
                }
            }
        }
        QVERIFY(refused > blob.size()); // most headers and offsets do not survive a flip
        QString error;
        BatchOutput back;
        QVERIFY(!TableCodec::decode(QByteArray("\xff\x00garbage", 9), kAllTypes, -1, &back, &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(!TableCodec::decode(QByteArray("<html>502 Bad Gateway</html>"), kAllTypes, -1, &back, &error));
        QVERIFY(!error.isEmpty());
    }

    void wrongShapesAreRefused_data()
    {
        QTest::addColumn<QByteArray>("blob");
        QTest::addColumn<int>("expectedRows");
        QTest::addColumn<QString>("needle");
        const Types one{ColumnType::Int64};
        const QByteArray two = le64({1, 2});
        QTest::newRow("good, for reference") << oneColumn(column(ColumnType::Int64, 2, {}, two), 2) << 2 << "";
        QTest::newRow("fewer rows than asked") << oneColumn(column(ColumnType::Int64, 2, {}, two), 2) << 3
                                               << "has 2 rows, expected 3";
        QTest::newRow("another type") << oneColumn(column(ColumnType::Float64, 2, {}, two), 2) << 2
                                      << "is float64 (type code 0), expected int64";
        QTest::newRow("unknown type") << oneColumn(QCborArray{9, 2, QByteArray(), two}, 2) << 2 << "type code 9";
        QTest::newRow("column rows differ") << oneColumn(column(ColumnType::Int64, 3, {}, two), 2) << 2
                                            << "the column has 3 rows, the table 2";
        QTest::newRow("data too short") << oneColumn(column(ColumnType::Int64, 2, {}, two.left(15)), 2) << 2
                                        << "the data has 15 bytes, expected 16";
        QTest::newRow("data too long") << oneColumn(column(ColumnType::Int64, 2, {}, two + 'x'), 2) << 2
                                       << "the data has 17 bytes";
        QTest::newRow("data not bytes") << oneColumn(QCborArray{1, 2, QByteArray(), QCborArray{1, 2}}, 2) << 2
                                        << "the data is not a byte string";
        QTest::newRow("bitmap of the wrong length") << oneColumn(column(ColumnType::Int64, 2, QByteArray(4, 0), two), 2)
                                                    << 2 << "the null bitmap has 4 bytes";
        QTest::newRow("bitmap past the last row") << oneColumn(column(ColumnType::Int64, 2, le64({4}), two), 2) << 2
                                                  << "marks rows past the last";
        QTest::newRow("too few items") << oneColumn(QCborArray{1, 2, QByteArray()}, 2) << 2 << "has 3 items, expected 4";
        QTest::newRow("not a boolean") << oneColumn(column(ColumnType::Bool, 2, {}, QByteArray("\x01\x02", 2)), 2) << 2
                                       << "row 1 holds 2, not a boolean";
        QTest::newRow("offsets go back") << oneColumn(textColumn(2, {}, le32({3, 2}), "abc"), 2) << 2
                                         << "end offset of row 1 (2) is out of order";
        QTest::newRow("offset past the bytes") << oneColumn(textColumn(2, {}, le32({1, 9}), "abc"), 2) << 2
                                               << "past the 3 text bytes";
        QTest::newRow("bytes left over") << oneColumn(textColumn(2, {}, le32({1, 2}), "abc"), 2) << 2
                                         << "1 text bytes follow";
        QTest::newRow("invalid UTF-8") << oneColumn(textColumn(1, {}, le32({2}), "a\xff"), 1) << 1 << "not valid UTF-8";
        QTest::newRow("overlong UTF-8") << oneColumn(textColumn(1, {}, le32({2}), "\xc0\xaf"), 1) << 1
                                        << "not valid UTF-8";
        QTest::newRow("a character split") << oneColumn(textColumn(2, {}, le32({1, 2}), "\xc3\xa4"), 2) << 2
                                           << "splits a UTF-8 character";
        QTest::newRow("offsets too short") << oneColumn(textColumn(2, {}, le32({1}), "ab"), 2) << 2
                                           << "the end offsets has 4 bytes, expected 8";
        QTest::newRow("failure outside the batch")
            << oneColumn(column(ColumnType::Int64, 2, {}, two), 2, QCborArray{QCborArray{2, "x"}}) << 2 << "more than 1";
        QTest::newRow("failures out of order")
            << oneColumn(column(ColumnType::Int64, 2, {}, two), 2, QCborArray{QCborArray{1, "x"}, QCborArray{0, "y"}})
            << 2 << "not in ascending row order";
        QTest::newRow("a failure twice")
            << oneColumn(column(ColumnType::Int64, 2, {}, two), 2, QCborArray{QCborArray{1, "x"}, QCborArray{1, "y"}})
            << 2 << "not in ascending row order";
        QTest::newRow("more failures than rows")
            << oneColumn(column(ColumnType::Int64, 1, {}, le64({1})), 1, QCborArray{QCborArray{0, "x"}, QCborArray{0, "y"}})
            << 1 << "2 failures for 1 rows";
        QTest::newRow("a failure without a message")
            << oneColumn(column(ColumnType::Int64, 2, {}, two), 2, QCborArray{QCborArray{1}}) << 2 << "has 1 items";
        QTest::newRow("no columns array") << QCborArray{QCborArray{2, 5}, QCborArray{}}.toCborValue().toCbor() << 2
                                          << "the table's columns is not an array";
        QTest::newRow("two columns") << QCborArray{QCborArray{2, QCborArray{column(ColumnType::Int64, 2, {}, two),
                                                                          column(ColumnType::Int64, 2, {}, two)}},
                                                   QCborArray{}}
                                            .toCborValue()
                                            .toCbor()
                                     << 2 << "the table has 2 columns, expected 1";
        QTest::newRow("a map") << QCborValue(QCborMap{{"rows", 2}}).toCbor() << 2 << "not an array";
        QTest::newRow("trailing bytes") << oneColumn(column(ColumnType::Int64, 2, {}, two), 2) + '\0' << 2
                                        << "1 bytes follow";
        QTest::newRow("a lying row count") << oneColumn(column(ColumnType::Int64, 2000000000, {}, two), 2000000000) << -1
                                           << "the data has 16 bytes, expected 16000000000";
        // An indefinite-length array: 0x9f ... 0xff.
        QTest::newRow("indefinite length") << QByteArray("\x9f\xff", 2) << 2 << "indefinite length";
        QTest::newRow("columnless table claiming many rows")
            << QCborArray{QCborArray{qint64(1) << 30, QCborArray{}}, QCborArray{}}.toCborValue().toCbor() << -1
            << "without columns claims";
    }

    void wrongShapesAreRefused()
    {
        QFETCH(QByteArray, blob);
        QFETCH(int, expectedRows);
        QFETCH(QString, needle);
        QString tag = QString::fromLatin1(QTest::currentDataTag());
        Types types{ColumnType::Int64};
        if (tag.contains(QLatin1String("boolean")))
            types = {ColumnType::Bool};
        else if (tag.contains(QLatin1String("offset")) || tag.contains(QLatin1String("UTF")) ||
                 tag.contains(QLatin1String("bytes left")) || tag.contains(QLatin1String("character")))
            types = {ColumnType::Text};
        else if (tag.startsWith(QLatin1String("columnless")))
            types = {};
        BatchOutput back;
        QString error;
        const bool ok = TableCodec::decode(blob, types, expectedRows, &back, &error);
        if (needle.isEmpty()) {
            QVERIFY2(ok, qPrintable(error));
            return;
        }
        QVERIFY(!ok);
        QVERIFY2(error.contains(needle), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestTableCodec)
#include "tst_tablecodec.moc"
