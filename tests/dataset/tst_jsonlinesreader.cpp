// SPDX-License-Identifier: GPL-3.0-or-later
#include "ReaderTestUtil.h"

#include "dataset/JsonLinesReader.h"

#include <QTest>

using namespace fastmap;
using namespace fastmap::test;

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
    void manyLinesAtEveryChunkSize();
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

    // As text: strings unescaped, numbers and nested values as written, null and missing keys null.
    QCOMPARE(asStrings(result.rows),
             QList<QStringList>({{"1", "x", "true", "{\"b\": 1, \"a\": [1, 2]}"},
                                 {"2.5", "y", "<null>", "<null>"},
                                 {"9007199254740993", "caf\u00e9 \u00e9", "false", "[1, \"two\", null]"}}));
    QCOMPARE(result.rows[0][0].typeId(), QMetaType::QString);
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
    // As text, a number is its literal.
    QCOMPARE(
        asStrings(readAll(reader).rows),
        QList<QStringList>(
            {{"3.0"}, {"1e3"}, {"-0.5"}, {"1e300"}, {"-42"}, {"9223372036854775807"}, {"1.5e19"}, {"0.0"}}));
    // As integers: whole numbers in any notation, exactly; fractions and numbers past 64 bits fail.
    JsonLinesReader integers(path);
    QVERIFY(integers.open());
    const Rows asIntegers = parseAll(integers, {{0, ColumnType::Int64, "n"}}).rows;
    QCOMPARE(asIntegers.size(), 8);
    QCOMPARE(asIntegers[0][0], QVariant(3LL));
    QCOMPARE(asIntegers[1][0], QVariant(1000LL));
    QCOMPARE(asIntegers[2][0], QVariant("input 'n' is not an integer: '-0.5'"));
    QCOMPARE(asIntegers[3][0], QVariant("input 'n' is out of the 64-bit integer range: '1e300'"));
    QCOMPARE(asIntegers[4][0], QVariant(-42LL));
    QCOMPARE(asIntegers[5][0], QVariant(qlonglong(std::numeric_limits<qint64>::max())));
    QCOMPARE(asIntegers[6][0], QVariant("input 'n' is out of the 64-bit integer range: '1.5e19'"));
    QCOMPARE(asIntegers[7][0], QVariant(0LL));
    // As doubles: all of them.
    JsonLinesReader doubles(path);
    QVERIFY(doubles.open());
    const Rows asDoubles = parseAll(doubles, {{0, ColumnType::Float64, "n"}}).rows;
    QCOMPARE(asDoubles.size(), 8);
    const QList<double> expected = {3.0, 1000.0, -0.5, 1e300, -42.0, 9223372036854775807.0, 1.5e19, 0.0};
    for (int i = 0; i < 8; ++i)
        QCOMPARE(asDoubles[i][0], QVariant(expected[i]));
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

    // A key written twice: one column, and the last value wins (as in Qt's reader).
    JsonLinesReader twice(writeFile(m_dir, "twice.jsonl",
                                    "{\"a\": 1, \"b\": 2, \"a\": 3}\n{\"b\": 4, \"a\": 5, \"a\": null}\n"));
    QVERIFY(twice.open());
    QCOMPARE(twice.columns(), QStringList({"a", "b"}));
    QCOMPARE(asStrings(readAll(twice).rows), QList<QStringList>({{"3", "2"}, {"<null>", "4"}}));
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
    QTest::newRow("later line not an object") << QByteArray("{\"a\":1}\nnull\n") << false << 1 << 2LL << 1LL
                                              << "expected a JSON object {...} on each line, found null";
    QTest::newRow("boolean") << QByteArray("  true\n") << true << 0 << 1LL << 3LL
                             << "expected a JSON object {...} on each line, found a boolean";
    QTest::newRow("bare key") << QByteArray("{a: 1}\n") << true << 0 << 1LL << 2LL
                              << "invalid JSON: expected a key in double quotes";
    QTest::newRow("invalid escape") << QByteArray("{\"a\":1}\n{\"a\": \"x\\qy\"}\n") << false << 1 << 2LL
                                    << 9LL << "invalid JSON: invalid escape sequence";
    QTest::newRow("short unicode escape") << QByteArray("{\"a\": \"\\u12g4\"}\n") << true << 0 << 1LL << 8LL
                                          << "invalid JSON: invalid escape sequence";
    QTest::newRow("unterminated string")
        << QByteArray("{\"a\": \"abc}\n") << true << 0 << 1LL << 11LL << "invalid JSON: unterminated string";
    QTest::newRow("illegal number") << QByteArray("{\"a\": 1.2.3}\n") << true << 0 << 1LL << 7LL
                                    << "invalid JSON: illegal number";
    QTest::newRow("plus sign") << QByteArray("{\"a\": +1}\n") << true << 0 << 1LL << 7LL
                               << "invalid JSON: illegal value";
    QTest::newRow("exponent without digits")
        << QByteArray("{\"a\": 1e}\n") << true << 0 << 1LL << 7LL << "invalid JSON: illegal number";
    QTest::newRow("NaN") << QByteArray("{\"a\": NaN}\n") << true << 0 << 1LL << 7LL
                         << "invalid JSON: illegal value";
    QTest::newRow("missing comma") << QByteArray("{\"a\": 1 \"b\": 2}\n") << true << 0 << 1LL << 9LL
                                   << "invalid JSON: missing value separator";
    QTest::newRow("missing comma in an array") << QByteArray("{\"a\": [1 2]}\n") << true << 0 << 1LL << 10LL
                                               << "invalid JSON: missing value separator";
    QTest::newRow("unterminated array") << QByteArray("{\"a\": [1, {\"b\": 2}") << true << 0 << 1LL << 18LL
                                        << "invalid JSON: unterminated array";
    QTest::newRow("bad value in a nested object") << QByteArray("{\"a\": {\"b\": [true, nul]}}\n") << true
                                                  << 0 << 1LL << 20LL << "invalid JSON: illegal value";
    QTest::newRow("too deeply nested")
        << QByteArray("{\"a\": " + QByteArray(600, '[') + QByteArray(600, ']') + "}\n") << true << 0 << 1LL
        << 518LL << "invalid JSON: too deeply nested document";
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
    Table table;
    QCOMPARE(reader.readText(table, 10), 1);
    QCOMPARE(reader.readText(table, 10), -1);
    QCOMPARE(reader.readText(table, 10), -1);
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
    RecordBlock block;
    // open() has read the first line, which is readRecords() output still to come.
    QCOMPARE(reader.readRecords(block, 500), 500);
    QCOMPARE(block.lines.front(), 1);
    QCOMPARE(block.lines.back(), 500);
    QVERIFY2(qAbs(reader.progress() - 0.5) < 0.01, QByteArray::number(reader.progress()));
    QCOMPARE(reader.bytesRead(), 500 * 13);
    QCOMPARE(reader.readRecords(block, 1000), 500);
    QCOMPARE(block.firstRow, 500);
    QCOMPARE(reader.progress(), 1.0);
    QCOMPARE(reader.bytesRead(), 1000 * 13);
}


