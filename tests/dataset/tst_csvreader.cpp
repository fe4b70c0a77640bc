// SPDX-License-Identifier: GPL-3.0-or-later
#include "ReaderTestUtil.h"

#include "dataset/CsvReader.h"

#include <QFileInfo>
#include <QTest>

using namespace fastmap;
using namespace fastmap::test;

namespace {

// Empty fields, quoted or not, are nulls.
const QList<QStringList> trickyRows = {
    {"1", "Smith, John", "He said \"hi\"", "<null>"},
    {"2", "multi\nline\nfield", "plain", "<null>"},
    {"3", "<null>", "\"", "x"},
    {"4", "<null>", "a,b;c\td", "<null>"},
};

} // namespace

class TestCsvReader : public QObject
{
    Q_OBJECT

private slots:
    void trickyFile();
    void trickyFileAtEveryChunkBoundary();
    void crlfAndByteOrderMark();
    void crlfAndByteOrderMarkAtEveryChunkBoundary();
    void semicolons();
    void tsvImpliesTab();
    void tabDetectedInCsv();
    void delimiterDetection_data();
    void delimiterDetection();
    void explicitDelimiter();
    void headerOnly();
    void noFinalNewline();
    void carriageReturnAtEndOfFile();
    void emptyFields();
    void loneCarriageReturnIsData();
    void blankLinesAreSkipped();
    void valuesAreText();
    void errors_data();
    void errors();
    void rowsBeforeAnErrorAreDelivered();
    void errorsAreSticky();
    void emptyFile();
    void byteOrderMarkOnly();
    void binaryAtOpen();
    void binaryInALaterChunk();
    void recordLimit();
    void recordLimitAtEveryChunkBoundary();
    void recordLimitBeforeLaterSyntaxErrors();
    void unterminatedQuoteHitsTheLimitWithoutBufferingTheFile();
    void quotedFieldAcross64KiB();
    void multiByteCharacterAcross64KiB();
    void crlfAcross64KiB();
    void smallBatchesGiveTheSameRows();
    void mostlyPlainRecordsAtEveryChunkSize();
    void progress();
    void wrongTableWidthIsAnError();

private:
    QTemporaryDir m_dir;
};

void TestCsvReader::trickyFile()
{
    CsvReader reader(dataPath("tricky.csv"));
    QVERIFY2(reader.open(), qPrintable(reader.error().toString()));
    QCOMPARE(reader.delimiter(), ',');
    QCOMPARE(reader.columns(), QStringList({"id", "name", "note", "empty"}));
    QCOMPARE(reader.source(), dataPath("tricky.csv"));
    QCOMPARE(reader.totalRows(), -1);
    const ReadResult result = readAll(reader);
    QVERIFY2(!result.error.isSet(), qPrintable(result.error.toString()));
    QCOMPARE(asStrings(result.rows), trickyRows);
    // The end stays the end.
    RecordBlock block;
    QCOMPARE(reader.readRecords(block, 10), 0);
    QCOMPARE(block.count, 0);
    QCOMPARE(reader.readRecords(block, 10), 0);
    Table table;
    QCOMPARE(reader.readText(table, 10), 0);
    QCOMPARE(reader.progress(), 1.0);
    QCOMPARE(reader.bytesRead(), QFileInfo(dataPath("tricky.csv")).size());
}

void TestCsvReader::trickyFileAtEveryChunkBoundary()
{
    for (int chunk = 1; chunk <= 48; ++chunk) {
        CsvReader reader(dataPath("tricky.csv"), withChunk(chunk));
        QVERIFY2(reader.open(), qPrintable(reader.error().toString()));
        QCOMPARE(reader.columns(), QStringList({"id", "name", "note", "empty"}));
        const ReadResult result = readAll(reader, 1 + chunk % 3);
        QVERIFY2(!result.error.isSet(), qPrintable(result.error.toString()));
        QCOMPARE(asStrings(result.rows), trickyRows);
    }
}

void TestCsvReader::crlfAndByteOrderMark()
{
    const QString path = writeFile(m_dir, "crlf.csv", "\xEF\xBB\xBFname,value\r\nx,\"1\r\n2\"\r\ny,3\r\n");
    CsvReader reader(path);
    QVERIFY(reader.open());
    QCOMPARE(reader.columns(), QStringList({"name", "value"}));
    QCOMPARE(reader.columns().first().size(), 4); // no BOM left in the name
    const ReadResult result = readAll(reader);
    QVERIFY(!result.error.isSet());
    QCOMPARE(asStrings(result.rows), QList<QStringList>({{"x", "1\r\n2"}, {"y", "3"}}));
}

