// SPDX-License-Identifier: GPL-3.0-or-later
// Properties of the conversions as a whole: exact round trips, independence from the C and Qt
// locales, and one parser shared by many threads.
#include "ReaderTestUtil.h"

#include "dataset/CsvReader.h"
#include "dataset/JsonLinesReader.h"
#include "dataset/NumberParsing.h"

#include <QLocale>
#include <QProcess>
#include <QTest>

#include <charconv>
#include <clocale>
#include <cmath>
#include <cstring>
#include <random>
#include <thread>

using namespace fastmap;
using namespace fastmap::test;
using number::Parse;

namespace {

std::uint64_t bitsOf(double d)
{
    std::uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    return bits;
}

std::string shortest(double d)
{
    char text[64];
    const char *end = std::to_chars(text, text + sizeof text, d).ptr;
    return std::string(text, std::size_t(end - text));
}

// Random finite doubles over the whole range: random bit patterns, NaN and infinities skipped.
std::vector<double> randomDoubles(std::size_t count, std::uint64_t seed)
{
    std::mt19937_64 random(seed);
    std::vector<double> values;
    while (values.size() < count) {
        const std::uint64_t bits = random();
        double d;
        std::memcpy(&d, &bits, sizeof d);
        if (std::isfinite(d))
            values.push_back(d);
    }
    return values;
}

bool sameTables(const Table &a, const Table &b)
{
    if (a.types() != b.types() || a.rowCount() != b.rowCount())
        return false;
    for (int r = 0; r < a.rowCount(); ++r) {
        for (int c = 0; c < a.columnCount(); ++c) {
            if (a.value(r, c) != b.value(r, c) || a.isNull(c, r) != b.isNull(c, r))
                return false;
        }
    }
    return true;
}

// Sets LC_ALL to German (decimal comma) for the life of the object: from the system's locales,
// or compiled into a temporary directory with localedef when the system has none.
class GermanLocale
{
public:
    GermanLocale()
    {
        m_previous = std::setlocale(LC_ALL, nullptr);
        if (std::setlocale(LC_ALL, "de_DE.UTF-8"))
            return;
        if (!m_dir.isValid())
            return;
        QProcess localedef;
        localedef.start(QStringLiteral("localedef"),
                        {QStringLiteral("-i"), QStringLiteral("de_DE"), QStringLiteral("-f"),
                         QStringLiteral("UTF-8"), m_dir.filePath(QStringLiteral("de_DE.UTF-8"))});
        if (!localedef.waitForFinished(60000) || localedef.exitStatus() != QProcess::NormalExit)
            return;
        qputenv("LOCPATH", QFile::encodeName(m_dir.path()));
        std::setlocale(LC_ALL, "de_DE.UTF-8");
    }
    ~GermanLocale()
    {
        std::setlocale(LC_ALL, m_previous.c_str());
        qunsetenv("LOCPATH");
        QLocale::setDefault(QLocale::c());
    }
    // True when the C library really reads numbers with a decimal comma now.
    bool active() const
    {
        return std::strcmp(std::localeconv()->decimal_point, ",") == 0 && std::strtod("1,5", nullptr) == 1.5;
    }

private:
    std::string m_previous;
    QTemporaryDir m_dir;
};

} // namespace

class TestConversionProperties : public QObject
{
    Q_OBJECT

private slots:
    void doublesRoundTrip();
    void doublesRoundTripThroughCsv();
    void integersRoundTrip();
    void localeIndependence();
    void parserFromManyThreads();

private:
    QTemporaryDir m_dir;
};

