// SPDX-License-Identifier: GPL-3.0-or-later
#include "ReaderTestUtil.h"

#include "dataset/NumberParsing.h"
#include "dataset/ValueConversion.h"

#include <QTest>

#include <cstring>
#include <limits>

using namespace fastmap;
using namespace fastmap::test;
using number::Parse;

Q_DECLARE_METATYPE(fastmap::number::Parse)

namespace {

std::uint64_t bitsOf(double d)
{
    std::uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    return bits;
}

} // namespace

class TestValueConversion : public QObject
{
    Q_OBJECT

private slots:
    void doubles_data();
    void doubles();
    void integers_data();
    void integers();
    void booleans_data();
    void booleans();
    void messages();
    void storeByType();
    void longValuesAreCut();

private:
    QTemporaryDir m_dir;
};

// NaN and infinities: a Float64 input takes "nan", "inf" and "infinity" in any case, with an
// optional sign, as IEEE NaN and infinities (QString::toDouble did too, and math.sqrt documents
// "NaN gives NaN"). JSON has no such literal, so there they come only as strings. Integer and
// boolean inputs refuse them.
void TestValueConversion::doubles_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<Parse>("result");
    QTest::addColumn<double>("value");
    const double inf = std::numeric_limits<double>::infinity();
    QTest::newRow("plain") << QByteArray("1.5") << Parse::Ok << 1.5;
    QTest::newRow("spaces") << QByteArray(" \t1.5\r\n ") << Parse::Ok << 1.5;
    QTest::newRow("plus") << QByteArray("+1") << Parse::Ok << 1.0;
    QTest::newRow("minus") << QByteArray("-2.25") << Parse::Ok << -2.25;
    QTest::newRow("exponent") << QByteArray("1e5") << Parse::Ok << 1e5;
    QTest::newRow("upper exponent") << QByteArray("-1.5E-3") << Parse::Ok << -1.5e-3;
    QTest::newRow("exponent with plus") << QByteArray("2e+2") << Parse::Ok << 200.0;
    QTest::newRow("leading point") << QByteArray(".5") << Parse::Ok << 0.5;
    QTest::newRow("trailing point") << QByteArray("5.") << Parse::Ok << 5.0;
    QTest::newRow("leading zeros") << QByteArray("007.5") << Parse::Ok << 7.5;
    QTest::newRow("integer") << QByteArray("9007199254740993") << Parse::Ok << 9007199254740992.0;
    QTest::newRow("largest") << QByteArray("1.7976931348623157e308") << Parse::Ok << 1.7976931348623157e308;
    QTest::newRow("denormal") << QByteArray("4.9e-324") << Parse::Ok << 4.9e-324;
    QTest::newRow("underflow is zero") << QByteArray("1e-400") << Parse::Ok << 0.0;
    QTest::newRow("long underflow is zero")
        << QByteArray("0.000001e-99999999999999999999") << Parse::Ok << 0.0;
    QTest::newRow("inf") << QByteArray("inf") << Parse::Ok << inf;
    QTest::newRow("+INF") << QByteArray("+INF") << Parse::Ok << inf;
    QTest::newRow("-Infinity") << QByteArray("-Infinity") << Parse::Ok << -inf;
    QTest::newRow("overflow") << QByteArray("1e400") << Parse::OutOfRange << 0.0;
    QTest::newRow("negative overflow") << QByteArray("-1.8e308") << Parse::OutOfRange << 0.0;
    QTest::newRow("huge exponent") << QByteArray("1e99999999999999999999") << Parse::OutOfRange << 0.0;
    for (const char *bad :
         {"",  "   ", "abc", "1,5",   "1 000", "0x10", "1e",       "1e+",  "+-1",  "++1",  "--1",
          "-", "+",   ".",   "1.2.3", "1_000", "e5",   "\xD9\xA3", "true", "1.5x", "nanx", "infinit"})
        QTest::newRow(qPrintable(QStringLiteral("invalid '%1'").arg(QString::fromUtf8(bad))))
            << QByteArray(bad) << Parse::Invalid << 0.0;
}

void TestValueConversion::doubles()
{
    QFETCH(QByteArray, text);
    QFETCH(Parse, result);
    QFETCH(double, value);
    double d = -7;
    QCOMPARE(number::toDouble(std::string_view(text.constData(), std::size_t(text.size())), &d), result);
    if (result == Parse::Ok)
        QCOMPARE(bitsOf(d), bitsOf(value));
    else
        QCOMPARE(d, -7.0); // untouched
}

