// SPDX-License-Identifier: GPL-3.0-or-later
// Tests ValueText, the conversion of result values to CSV and JSON text: shortest round-trip
// numbers, RFC 4180 quoting, JSON escaping of control characters, UTF-8 passthrough, null, bool,
// both for typed table cells (the writers' path) and for QVariants (previews and exports).
#include "output/ValueText.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

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

// One cell of a one-row table of `type`, holding `value` (an invalid QVariant: a null).
Table oneCell(ColumnType type, const QVariant &value)
{
    Table table({type}, 1);
    if (!value.isValid()) {
        table.setNull(0, 0);
        return table;
    }
    switch (type) {
    case ColumnType::Float64: table.doubles(0)[0] = value.toDouble(); break;
    case ColumnType::Int64: table.integers(0)[0] = value.toLongLong(); break;
    case ColumnType::Bool: table.bools(0)[0] = value.toBool() ? 1 : 0; break;
    case ColumnType::Text: table.setText(0, 0, value.toString()); break;
    }
    return table;
}

QByteArray csvCell(ColumnType type, const QVariant &value)
{
    QByteArray out;
    ValueText::appendCsvCell(out, oneCell(type, value), 0, 0);
    return out;
}

QByteArray jsonCell(ColumnType type, const QVariant &value)
{
    QByteArray out;
    ValueText::appendJsonCell(out, oneCell(type, value), 0, 0);
    return out;
}

