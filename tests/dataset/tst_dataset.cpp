// SPDX-License-Identifier: GPL-3.0-or-later
#include "ReaderTestUtil.h"

#include "dataset/Dataset.h"

#include <QDir>
#include <QTest>

#include <unistd.h>

using namespace fastmap;
using namespace fastmap::test;

class TestDataset : public QObject
{
    Q_OBJECT

private slots:
    void formatFromName_data();
    void formatFromName();
    void formatFromFileName_data();
    void formatFromFileName();
    void formatName();
    void opensByExtension_data();
    void opensByExtension();
    void explicitFormatOverridesExtension();
    void unknownExtension();
    void missingFile();
    void directory();
    void emptyFile();
    void binaryFile();
    void unreadableFile();
    void preview();
    void previewKeepsRowsBeforeAnError();
    void previewOfAMissingFile();
    void errorText();

private:
    QTemporaryDir m_dir;
};

void TestDataset::formatFromName_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<DatasetFormat>("format");
    QTest::newRow("csv") << "csv" << true << DatasetFormat::Csv;
    QTest::newRow("CSV") << "CSV" << true << DatasetFormat::Csv;
    QTest::newRow("tsv") << "tsv" << true << DatasetFormat::Csv;
    QTest::newRow("jsonl") << "jsonl" << true << DatasetFormat::JsonLines;
    QTest::newRow("ndjson") << "ndjson" << true << DatasetFormat::JsonLines;
    QTest::newRow("text") << "text" << true << DatasetFormat::Text;
    QTest::newRow("txt") << "txt" << true << DatasetFormat::Text;
    QTest::newRow("range") << "range" << true << DatasetFormat::Range;
    QTest::newRow("auto") << "auto" << true << DatasetFormat::Auto;
    QTest::newRow("json") << "json" << false << DatasetFormat::Auto;
    QTest::newRow("empty") << "" << false << DatasetFormat::Auto;
}

void TestDataset::formatFromName()
{
    QFETCH(QString, name);
    QFETCH(bool, ok);
    QFETCH(DatasetFormat, format);
    bool known = !ok;
    QCOMPARE(Dataset::formatFromName(name, &known), format);
    QCOMPARE(known, ok);
}

void TestDataset::formatFromFileName_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<DatasetFormat>("format");
    QTest::newRow("csv") << "/data/a.csv" << DatasetFormat::Csv;
    QTest::newRow("upper") << "A.CSV" << DatasetFormat::Csv;
    QTest::newRow("tsv") << "a.tsv" << DatasetFormat::Csv;
    QTest::newRow("jsonl") << "a.b.jsonl" << DatasetFormat::JsonLines;
    QTest::newRow("ndjson") << "a.ndjson" << DatasetFormat::JsonLines;
    QTest::newRow("txt") << "notes.txt" << DatasetFormat::Text;
    QTest::newRow("text") << "notes.text" << DatasetFormat::Text;
    QTest::newRow("log") << "server.log" << DatasetFormat::Text;
    QTest::newRow("json") << "a.json" << DatasetFormat::Auto;
    QTest::newRow("none") << "Makefile" << DatasetFormat::Auto;
    QTest::newRow("csv in the directory only") << "x.csv/data" << DatasetFormat::Auto;
}

void TestDataset::formatFromFileName()
{
    QFETCH(QString, path);
    QFETCH(DatasetFormat, format);
    QCOMPARE(Dataset::formatFromFileName(path), format);
}

void TestDataset::formatName()
{
    for (DatasetFormat format : {DatasetFormat::Auto, DatasetFormat::Csv, DatasetFormat::JsonLines,
                                 DatasetFormat::Text, DatasetFormat::Range}) {
        bool ok = false;
        QCOMPARE(Dataset::formatFromName(Dataset::formatName(format), &ok), format);
        QVERIFY(ok);
    }
    QCOMPARE(Dataset::formatName(DatasetFormat::JsonLines), QStringLiteral("jsonl"));
}

