// SPDX-License-Identifier: GPL-3.0-or-later
#include "ReaderTestUtil.h"

#include "dataset/JsonLinesReader.h"

#include <QTest>

using namespace fastmap;
using namespace fastmap::test;

namespace {

DatasetOptions withChunk(int chunkBytes, qint64 maxRecordBytes = 16 * 1024 * 1024)
{
    DatasetOptions options;
    options.chunkBytes = chunkBytes;
    options.maxRecordBytes = maxRecordBytes;
    return options;
}

} // namespace

class TestJsonLinesReader : public QObject
{
    Q_OBJECT

private slots:
    void objectsFile();
    void objectsFileAtEveryChunkBoundary();
    void numbers();
    void keysInOrder_data();
    void keysInOrder();
    void escapedKeyColumns();
    void crlfAndByteOrderMark();
    void blankLinesOnly();
    void emptyFirstObject();
    void errors_data();
    void errors();
    void errorsAreSticky();
    void binary();
    void lineLimit();
    void multiByteCharacterAcross64KiB();
    void smallBatchesGiveTheSameRows();
    void progress();

private:
    QTemporaryDir m_dir;
};

void TestJsonLinesReader::objectsFile()
{
    JsonLinesReader reader(dataPath("objects.jsonl"));
    QVERIFY2(reader.open(), qPrintable(reader.error().toString()));
    QCOMPARE(reader.columns(), QStringList({"zeta", "alpha", "mid", "nested"}));
    const ReadResult result = readAll(reader);
    QVERIFY2(!result.error.isSet(), qPrintable(result.error.toString()));
    QCOMPARE(result.rows.size(), 3);

    const QVariantList &first = result.rows[0];
    QCOMPARE(first[0].typeId(), QMetaType::LongLong);
    QCOMPARE(first[0].toLongLong(), 1);
    QCOMPARE(first[1].typeId(), QMetaType::QString);
    QCOMPARE(first[1].toString(), QStringLiteral("x"));
    QCOMPARE(first[2].typeId(), QMetaType::Bool);
    QCOMPARE(first[2].toBool(), true);
    QCOMPARE(first[3].typeId(), QMetaType::QString);
    QCOMPARE(first[3].toString(), QStringLiteral("{\"a\":[1,2],\"b\":1}"));

    const QVariantList &second = result.rows[1];
    QCOMPARE(second[0].typeId(), QMetaType::Double);
    QCOMPARE(second[0].toDouble(), 2.5);
    QCOMPARE(second[1].toString(), QStringLiteral("y"));
    QVERIFY(!second[2].isValid()); // null
    QVERIFY(!second[3].isValid()); // missing

    const QVariantList &third = result.rows[2];
    QCOMPARE(third[0].typeId(), QMetaType::LongLong);
    QCOMPARE(third[0].toLongLong(), 9007199254740993LL); // not rounded through a double
    QCOMPARE(third[1].toString(), QStringLiteral("caf\u00e9 \u00e9"));
    QCOMPARE(third[2].typeId(), QMetaType::Bool);
    QCOMPARE(third[2].toBool(), false);
    QCOMPARE(third[3].toString(), QStringLiteral("[1,\"two\",null]"));
    QCOMPARE(reader.progress(), 1.0);
}

void TestJsonLinesReader::objectsFileAtEveryChunkBoundary()
{
    JsonLinesReader whole(dataPath("objects.jsonl"));
    QVERIFY(whole.open());
    const Rows expected = readAll(whole).rows;
    for (int chunk = 1; chunk <= 64; ++chunk) {
        JsonLinesReader reader(dataPath("objects.jsonl"), withChunk(chunk));
        QVERIFY(reader.open());
        QCOMPARE(reader.columns(), QStringList({"zeta", "alpha", "mid", "nested"}));
        const ReadResult result = readAll(reader, 1 + chunk % 2);
        QVERIFY(!result.error.isSet());
        QCOMPARE(result.rows, expected);
    }
}

