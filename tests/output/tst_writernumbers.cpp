// SPDX-License-Identifier: GPL-3.0-or-later
// Tests that the numbers the result writers write read back exactly: random doubles of every
// magnitude (subnormals, the largest and smallest exponents, negative zero) and integers through
// the CSV and JSON Lines writers, parsed back with std::from_chars, are bit-identical. And that
// the text does not depend on the C locale or Qt's default locale.
#include "WriterTestUtils.h"

#include <QLocale>
#include <QTemporaryDir>
#include <QTest>

#include <charconv>
#include <clocale>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string_view>

using namespace fastmap;
using namespace fastmap::test;

namespace {

std::uint64_t bitsOf(double d)
{
    std::uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    return bits;
}

double fromBits(std::uint64_t bits)
{
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
}

// Finite doubles from a fixed seed, drawn so that every kind is well represented: any bit
// pattern, subnormals, exponents at both ends, short decimals, whole numbers around 2^53, and
// the special values themselves.
std::vector<double> randomDoubles(int count)
{
    std::mt19937_64 random(20261125);
    std::vector<double> out{0.0,
                            -0.0,
                            std::numeric_limits<double>::denorm_min(),
                            -std::numeric_limits<double>::denorm_min(),
                            std::numeric_limits<double>::min(),
                            std::nextafter(std::numeric_limits<double>::min(), 0.0), // the largest subnormal
                            std::numeric_limits<double>::max(),
                            -std::numeric_limits<double>::max(),
                            std::numeric_limits<double>::epsilon(),
                            9007199254740993.0,
                            0.1,
                            1.0 / 3.0};
    const std::uint64_t sign = std::uint64_t(1) << 63;
    const std::uint64_t mantissa = (std::uint64_t(1) << 52) - 1;
    while (int(out.size()) < count) {
        const std::uint64_t bits = random();
        double d = 0;
        switch (bits % 6) {
        case 0: d = fromBits(bits); break;                       // anything
        case 1: d = fromBits((bits & (sign | mantissa))); break; // subnormal
        case 2:
            d = fromBits((bits & (sign | mantissa)) | (std::uint64_t(2046 - bits % 40) << 52));
            break; // huge
        case 3:
            d = fromBits((bits & (sign | mantissa)) | (std::uint64_t(1 + bits % 40) << 52));
            break; // tiny
        case 4:
            d = double(std::int64_t(bits >> 20) % 1000000) / std::pow(10.0, double(bits % 8));
            break;                                                                      // decimals
        case 5: d = double(std::int64_t(bits >> 9)) * ((bits & 1) ? -1.0 : 1.0); break; // large whole
        }
        if (std::isfinite(d))
            out.push_back(d);
    }
    return out;
}

// The text of field `field` on each line of a CSV file without quotes, header dropped.
std::vector<std::string_view> csvFields(const QByteArray &text, int field)
{
    std::vector<std::string_view> out;
    const std::string_view all(text.constData(), std::size_t(text.size()));
    std::size_t at = all.find("\r\n") + 2;
    while (at < all.size()) {
        const std::size_t end = all.find("\r\n", at);
        std::string_view line = all.substr(at, end - at);
        for (int f = 0; f < field; ++f)
            line.remove_prefix(line.find(',') + 1);
        out.push_back(line.substr(0, line.find(',')));
        at = end + 2;
    }
    return out;
}

// The text after `"key":` on each line of a JSON Lines file, up to the next ',' or '}'.
std::vector<std::string_view> jsonFields(const QByteArray &text, std::string_view key)
{
    std::vector<std::string_view> out;
    const std::string_view all(text.constData(), std::size_t(text.size()));
    for (std::size_t at = all.find(key); at != std::string_view::npos; at = all.find(key, at)) {
        at += key.size();
        out.push_back(all.substr(at, all.find_first_of(",}", at) - at));
    }
    return out;
}

template <typename Number> bool parseAll(std::string_view text, Number *value)
{
    const auto result = std::from_chars(text.data(), text.data() + text.size(), *value);
    return result.ec == std::errc() && result.ptr == text.data() + text.size();
}

} // namespace

class TestWriterNumbers : public QObject
{
    Q_OBJECT

private slots:
    void init() { QVERIFY(m_dir.isValid()); }

    void randomDoublesRoundTrip_data()
    {
        QTest::addColumn<bool>("json");
        QTest::newRow("csv") << false;
        QTest::newRow("jsonl") << true;
    }