void TestCsvReader::crlfAndByteOrderMarkAtEveryChunkBoundary()
{
    const QByteArray bytes = "\xEF\xBB\xBF"
                             "a,b\r\n\"q\"\"\",\"\"\r\n\"\",\"x\r\ny\"\r\nlast,\"\"\"\"";
    const QString path = writeFile(m_dir, "crlf-chunks.csv", bytes);
    const QList<QStringList> expected = {{"q\"", "<null>"}, {"<null>", "x\r\ny"}, {"last", "\""}};
    for (int chunk = 1; chunk <= bytes.size() + 1; ++chunk) {
        CsvReader reader(path, withChunk(chunk));
        QVERIFY2(reader.open(), qPrintable(reader.error().toString()));
        QCOMPARE(reader.columns(), QStringList({"a", "b"}));
        const ReadResult result = readAll(reader);
        QVERIFY2(!result.error.isSet(), qPrintable(result.error.toString()));
        QCOMPARE(asStrings(result.rows), expected);
    }
}

void TestCsvReader::semicolons()
{
    CsvReader reader(dataPath("semicolon.csv"));
    QVERIFY(reader.open());
    QCOMPARE(reader.delimiter(), ';');
    QCOMPARE(reader.columns(), QStringList({"a", "b", "c"}));
    QCOMPARE(asStrings(readAll(reader).rows), QList<QStringList>({{"1", "x;y", "3"}, {"2,5", "4", "6"}}));
}

void TestCsvReader::tsvImpliesTab()
{
    CsvReader reader(dataPath("people.tsv"));
    QVERIFY(reader.open());
    QCOMPARE(reader.delimiter(), '\t');
    QCOMPARE(reader.columns(), QStringList({"name", "age"}));
    QCOMPARE(asStrings(readAll(reader).rows),
             QList<QStringList>({{"Ann", "31"}, {"Bob", "<null>"}, {"Tab\tby", "7"}}));

    // Even when the header alone would suggest commas.
    const QString path = writeFile(m_dir, "commas.tsv", "a,b\tc\n1,2\t3\n");
    CsvReader tsv(path);
    QVERIFY(tsv.open());
    QCOMPARE(tsv.columns(), QStringList({"a,b", "c"}));
}

void TestCsvReader::tabDetectedInCsv()
{
    const QString path = writeFile(m_dir, "tabs.csv", "a\tb\tc\n1,5\t2\t3\n");
    CsvReader reader(path);
    QVERIFY(reader.open());
    QCOMPARE(reader.delimiter(), '\t');
    QCOMPARE(asStrings(readAll(reader).rows), QList<QStringList>({{"1,5", "2", "3"}}));
}

void TestCsvReader::delimiterDetection_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<char>("delimiter");
    QTest::newRow("single column") << QByteArray("value\n1\n") << ',';
    QTest::newRow("commas") << QByteArray("a,b;c,d\n") << ',';
    QTest::newRow("semicolons win") << QByteArray("a;b;c,d\n") << ';';
    QTest::newRow("tie goes to comma") << QByteArray("a;b,c\n") << ',';
    QTest::newRow("tie semicolon over tab") << QByteArray("a;b\tc\n") << ';';
    QTest::newRow("quoted delimiters do not count") << QByteArray("\"a;b;c\",d\n") << ',';
    QTest::newRow("only the header line counts") << QByteArray("a,b\n1;2;3;4;5\n") << ',';
    QTest::newRow("quoted line break in the header") << QByteArray("\"x\ny;z\";w;v\n") << ';';
    QTest::newRow("leading blank lines") << QByteArray("\n\r\na;b\n") << ';';
}

void TestCsvReader::delimiterDetection()
{
    QFETCH(QByteArray, header);
    QFETCH(char, delimiter);
    const QString path = writeFile(m_dir, "detect.csv", header);
    for (int chunk : {1, 2, 3, 65536}) {
        CsvReader reader(path, withChunk(chunk));
        QVERIFY2(reader.open(), qPrintable(reader.error().toString()));
        QCOMPARE(reader.delimiter(), delimiter);
    }
}

void TestCsvReader::explicitDelimiter()
{
    const QString path = writeFile(m_dir, "pipes.csv", "a|b,c\n1|2,3\n");
    DatasetOptions options;
    options.csvDelimiter = '|';
    CsvReader reader(path, options);
    QVERIFY(reader.open());
    QCOMPARE(reader.delimiter(), '|');
    QCOMPARE(reader.columns(), QStringList({"a", "b,c"}));
    QCOMPARE(asStrings(readAll(reader).rows), QList<QStringList>({{"1", "2,3"}}));

    options.csvDelimiter = '"';
    CsvReader quote(path, options);
    QVERIFY(!quote.open());
    QCOMPARE(quote.error().message, QStringLiteral("'\"' cannot separate CSV fields"));
}

