// SPDX-License-Identifier: GPL-3.0-or-later
#include "ReaderTestUtil.h"

#include "dataset/TextLinesReader.h"

#include <QTest>

using namespace fastmap;
using namespace fastmap::test;

namespace {

// An empty line is a null, like an empty CSV field; it shows as "".
QStringList lines(const Rows &rows)
{
    QStringList out;
    for (const QVariantList &row : rows) {
        if (row.size() != 1 || (row[0].isValid() && row[0].typeId() != QMetaType::QString))
            qFatal("a text row must be one string or a null");
        if (row[0].isValid() && row[0].toString().isEmpty())
            qFatal("an empty line must be a null");
        out.append(row[0].toString());
    }
    return out;
}

} // namespace

class TestTextLinesReader : public QObject
{
    Q_OBJECT

private slots:
    void linesFile();
    void lineEndings_data();
    void lineEndings();
    void byteOrderMark();
    void invalidUtf8();
    void binary();
    void emptyFile();
    void lineLimit();
    void hugeLineDoesNotBufferTheFile();
    void multiByteCharacterAcross64KiB();
    void smallBatchesGiveTheSameRows();
    void manyLinesAtEveryChunkSize();
    void progress();
    void typedLines();
    void recordsAreLines();

private:
    QTemporaryDir m_dir;
};

void TestTextLinesReader::linesFile()
{
    TextLinesReader reader(dataPath("lines.txt"));
    QVERIFY(reader.open());
    QCOMPARE(reader.columns(), QStringList({"line"}));
    const ReadResult result = readAll(reader);
    QVERIFY(!result.error.isSet());
    QCOMPARE(lines(result.rows), QStringList({"first", "", "third  ", "\tfourth"}));
    QCOMPARE(reader.progress(), 1.0);
}

void TestTextLinesReader::lineEndings_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("crlf") << QByteArray("a\r\nb\r\n\r\nc") << QStringList({"a", "b", "", "c"});
    QTest::newRow("no final newline") << QByteArray("x\ny") << QStringList({"x", "y"});
    QTest::newRow("one newline") << QByteArray("\n") << QStringList({""});
    QTest::newRow("two newlines") << QByteArray("\n\n") << QStringList({"", ""});
    QTest::newRow("crlf only") << QByteArray("\r\n") << QStringList({""});
    QTest::newRow("lone CR is kept") << QByteArray("a\rb\n") << QStringList({"a\rb"});
    QTest::newRow("CR at the very end") << QByteArray("a\r") << QStringList({"a"});
    QTest::newRow("spaces kept") << QByteArray("  \n \t ") << QStringList({"  ", " \t "});
    QTest::newRow("utf-8") << QByteArray("caf\xC3\xA9\n\xF0\x9F\x98\x80\n")
                           << QStringList({"caf\u00e9", "\U0001F600"});
}

void TestTextLinesReader::lineEndings()
{
    QFETCH(QByteArray, content);
    QFETCH(QStringList, expected);
    const QString path = writeFile(m_dir, "endings.txt", content);
    for (int chunk = 1; chunk <= content.size() + 1; ++chunk) {
        TextLinesReader reader(path, withChunk(chunk));
        QVERIFY(reader.open());
        const ReadResult result = readAll(reader, 1 + chunk % 2);
        QVERIFY2(!result.error.isSet(), qPrintable(result.error.toString()));
        QCOMPARE(lines(result.rows), expected);
    }
}

void TestTextLinesReader::byteOrderMark()
{
    TextLinesReader reader(writeFile(m_dir, "bom.txt", "\xEF\xBB\xBFhello\nworld\n"));
    QVERIFY(reader.open());
    QCOMPARE(lines(readAll(reader).rows), QStringList({"hello", "world"}));
}

void TestTextLinesReader::invalidUtf8()
{
    const QString path = writeFile(m_dir, "bad.txt", "ok\n\xC3\xA9\xC3\xA9\xFFx\nafter\n");
    for (int chunk : {1, 4, 65536}) {
        TextLinesReader reader(path, withChunk(chunk));
        QVERIFY(reader.open());
        const ReadResult result = readAll(reader);
        QCOMPARE(lines(result.rows), QStringList({"ok"}));
        QCOMPARE(result.error.file, path);
        QCOMPARE(result.error.line, 2);
        QCOMPARE(result.error.column, 3); // in characters: two é before it
        QCOMPARE(result.error.message,
                 QStringLiteral("invalid UTF-8 (byte offset 4 of the line); save the file as UTF-8"));
        Table table;
        QCOMPARE(reader.readText(table, 10), -1);
    }
}

