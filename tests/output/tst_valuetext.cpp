// SPDX-License-Identifier: GPL-3.0-or-later
// Tests ValueText, the conversion of result values to CSV and JSON text: shortest round-trip
// numbers, RFC 4180 quoting, JSON escaping of control characters, UTF-8 passthrough, null, bool.
#include "output/ValueText.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>
#include <limits>

using namespace fastmap;

namespace {

QByteArray plain(const QVariant &v)
{
    QByteArray out;
    ValueText::appendPlain(out, v);
    return out;
}

QByteArray csv(const QVariant &v)
{
    QByteArray out;
    ValueText::appendCsv(out, v);
    return out;
}

QByteArray json(const QVariant &v)
{
    QByteArray out;
    ValueText::appendJson(out, v);
    return out;
}

QByteArray jsonString(const QString &s)
{
    QByteArray out;
    ValueText::appendJsonString(out, s);
    return out;
}

// Parses `text` as a JSON value by wrapping it in an array.
QJsonValue parseJsonValue(const QByteArray &text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson("[" + text + "]", &error);
    if (error.error != QJsonParseError::NoError)
        return QJsonValue::Undefined;
    return doc.array().at(0);
}

constexpr double qnan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

} // namespace

class TestValueText : public QObject
{
    Q_OBJECT

private slots:
    void numbers_data()
    {
        QTest::addColumn<QVariant>("value");
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("0.1") << QVariant(0.1) << QByteArray("0.1");
        QTest::newRow("0.1+0.2") << QVariant(0.1 + 0.2) << QByteArray("0.30000000000000004");
        QTest::newRow("1/3") << QVariant(1.0 / 3.0) << QByteArray("0.3333333333333333");
        QTest::newRow("whole double") << QVariant(3.0) << QByteArray("3");
        QTest::newRow("negative zero") << QVariant(-0.0) << QByteArray("-0");
        QTest::newRow("1e300") << QVariant(1e300) << QByteArray("1e+300");
        QTest::newRow("1e-7") << QVariant(1e-7) << QByteArray("1e-07");
        QTest::newRow("large whole") << QVariant(123456789012.0) << QByteArray("123456789012");
        QTest::newRow("2^53") << QVariant(9007199254740992.0) << QByteArray("9007199254740992");
        QTest::newRow("max double") << QVariant(std::numeric_limits<double>::max())
                                    << QByteArray("1.7976931348623157e+308");
        QTest::newRow("denormal min")
            << QVariant(std::numeric_limits<double>::denorm_min()) << QByteArray("5e-324");
        QTest::newRow("float 0.1") << QVariant(0.1f) << QByteArray("0.1");
        QTest::newRow("float 1/3") << QVariant(1.0f / 3.0f) << QByteArray("0.33333334");
        QTest::newRow("int") << QVariant(int(-42)) << QByteArray("-42");
        QTest::newRow("qint64 min") << QVariant(std::numeric_limits<qint64>::min())
                                    << QByteArray("-9223372036854775808");
        QTest::newRow("qint64 max") << QVariant(std::numeric_limits<qint64>::max())
                                    << QByteArray("9223372036854775807");
        QTest::newRow("uint max") << QVariant(std::numeric_limits<uint>::max()) << QByteArray("4294967295");
        QTest::newRow("quint64 max") << QVariant(std::numeric_limits<quint64>::max())
                                     << QByteArray("18446744073709551615");
    }

    // Numbers are written the same way in plain text, CSV and JSON.
    void numbers()
    {
        QFETCH(QVariant, value);
        QFETCH(QByteArray, text);
        QCOMPARE(plain(value), text);
        QCOMPARE(csv(value), text);
        QCOMPARE(json(value), text);
        // ... and the text reads back as the same number.
        if (value.typeId() == QMetaType::Double) {
            QCOMPARE(text.toDouble(), value.toDouble());
            QCOMPARE(parseJsonValue(json(value)).toDouble(), value.toDouble());
        }
        if (value.typeId() == QMetaType::Float)
            QCOMPARE(text.toFloat(), value.toFloat());
    }