void TestJsonLinesReader::numbers()
{
    const QString path = writeFile(m_dir, "numbers.jsonl",
                                   "{\"n\": 3.0}\n{\"n\": 1e3}\n{\"n\": -0.5}\n{\"n\": 1e300}\n{\"n\": -42}\n"
                                   "{\"n\": 9223372036854775807}\n{\"n\": 1.5e19}\n{\"n\": 0.0}\n");
    JsonLinesReader reader(path);
    QVERIFY(reader.open());
    const Rows rows = readAll(reader).rows;
    QCOMPARE(rows.size(), 8);
    QCOMPARE(rows[0][0].typeId(), QMetaType::LongLong);
    QCOMPARE(rows[0][0].toLongLong(), 3);
    QCOMPARE(rows[1][0].typeId(), QMetaType::LongLong);
    QCOMPARE(rows[1][0].toLongLong(), 1000);
    QCOMPARE(rows[2][0].typeId(), QMetaType::Double);
    QCOMPARE(rows[2][0].toDouble(), -0.5);
    QCOMPARE(rows[3][0].typeId(), QMetaType::Double);
    QCOMPARE(rows[3][0].toDouble(), 1e300);
    QCOMPARE(rows[4][0].typeId(), QMetaType::LongLong);
    QCOMPARE(rows[4][0].toLongLong(), -42);
    QCOMPARE(rows[5][0].typeId(), QMetaType::LongLong);
    QCOMPARE(rows[5][0].toLongLong(), std::numeric_limits<qint64>::max());
    QCOMPARE(rows[6][0].typeId(), QMetaType::Double); // integral but past qint64
    QCOMPARE(rows[6][0].toDouble(), 1.5e19);
    QCOMPARE(rows[7][0].typeId(), QMetaType::LongLong);
    QCOMPARE(rows[7][0].toLongLong(), 0);
}

void TestJsonLinesReader::keysInOrder_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QStringList>("keys");
    QTest::newRow("plain") << QByteArray("{\"b\":1,\"a\":2}") << QStringList({"b", "a"});
    QTest::newRow("spaces") << QByteArray(" { \"z\" : [ 1 , 2 ] ,\t\"y\" : { \"x\" : \"}\" } } ")
                            << QStringList({"z", "y"});
    QTest::newRow("escapes") << QByteArray(
                                    "{\"a\\\"b\": 1, \"c\\u00e9\": {\"x\": \"}\"}, \"d\": [1,{\"e\":2}]}")
                             << QStringList({"a\"b", "c\u00e9", "d"});
    QTest::newRow("strings with brackets and commas")
        << QByteArray("{\"s\": \"a,]}\\\\\", \"t\": null}") << QStringList({"s", "t"});
    QTest::newRow("duplicates once") << QByteArray("{\"b\":1,\"a\":2,\"b\":3}") << QStringList({"b", "a"});
    QTest::newRow("empty") << QByteArray("{}") << QStringList();
    QTest::newRow("utf-8") << QByteArray("{\"\xC3\xA9t\xC3\xA9\": true, \"a\": false}")
                           << QStringList({"\u00e9t\u00e9", "a"});
    QTest::newRow("not an object") << QByteArray("[1]") << QStringList();
}

void TestJsonLinesReader::keysInOrder()
{
    QFETCH(QByteArray, json);
    QFETCH(QStringList, keys);
    QCOMPARE(JsonLinesReader::keysInOrder(json), keys);
}

void TestJsonLinesReader::escapedKeyColumns()
{
    JsonLinesReader reader(
        writeFile(m_dir, "escaped.jsonl", "{\"b\\u00e9\": 1, \"a\": 2}\n{\"a\": 3, \"b\\u00e9\": 4}\n"));
    QVERIFY(reader.open());
    QCOMPARE(reader.columns(), QStringList({"b\u00e9", "a"}));
    QCOMPARE(asStrings(readAll(reader).rows), QList<QStringList>({{"1", "2"}, {"4", "3"}}));
}

void TestJsonLinesReader::crlfAndByteOrderMark()
{
    JsonLinesReader reader(
        writeFile(m_dir, "crlf.jsonl", "\xEF\xBB\xBF{\"a\": \"x\"}\r\n\r\n{\"a\": \"y\"}\r\n"));
    QVERIFY2(reader.open(), qPrintable(reader.error().toString()));
    QCOMPARE(reader.columns(), QStringList({"a"}));
    QCOMPARE(asStrings(readAll(reader).rows), QList<QStringList>({{"x"}, {"y"}}));
}