void TestCsvReader::headerOnly()
{
    CsvReader reader(dataPath("header_only.csv"));
    QVERIFY(reader.open());
    QCOMPARE(reader.columns(), QStringList({"a", "b", "c"}));
    RecordBlock block;
    QCOMPARE(reader.readRecords(block, 100), 0);
    QCOMPARE(block.count, 0);
    QVERIFY(block.bytes.isEmpty());
    QVERIFY(!reader.error().isSet());
    QCOMPARE(reader.progress(), 1.0);

    // Without its line break too.
    CsvReader bare(writeFile(m_dir, "bare-header.csv", "a;b"));
    QVERIFY(bare.open());
    QCOMPARE(bare.columns(), QStringList({"a", "b"}));
    QCOMPARE(readAll(bare).rows.size(), 0);
}

void TestCsvReader::noFinalNewline()
{
    CsvReader reader(dataPath("no_newline.csv"));
    QVERIFY(reader.open());
    QCOMPARE(asStrings(readAll(reader).rows), QList<QStringList>({{"1", "2"}}));

    // Ending inside a quoted field that was closed, or right after a delimiter.
    CsvReader quoted(writeFile(m_dir, "end-quoted.csv", "a,b\n1,\"x\ny\""));
    QVERIFY(quoted.open());
    QCOMPARE(asStrings(readAll(quoted).rows), QList<QStringList>({{"1", "x\ny"}}));
    CsvReader trailing(writeFile(m_dir, "end-delimiter.csv", "a,b\n1,"));
    QVERIFY(trailing.open());
    QCOMPARE(asStrings(readAll(trailing).rows), QList<QStringList>({{"1", "<null>"}}));
}

void TestCsvReader::carriageReturnAtEndOfFile()
{
    for (int chunk : {1, 2, 65536}) {
        CsvReader reader(writeFile(m_dir, "cr-end.csv", "a,b\r\n1,2\r"), withChunk(chunk));
        QVERIFY(reader.open());
        QCOMPARE(asStrings(readAll(reader).rows), QList<QStringList>({{"1", "2"}}));
        CsvReader quoted(writeFile(m_dir, "cr-end-quoted.csv", "a,b\r\n1,\"2\"\r"), withChunk(chunk));
        QVERIFY(quoted.open());
        QCOMPARE(asStrings(readAll(quoted).rows), QList<QStringList>({{"1", "2"}}));
    }
}

void TestCsvReader::emptyFields()
{
    CsvReader reader(writeFile(m_dir, "empty-fields.csv", "a,b,c\n,,\n\"\",,\"\"\n,x,\n"));
    QVERIFY(reader.open());
    QCOMPARE(asStrings(readAll(reader).rows), QList<QStringList>({{"<null>", "<null>", "<null>"},
                                                                  {"<null>", "<null>", "<null>"},
                                                                  {"<null>", "x", "<null>"}}));

    // In a one-column file an empty value must be quoted: a bare blank line is skipped.
    CsvReader single(writeFile(m_dir, "single.csv", "v\n\"\"\n\nz\n"));
    QVERIFY(single.open());
    QCOMPARE(asStrings(readAll(single).rows), QList<QStringList>({{"<null>"}, {"z"}}));
}

void TestCsvReader::loneCarriageReturnIsData()
{
    CsvReader reader(writeFile(m_dir, "lone-cr.csv", "a,b\nx\ry,2\n"));
    QVERIFY(reader.open());
    QCOMPARE(asStrings(readAll(reader).rows), QList<QStringList>({{"x\ry", "2"}}));
}

void TestCsvReader::blankLinesAreSkipped()
{
    CsvReader reader(writeFile(m_dir, "blank.csv", "\na,b\n\n1,2\r\n\r\n3,4\n\n"));
    QVERIFY(reader.open());
    QCOMPARE(reader.columns(), QStringList({"a", "b"}));
    QCOMPARE(asStrings(readAll(reader).rows), QList<QStringList>({{"1", "2"}, {"3", "4"}}));

    // Skipped lines still count for line numbers.
    CsvReader bad(writeFile(m_dir, "blank-bad.csv", "\na,b\n\n1,2\r\n\r\n3\n"));
    QVERIFY(bad.open());
    const ReadResult result = readAll(bad);
    QCOMPARE(result.rows.size(), 1);
    QCOMPARE(result.error.line, 6);
    QCOMPARE(result.error.column, 2);
}