void TestValueConversion::integers_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<Parse>("result");
    QTest::addColumn<qint64>("value");
    const qint64 max = std::numeric_limits<qint64>::max();
    const qint64 min = std::numeric_limits<qint64>::min();
    QTest::newRow("plain") << QByteArray("42") << Parse::Ok << 42LL;
    QTest::newRow("spaces") << QByteArray("  -7 \t") << Parse::Ok << -7LL;
    QTest::newRow("plus") << QByteArray("+7") << Parse::Ok << 7LL;
    QTest::newRow("leading zeros") << QByteArray("-0012") << Parse::Ok << -12LL;
    QTest::newRow("max") << QByteArray("9223372036854775807") << Parse::Ok << max;
    QTest::newRow("min") << QByteArray("-9223372036854775808") << Parse::Ok << min;
    QTest::newRow("whole decimal") << QByteArray("3.0") << Parse::Ok << 3LL;
    QTest::newRow("trailing point") << QByteArray("3.") << Parse::Ok << 3LL;
    QTest::newRow("negative zero") << QByteArray("-0.0") << Parse::Ok << 0LL;
    QTest::newRow("exponent") << QByteArray("1e3") << Parse::Ok << 1000LL;
    QTest::newRow("fraction and exponent") << QByteArray("2.50E1") << Parse::Ok << 25LL;
    QTest::newRow("negative exponent") << QByteArray("1200e-2") << Parse::Ok << 12LL;
    QTest::newRow("exact past 2^53") << QByteArray("9007199254740993.0") << Parse::Ok << 9007199254740993LL;
    QTest::newRow("max in exponent form") << QByteArray("9.223372036854775807e18") << Parse::Ok << max;
    QTest::newRow("min in exponent form") << QByteArray("-9.223372036854775808e18") << Parse::Ok << min;
    QTest::newRow("zero with any exponent") << QByteArray("0e99999") << Parse::Ok << 0LL;
    QTest::newRow("overflow") << QByteArray("9223372036854775808") << Parse::OutOfRange << 0LL;
    QTest::newRow("negative overflow") << QByteArray("-9223372036854775809") << Parse::OutOfRange << 0LL;
    QTest::newRow("20 digits") << QByteArray("99999999999999999999") << Parse::OutOfRange << 0LL;
    QTest::newRow("1e19") << QByteArray("1e19") << Parse::OutOfRange << 0LL;
    QTest::newRow("1.5e19") << QByteArray("1.5e19") << Parse::OutOfRange << 0LL;
    QTest::newRow("decimal overflow") << QByteArray("9223372036854775808.0") << Parse::OutOfRange << 0LL;
    for (const char *bad : {"",    " ",   "1.5", "0.5", "-0.1",  "1e-3",  "4503599627370496.5",
                            "nan", "inf", "0x1", "abc", "1,000", "1 000", "+-1",
                            "--1", "-",   ".",   "e3",  "1e",    "1e1.5", "12abc",
                            "true"})
        QTest::newRow(qPrintable(QStringLiteral("invalid '%1'").arg(QLatin1String(bad))))
            << QByteArray(bad) << Parse::Invalid << 0LL;
}

void TestValueConversion::integers()
{
    QFETCH(QByteArray, text);
    QFETCH(Parse, result);
    QFETCH(qint64, value);
    std::int64_t i = -7;
    QCOMPARE(number::toInt64(std::string_view(text.constData(), std::size_t(text.size())), &i), result);
    QCOMPARE(i, result == Parse::Ok ? value : -7);
}

void TestValueConversion::booleans_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<bool>("value");
    QTest::newRow("true") << QByteArray("true") << true << true;
    QTest::newRow("TRUE") << QByteArray("TRUE") << true << true;
    QTest::newRow("True spaced") << QByteArray(" True ") << true << true;
    QTest::newRow("false") << QByteArray("false") << true << false;
    QTest::newRow("FaLsE") << QByteArray("FaLsE") << true << false;
    QTest::newRow("1") << QByteArray("1") << true << true;
    QTest::newRow("0") << QByteArray("0") << true << false;
    for (const char *bad : {"", "yes", "no", "t", "f", "2", "01", "1.0", "-1", "truee", "fals", "on"})
        QTest::newRow(qPrintable(QStringLiteral("invalid '%1'").arg(QLatin1String(bad))))
            << QByteArray(bad) << false << false;
}

void TestValueConversion::booleans()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, ok);
    QFETCH(bool, value);
    bool b = false;
    QCOMPARE(number::toBool(std::string_view(text.constData(), std::size_t(text.size())), &b), ok);
    if (ok)
        QCOMPARE(b, value);
}

