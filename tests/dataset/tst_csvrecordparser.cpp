// SPDX-License-Identifier: GPL-3.0-or-later
#include "ReaderTestUtil.h"

#include "dataset/CsvReader.h"

#include <QTest>

#include <random>

using namespace fastmap;
using namespace fastmap::test;

class TestCsvRecordParser : public QObject
{
    Q_OBJECT

private slots:
    void recordBlocks();
    void typedFields();
    void textSharesTheRecordBytes();
    void parseStopsAtAMalformedRecord();
    void parserOutlivesTheReader();
    void randomFilesAtEveryChunkSize();

private:
    QTemporaryDir m_dir;
};

void TestCsvRecordParser::recordBlocks()
{
    // Whole records, without their line breaks, with the line each starts on.
    CsvReader reader(dataPath("tricky.csv"), withChunk(7));
    QVERIFY(reader.open());
    QCOMPARE(reader.bytesRead(), 19); // the header
    RecordBlock block;
    QCOMPARE(reader.readRecords(block, 3), 3);
    QCOMPARE(block.count, 3);
    QCOMPARE(block.firstRow, 0);
    QCOMPARE(block.lines, std::vector<std::int64_t>({2, 3, 6}));
    const auto record = [&](int i) { return block.bytes.mid(block.begin(i), block.end(i) - block.begin(i)); };
    QCOMPARE(record(0), QByteArray("1,\"Smith, John\",\"He said \"\"hi\"\"\","));
    QCOMPARE(record(1), QByteArray("2,\"multi\nline\nfield\",plain,\"\""));
    QCOMPARE(record(2), QByteArray("3,,\"\"\"\",x"));
    QCOMPARE(reader.readRecords(block, 3), 1);
    QCOMPARE(block.firstRow, 3);
    QCOMPARE(block.lines, std::vector<std::int64_t>({7}));
    QCOMPARE(record(0), QByteArray("4,\"\",\"a,b;c\td\","));
    QCOMPARE(reader.readRecords(block, 3), 0);
    QCOMPARE(block.firstRow, 4);
    QCOMPARE(reader.readRecords(block, 0), 0);
}

void TestCsvRecordParser::typedFields()
{
    const QByteArray content = "x,n,b,t\n"
                               "1.5,42,true,\"a \"\"q\"\"\"\n"
                               " -2e3 ,+7,FALSE,plain\n"
                               "abc,3.0,1,\n"
                               ",,,\"\"\n"
                               "1e400,9223372036854775808,maybe,x\n"
                               "\"2.5\",-0,0,\"\"\"\"\n";
    CsvReader reader(writeFile(m_dir, "typed.csv", content));
    QVERIFY(reader.open());
    const std::vector<FieldTarget> targets = {{0, ColumnType::Float64, "x"},
                                              {1, ColumnType::Int64, "n"},
                                              {2, ColumnType::Bool, "b"},
                                              {3, ColumnType::Text, "t"},
                                              {0, ColumnType::Text, "raw"}};
    RecordBlock block;
    QCOMPARE(reader.readRecords(block, 100), 6);
    Table table;
    BatchOutput failures({ColumnType::Float64}, block.count);
    InputError error;
    QCOMPARE(reader.parser()->parse(block, targets, &table, &failures, &error), 6);
    QVERIFY(!error.isSet());
    QCOMPARE(table.types(), std::vector<ColumnType>({ColumnType::Float64, ColumnType::Int64, ColumnType::Bool,
                                                     ColumnType::Text, ColumnType::Text}));
    QCOMPARE(table.rowCount(), 6);

    QCOMPARE(table.doubles(0)[0], 1.5);
    QCOMPARE(table.integers(1)[0], 42);
    QCOMPARE(table.bools(2)[0], 1);
    QCOMPARE(table.string(3, 0), QStringLiteral("a \"q\""));
    QCOMPARE(table.string(4, 0), QStringLiteral("1.5"));
    QVERIFY(!failures.failed(0));

    QCOMPARE(table.doubles(0)[1], -2000.0);
    QCOMPARE(table.integers(1)[1], 7);
    QCOMPARE(table.bools(2)[1], 0);
    QCOMPARE(table.string(3, 1), QStringLiteral("plain"));
    QCOMPARE(table.string(4, 1), QStringLiteral(" -2e3 ")); // text is never trimmed
    QVERIFY(!failures.failed(1));

    // The first input that fails names the element's error; the others still convert.
    QCOMPARE(failures.error(2), QStringLiteral("input 'x' is not a number: 'abc'"));
    QCOMPARE(table.doubles(0)[2], 0.0);
    QCOMPARE(table.integers(1)[2], 3);
    QCOMPARE(table.bools(2)[2], 1);
    QVERIFY(table.isNull(3, 2));

    QCOMPARE(failures.error(3), QStringLiteral("input 'x' is empty"));
    for (int c = 0; c < 5; ++c)
        QVERIFY(table.isNull(c, 3));

    QCOMPARE(failures.error(4), QStringLiteral("input 'x' is out of the range of a double: '1e400'"));

    QVERIFY(!failures.failed(5));
    QCOMPARE(table.doubles(0)[5], 2.5);
    QCOMPARE(table.integers(1)[5], 0);
    QCOMPARE(table.bools(2)[5], 0);
    QCOMPARE(table.string(3, 5), QStringLiteral("\""));
    QCOMPARE(failures.failedCount(), 3);

    // One target alone names its own failures.
    BatchOutput only({}, block.count);
    QCOMPARE(reader.parser()->parse(block, {{1, ColumnType::Int64, "n"}}, &table, &only, &error), 6);
    QCOMPARE(only.error(4),
             QStringLiteral("input 'n' is out of the 64-bit integer range: '9223372036854775808'"));
    QCOMPARE(only.error(3), QStringLiteral("input 'n' is empty"));
    QCOMPARE(only.failedCount(), 2);
    BatchOutput flags({}, block.count);
    QCOMPARE(reader.parser()->parse(block, {{2, ColumnType::Bool, "b"}}, &table, &flags, &error), 6);
    QCOMPARE(flags.error(4), QStringLiteral("input 'b' is not a boolean: 'maybe'"));
}