void TestDataset::opensByExtension_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QStringList>("columns");
    QTest::addColumn<QString>("firstValue");
    QTest::newRow("csv") << "d.csv" << QByteArray("a,b\n1,2\n") << QStringList({"a", "b"}) << "1";
    QTest::newRow("tsv") << "d.tsv" << QByteArray("a,b\tc\n1\t2\n") << QStringList({"a,b", "c"}) << "1";
    QTest::newRow("jsonl") << "d.jsonl" << QByteArray("{\"k\": \"v\"}\n") << QStringList({"k"}) << "v";
    QTest::newRow("ndjson") << "d.ndjson" << QByteArray("{\"k\": 7}\n") << QStringList({"k"}) << "7";
    QTest::newRow("txt") << "d.txt" << QByteArray("a,b\n") << QStringList({"line"}) << "a,b";
    QTest::newRow("log") << "d.LOG" << QByteArray("{\"k\": 7}\n") << QStringList({"line"}) << "{\"k\": 7}";
}

void TestDataset::opensByExtension()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, content);
    QFETCH(QStringList, columns);
    QFETCH(QString, firstValue);
    const QString path = writeFile(m_dir, name, content);
    InputError error;
    const auto reader = Dataset::open(path, &error);
    QVERIFY2(reader, qPrintable(error.toString()));
    QVERIFY(!error.isSet());
    QCOMPARE(reader->source(), path);
    QCOMPARE(reader->columns(), columns);
    const ReadResult result = readAll(*reader);
    QVERIFY(!result.rows.isEmpty());
    QCOMPARE(result.rows[0][0].toString(), firstValue);
}

void TestDataset::explicitFormatOverridesExtension()
{
    const QString path = writeFile(m_dir, "data.csv", "a,b\n1,2\n");
    DatasetOptions options;
    options.format = DatasetFormat::Text;
    InputError error;
    const auto reader = Dataset::open(path, &error, options);
    QVERIFY(reader);
    QCOMPARE(reader->columns(), QStringList({"line"}));
    QCOMPARE(readAll(*reader).rows.size(), 2);

    options.format = DatasetFormat::Csv;
    options.csvDelimiter = ';';
    const QString other = writeFile(m_dir, "data.dat", "a;b,c\n1;2,3\n");
    const auto csv = Dataset::open(other, &error, options);
    QVERIFY(csv);
    QCOMPARE(csv->columns(), QStringList({"a", "b,c"}));
}

void TestDataset::unknownExtension()
{
    const QString path = writeFile(m_dir, "data.bin", "a,b\n");
    InputError error;
    QVERIFY(!Dataset::open(path, &error));
    QCOMPARE(error.message, QStringLiteral("cannot tell the format of %1 from its extension; name it with "
                                           "--input-format csv|jsonl|text")
                                .arg(path));
    QCOMPARE(error.file, path);
    QCOMPARE(error.line, 0);
}

void TestDataset::missingFile()
{
    for (const QString &name : {QStringLiteral("missing.csv"), QStringLiteral("missing.jsonl"),
                                QStringLiteral("missing.txt"), QStringLiteral("missing.unknown")}) {
        const QString path = m_dir.filePath(name);
        InputError error;
        QVERIFY(!Dataset::open(path, &error));
        QCOMPARE(error.file, path);
        QCOMPARE(error.message, QStringLiteral("cannot open: No such file or directory"));
        QCOMPARE(error.toString(), path + QStringLiteral(": cannot open: No such file or directory"));
    }
}

void TestDataset::directory()
{
    const QString path = m_dir.filePath("folder.csv");
    QVERIFY(QDir().mkpath(path));
    for (const QString &spec : {path, m_dir.path()}) {
        InputError error;
        QVERIFY(!Dataset::open(spec, &error));
        QCOMPARE(error.file, spec);
        QCOMPARE(error.message, QStringLiteral("is a directory, not a file"));
    }
}

void TestDataset::emptyFile()
{
    for (const QString &name :
         {QStringLiteral("empty.csv"), QStringLiteral("empty.jsonl"), QStringLiteral("empty.txt")}) {
        const QString path = writeFile(m_dir, name, "");
        InputError error;
        QVERIFY(!Dataset::open(path, &error));
        QCOMPARE(error.file, path);
        QCOMPARE(error.message, QStringLiteral("is empty"));
    }
}