void TestCsvReader::valuesAreText()
{
    CsvReader reader(writeFile(m_dir, "types.csv", "n,t\n42,caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\n"));
    QVERIFY(reader.open());
    const Rows rows = readAll(reader).rows;
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows[0][0].typeId(), QMetaType::QString);
    QCOMPARE(rows[0][0].toString(), QStringLiteral("42"));
    QCOMPARE(rows[0][1].toString(), QString::fromUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
}

void TestCsvReader::errors_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<bool>("failsAtOpen");
    QTest::addColumn<int>("rowsBefore");
    QTest::addColumn<qint64>("line");
    QTest::addColumn<qint64>("column");
    QTest::addColumn<QString>("message");

    QTest::newRow("extra field") << QByteArray("a,b,c\n1,2,3\n1,2,3,4\n") << false << 1 << 3LL << 4LL
                                 << "expected 3 fields (as in the header), found 4";
    QTest::newRow("missing field")
        << QByteArray("a,b,c\n1,2\n") << false << 0 << 2LL << 3LL
        << "expected 3 fields (as in the header), found 2; column 3 ('c') is missing";
    QTest::newRow("two missing")
        << QByteArray("a,b,c\r\nx\r\n") << false << 0 << 2LL << 2LL
        << "expected 3 fields (as in the header), found 1; column 2 ('b') is missing";
    QTest::newRow("after a multi-line record") << QByteArray("a,b\n\"x\ny\",1\n1,2,3\n") << false << 1 << 4LL
                                               << 3LL << "expected 2 fields (as in the header), found 3";
    QTest::newRow("multi-line record reports its first line")
        << QByteArray("a,b\n\"x\ny\",1,2\n") << false << 0 << 2LL << 3LL
        << "expected 2 fields (as in the header), found 3";
    QTest::newRow("unterminated quote")
        << QByteArray("a,b\n1,2\n3,\"abc\ndef\n") << false << 1 << 3LL << 2LL
        << "the quoted column 2 ('b') starting here is never closed: the file ends before its closing quote";
    QTest::newRow("unterminated quote in the header")
        << QByteArray("a,\"b\n") << true << 0 << 1LL << 2LL
        << "the quoted column 2 starting here is never closed: the file ends before its closing quote";
    QTest::newRow("stray quote")
        << QByteArray("a,b\n1,ab\"c\n") << false << 0 << 2LL << 2LL
        << "quote inside the unquoted column 2 ('b'); put the whole field in quotes and "
           "double the quotes inside it";
    QTest::newRow("space before a quote")
        << QByteArray("a,b\n1, \"c\"\n") << false << 0 << 2LL << 2LL
        << "quote inside the unquoted column 2 ('b'); put the whole field in "
           "quotes and double the quotes inside it";
    QTest::newRow("text after the closing quote")
        << QByteArray("a,b\n\"ab\"c,1\n") << false << 0 << 2LL << 1LL
        << "'c' after the closing quote of column 1 ('a'); a quoted field must end at a delimiter or line "
           "break";
    QTest::newRow("text after a multi-line quoted field")
        << QByteArray("a,b\n1,\"x\ny\" \n") << false << 0 << 3LL << 2LL
        << "' ' after the closing quote of column 2 ('b'); a quoted field must end at a delimiter or line "
           "break";
    QTest::newRow("lone CR after the closing quote")
        << QByteArray("a,b\n1,\"x\"\ry\n") << false << 0 << 2LL << 2LL
        << "byte 0x0d after the closing quote of column 2 ('b'); a quoted field must end at a delimiter or "
           "line "
           "break";
    QTest::newRow("invalid UTF-8")
        << QByteArray("a,b\n1,ok\n2,caf\xE9\n") << false << 1 << 3LL << 2LL
        << "invalid UTF-8 in column 2 ('b') (byte offset 5 of the line); save the file "
           "as UTF-8";
    QTest::newRow("invalid UTF-8 in a multi-line field")
        << QByteArray("a,b\n1,\"x\n\xFFy\"\n") << false << 0 << 3LL << 2LL
        << "invalid UTF-8 in column 2 ('b') (byte offset 0 of the line); save the file as UTF-8";
    QTest::newRow("overlong encoding")
        << QByteArray("a,b\n\xC0\xAF,1\n") << false << 0 << 2LL << 1LL
        << "invalid UTF-8 in column 1 ('a') (byte offset 0 of the line); save the "
           "file as UTF-8";
    QTest::newRow("surrogate")
        << QByteArray("a,b\n1,\xED\xA0\x80\n") << false << 0 << 2LL << 2LL
        << "invalid UTF-8 in column 2 ('b') (byte offset 2 of the line); save the file as "
           "UTF-8";
    QTest::newRow("truncated sequence")
        << QByteArray("a,b,c\n1,caf\xC3,3\n") << false << 0 << 2LL << 2LL
        << "invalid UTF-8 in column 2 ('b') (byte offset 5 of the line); save "
           "the file as UTF-8";
    QTest::newRow("sequence cut at a record's end")
        << QByteArray("a\n1\xC3\n\xA9\n") << false << 0 << 2LL << 1LL
        << "invalid UTF-8 in column 1 ('a') (byte offset 1 of the line); save the file as UTF-8";
    QTest::newRow("stray quote before an unclosed one at the end")
        << QByteArray("a,b\n1,2\n\"ab\"c,\"xyz\n") << false << 1 << 3LL << 1LL
        << "'c' after the closing quote of column 1 ('a'); a quoted field must end at a delimiter or line "
           "break";
    QTest::newRow("stray quote on a later line of a record")
        << QByteArray("a,b\n\"x\ny\",1\"\n") << false << 0 << 3LL << 2LL
        << "quote inside the unquoted column 2 ('b'); put the whole field in quotes and double the quotes "
           "inside it";
    QTest::newRow("invalid UTF-8 in the header")
        << QByteArray("a,\xC3\x28\n") << true << 0 << 1LL << 2LL
        << "invalid UTF-8 in column 2 (byte offset 2 of the line); save the file as UTF-8";
    QTest::newRow("duplicate column") << QByteArray("a,b,a\n1,2,3\n") << true << 0 << 1LL << 3LL
                                      << "column 3 repeats the name 'a' of column 1 in the header";
    QTest::newRow("empty column name")
        << QByteArray("a,,c\n") << true << 0 << 1LL << 2LL << "column 2 has an empty name in the header";
    QTest::newRow("empty quoted column name") << QByteArray("\n\nx,\"\"\n") << true << 0 << 3LL << 2LL
                                              << "column 2 has an empty name in the header";
    QTest::newRow("blank lines only") << QByteArray("\n\r\n\n") << true << 0 << 0LL << 0LL
                                      << "is empty: there is no header line naming the columns";
}