void TestConversionProperties::doublesRoundTrip()
{
    // Shortest to_chars output reads back bit for bit, and so does a 17-digit form.
    const std::vector<double> values = randomDoubles(200000, 20261202);
    for (const double d : values) {
        for (int form = 0; form < 2; ++form) {
            char text[64];
            const char *end =
                form == 0 ? std::to_chars(text, text + sizeof text, d).ptr
                          : std::to_chars(text, text + sizeof text, d, std::chars_format::general, 17).ptr;
            double back = 0;
            const std::string_view view(text, std::size_t(end - text));
            if (number::toDouble(view, &back) != Parse::Ok || bitsOf(back) != bitsOf(d))
                QFAIL(qPrintable(
                    QStringLiteral("%1 did not read back").arg(QLatin1String(view.data(), view.size()))));
        }
    }
    // Specials, and integers near 2^53.
    for (const double d : {0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
                           9007199254740991.0, 9007199254740992.0, 0.1, 1.0 / 3.0}) {
        double back = 1;
        QCOMPARE(number::toDouble(shortest(d), &back), Parse::Ok);
        QCOMPARE(bitsOf(back), bitsOf(d));
    }
    double nan = 0;
    QCOMPARE(number::toDouble(shortest(std::nan("")), &nan), Parse::Ok);
    QVERIFY(std::isnan(nan));
}

void TestConversionProperties::doublesRoundTripThroughCsv()
{
    // The same through the reader and the parser, at a small chunk size.
    const std::vector<double> values = randomDoubles(20000, 7);
    QByteArray content = "x,q\n";
    for (const double d : values) {
        const std::string text = shortest(d);
        content += QByteArray(text.data(), qsizetype(text.size())) + ",\"" +
                   QByteArray(text.data(), qsizetype(text.size())) + "\"\n";
    }
    CsvReader reader(writeFile(m_dir, "doubles.csv", content), withChunk(1000));
    QVERIFY(reader.open());
    const std::shared_ptr<const RecordParser> parser = reader.parser();
    std::size_t next = 0;
    RecordBlock block;
    for (int got; (got = reader.readRecords(block, 4096)) > 0;) {
        Table table;
        BatchOutput failures({}, got);
        InputError error;
        QCOMPARE(parser->parse(block, {{0, ColumnType::Float64, "x"}, {1, ColumnType::Float64, "q"}}, &table,
                               &failures, &error),
                 got);
        QVERIFY(!failures.hasFailures());
        for (int r = 0; r < got; ++r, ++next) {
            QCOMPARE(bitsOf(table.doubles(0)[std::size_t(r)]), bitsOf(values[next]));
            QCOMPARE(bitsOf(table.doubles(1)[std::size_t(r)]), bitsOf(values[next]));
        }
    }
    QCOMPARE(next, values.size());
}

void TestConversionProperties::integersRoundTrip()
{
    std::mt19937_64 random(42);
    for (int i = 0; i < 200000; ++i) {
        // Every magnitude: shift the random bits by a random amount.
        const auto value = std::int64_t(random() >> (random() % 64));
        for (const std::int64_t v : {value, -value}) {
            char text[32];
            const char *end = std::to_chars(text, text + sizeof text, v).ptr;
            std::int64_t back = v + 1;
            if (number::toInt64(std::string_view(text, std::size_t(end - text)), &back) != Parse::Ok ||
                back != v)
                QFAIL(qPrintable(QStringLiteral("%1 did not read back").arg(v)));
        }
    }
}

void TestConversionProperties::localeIndependence()
{
    GermanLocale german;
    if (!german.active())
        QSKIP("no de_DE.UTF-8 locale: the system has none and localedef could not build one");
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    QCOMPARE(QLocale().decimalPoint(), QStringLiteral(","));

    double d = 0;
    QCOMPARE(number::toDouble("1.5", &d), Parse::Ok);
    QCOMPARE(d, 1.5);
    QCOMPARE(number::toDouble("1,5", &d), Parse::Invalid); // a comma never separates decimals
    QCOMPARE(number::toDouble("-2.5e-3", &d), Parse::Ok);
    QCOMPARE(d, -2.5e-3);
    std::int64_t i = 0;
    QCOMPARE(number::toInt64("1.000", &i), Parse::Ok); // 1, not a thousand
    QCOMPARE(i, 1);
    QCOMPARE(number::toInt64("1.234.567", &i), Parse::Invalid);
    for (const double value : randomDoubles(20000, 99)) {
        double back = 0;
        if (number::toDouble(shortest(value), &back) != Parse::Ok || bitsOf(back) != bitsOf(value))
            QFAIL("a double did not read back under de_DE");
    }

    // And through a reader and its parser, messages included.
    CsvReader reader(writeFile(m_dir, "german.csv", "x;y\n1.5;2,5\n"));
    QVERIFY(reader.open());
    QCOMPARE(reader.delimiter(), ';');
    const ParseResult result = parseAll(reader, {{0, ColumnType::Float64, "x"}});
    QCOMPARE(result.rows, Rows({{1.5}}));
    CsvReader comma(writeFile(m_dir, "german.csv", "x;y\n1.5;2,5\n"));
    QVERIFY(comma.open());
    QCOMPARE(parseAll(comma, {{1, ColumnType::Float64, "y"}}).rows,
             Rows({{QStringLiteral("input 'y' is not a number: '2,5'")}}));
}