void TestCsvRecordParser::textSharesTheRecordBytes()
{
    CsvReader reader(writeFile(m_dir, "shared.csv", "a,b\nxy,\"z,w\"\n\"q\"\"\",1\n"));
    QVERIFY(reader.open());
    RecordBlock block;
    QCOMPARE(reader.readRecords(block, 1), 1);
    Table table;
    InputError error;
    BatchOutput failures({}, 1);
    QCOMPARE(reader.parser()->parse(block, allText(reader), &table, &failures, &error), 1);
    // No field needed rewriting: the table's buffer is the block's bytes themselves.
    QCOMPARE(table.buffer().constData(), block.bytes.constData());
    QCOMPARE(table.text(0, 0), std::string_view("xy"));
    QCOMPARE(table.text(1, 0), std::string_view("z,w"));

    QCOMPARE(reader.readRecords(block, 1), 1);
    QCOMPARE(reader.parser()->parse(block, allText(reader), &table, &failures, &error), 1);
    // Only the unquoted text is appended behind the record bytes.
    QCOMPARE(table.buffer(), block.bytes + "q\"");
    QCOMPARE(table.text(0, 0), std::string_view("q\""));
    QCOMPARE(table.text(1, 0), std::string_view("1"));
}

void TestCsvRecordParser::parseStopsAtAMalformedRecord()
{
    CsvReader reader(writeFile(m_dir, "malformed.csv", "a,b\n1,2\n\n3,4\n5\n6,7\n"));
    QVERIFY(reader.open());
    RecordBlock block;
    // The boundary scan does not look at fields: it cuts all four records.
    QCOMPARE(reader.readRecords(block, 10), 4);
    QVERIFY(!reader.error().isSet());
    Table table;
    BatchOutput failures({}, block.count);
    InputError error;
    QCOMPARE(reader.parser()->parse(block, allText(reader), &table, &failures, &error), 2);
    QCOMPARE(error.toString(), reader.source() + QStringLiteral(":5:2: expected 2 fields (as in the header), "
                                                                "found 1; column 2 ('b') is missing"));
    QCOMPARE(table.string(1, 1), QStringLiteral("4"));
}

void TestCsvRecordParser::parserOutlivesTheReader()
{
    RecordBlock block;
    std::shared_ptr<const RecordParser> parser;
    {
        CsvReader reader(dataPath("tricky.csv"));
        QVERIFY(reader.open());
        QCOMPARE(reader.readRecords(block, 10), 4);
        parser = reader.parser();
    }
    Table table;
    BatchOutput failures({}, block.count);
    InputError error;
    QCOMPARE(parser->parse(block, {{1, ColumnType::Text, "name"}}, &table, &failures, &error), 4);
    QCOMPARE(table.string(0, 1), QStringLiteral("multi\nline\nfield"));
    // The error names the file and the columns by name.
    block.bytes = "1,2";
    block.ends = {3};
    block.lines = {9};
    block.count = 1;
    QCOMPARE(parser->parse(block, {}, &table, &failures, &error), 0);
    QCOMPARE(error.toString(),
             dataPath("tricky.csv") + QStringLiteral(":9:3: expected 4 fields (as in the header), found 2; "
                                                     "column 3 ('note') is missing"));
}

void TestCsvRecordParser::randomFilesAtEveryChunkSize()
{
    // Random fields of delimiters, quotes, line breaks and multi-byte characters, quoted when they
    // must be (and sometimes when not), rows ending in LF or CRLF: what is read is what was written.
    std::mt19937 random(2026);
    const QList<QByteArray> pieces = {
        "a", "b7", ",", "\"", "\n", "\r", "\r\n", " ", "\xC3\xA9", "\xF0\x9F\x98\x80", "x\"\"y"};
    QByteArray content = "c1,c2,c3,c4,c5\n";
    QList<QStringList> expected;
    for (int row = 0; row < 400; ++row) {
        QStringList values;
        for (int column = 0; column < 5; ++column) {
            QByteArray value;
            const int length = int(random() % 4);
            for (int k = 0; k < length; ++k)
                value += pieces[int(random() % pieces.size())];
            const bool mustQuote =
                value.contains(',') || value.contains('"') || value.contains('\n') || value.contains('\r');
            if (column)
                content += ',';
            if (mustQuote || random() % 5 == 0)
                content += '"' + QByteArray(value).replace("\"", "\"\"") + '"';
            else
                content += value;
            values.append(value.isEmpty() ? QStringLiteral("<null>") : QString::fromUtf8(value));
        }
        content += random() % 2 ? "\r\n" : "\n";
        expected.append(values);
    }
    const QString path = writeFile(m_dir, "random.csv", content);
    for (int chunk : {1, 2, 3, 7, 64, 1000, 65536}) {
        for (int rows : {1, 13, 1000}) {
            CsvReader reader(path, withChunk(chunk));
            QVERIFY(reader.open());
            const ReadResult result = readAll(reader, rows);
            QVERIFY2(!result.error.isSet(), qPrintable(result.error.toString()));
            QCOMPARE(asStrings(result.rows), expected);
        }
    }
}

QTEST_GUILESS_MAIN(TestCsvRecordParser)
#include "tst_csvrecordparser.moc"