void TestCsvReader::errors()
{
    QFETCH(QByteArray, content);
    QFETCH(bool, failsAtOpen);
    QFETCH(int, rowsBefore);
    QFETCH(qint64, line);
    QFETCH(qint64, column);
    QFETCH(QString, message);
    const QString path = writeFile(m_dir, "error.csv", content);
    // The same error wherever the chunks end.
    for (int chunk : {1, 2, 3, 5, 65536}) {
        CsvReader reader(path, withChunk(chunk));
        InputError error;
        if (failsAtOpen) {
            QVERIFY(!reader.open());
            error = reader.error();
        } else {
            QVERIFY2(reader.open(), qPrintable(reader.error().toString()));
            const ReadResult result = readAll(reader, 1);
            QCOMPARE(result.rows.size(), rowsBefore);
            error = result.error;
        }
        QCOMPARE(error.file, path);
        QCOMPARE(error.message, message);
        QCOMPARE(error.line, line);
        QCOMPARE(error.column, column);
    }
}

void TestCsvReader::rowsBeforeAnErrorAreDelivered()
{
    CsvReader reader(writeFile(m_dir, "late-error.csv", "a,b\n1,2\n3,4\n5\n7,8\n"));
    QVERIFY(reader.open());
    Table table;
    QCOMPARE(reader.readText(table, 100), 2);
    QCOMPARE(asStrings(tableRows(table)), QList<QStringList>({{"1", "2"}, {"3", "4"}}));
    QVERIFY(reader.error().isSet()); // already known, reported by the next call
    QCOMPARE(reader.readText(table, 100), -1);
    QCOMPARE(table.rowCount(), 2);
    QCOMPARE(reader.error().toString(),
             QStringLiteral("%1:4:2: expected 2 fields (as in the header), found 1; "
                            "column 2 ('b') is missing")
                 .arg(reader.source()));
}

void TestCsvReader::errorsAreSticky()
{
    CsvReader reader(writeFile(m_dir, "sticky.csv", "a,b\n1,2,3\n4,5\n"));
    QVERIFY(reader.open());
    Table table;
    QCOMPARE(reader.readText(table, 1), -1);
    QCOMPARE(reader.readText(table, 1), -1);
    QCOMPARE(reader.readText(table, 100), -1);
    RecordBlock block;
    QCOMPARE(reader.readRecords(block, 100), -1);
    QCOMPARE(block.count, 0);
    QCOMPARE(table.rowCount(), 0);
    QCOMPARE(reader.error().line, 2);
}

void TestCsvReader::emptyFile()
{
    const QString path = writeFile(m_dir, "empty.csv", "");
    CsvReader reader(path);
    QVERIFY(!reader.open());
    QCOMPARE(reader.error().message, QStringLiteral("is empty"));
    QCOMPARE(reader.error().file, path);
    RecordBlock block;
    QCOMPARE(reader.readRecords(block, 10), -1);
}