void TestConversionProperties::parserFromManyThreads()
{
    // One parser, one block, many threads at once: every result equals the serial one.
    QByteArray csv = "n,x,t,b\n";
    QByteArray jsonl;
    std::mt19937_64 random(1);
    for (int i = 0; i < 5000; ++i) {
        const QByteArray n = QByteArray::number(qint64(random() >> 20) - (qint64(1) << 43));
        const QByteArray x = QByteArray::fromStdString(shortest(double(random() % 100000) / 7.0));
        const QByteArray t = i % 3 == 0 ? QByteArray("\"q\"\"uoted, " + n + "\"") : QByteArray("plain" + n);
        const QByteArray b = i % 11 == 0 ? QByteArray("oops") : QByteArray(i % 2 ? "true" : "0");
        csv += n + "," + x + "," + t + "," + (i % 13 == 0 ? QByteArray() : b) + "\n";
        jsonl += "{\"n\": " + n + ", \"x\": \"" + x + "\", \"t\": \"caf\\u00e9 " + n +
                 "\", \"b\": " + (i % 13 == 0 ? QByteArray("null") : QByteArray(i % 2 ? "true" : "false")) +
                 "}\n";
    }
    CsvReader csvReader(writeFile(m_dir, "threads.csv", csv));
    JsonLinesReader jsonReader(writeFile(m_dir, "threads.jsonl", jsonl));
    QVERIFY(csvReader.open());
    QVERIFY(jsonReader.open());
    const std::vector<FieldTarget> targets = {{0, ColumnType::Int64, "n"},
                                              {1, ColumnType::Float64, "x"},
                                              {2, ColumnType::Text, "t"},
                                              {3, ColumnType::Bool, "b"},
                                              {0, ColumnType::Text, "nt"}};
    for (DatasetReader *reader :
         {static_cast<DatasetReader *>(&csvReader), static_cast<DatasetReader *>(&jsonReader)}) {
        RecordBlock block;
        QCOMPARE(reader->readRecords(block, 10000), 5000);
        const std::shared_ptr<const RecordParser> parser = reader->parser();
        Table expected;
        BatchOutput expectedFailures({}, block.count);
        InputError error;
        QCOMPARE(parser->parse(block, targets, &expected, &expectedFailures, &error), 5000);
        QVERIFY(expectedFailures.hasFailures()); // the bad booleans and the nulls

        constexpr int kThreads = 4;
        std::vector<int> mismatches(kThreads, 0);
        std::vector<std::thread> threads;
        for (int k = 0; k < kThreads; ++k) {
            threads.emplace_back([&, k] {
                for (int round = 0; round < 10; ++round) {
                    Table table;
                    BatchOutput failures({}, block.count);
                    InputError threadError;
                    const int good = parser->parse(block, targets, &table, &failures, &threadError);
                    bool same = good == 5000 && sameTables(table, expected) &&
                                failures.failedCount() == expectedFailures.failedCount();
                    for (int r = 0; same && r < block.count; ++r)
                        same = failures.error(r) == expectedFailures.error(r);
                    mismatches[std::size_t(k)] += same ? 0 : 1;
                }
            });
        }
        for (std::thread &t : threads)
            t.join();
        QCOMPARE(mismatches, std::vector<int>(kThreads, 0));
    }
}

QTEST_GUILESS_MAIN(TestConversionProperties)
#include "tst_conversionproperties.moc"
