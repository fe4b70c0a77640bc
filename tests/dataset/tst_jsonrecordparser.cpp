// SPDX-License-Identifier: GPL-3.0-or-later
#include "ReaderTestUtil.h"

#include "dataset/JsonLinesReader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>
#include <cstring>
#include <random>

using namespace fastmap;
using namespace fastmap::test;

class TestJsonRecordParser : public QObject
{
    Q_OBJECT

private slots:
    void objectsTyped();
    void valuesByType();
    void escapes();
    void randomObjectsReadAsQtWritesThem();

private:
    QTemporaryDir m_dir;
};

void TestJsonRecordParser::objectsTyped()
{
    JsonLinesReader reader(dataPath("objects.jsonl"), withChunk(5));
    QVERIFY(reader.open());
    const ParseResult result = parseAll(reader,
                                        {{0, ColumnType::Float64, "zf"},
                                         {0, ColumnType::Int64, "zi"},
                                         {2, ColumnType::Bool, "mid"},
                                         {1, ColumnType::Text, "alpha"},
                                         {3, ColumnType::Text, "nested"}},
                                        2);
    QVERIFY2(!result.error.isSet(), qPrintable(result.error.toString()));
    QCOMPARE(result.firstRows, QList<qint64>({0, 2}));
    QCOMPARE(result.rows.size(), 3);
    QCOMPARE(result.rows[0], QVariantList({1.0, 1LL, true, "x", "{\"b\": 1, \"a\": [1, 2]}"}));
    QCOMPARE(result.rows[1][0].toString(), QStringLiteral("input 'zi' is not an integer: '2.5'"));
    QCOMPARE(result.rows[2], QVariantList({9007199254740992.0, 9007199254740993LL, false, "caf\u00e9 \u00e9",
                                           "[1, \"two\", null]"}));

    // null fails a boolean input.
    JsonLinesReader again(dataPath("objects.jsonl"));
    QVERIFY(again.open());
    const ParseResult mid = parseAll(again, {{2, ColumnType::Bool, "mid"}});
    QCOMPARE(mid.rows[1][0].toString(), QStringLiteral("input 'mid' is empty"));
}

void TestJsonRecordParser::valuesByType()
{
    const QByteArray content = "{\"s\": \"1.5\", \"b\": true, \"n\": 1, \"o\": {\"k\": [1]}}\n"
                               "{\"s\": \" 2 \", \"b\": false, \"n\": 0, \"o\": []}\n"
                               "{\"s\": \"\\u0033\", \"b\": \"TRUE\", \"n\": -1e2, \"o\": null}\n"
                               "{\"s\": \"\", \"b\": \"0\", \"n\": 2.0, \"o\": \"x\"}\n";
    const QString path = writeFile(m_dir, "types.jsonl", content);
    const auto column = [&](int c, ColumnType type) {
        JsonLinesReader reader(path);
        if (!reader.open())
            qFatal("cannot open");
        QVariantList values;
        for (const QVariantList &row : parseAll(reader, {{c, type, reader.columns().at(c)}}).rows)
            values.append(row[0]);
        return values;
    };
    // Strings holding numbers convert; the empty string is no number (but not null either).
    QCOMPARE(column(0, ColumnType::Float64), QVariantList({1.5, 2.0, 3.0, "input 's' is not a number: ''"}));
    QCOMPARE(column(0, ColumnType::Int64), QVariantList({"input 's' is not an integer: '1.5'", 2LL, 3LL,
                                                         "input 's' is not an integer: ''"}));
    QCOMPARE(column(0, ColumnType::Text), QVariantList({"1.5", " 2 ", "3", ""}));
    // Booleans are 1 and 0 as numbers; strings and the numbers 1 and 0 are booleans.
    QCOMPARE(column(1, ColumnType::Float64),
             QVariantList({1.0, 0.0, "input 'b' is not a number: 'TRUE'", 0.0}));
    QCOMPARE(column(1, ColumnType::Int64),
             QVariantList({1LL, 0LL, "input 'b' is not an integer: 'TRUE'", 0LL}));
    QCOMPARE(column(1, ColumnType::Bool), QVariantList({true, false, true, false}));
    QCOMPARE(column(1, ColumnType::Text), QVariantList({"true", "false", "TRUE", "0"}));
    QCOMPARE(column(2, ColumnType::Bool), QVariantList({true, false, "input 'n' is not a boolean: '-1e2'",
                                                        "input 'n' is not a boolean: '2.0'"}));
    QCOMPARE(column(2, ColumnType::Int64), QVariantList({1LL, 0LL, -100LL, 2LL}));
    QCOMPARE(column(2, ColumnType::Text), QVariantList({"1", "0", "-1e2", "2.0"}));
    // Nested values are text as written; as numbers they fail with that text.
    QCOMPARE(column(3, ColumnType::Text), QVariantList({"{\"k\": [1]}", "[]", QVariant(), "x"}));
    QCOMPARE(column(3, ColumnType::Float64),
             QVariantList({"input 'o' is not a number: '{\"k\": [1]}'", "input 'o' is not a number: '[]'",
                           "input 'o' is empty", "input 'o' is not a number: 'x'"}));
}