void TestCsvReader::byteOrderMarkOnly()
{
    CsvReader reader(writeFile(m_dir, "bom.csv", "\xEF\xBB\xBF"));
    QVERIFY(!reader.open());
    QCOMPARE(reader.error().message, QStringLiteral("is empty"));
}

void TestCsvReader::binaryAtOpen()
{
    CsvReader reader(writeFile(m_dir, "binary.csv", QByteArray("a,b\n1\0,2\n", 10)));
    QVERIFY(!reader.open());
    QCOMPARE(reader.error().message,
             QStringLiteral("looks like a binary file (NUL byte at offset 5), not text"));
}

void TestCsvReader::binaryInALaterChunk()
{
    QByteArray content = "a,b\n";
    while (content.size() < 200000)
        content += "12345,67890\n";
    const qsizetype nulOffset = content.size() + 3;
    content += QByteArray("abc\0def,1\n", 10);
    content += "1,2\n";
    CsvReader reader(writeFile(m_dir, "late-binary.csv", content));
    QVERIFY(reader.open());
    const ReadResult result = readAll(reader, 1000);
    QCOMPARE(result.rows.size(), (nulOffset - 3 - 4) / 12);
    QCOMPARE(result.error.message,
             QStringLiteral("looks like a binary file (NUL byte at offset %1), not text").arg(nulOffset));
}

void TestCsvReader::recordLimit()
{
    const QString path = writeFile(m_dir, "limit.csv", "a,b\n12345,6789\n12345,67890\n");
    CsvReader reader(path, withChunk(65536, 10));
    QVERIFY(reader.open());
    const ReadResult result = readAll(reader);
    QCOMPARE(asStrings(result.rows), QList<QStringList>({{"12345", "6789"}}));
    QCOMPARE(result.error.message, QStringLiteral("line is longer than the limit of 10 bytes"));
    QCOMPARE(result.error.line, 3);

    // The header is a record too.
    CsvReader header(writeFile(m_dir, "limit-header.csv", "abcdef,ghijk\n1,2\n"), withChunk(4, 10));
    QVERIFY(!header.open());
    QCOMPARE(header.error().message, QStringLiteral("line is longer than the limit of 10 bytes"));
    QCOMPARE(header.error().line, 1);
}

void TestCsvReader::recordLimitAtEveryChunkBoundary()
{
    // A record of exactly the limit passes, CRLF or not; one byte more fails, wherever the chunks end.
    const QString fits =
        writeFile(m_dir, "fits.csv", "a,b\r\n\"1\r\n3\",678\r\n12345,6789\n\"\"\"\",\"\"\"\"\r");
    const QString over = writeFile(m_dir, "over.csv", "a,b\r\n1,2\r\n\"1\r\n34\",678\r\n");
    for (int chunk = 1; chunk <= 30; ++chunk) {
        CsvReader ok(fits, withChunk(chunk, 10));
        QVERIFY(ok.open());
        const ReadResult good = readAll(ok);
        QVERIFY2(!good.error.isSet(), qPrintable(good.error.toString()));
        QCOMPARE(asStrings(good.rows),
                 QList<QStringList>({{"1\r\n3", "678"}, {"12345", "6789"}, {"\"", "\""}}));

        CsvReader bad(over, withChunk(chunk, 10));
        QVERIFY(bad.open());
        const ReadResult result = readAll(bad);
        QCOMPARE(result.rows.size(), 1);
        QVERIFY2(result.error.message.startsWith(QStringLiteral("line is longer than the limit of 10 bytes")),
                 qPrintable(result.error.message));
        QCOMPARE(result.error.line, 3);
    }
}

void TestCsvReader::recordLimitBeforeLaterSyntaxErrors()
{
    // The stray quote lies past the limit: the record is too long, however much one chunk holds.
    const QString path = writeFile(m_dir, "limit-syntax.csv", "a,b\n1,234567\"x\n");
    for (int chunk : {1, 2, 3, 4, 7, 65536}) {
        CsvReader reader(path, withChunk(chunk, 5));
        QVERIFY(reader.open());
        const ReadResult result = readAll(reader);
        QCOMPARE(result.rows.size(), 0);
        QCOMPARE(result.error.message, QStringLiteral("line is longer than the limit of 5 bytes"));
        QCOMPARE(result.error.line, 2);
    }
}