    void nonFiniteNumbers()
    {
        // JSON has no NaN or infinity.
        QCOMPARE(json(qnan), QByteArray("null"));
        QCOMPARE(json(inf), QByteArray("null"));
        QCOMPARE(json(-inf), QByteArray("null"));
        QCOMPARE(json(QVariant(std::numeric_limits<float>::quiet_NaN())), QByteArray("null"));
        // CSV and plain text spell them as most readers (pandas, R, Python's float()) accept.
        QCOMPARE(csv(qnan), QByteArray("nan"));
        QCOMPARE(csv(inf), QByteArray("inf"));
        QCOMPARE(csv(-inf), QByteArray("-inf"));
        QCOMPARE(plain(inf), QByteArray("inf"));
    }

    void boolAndNull()
    {
        QCOMPARE(plain(true), QByteArray("true"));
        QCOMPARE(plain(false), QByteArray("false"));
        QCOMPARE(csv(true), QByteArray("true"));
        QCOMPARE(json(true), QByteArray("true"));
        QCOMPARE(json(false), QByteArray("false"));
        QCOMPARE(parseJsonValue(json(true)), QJsonValue(true));

        QCOMPARE(plain(QVariant()), QByteArray());
        QCOMPARE(csv(QVariant()), QByteArray());
        QCOMPARE(json(QVariant()), QByteArray("null"));
        QCOMPARE(plain(QVariant::fromValue(nullptr)), QByteArray());
        QCOMPARE(csv(QVariant::fromValue(nullptr)), QByteArray());
        QCOMPARE(json(QVariant::fromValue(nullptr)), QByteArray("null"));
        // An empty string is a value, not a null.
        QCOMPARE(json(QString()), QByteArray("\"\""));
        QCOMPARE(json(QStringLiteral("")), QByteArray("\"\""));
    }