void TestValueConversion::messages()
{
    using namespace conversion;
    QCOMPARE(emptyMessage("x"), QStringLiteral("input 'x' is empty"));
    QCOMPARE(invalidMessage("x", ColumnType::Float64, "abc"),
             QStringLiteral("input 'x' is not a number: 'abc'"));
    QCOMPARE(invalidMessage("n", ColumnType::Int64, "1.5"),
             QStringLiteral("input 'n' is not an integer: '1.5'"));
    QCOMPARE(invalidMessage("b", ColumnType::Bool, "yes"),
             QStringLiteral("input 'b' is not a boolean: 'yes'"));
    QCOMPARE(outOfRangeMessage("n", ColumnType::Int64, "1e19"),
             QStringLiteral("input 'n' is out of the 64-bit integer range: '1e19'"));
    QCOMPARE(outOfRangeMessage("x", ColumnType::Float64, "1e400"),
             QStringLiteral("input 'x' is out of the range of a double: '1e400'"));
}

void TestValueConversion::storeByType()
{
    const std::vector<FieldTarget> targets = {{0, ColumnType::Float64, "f"},
                                              {0, ColumnType::Int64, "i"},
                                              {0, ColumnType::Bool, "b"},
                                              {0, ColumnType::Text, "t"}};
    Table table;
    prepareOutput(&table, targets, 4, QByteArray("shared"));
    QCOMPARE(table.buffer(), QByteArray("shared"));
    BatchOutput failures({}, 4);
    conversion::storeValue(table, 0, 0, targets[0], " 2.5 ", &failures);
    conversion::storeValue(table, 1, 0, targets[1], "-3", &failures);
    conversion::storeValue(table, 2, 0, targets[2], "TRUE", &failures);
    QVERIFY(!failures.failed(0));
    QCOMPARE(table.doubles(0)[0], 2.5);
    QCOMPARE(table.integers(1)[0], -3);
    QCOMPARE(table.bools(2)[0], 1);

    // A null fails every type but text, whose cell is a null.
    for (int c = 0; c < 4; ++c)
        conversion::storeNull(table, c, 1, targets[std::size_t(c)], &failures);
    QCOMPARE(failures.error(1), QStringLiteral("input 'f' is empty")); // the first message stays
    for (int c = 0; c < 4; ++c)
        QVERIFY(table.isNull(c, 1));
    BatchOutput textOnly({}, 4);
    conversion::storeNull(table, 3, 1, targets[3], &textOnly);
    QVERIFY(!textOnly.hasFailures());

    // Bad values fail their element and leave 0.
    BatchOutput bad({}, 4);
    conversion::storeValue(table, 1, 2, targets[1], "12abc", &bad);
    QCOMPARE(bad.error(2), QStringLiteral("input 'i' is not an integer: '12abc'"));
    QCOMPARE(table.integers(1)[2], 0);
    QVERIFY(!table.isNull(1, 2));
    conversion::storeValue(table, 2, 3, targets[2], "maybe", &bad);
    QCOMPARE(bad.error(3), QStringLiteral("input 'b' is not a boolean: 'maybe'"));
    QCOMPARE(bad.failedCount(), 2);

    // JSON booleans into numbers are 1 and 0.
    conversion::storeBoolean(table, 0, 2, true);
    conversion::storeBoolean(table, 1, 3, true);
    conversion::storeBoolean(table, 2, 3, false);
    QCOMPARE(table.doubles(0)[2], 1.0);
    QCOMPARE(table.integers(1)[3], 1);
    QCOMPARE(table.bools(2)[3], 0);

    // Without a failures table nothing is reported, and nothing breaks.
    conversion::storeValue(table, 0, 3, targets[0], "x", nullptr);
    conversion::storeNull(table, 0, 3, targets[0], nullptr);
}

void TestValueConversion::longValuesAreCut()
{
    // 80 characters, never half of one.
    const std::string value = std::string(79, 'a') + "\xC3\xA9\xC3\xA9" + std::string(20, 'b');
    const QString shown = conversion::shownValue(value);
    QCOMPARE(shown.size(), 80);
    QVERIFY(shown.endsWith(QChar(0xE9)));
    QCOMPARE(conversion::invalidMessage("x", ColumnType::Float64, value),
             QStringLiteral("input 'x' is not a number: '%1'").arg(shown));
    QCOMPARE(conversion::shownValue("short"), QStringLiteral("short"));
}

QTEST_GUILESS_MAIN(TestValueConversion)
#include "tst_valueconversion.moc"