void TestCsvReader::unterminatedQuoteHitsTheLimitWithoutBufferingTheFile()
{
    // 8 MiB in one quoted field: the limit stops the read long before the end of the file.
    QByteArray content = "a,b\n1,2\n3,\"";
    content += QByteArray(8 * 1024 * 1024, 'x');
    CsvReader reader(writeFile(m_dir, "runaway.csv", content), withChunk(65536, 100000));
    QVERIFY(reader.open());
    const ReadResult result = readAll(reader);
    QCOMPARE(result.rows.size(), 1);
    QCOMPARE(
        result.error.message,
        QStringLiteral("line is longer than the limit of 100000 bytes (inside the quoted column 2 ('b') that "
                       "starts on line 3; is a closing quote missing?)"));
    QCOMPARE(result.error.line, 3);
    QVERIFY(reader.progress() < 0.05); // it gave up early instead of reading everything
}

void TestCsvReader::quotedFieldAcross64KiB()
{
    const QByteArray header = "id,text\n";
    const QByteArray special = "\"a\"\"b\r\nc,d\"";
    for (int shift = 0; shift <= special.size() + 1; ++shift) {
        const int fillSize = 65536 - shift - int(header.size()) - 2 - 1 - 2;
        const QByteArray fill(fillSize, 'f');
        const QByteArray content = header + "0," + fill + "\n1," + special + "\r\n2,\"\xC3\xA9\"\n3,x,y\n";
        QCOMPARE(content.indexOf(special), 65536 - shift);
        CsvReader reader(writeFile(m_dir, "boundary.csv", content));
        QVERIFY(reader.open());
        const ReadResult result = readAll(reader, 2);
        QCOMPARE(
            asStrings(result.rows),
            QList<QStringList>({{"0", QString::fromLatin1(fill)}, {"1", "a\"b\r\nc,d"}, {"2", "\u00e9"}}));
        QCOMPARE(result.error.line, 6); // line numbers stay right across the refill
        QCOMPARE(result.error.column, 3);
    }
}