void TestJsonRecordParser::escapes()
{
    JsonLinesReader reader(writeFile(m_dir, "escapes.jsonl",
                                     "{\"t\": \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"}\n"
                                     "{\"t\": \"caf\\u00e9 \\u20AC \\ud83d\\ude00\"}\n"
                                     "{\"t\": \"lone \\ud800 and \\udc00\\u0041\"}\n"
                                     "{\"t\": \"nul \\u0000.\"}\n"
                                     "{\"t\": \"plain\"}\n"));
    QVERIFY(reader.open());
    RecordBlock block;
    QCOMPARE(reader.readRecords(block, 10), 5);
    Table table;
    BatchOutput failures({}, block.count);
    InputError error;
    QCOMPARE(reader.parser()->parse(block, allText(reader), &table, &failures, &error), 5);
    QCOMPARE(table.text(0, 0), std::string_view("a\"b\\c/d\b\f\n\r\t"));
    QCOMPARE(table.string(0, 1), QString::fromUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
    QCOMPARE(table.string(0, 2), QString::fromUtf8("lone \xEF\xBF\xBD and \xEF\xBF\xBD"
                                                   "A"));
    QCOMPARE(table.text(0, 3), std::string_view("nul \0.", 6));
    QCOMPARE(table.text(0, 4), std::string_view("plain"));
    // Unescaped strings are a view of the record bytes; the others are appended behind them.
    QVERIFY(table.buffer().startsWith(block.bytes));
    QCOMPARE(table.textRefs(0)[4].offset, block.begin(4) + 7);
}

void TestJsonRecordParser::randomObjectsReadAsQtWritesThem()
{
    // Objects written by Qt's JSON writer (escapes, surrogate pairs, control characters, numbers
    // of every size, nesting) read back as Qt reads them.
    std::mt19937_64 random(10);
    const auto randomString = [&] {
        QString text;
        const int length = int(random() % 6);
        for (int k = 0; k < length; ++k) {
            switch (random() % 6) {
            case 0: text += QChar(char16_t(random() % 0x20)); break; // control characters
            case 1: text += QStringLiteral("\"\\/"); break;
            case 2: text += QChar(char16_t(0xA0 + random() % 0x500)); break;
            case 3: text += QString::fromUcs4(U"\U0001F600"); break;
            default: text += QChar(char16_t('a' + random() % 26)); break;
            }
        }
        return text;
    };
    const auto randomValue = [&](int depth, auto &self) -> QJsonValue {
        switch (random() % (depth > 1 ? 6 : 8)) {
        case 0: return QJsonValue(randomString());
        case 1: return QJsonValue(bool(random() % 2));
        case 2: return QJsonValue(QJsonValue::Null);
        case 3: return QJsonValue(qint64(random() >> (random() % 64)) * (random() % 2 ? 1 : -1));
        case 4: {
            double d;
            const std::uint64_t bits = random();
            std::memcpy(&d, &bits, sizeof d);
            return QJsonValue(std::isfinite(d) ? d : 0.5);
        }
        case 5: return QJsonValue(double(random() % 100000) / 64.0);
        case 6: return QJsonArray({self(depth + 1, self), self(depth + 1, self)});
        default: return QJsonObject({{randomString(), self(depth + 1, self)}});
        }
    };
    const QStringList keys = {"k0", "k1", "k2", "k3"};
    QByteArray content;
    QList<QJsonObject> objects;
    for (int i = 0; i < 2000; ++i) {
        QJsonObject object;
        for (const QString &key : keys) {
            if (i == 0 || random() % 8)
                object.insert(key, randomValue(0, randomValue));
        }
        objects.append(object);
        content += QJsonDocument(object).toJson(QJsonDocument::Compact) + "\n";
    }
    JsonLinesReader reader(writeFile(m_dir, "random.jsonl", content), withChunk(100));
    QVERIFY(reader.open());
    QCOMPARE(reader.columns(), keys);
    const ParseResult texts = parseAll(reader, allText(reader), 333);
    QVERIFY2(!texts.error.isSet(), qPrintable(texts.error.toString()));
    QCOMPARE(texts.rows.size(), objects.size());
    for (int i = 0; i < objects.size(); ++i) {
        for (int c = 0; c < keys.size(); ++c) {
            const QJsonValue value = objects[i].value(keys[c]);
            const QVariant got = texts.rows[i][c];
            QVariant want;
            switch (value.type()) {
            case QJsonValue::String: want = value.toString(); break;
            case QJsonValue::Bool: want = value.toBool() ? "true" : "false"; break;
            case QJsonValue::Double:
                want = QString::fromUtf8(
                    QJsonDocument(QJsonArray({value})).toJson(QJsonDocument::Compact).chopped(1).mid(1));
                break;
            case QJsonValue::Array:
                want = QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
                break;
            case QJsonValue::Object:
                want = QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
                break;
            default: break;
            }
            if (got != want)
                QFAIL(qPrintable(QStringLiteral("row %1 column %2: got %3, want %4")
                                     .arg(i)
                                     .arg(c)
                                     .arg(got.toString(), want.toString())));
        }
    }
    // Numbers as doubles: exactly what Qt reads.
    int checked = 0;
    for (int c = 0; c < keys.size(); ++c) {
        JsonLinesReader typed(reader.source(), withChunk(100));
        QVERIFY(typed.open());
        const ParseResult values = parseAll(typed, {{c, ColumnType::Float64, keys[c]}}, 500);
        QCOMPARE(values.rows.size(), objects.size());
        for (int i = 0; i < objects.size(); ++i) {
            const QJsonValue value = objects[i].value(keys[c]);
            if (value.isDouble()) {
                QCOMPARE(values.rows[i][0], QVariant(value.toDouble()));
                ++checked;
            }
        }
    }
    QVERIFY2(checked > 1000, QByteArray::number(checked));
}

QTEST_GUILESS_MAIN(TestJsonRecordParser)
#include "tst_jsonrecordparser.moc"