void TestJsonLinesReader::blankLinesOnly()
{
    JsonLinesReader reader(writeFile(m_dir, "blank.jsonl", "\n  \n\t\r\n"));
    QVERIFY(reader.open());
    QCOMPARE(reader.columns(), QStringList());
    const ReadResult result = readAll(reader);
    QVERIFY(!result.error.isSet());
    QCOMPARE(result.rows.size(), 0);
}

void TestJsonLinesReader::emptyFirstObject()
{
    // No columns, but every object is still a row.
    JsonLinesReader reader(writeFile(m_dir, "empty-object.jsonl", "{}\n{\"a\": 1}\n"));
    QVERIFY(reader.open());
    QCOMPARE(reader.columns(), QStringList());
    QCOMPARE(readAll(reader).rows.size(), 2);
}

void TestJsonLinesReader::errors_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<bool>("failsAtOpen");
    QTest::addColumn<int>("rowsBefore");
    QTest::addColumn<qint64>("line");
    QTest::addColumn<qint64>("column");
    QTest::addColumn<QString>("message");

    QTest::newRow("array") << QByteArray("{\"a\":1}\n\n  [1,2]\n") << false << 1 << 3LL << 3LL
                           << "expected a JSON object {...} on each line, found an array";
    QTest::newRow("number first") << QByteArray("5\n") << true << 0 << 1LL << 1LL
                                  << "expected a JSON object {...} on each line, found a number";
    QTest::newRow("string") << QByteArray("{\"a\":1}\n\"x\"\n") << false << 1 << 2LL << 1LL
                            << "expected a JSON object {...} on each line, found a string";
    QTest::newRow("bad literal") << QByteArray("{\"a\":1}\n{\"a\": tru}\n") << false << 1 << 2LL << 7LL
                                 << "invalid JSON: illegal value";
    QTest::newRow("trailing comma") << QByteArray("{\"a\":1,}\n") << true << 0 << 1LL << 8LL
                                    << "invalid JSON: object is missing after a comma";
    QTest::newRow("missing colon") << QByteArray("{\"a\":1}\r\n{\"a\" 1}\r\n") << false << 1 << 2LL << 6LL
                                   << "invalid JSON: missing name separator";
    QTest::newRow("two objects on a line") << QByteArray("{\"a\":1} {\"a\":2}\n") << true << 0 << 1LL << 8LL
                                           << "invalid JSON: garbage at the end of the document";
    QTest::newRow("columns count characters") << QByteArray("{\"\xC3\xA9\":1}\n{\"\xC3\xA9\": tru}\n")
                                              << false << 1 << 2LL << 7LL << "invalid JSON: illegal value";
    QTest::newRow("invalid UTF-8") << QByteArray("{\"a\":\"ok\"}\n{\"a\":\"caf\xE9\"}\n") << false << 1 << 2LL
                                   << 10LL << "invalid UTF-8 (byte offset 9 of the line); JSON must be UTF-8";
    QTest::newRow("invalid UTF-8 after a character")
        << QByteArray("{\"\xC3\xA9\":\"\xFF\"}\n") << true << 0 << 1LL << 7LL
        << "invalid UTF-8 (byte offset 7 of the line); JSON must be UTF-8";
    QTest::newRow("truncated line at the end") << QByteArray("{\"a\":1}\n{\"a\":") << false << 1 << 2LL << 5LL
                                               << "invalid JSON: unterminated object";
}

void TestJsonLinesReader::errors()
{
    QFETCH(QByteArray, content);
    QFETCH(bool, failsAtOpen);
    QFETCH(int, rowsBefore);
    QFETCH(qint64, line);
    QFETCH(qint64, column);
    QFETCH(QString, message);
    const QString path = writeFile(m_dir, "error.jsonl", content);
    for (int chunk : {1, 3, 65536}) {
        JsonLinesReader reader(path, withChunk(chunk));
        InputError error;
        if (failsAtOpen) {
            QVERIFY(!reader.open());
            error = reader.error();
        } else {
            QVERIFY2(reader.open(), qPrintable(reader.error().toString()));
            const ReadResult result = readAll(reader);
            QCOMPARE(result.rows.size(), rowsBefore);
            error = result.error;
        }
        QCOMPARE(error.file, path);
        QCOMPARE(error.message, message);
        QCOMPARE(error.line, line);
        QCOMPARE(error.column, column);
    }
}