    void randomDoublesRoundTrip()
    {
        QFETCH(bool, json);
        const std::vector<double> doubles = randomDoubles(200000);
        std::mt19937_64 random(7);
        std::vector<std::int64_t> integers(doubles.size());
        for (std::int64_t &i : integers)
            i = std::int64_t(random());
        integers[0] = std::numeric_limits<std::int64_t>::min();
        integers[1] = std::numeric_limits<std::int64_t>::max();

        // Several batches, prepared out of order as executor threads would.
        QList<BatchResult> results;
        const int batchRows = 30000;
        for (int first = 0; first < int(doubles.size()); first += batchRows) {
            const int rows = std::min(batchRows, int(doubles.size()) - first);
            BatchResult r;
            r.batch.sequence = results.size();
            r.batch.firstRow = first;
            r.batch.records.count = rows;
            r.output = BatchOutput({ColumnType::Float64, ColumnType::Int64}, rows);
            std::copy_n(doubles.begin() + first, rows, r.output.values().doubles(0).begin());
            std::copy_n(integers.begin() + first, rows, r.output.values().integers(1).begin());
            results << r;
        }
        const QString path = m_dir.filePath(json ? QStringLiteral("r.jsonl") : QStringLiteral("r.csv"));
        const auto writer =
            ResultWriter::create(json ? ResultFormat::JsonLines : ResultFormat::Csv, path, {});
        QString error;
        QVERIFY2(drive(*writer, results, Drive::PrepareReversed, {}, {"d", "i"}, &error), qPrintable(error));

        const QByteArray text = readFile(path);
        const std::vector<std::string_view> d = json ? jsonFields(text, "\"d\":") : csvFields(text, 0);
        const std::vector<std::string_view> i = json ? jsonFields(text, "\"i\":") : csvFields(text, 1);
        QCOMPARE(d.size(), doubles.size());
        QCOMPARE(i.size(), integers.size());
        int subnormals = 0;
        for (std::size_t row = 0; row < doubles.size(); ++row) {
            double parsed = 0;
            std::int64_t parsedInteger = 0;
            const std::string field(d[row]);
            QVERIFY2(parseAll(d[row], &parsed), field.c_str());
            QVERIFY2(bitsOf(parsed) == bitsOf(doubles[row]), field.c_str());
            QVERIFY2(parseAll(i[row], &parsedInteger), std::string(i[row]).c_str());
            QCOMPARE(parsedInteger, integers[row]);
            subnormals += std::fpclassify(doubles[row]) == FP_SUBNORMAL;
        }
        QVERIFY(subnormals > 10000); // the generator really covers them
    }

    // Qt's default locale is what QString::number and QLocale::toString use; it must not matter.
    void qtLocaleDoesNotMatter()
    {
        const QLocale before;
        QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        QCOMPARE(QLocale().toString(0.5),
                 QStringLiteral("0,5")); // the test would notice a locale-aware writer
        const QByteArray csv = writeSample(ResultFormat::Csv);
        const QByteArray jsonl = writeSample(ResultFormat::JsonLines);
        QLocale::setDefault(before);
        QCOMPARE(csv, sampleCsv);
        QCOMPARE(jsonl, sampleJsonl);
    }

    // The C locale is what printf, strtod and iostreams use.
    void cLocaleDoesNotMatter()
    {
        const std::string before = std::setlocale(LC_ALL, nullptr);
        if (!std::setlocale(LC_ALL, "de_DE.UTF-8"))
            QSKIP("the de_DE.UTF-8 locale is not installed (see locale -a), so a comma-decimal C locale "
                  "cannot be set");
        char printed[16];
        std::snprintf(printed, sizeof printed, "%.1f", 0.5);
        const QByteArray csv = writeSample(ResultFormat::Csv);
        const QByteArray jsonl = writeSample(ResultFormat::JsonLines);
        std::setlocale(LC_ALL, before.c_str());
        QCOMPARE(QByteArray(printed), QByteArray("0,5")); // the locale really is in effect
        QCOMPARE(csv, sampleCsv);
        QCOMPARE(jsonl, sampleJsonl);
    }

private:
    // Numbers a locale would spell differently: decimal commas, digit grouping, exponents.
    QByteArray writeSample(ResultFormat format)
    {
        const QString path =
            m_dir.filePath(format == ResultFormat::Csv ? QStringLiteral("l.csv") : QStringLiteral("l.jsonl"));
        const auto writer = ResultWriter::create(format, path, ResultWriterOptions{true});
        QString error;
        const BatchResult r =
            makeResult(0, 0, {{"1,5"}, {"x"}}, {ColumnType::Float64, ColumnType::Int64, ColumnType::Bool},
                       {{1234567.25, qint64(-1234567), true}, {-1.5e-300, qint64(1000), false}});
        if (!drive(*writer, {r}, Drive::PrepareInOrder, {"in"}, {"d", "i", "b"}, &error))
            return error.toUtf8();
        return readFile(path);
    }

    const QByteArray sampleCsv = "in,d,i,b,error\r\n"
                                 "\"1,5\",1234567.25,-1234567,true,\r\n"
                                 "x,-1.5e-300,1000,false,\r\n";
    const QByteArray sampleJsonl =
        "{\"in\":\"1,5\",\"d\":1234567.25,\"i\":-1234567,\"b\":true,\"error\":null}\n"
        "{\"in\":\"x\",\"d\":-1.5e-300,\"i\":1000,\"b\":false,\"error\":null}\n";
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestWriterNumbers)
#include "tst_writernumbers.moc"