void TestDataset::binaryFile()
{
    QByteArray png("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16);
    for (const QString &name :
         {QStringLiteral("image.csv"), QStringLiteral("image.jsonl"), QStringLiteral("image.txt")}) {
        const QString path = writeFile(m_dir, name, png);
        InputError error;
        QVERIFY(!Dataset::open(path, &error));
        QCOMPARE(error.message, QStringLiteral("looks like a binary file (NUL byte at offset 8), not text"));
    }
}

void TestDataset::unreadableFile()
{
    if (::geteuid() == 0)
        QSKIP("root reads files whatever their permissions");
    const QString path = writeFile(m_dir, "secret.csv", "a\n1\n");
    QVERIFY(QFile::setPermissions(path, QFileDevice::WriteOwner));
    InputError error;
    QVERIFY(!Dataset::open(path, &error));
    QCOMPARE(error.message, QStringLiteral("cannot open: Permission denied"));
}

void TestDataset::preview()
{
    QStringList columns;
    InputError error;
    const Table table = Dataset::preview(dataPath("tricky.csv"), 2, &columns, &error);
    QVERIFY(!error.isSet());
    QCOMPARE(columns, QStringList({"id", "name", "note", "empty"}));
    QCOMPARE(table.columnCount(), 4);
    QCOMPARE(table.rowCount(), 2);
    QCOMPARE(table.value(1, 1).toString(), QStringLiteral("multi\nline\nfield"));
    // Every column is text; empty fields are nulls.
    QCOMPARE(table.types(), std::vector<ColumnType>(4, ColumnType::Text));
    QVERIFY(table.isNull(3, 0));

    const Table all = Dataset::preview(dataPath("tricky.csv"), 100, &columns, &error);
    QCOMPARE(all.rowCount(), 4);

    const Table range = Dataset::preview("range:1000000", 3, &columns, nullptr);
    QCOMPARE(columns, QStringList({"x"}));
    QCOMPARE(range.rowCount(), 3);
    QCOMPARE(range.value(2, 0).toLongLong(), 2);

    QCOMPARE(Dataset::preview(dataPath("objects.jsonl"), 0, nullptr, &error).rowCount(), 0);
}

void TestDataset::previewKeepsRowsBeforeAnError()
{
    const QString path = writeFile(m_dir, "late.csv", "a,b\n1,2\n3,4\n5,6,7\n8,9\n");
    QStringList columns;
    InputError error;
    const Table table = Dataset::preview(path, 10, &columns, &error);
    QCOMPARE(table.rowCount(), 2);
    QCOMPARE(table.value(1, 1).toString(), QStringLiteral("4"));
    QCOMPARE(error.line, 4);
    QCOMPARE(error.column, 3);
    QCOMPARE(error.message, QStringLiteral("expected 2 fields (as in the header), found 3"));

    // Not reached: no error.
    const Table head = Dataset::preview(path, 2, &columns, &error);
    QCOMPARE(head.rowCount(), 2);
    QVERIFY(!error.isSet());
}

void TestDataset::previewOfAMissingFile()
{
    QStringList columns = {"stale"};
    InputError error;
    const Table table = Dataset::preview(m_dir.filePath("nope.csv"), 10, &columns, &error);
    QCOMPARE(table.rowCount(), 0);
    QCOMPARE(columns, QStringList());
    QCOMPARE(error.message, QStringLiteral("cannot open: No such file or directory"));
}

void TestDataset::errorText()
{
    const QString path = writeFile(m_dir, "where.csv", "a,b\n1,\"x\n");
    InputError error;
    QStringList columns;
    Dataset::preview(path, 10, &columns, &error);
    QCOMPARE(error.toString(), path + QStringLiteral(":2:2: the quoted column 2 ('b') starting here is never "
                                                     "closed: the file ends before its closing quote"));
}

QTEST_GUILESS_MAIN(TestDataset)
#include "tst_dataset.moc"