void TestTextLinesReader::binary()
{
    TextLinesReader atOpen(writeFile(m_dir, "binary.txt", QByteArray("\0\1\2", 3)));
    QVERIFY(!atOpen.open());
    QCOMPARE(atOpen.error().message,
             QStringLiteral("looks like a binary file (NUL byte at offset 0), not text"));

    // Past the first chunk: the lines before the NUL's line are rows, then the error.
    QByteArray content;
    for (int i = 0; i < 10000; ++i)
        content += "line " + QByteArray::number(i) + "\n";
    const qsizetype offset = content.size() + 2;
    content += QByteArray("ab\0", 3) + "\nmore\n";
    TextLinesReader reader(writeFile(m_dir, "late-binary.txt", content));
    QVERIFY(reader.open());
    const ReadResult result = readAll(reader, 333);
    QCOMPARE(result.rows.size(), 10000);
    QCOMPARE(result.error.message,
             QStringLiteral("looks like a binary file (NUL byte at offset %1), not text").arg(offset));
}

void TestTextLinesReader::emptyFile()
{
    TextLinesReader reader(writeFile(m_dir, "empty.txt", ""));
    QVERIFY(!reader.open());
    QCOMPARE(reader.error().message, QStringLiteral("is empty"));
}

void TestTextLinesReader::lineLimit()
{
    const QString path = writeFile(m_dir, "limit.txt", "12345\r\n\r\n1234\n123456\nok\n");
    for (int chunk = 1; chunk <= 25; ++chunk) {
        TextLinesReader reader(path, withChunk(chunk, 5));
        QVERIFY(reader.open());
        const ReadResult result = readAll(reader);
        QCOMPARE(lines(result.rows), QStringList({"12345", "", "1234"}));
        QCOMPARE(result.error.message, QStringLiteral("line is longer than the limit of 5 bytes"));
        QCOMPARE(result.error.line, 4);
        QCOMPARE(result.error.column, 0);
    }
}

void TestTextLinesReader::hugeLineDoesNotBufferTheFile()
{
    QByteArray content = "short\n";
    content += QByteArray(8 * 1024 * 1024, 'x');
    TextLinesReader reader(writeFile(m_dir, "huge.txt", content), withChunk(65536, 1000));
    QVERIFY(reader.open());
    const ReadResult result = readAll(reader);
    QCOMPARE(lines(result.rows), QStringList({"short"}));
    QCOMPARE(result.error.line, 2);
    QVERIFY(reader.progress() < 0.01);
}