void TestJsonLinesReader::errorsAreSticky()
{
    JsonLinesReader reader(writeFile(m_dir, "sticky.jsonl", "{\"a\":1}\n[]\n{\"a\":2}\n"));
    QVERIFY(reader.open());
    Table table(1);
    QCOMPARE(reader.read(table, 10), 1);
    QCOMPARE(reader.read(table, 10), -1);
    QCOMPARE(reader.read(table, 10), -1);
    QCOMPARE(table.rowCount(), 1);
    QCOMPARE(reader.error().line, 2);
}

void TestJsonLinesReader::binary()
{
    JsonLinesReader reader(writeFile(m_dir, "binary.jsonl", QByteArray("{\"a\":\0}\n", 8)));
    QVERIFY(!reader.open());
    QCOMPARE(reader.error().message,
             QStringLiteral("looks like a binary file (NUL byte at offset 5), not text"));
}

void TestJsonLinesReader::lineLimit()
{
    // {"a":"xx"} is 10 bytes.
    const QString path = writeFile(m_dir, "limit.jsonl", "{\"a\":\"xx\"}\r\n{\"a\":\"xxx\"}\n");
    for (int chunk = 1; chunk <= 24; ++chunk) {
        JsonLinesReader reader(path, withChunk(chunk, 10));
        QVERIFY(reader.open());
        const ReadResult result = readAll(reader);
        QCOMPARE(asStrings(result.rows), QList<QStringList>({{"xx"}}));
        QCOMPARE(result.error.message, QStringLiteral("line is longer than the limit of 10 bytes"));
        QCOMPARE(result.error.line, 2);
    }
}

void TestJsonLinesReader::multiByteCharacterAcross64KiB()
{
    const QList<QByteArray> characters = {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"};
    for (const QByteArray &character : characters) {
        for (int split = 1; split < character.size(); ++split) {
            QByteArray content = "{\"s\": \"";
            content += QByteArray(65536 - split - int(content.size()), 'f') + character + "\"}\n{\"s\": 1}\n";
            QCOMPARE(content.indexOf(character), 65536 - split);
            JsonLinesReader reader(writeFile(m_dir, "boundary.jsonl", content));
            QVERIFY(reader.open());
            const ReadResult result = readAll(reader);
            QVERIFY2(!result.error.isSet(), qPrintable(result.error.toString()));
            QCOMPARE(result.rows.size(), 2);
            QVERIFY(result.rows[0][0].toString().endsWith("f" + QString::fromUtf8(character)));
            QCOMPARE(result.rows[1][0].toLongLong(), 1);
        }
    }
}

void TestJsonLinesReader::smallBatchesGiveTheSameRows()
{
    QByteArray content;
    for (int i = 0; i < 2000; ++i)
        content += "{\"i\": " + QByteArray::number(i) + ", \"s\": \"v" + QByteArray::number(i * 7) + "\"}\n";
    const QString path = writeFile(m_dir, "batches.jsonl", content);
    JsonLinesReader whole(path);
    QVERIFY(whole.open());
    const Rows all = readAll(whole).rows;
    QCOMPARE(all.size(), 2000);
    QCOMPARE(all[1999][1].toString(), QStringLiteral("v13993"));
    for (int batch : {1, 3, 999}) {
        JsonLinesReader reader(path);
        QVERIFY(reader.open());
        QCOMPARE(readAll(reader, batch).rows, all);
    }
}

void TestJsonLinesReader::progress()
{
    QByteArray content;
    for (int i = 0; i < 1000; ++i)
        content += "{\"a\": 12345}\n"; // 13 bytes
    JsonLinesReader reader(writeFile(m_dir, "progress.jsonl", content));
    QVERIFY(reader.open());
    Table table(1);
    // open() has parsed the first line, which is read() output still to come.
    QCOMPARE(reader.read(table, 500), 500);
    QVERIFY2(qAbs(reader.progress() - 0.5) < 0.01, QByteArray::number(reader.progress()));
    QCOMPARE(reader.read(table, 1000), 500);
    QCOMPARE(reader.progress(), 1.0);
}

QTEST_GUILESS_MAIN(TestJsonLinesReader)
#include "tst_jsonlinesreader.moc"