void TestCsvReader::multiByteCharacterAcross64KiB()
{
    const QList<QByteArray> characters = {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"};
    for (const QByteArray &character : characters) {
        for (int split = 1; split < character.size(); ++split) {
            for (bool quoted : {false, true}) {
                const QByteArray header = "k,v\n";
                const QByteArray open = quoted ? "1,\"x" : "1,x";
                QByteArray content = header + "0,";
                content += QByteArray(65536 - split - int(content.size()) - 1 - int(open.size()), 'f') + "\n";
                content += open + character + (quoted ? "y\"\n" : "y\n");
                QCOMPARE(content.indexOf(character), 65536 - split);
                CsvReader reader(writeFile(m_dir, "utf8-boundary.csv", content));
                QVERIFY(reader.open());
                const ReadResult result = readAll(reader);
                QVERIFY2(!result.error.isSet(), qPrintable(result.error.toString()));
                QCOMPARE(result.rows.size(), 2);
                QCOMPARE(result.rows[1][1].toString(), "x" + QString::fromUtf8(character) + "y");
            }
        }
    }
}

void TestCsvReader::crlfAcross64KiB()
{
    for (bool quoted : {false, true}) {
        const QByteArray quote = quoted ? "\"" : "";
        QByteArray content = "k,v\r\n0," + quote;
        content += QByteArray(65535 - int(content.size()) - 1 - int(quote.size()), 'f') + "z" + quote;
        content += "\r\n1,2\r\n";
        QCOMPARE(content.indexOf("\r\n1,2"), 65535);
        CsvReader reader(writeFile(m_dir, "crlf-boundary.csv", content));
        QVERIFY(reader.open());
        const ReadResult result = readAll(reader);
        QVERIFY2(!result.error.isSet(), qPrintable(result.error.toString()));
        QCOMPARE(result.rows.size(), 2);
        QVERIFY(result.rows[0][1].toString().endsWith(QLatin1String("fz")));
        QCOMPARE(asStrings({result.rows[1]}), QList<QStringList>({{"1", "2"}}));
    }
}

void TestCsvReader::smallBatchesGiveTheSameRows()
{
    QByteArray content = "id,text,more\n";
    for (int i = 0; i < 3000; ++i)
        content += QByteArray::number(i) + (i % 7 == 0 ? ",\"multi\nline, \"\"quoted\"\"\"" : ",plain") +
                   ",\xC3\xA9\r\n";
    const QString path = writeFile(m_dir, "batches.csv", content);
    CsvReader whole(path);
    QVERIFY(whole.open());
    const ReadResult all = readAll(whole);
    QVERIFY(!all.error.isSet());
    QCOMPARE(all.rows.size(), 3000);
    QCOMPARE(all.calls, 2);
    QCOMPARE(all.rows[7][1].toString(), QStringLiteral("multi\nline, \"quoted\""));
    QCOMPARE(all.rows[2999][0].toString(), QStringLiteral("2999"));
    for (int batch : {1, 2, 3, 7, 1000, 2999}) {
        CsvReader reader(path, withChunk(batch == 3 ? 100 : 65536));
        QVERIFY(reader.open());
        const ReadResult parts = readAll(reader, batch);
        QCOMPARE(parts.calls, (3000 + batch - 1) / batch + 1);
        QCOMPARE(parts.rows, all.rows);
    }
}

void TestCsvReader::progress()
{
    QByteArray content = "a\n";
    for (int i = 0; i < 100000; ++i)
        content += "1234567\n";
    CsvReader reader(writeFile(m_dir, "progress.csv", content));
    QVERIFY(reader.open());
    QVERIFY(reader.progress() < 0.001);
    QCOMPARE(reader.bytesRead(), 2);
    RecordBlock block;
    QCOMPARE(reader.readRecords(block, 50000), 50000);
    QVERIFY2(qAbs(reader.progress() - 0.5) < 0.001, QByteArray::number(reader.progress()));
    QCOMPARE(reader.bytesRead(), 2 + 50000 * 8);
    QCOMPARE(reader.readRecords(block, 100000), 50000);
    QCOMPARE(block.firstRow, 50000);
    QCOMPARE(reader.readRecords(block, 1), 0);
    QCOMPARE(reader.progress(), 1.0);
    QCOMPARE(reader.bytesRead(), content.size());
}

void TestCsvReader::wrongTableWidthIsAnError()
{
    CsvReader reader(dataPath("tricky.csv"));
    QVERIFY(reader.open());
    Table table(std::vector<ColumnType>(3, ColumnType::Text));
    QCOMPARE(reader.readText(table, 1), -1);
    QCOMPARE(table.rowCount(), 0);
    QVERIFY(reader.error().message.startsWith(QLatin1String("internal error")));
}

void TestCsvReader::mostlyPlainRecordsAtEveryChunkSize()
{
    // Runs of quote-free records (cut in bulk) between the cases that are not: CRLF, blank lines,
    // a CR kept before CR LF, quoted fields across lines, a stray quote, a record of exactly the
    // limit and one over it, chunk boundaries anywhere and blocks of any size.
    QByteArray bytes = "a,b\r\n123456789,12\r\n";
    CutRecords expected = {{"123456789,12", 2}};
    qint64 line = 3;
    for (int i = 0; i < 60; ++i) {
        const QByteArray n = QByteArray::number(i);
        switch (i % 6) {
        case 0: bytes += n + ",x\n"; expected.append({n + ",x", line++}); break;
        case 1: bytes += n + ",yy\r\n"; expected.append({n + ",yy", line++}); break;
        case 2: bytes += "\n" + n + ",z\n"; ++line; expected.append({n + ",z", line++}); break;
        case 3:
            bytes += "\r\n" + n + ",\"q\nr\"\n";
            ++line;
            expected.append({n + ",\"q\nr\"", line});
            line += 2;
            break;
        case 4: bytes += n + ",a\"b\n"; expected.append({n + ",a\"b", line++}); break;
        case 5: bytes += n + ",w\r\r\n\n\n"; expected.append({n + ",w\r", line}); line += 3; break;
        }
    }
    const QString complete = writeFile(m_dir, "mostly-plain.csv", bytes + "last,1");
    CutRecords all = expected;
    all.append({"last,1", line});
    const qint64 overLine = line;
    const QString over = writeFile(m_dir, "mostly-plain-over.csv", bytes + "123456789,123\r\n1,2\n");
    for (int chunk : {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 65536}) {
        for (int maxRows : {1, 2, 7, 16384}) {
            const QByteArray where = QByteArray("chunk ") + QByteArray::number(chunk) + " rows " + QByteArray::number(maxRows);
            CsvReader reader(complete, withChunk(chunk, 12));
            QVERIFY(reader.open());
            const CutResult read = cutAll(reader, maxRows);
            QVERIFY2(!read.error.isSet(), where + ": " + qPrintable(read.error.toString()));
            QCOMPARE(read.records, all);
            QCOMPARE(reader.progress(), 1.0);

            CsvReader tooLong(over, withChunk(chunk, 12));
            QVERIFY(tooLong.open());
            const CutResult cut = cutAll(tooLong, maxRows);
            QVERIFY2(cut.error.isSet(), where.constData());
            QCOMPARE(cut.error.line, overLine);
            QCOMPARE(cut.error.message, FileBuffer::tooLongMessage(12));
            QCOMPARE(cut.records, expected);
        }
    }
}

QTEST_GUILESS_MAIN(TestCsvReader)
#include "tst_csvreader.moc"