void TestTextLinesReader::multiByteCharacterAcross64KiB()
{
    const QList<QByteArray> characters = {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"};
    for (const QByteArray &character : characters) {
        for (int split = 1; split < character.size(); ++split) {
            QByteArray content = "first\n";
            content += QByteArray(65536 - split - int(content.size()), 'f') + character + "z\nlast";
            QCOMPARE(content.indexOf(character), 65536 - split);
            TextLinesReader reader(writeFile(m_dir, "boundary.txt", content));
            QVERIFY(reader.open());
            const ReadResult result = readAll(reader);
            QVERIFY2(!result.error.isSet(), qPrintable(result.error.toString()));
            const QStringList texts = lines(result.rows);
            QCOMPARE(texts.size(), 3);
            QCOMPARE(texts[1].right(3 + (character.size() == 4 ? 1 : 0)),
                     "f" + QString::fromUtf8(character) + "z");
            QCOMPARE(texts[2], QStringLiteral("last"));
        }
    }
}

void TestTextLinesReader::smallBatchesGiveTheSameRows()
{
    QByteArray content;
    for (int i = 0; i < 5000; ++i)
        content += (i % 5 == 0 ? QByteArray() : "row " + QByteArray::number(i)) + (i % 2 ? "\r\n" : "\n");
    const QString path = writeFile(m_dir, "batches.txt", content);
    TextLinesReader whole(path);
    QVERIFY(whole.open());
    const Rows all = readAll(whole).rows;
    QCOMPARE(all.size(), 5000);
    QVERIFY(!all[0][0].isValid()); // an empty line is a null
    QCOMPARE(all[4999][0].toString(), QStringLiteral("row 4999"));
    for (int batch : {1, 2, 7, 4999}) {
        TextLinesReader reader(path, withChunk(batch == 7 ? 10 : 65536));
        QVERIFY(reader.open());
        QCOMPARE(readAll(reader, batch).rows, all);
    }
}

void TestTextLinesReader::progress()
{
    QByteArray content;
    for (int i = 0; i < 1000; ++i)
        content += "123456789\n";
    TextLinesReader reader(writeFile(m_dir, "progress.txt", content));
    QVERIFY(reader.open());
    QCOMPARE(reader.progress(), 0.0);
    RecordBlock block;
    QCOMPARE(reader.readRecords(block, 250), 250);
    QVERIFY2(qAbs(reader.progress() - 0.25) < 0.002, QByteArray::number(reader.progress()));
    QCOMPARE(reader.bytesRead(), 2500);
    QCOMPARE(reader.readRecords(block, 10000), 750);
    QCOMPARE(block.firstRow, 250);
    QCOMPARE(block.lines.front(), 251);
    QCOMPARE(reader.readRecords(block, 1), 0);
    QCOMPARE(reader.progress(), 1.0);
    QCOMPARE(reader.bytesRead(), 10000);
}

void TestTextLinesReader::typedLines()
{
    TextLinesReader reader(writeFile(m_dir, "numbers.txt", "1.5\n\n 42 \nx\n"));
    QVERIFY(reader.open());
    const ParseResult result =
        parseAll(reader, {{0, ColumnType::Float64, "line"}, {0, ColumnType::Text, "raw"}});
    QVERIFY(!result.error.isSet());
    QCOMPARE(result.rows, Rows({{1.5, "1.5"},
                                {"input 'line' is empty", "input 'line' is empty"},
                                {42.0, " 42 "},
                                {"input 'line' is not a number: 'x'", "input 'line' is not a number: 'x'"}}));
}

void TestTextLinesReader::recordsAreLines()
{
    TextLinesReader reader(writeFile(m_dir, "records.txt", "a\r\n\nbc\n"), withChunk(2));
    QVERIFY(reader.open());
    RecordBlock block;
    QCOMPARE(reader.readRecords(block, 10), 3);
    QCOMPARE(block.bytes, QByteArray("abc"));
    QCOMPARE(block.ends, std::vector<std::uint32_t>({1, 1, 3}));
    QCOMPARE(block.lines, std::vector<std::int64_t>({1, 2, 3}));
    QCOMPARE(block.firstRow, 0);
    // The text views share the block's bytes.
    Table table;
    BatchOutput failures({}, 3);
    InputError error;
    QCOMPARE(reader.parser()->parse(block, {{0, ColumnType::Text, "line"}}, &table, &failures, &error), 3);
    QCOMPARE(table.buffer().constData(), block.bytes.constData());
    QCOMPARE(table.text(0, 2), std::string_view("bc"));
    QVERIFY(table.isNull(0, 1));
}


void TestTextLinesReader::manyLinesAtEveryChunkSize()
{
    // Lines cut in bulk and one by one agree: empty lines are records, CRLF, a CR kept before
    // CR LF, a line of exactly the limit, one over it, chunk boundaries anywhere, any block size.
    QByteArray bytes;
    CutRecords expected;
    for (int i = 0; i < 60; ++i) {
        const QByteArray n = QByteArray::number(i);
        switch (i % 5) {
        case 0: bytes += "t" + n + "\n"; expected.append({"t" + n, i + 1}); break;
        case 1: bytes += "t" + n + "\r\n"; expected.append({"t" + n, i + 1}); break;
        case 2: bytes += i % 2 ? "\n" : "\r\n"; expected.append({"", i + 1}); break;
        case 3: bytes += "  " + n + "\r\r\n"; expected.append({"  " + n + "\r", i + 1}); break;
        case 4: bytes += "1234567890\r\n"; expected.append({"1234567890", i + 1}); break;
        }
    }
    const QString complete = writeFile(m_dir, "many.txt", bytes + "last");
    CutRecords all = expected;
    all.append({"last", 61});
    const QString over = writeFile(m_dir, "many-over.txt", bytes + "12345678901\nok\n");
    for (int chunk : {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 65536}) {
        for (int maxRows : {1, 2, 7, 16384}) {
            const QByteArray where = QByteArray("chunk ") + QByteArray::number(chunk) + " rows " + QByteArray::number(maxRows);
            TextLinesReader reader(complete, withChunk(chunk, 10));
            QVERIFY(reader.open());
            const CutResult read = cutAll(reader, maxRows);
            QVERIFY2(!read.error.isSet(), where + ": " + qPrintable(read.error.toString()));
            QCOMPARE(read.records, all);
            QCOMPARE(reader.progress(), 1.0);

            TextLinesReader tooLong(over, withChunk(chunk, 10));
            QVERIFY(tooLong.open());
            const CutResult cut = cutAll(tooLong, maxRows);
            QVERIFY2(cut.error.isSet(), where.constData());
            QCOMPARE(cut.error.line, 61);
            QCOMPARE(cut.error.message, QStringLiteral("line is longer than the limit of 10 bytes"));
            QCOMPARE(cut.records, expected);
        }
    }
}

QTEST_GUILESS_MAIN(TestTextLinesReader)
#include "tst_textlinesreader.moc"