void TestJsonLinesReader::manyLinesAtEveryChunkSize()
{
    // Lines cut in bulk and one by one agree: blank lines (spaces, tabs, CRs) skipped, CRLF, a
    // line of exactly the limit, one over it, chunk boundaries anywhere, any block size.
    QByteArray bytes;
    CutRecords expected;
    qint64 line = 1;
    for (int i = 0; i < 60; ++i) {
        const QByteArray record = "{\"a\":" + QByteArray::number(i) + "}";
        switch (i % 5) {
        case 0: bytes += record + "\n"; break;
        case 1: bytes += record + "\r\n"; break;
        case 2: bytes += "\n \t\r\n\r\n" + record + "\n"; line += 3; break;
        case 3: bytes += "  \n" + record + "\r\n"; ++line; break;
        case 4: bytes += "\t\n{\"b\": 123}\r\n"; ++line; break;
        }
        expected.append({i % 5 == 4 ? QByteArray("{\"b\": 123}") : record, line++});
    }
    const QString complete = writeFile(m_dir, "many.jsonl", bytes + " \n{\"z\":1}");
    CutRecords all = expected;
    all.append({"{\"z\":1}", line + 1});
    const QString over = writeFile(m_dir, "many-over.jsonl", bytes + "{\"b\": 1234}\n{}\n");
    for (int chunk : {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 65536}) {
        for (int maxRows : {1, 2, 7, 16384}) {
            const QByteArray where = QByteArray("chunk ") + QByteArray::number(chunk) + " rows " + QByteArray::number(maxRows);
            JsonLinesReader reader(complete, withChunk(chunk, 10));
            QVERIFY(reader.open());
            const CutResult read = cutAll(reader, maxRows);
            QVERIFY2(!read.error.isSet(), where + ": " + qPrintable(read.error.toString()));
            QCOMPARE(read.records, all);
            QCOMPARE(reader.progress(), 1.0);

            JsonLinesReader tooLong(over, withChunk(chunk, 10));
            QVERIFY(tooLong.open());
            const CutResult cut = cutAll(tooLong, maxRows);
            QVERIFY2(cut.error.isSet(), where.constData());
            QCOMPARE(cut.error.line, line);
            QCOMPARE(cut.error.message, QStringLiteral("line is longer than the limit of 10 bytes"));
            QCOMPARE(cut.records, expected);
        }
    }
}

QTEST_GUILESS_MAIN(TestJsonLinesReader)
#include "tst_jsonlinesreader.moc"