// The table's column type for a QVariant of this test, or none for types a Table cannot hold.
std::optional<ColumnType> columnTypeFor(const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::Double: return ColumnType::Float64;
    case QMetaType::Int:
    case QMetaType::LongLong: return ColumnType::Int64;
    case QMetaType::Bool: return ColumnType::Bool;
    case QMetaType::QString: return ColumnType::Text;
    default: return std::nullopt;
    }
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

    // Numbers are written the same way in plain text, CSV and JSON, from a QVariant or a typed cell.
    void numbers()
    {
        QFETCH(QVariant, value);
        QFETCH(QByteArray, text);
        QCOMPARE(plain(value), text);
        QCOMPARE(csv(value), text);
        QCOMPARE(json(value), text);
        if (const std::optional<ColumnType> type = columnTypeFor(value)) {
            QCOMPARE(csvCell(*type, value), text);
            QCOMPARE(jsonCell(*type, value), text);
            QByteArray direct;
            if (*type == ColumnType::Float64)
                ValueText::appendDouble(direct, value.toDouble());
            else
                ValueText::appendInteger(direct, value.toLongLong());
            QCOMPARE(direct, text);
        }
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

        // The same for typed cells.
        for (double d : {qnan, inf, -inf})
            QCOMPARE(jsonCell(ColumnType::Float64, d), QByteArray("null"));
        QCOMPARE(csvCell(ColumnType::Float64, qnan), QByteArray("nan"));
        QCOMPARE(csvCell(ColumnType::Float64, inf), QByteArray("inf"));
        QCOMPARE(csvCell(ColumnType::Float64, -inf), QByteArray("-inf"));
    }

    // A NaN's sign bit means nothing (0/0 sets it on x86), and "-nan" is not read everywhere.
    void everyNanIsNan()
    {
        const double negativeNan = std::copysign(qnan, -1.0);
        QVERIFY(std::signbit(negativeNan));
        std::uint64_t payloadBits = 0x7ff0000000000001ULL; // a signalling NaN's payload
        double payloadNan;
        std::memcpy(&payloadNan, &payloadBits, sizeof payloadNan);
        for (double nan : {qnan, negativeNan, payloadNan, -payloadNan}) {
            QByteArray out;
            ValueText::appendDouble(out, nan);
            QCOMPARE(out, QByteArray("nan"));
            QCOMPARE(csvCell(ColumnType::Float64, nan), QByteArray("nan"));
            QCOMPARE(csv(nan), QByteArray("nan"));
        }
        QCOMPARE(csv(QVariant(std::copysign(std::numeric_limits<float>::quiet_NaN(), -1.0f))),
                 QByteArray("nan"));
    }

    void typedCellsBoolAndNull()
    {
        QCOMPARE(csvCell(ColumnType::Bool, true), QByteArray("true"));
        QCOMPARE(csvCell(ColumnType::Bool, false), QByteArray("false"));
        QCOMPARE(jsonCell(ColumnType::Bool, true), QByteArray("true"));
        QCOMPARE(jsonCell(ColumnType::Bool, false), QByteArray("false"));
        // A null is an empty CSV field and a JSON null, whatever the column's type.
        for (ColumnType type : {ColumnType::Float64, ColumnType::Int64, ColumnType::Bool, ColumnType::Text}) {
            QCOMPARE(csvCell(type, QVariant()), QByteArray());
            QCOMPARE(jsonCell(type, QVariant()), QByteArray("null"));
        }
        // Empty text is a value, not a null.
        QCOMPARE(csvCell(ColumnType::Text, QString()), QByteArray());
        QCOMPARE(jsonCell(ColumnType::Text, QString()), QByteArray("\"\""));
        // Text that looks like a number stays text.
        QCOMPARE(jsonCell(ColumnType::Text, QStringLiteral("1.50")), QByteArray("\"1.50\""));
        QCOMPARE(csvCell(ColumnType::Text, QStringLiteral("1.50")), QByteArray("1.50"));
    }

    // A cell is read from its own row and column, not the first one.
    void typedCellsAddressRowAndColumn()
    {
        Table table({ColumnType::Int64, ColumnType::Text, ColumnType::Float64}, 3);
        for (int r = 0; r < 3; ++r) {
            table.integers(0)[std::size_t(r)] = r * 10;
            table.setText(1, r, QStringLiteral("t%1,").arg(r));
            table.doubles(2)[std::size_t(r)] = r + 0.5;
        }
        table.setNull(2, 1);
        QByteArray out;
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 3; ++c) {
                ValueText::appendCsvCell(out, table, c, r);
                out.append(c == 2 ? '\n' : ',');
            }
        QCOMPARE(out, QByteArray("0,\"t0,\",0.5\n10,\"t1,\",\n20,\"t2,\",2.5\n"));
        out.clear();
        ValueText::appendJsonCell(out, table, 1, 2);
        ValueText::appendJsonCell(out, table, 2, 1);
        QCOMPARE(out, QByteArray("\"t2,\"null"));
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
        QCOMPARE(csvCell(ColumnType::Text, value), text);
        QByteArray direct;
        ValueText::appendCsvText(direct, value.toUtf8());
        QCOMPARE(direct, text);
        QByteArray view;
        const QByteArray utf8 = value.toUtf8();
        ValueText::appendCsvText(view, std::string_view(utf8.constData(), std::size_t(utf8.size())));
        QCOMPARE(view, text);
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

    // The writers' raw appender grows as needed, keeps what was there and cuts back on finish().
    void byteWriterGrows()
    {
        QByteArray out("head:");
        QByteArray expected = out;
        {
            ByteWriter writer(out, 2);
            for (int i = 0; i < 5000; ++i) {
                ValueText::appendInteger(writer, i);
                writer.put(',');
                expected += QByteArray::number(i) + ',';
            }
            writer.putLiteral("end");
            writer.finish();
            QCOMPARE(out, expected + "end");
            writer.put('!'); // writing on after finish() is allowed
        }
        QCOMPARE(out, expected + "end!");
        QByteArray shared = out; // a copy shares the data until one side writes
        {
            ByteWriter writer(out);
            writer.put("x", 1);
            writer.put(nullptr, 0);
        }
        QCOMPARE(out, expected + "end!x");
        QCOMPARE(shared, expected + "end!");
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
        QCOMPARE(jsonCell(ColumnType::Text, value), text);
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
        QCOMPARE(jsonCell(ColumnType::Text, all), text);
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