    void csvQuoting_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("plain") << "abc" << QByteArray("abc");
        QTest::newRow("empty") << "" << QByteArray("");
        QTest::newRow("inner space") << "a b" << QByteArray("a b");
        QTest::newRow("comma") << "a,b" << QByteArray("\"a,b\"");
        QTest::newRow("quote") << "say \"hi\"" << QByteArray("\"say \"\"hi\"\"\"");
        QTest::newRow("only a quote") << "\"" << QByteArray("\"\"\"\"");
        QTest::newRow("newline") << "line1\nline2" << QByteArray("\"line1\nline2\"");
        QTest::newRow("CRLF") << "a\r\nb" << QByteArray("\"a\r\nb\"");
        QTest::newRow("lone CR") << "a\rb" << QByteArray("\"a\rb\"");
        QTest::newRow("semicolon") << "a;b" << QByteArray("\"a;b\"");
        QTest::newRow("tab") << "a\tb" << QByteArray("\"a\tb\"");
        QTest::newRow("leading space") << " a" << QByteArray("\" a\"");
        QTest::newRow("trailing space") << "a " << QByteArray("\"a \"");
        QTest::newRow("unicode") << QString::fromUtf8("é漢😀") << QByteArray("é漢😀");
        QTest::newRow("unicode with comma") << QString::fromUtf8("ü,ß") << QByteArray("\"ü,ß\"");
    }

    void csvQuoting()
    {
        QFETCH(QString, value);
        QFETCH(QByteArray, text);
        QCOMPARE(csv(value), text);
        QByteArray direct;
        ValueText::appendCsvText(direct, value.toUtf8());
        QCOMPARE(direct, text);
        // A string that looks like a number stays as typed.
        QCOMPARE(csv(QStringLiteral("0.10")), QByteArray("0.10"));
    }

    void csvByteArrayIsUtf8Text()
    {
        QCOMPARE(csv(QByteArray("x,y")), QByteArray("\"x,y\""));
        QCOMPARE(csv(QByteArray("\xc3\xa9")), QByteArray("\xc3\xa9"));
    }

    void appendsWithoutClearing()
    {
        QByteArray out("head:");
        ValueText::appendCsv(out, 1.5);
        out.append(',');
        ValueText::appendJson(out, QStringLiteral("x"));
        QCOMPARE(out, QByteArray("head:1.5,\"x\""));
    }

    void jsonStrings_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("plain") << "abc" << QByteArray("\"abc\"");
        QTest::newRow("quote") << "a\"b" << QByteArray("\"a\\\"b\"");
        QTest::newRow("backslash") << "a\\b" << QByteArray("\"a\\\\b\"");
        QTest::newRow("newline") << "a\nb" << QByteArray("\"a\\nb\"");
        QTest::newRow("CR") << "a\rb" << QByteArray("\"a\\rb\"");
        QTest::newRow("tab") << "a\tb" << QByteArray("\"a\\tb\"");
        QTest::newRow("NUL") << QString(QChar(0)) << QByteArray("\"\\u0000\"");
        QTest::newRow("SOH") << "\x01" << QByteArray("\"\\u0001\"");
        QTest::newRow("backspace") << "\b" << QByteArray("\"\\u0008\"");
        QTest::newRow("form feed") << "\f" << QByteArray("\"\\u000c\"");
        QTest::newRow("ESC") << "\x1b[0m" << QByteArray("\"\\u001b[0m\"");
        QTest::newRow("unit separator") << "\x1f" << QByteArray("\"\\u001f\"");
        QTest::newRow("space is not escaped") << " " << QByteArray("\" \"");
        QTest::newRow("DEL passes") << "\x7f" << QByteArray("\"\x7f\"");
        QTest::newRow("slash passes") << "a/b" << QByteArray("\"a/b\"");
        QTest::newRow("latin1") << QString::fromUtf8("café") << QByteArray("\"café\"");
        QTest::newRow("CJK") << QString::fromUtf8("漢字") << QByteArray("\"漢字\"");
        QTest::newRow("astral") << QString::fromUtf8("😀") << QByteArray("\"\xf0\x9f\x98\x80\"");
        QTest::newRow("U+2028") << QString(QChar(0x2028)) << QByteArray("\"\xe2\x80\xa8\"");
    }

    void jsonStrings()
    {
        QFETCH(QString, value);
        QFETCH(QByteArray, text);
        QCOMPARE(jsonString(value), text);
        QCOMPARE(json(value), text);
        const QJsonValue parsed = parseJsonValue(text);
        QVERIFY2(parsed.isString(), text.constData());
        QCOMPARE(parsed.toString(), value);
    }

    void jsonEveryControlCharacterRoundTrips()
    {
        QString all;
        for (ushort c = 0; c < 0x20; ++c)
            all.append(QChar(c));
        const QByteArray text = jsonString(all);
        for (char c : text)
            QVERIFY2(static_cast<unsigned char>(c) >= 0x20, "a raw control character in JSON text");
        QCOMPARE(parseJsonValue(text).toString(), all);
    }

    void jsonContainers()
    {
        QCOMPARE(json(QVariantList{1, QStringLiteral("a"), true}), QByteArray("[1,\"a\",true]"));
        QCOMPARE(json(QVariantMap{{"k", 2.5}}), QByteArray("{\"k\":2.5}"));
        QCOMPARE(
            parseJsonValue(json(QVariantMap{{"k", QVariantList{}}})).toObject().value("k").toArray().size(),
            0);
    }

    void otherTypesAsStrings()
    {
        QCOMPARE(json(QByteArray("bytes")), QByteArray("\"bytes\""));
        QCOMPARE(json(QChar('x')), QByteArray("\"x\""));
        QCOMPARE(plain(QStringLiteral("a,b")), QByteArray("a,b")); // plain never quotes
    }
};

QTEST_GUILESS_MAIN(TestValueText)
#include "tst_valuetext.moc"
