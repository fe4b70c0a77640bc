// SPDX-License-Identifier: GPL-3.0-or-later
// Tests the result writers byte for byte, driven like the engine drives them: begin(), prepare()
// on worker threads in any order, consume() in input order, finish(). Covers CSV (RFC 4180 with
// CRLF), JSON Lines, typed columns with nulls, --keep-input (the batch's kept text) and its
// renaming of clashing columns, failed rows, and the temporary file that becomes the output (or
// OUTPUT.partial) only in finish().
#include "WriterTestUtils.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <limits>

using namespace fastmap;

using namespace fastmap::test;

namespace {

// Every entry of `dir`, hidden ones included.
QStringList entries(const QString &dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
}

// The dataset has columns x and label; the function outputs value and text.
const QStringList datasetColumns{"x", "label"};
const QStringList outputColumns{"value", "text"};

const std::vector<ColumnType> sampleTypes{ColumnType::Float64, ColumnType::Text};

QList<BatchResult> sampleResults()
{
    QList<BatchResult> results;
    results << makeResult(0, 0, {{"1", "one"}, {"2", "two, too"}, {"3", "three"}}, sampleTypes,
                          {{0.1, "plain"}, {1e300, "a,b"}, {42.0, "say \"hi\""}});
    results << makeResult(1, 3, {{"4", "four"}, {"5", "five\nlines"}, {"6", "six"}}, sampleTypes,
                          {{3.0, "line1\nline2"}, {9.0, "ignored"}, {-0.5, QVariant()}},
                          {{1, "bad, very \"bad\"\nsecond line"}});
    results << makeResult(2, 6, {{"7", ""}}, sampleTypes, {{}}, {{0, QString()}}); // fail() with no message
    return results;
}

const QByteArray sampleCsv = "value,text,error\r\n"
                             "0.1,plain,\r\n"
                             "1e+300,\"a,b\",\r\n"
                             "42,\"say \"\"hi\"\"\",\r\n"
                             "3,\"line1\nline2\",\r\n"
                             ",,\"bad, very \"\"bad\"\"\nsecond line\"\r\n"
                             "-0.5,,\r\n"
                             ",,failed\r\n";

const QByteArray sampleJsonl =
    "{\"value\":0.1,\"text\":\"plain\",\"error\":null}\n"
    "{\"value\":1e+300,\"text\":\"a,b\",\"error\":null}\n"
    "{\"value\":42,\"text\":\"say \\\"hi\\\"\",\"error\":null}\n"
    "{\"value\":3,\"text\":\"line1\\nline2\",\"error\":null}\n"
    "{\"value\":null,\"text\":null,\"error\":\"bad, very \\\"bad\\\"\\nsecond line\"}\n"
    "{\"value\":-0.5,\"text\":null,\"error\":null}\n"
    "{\"value\":null,\"text\":null,\"error\":\"failed\"}\n";

} // namespace

Q_DECLARE_METATYPE(Drive)

class TestResultWriter : public QObject
{
    Q_OBJECT

private slots:
    void init() { QVERIFY(m_dir.isValid()); }

    void csvBytes_data()
    {
        QTest::addColumn<Drive>("how");
        QTest::newRow("prepare in order") << Drive::PrepareInOrder;
        QTest::newRow("prepare out of order") << Drive::PrepareReversed;
        QTest::newRow("consume without prepare") << Drive::NoPrepare;
    }

    void csvBytes()
    {
        QFETCH(Drive, how);
        const QString path = m_dir.filePath(QStringLiteral("out.csv"));
        CsvResultWriter writer(path, {});
        QString error;
        QVERIFY2(drive(writer, sampleResults(), how, datasetColumns, outputColumns, &error),
                 qPrintable(error));
        QCOMPARE(readFile(path), sampleCsv);
        QCOMPARE(writer.rowsWritten(), 7);
        QCOMPARE(writer.path(), path);
        QCOMPARE(writer.finalPath(), path);
        QCOMPARE(entries(m_dir.path()), QStringList{"out.csv"});
    }

    void prepareFillsEncoded()
    {
        const QString path = m_dir.filePath(QStringLiteral("prepared.csv"));
        CsvResultWriter writer(path, {});
        QString error;
        QVERIFY(writer.begin(datasetColumns, outputColumns, &error));
        QList<BatchResult> results = sampleResults();
        writer.prepare(results[0]);
        QCOMPARE(results[0].encoded,
                 QByteArray("0.1,plain,\r\n1e+300,\"a,b\",\r\n42,\"say \"\"hi\"\"\",\r\n"));
        // consume() writes what prepare() encoded, not the values (the engine may drop them).
        results[0].encoded = "x\r\n";
        QVERIFY(writer.consume(results[0], &error));
        QVERIFY(writer.finish(true, &error));
        QCOMPARE(readFile(path), QByteArray("value,text,error\r\nx\r\n"));
    }

    void csvTypedColumns()
    {
        const QString path = m_dir.filePath(QStringLiteral("numbers.csv"));
        CsvResultWriter writer(path, {});
        QString error;
        QVERIFY(writer.begin({"in"}, {"d", "i", "b", "s"}, &error));
        const qint64 max = std::numeric_limits<qint64>::max();
        const qint64 min = std::numeric_limits<qint64>::min();
        BatchResult r =
            makeResult(0, 0, {}, {ColumnType::Float64, ColumnType::Int64, ColumnType::Bool, ColumnType::Text},
                       {{1.0 / 3.0, qint64(-9007199254740993LL), true, QStringLiteral(" padded ")},
                        {1e-7, qint64(0), false, QStringLiteral("a;b")},
                        {100.0, max, QVariant(), QString()},
                        {QVariant(), min, true, QVariant()},
                        {-0.0, qint64(1), false, QStringLiteral("0.10")}});
        writer.prepare(r);
        QVERIFY(writer.consume(r, &error));
        QVERIFY(writer.finish(true, &error));
        QCOMPARE(readFile(path), QByteArray("d,i,b,s,error\r\n"
                                            "0.3333333333333333,-9007199254740993,true,\" padded \",\r\n"
                                            "1e-07,0,false,\"a;b\",\r\n"
                                            "100,9223372036854775807,,,\r\n"
                                            ",-9223372036854775808,true,,\r\n"
                                            "-0,1,false,0.10,\r\n"));
        QCOMPARE(writer.rowsWritten(), 5);
    }

    void csvHeaderQuoting()
    {
        const QString path = m_dir.filePath(QStringLiteral("header.csv"));
        CsvResultWriter writer(path, {});
        QString error;
        QVERIFY(writer.begin({"in"}, {"a,b", "say \"x\"", "plain"}, &error));
        QVERIFY(writer.finish(true, &error));
        QCOMPARE(readFile(path), QByteArray("\"a,b\",\"say \"\"x\"\"\",plain,error\r\n"));
        QCOMPARE(writer.rowsWritten(), 0);
    }

    void csvKeepInput()
    {
        const QString path = m_dir.filePath(QStringLiteral("keep.csv"));
        CsvResultWriter writer(path, ResultWriterOptions{true});
        QString error;
        // Output "x" clashes with input "x"; input "error" with the error column.
        QVERIFY(writer.begin({"x", "label", "error"}, {"x", "y"}, &error));
        QVERIFY(writer.wantsInput());
        BatchResult r = makeResult(0, 0, {{"1", "a,b", "e"}, {"2", "c", QVariant()}},
                                   {ColumnType::Int64, ColumnType::Float64},
                                   {{qint64(10), 0.25}, {qint64(11), 0.5}}, {{1, "no"}});
        writer.prepare(r);
        QVERIFY(writer.consume(r, &error));
        QVERIFY(writer.finish(true, &error));
        QCOMPARE(readFile(path), QByteArray("input_x,label,input_error,x,y,error\r\n"
                                            "1,\"a,b\",e,10,0.25,\r\n"
                                            "2,c,,,,no\r\n"));
    }

    void keepInputRenamesUntilUnique()
    {
        const QString path = m_dir.filePath(QStringLiteral("rename.csv"));
        CsvResultWriter writer(path, ResultWriterOptions{true});
        QString error;
        QVERIFY(writer.begin({"x", "input_x", "z"}, {"x"}, &error));
        QVERIFY(writer.finish(true, &error));
        QCOMPARE(readFile(path), QByteArray("input_x,input_input_x,z,x,error\r\n"));
    }

    void keepInputOffIgnoresInputs()
    {
        const QString path = m_dir.filePath(QStringLiteral("nokeep.csv"));
        CsvResultWriter writer(path, ResultWriterOptions{false});
        QString error;
        QVERIFY(!writer.wantsInput());
        QVERIFY(writer.begin({"x"}, {"x"}, &error));
        BatchResult r = makeResult(0, 0, {{"1"}}, {ColumnType::Int64}, {{qint64(2)}});
        QVERIFY(writer.consume(r, &error));
        QVERIFY(writer.finish(true, &error));
        QCOMPARE(readFile(path), QByteArray("x,error\r\n2,\r\n"));
    }

    // The engine fills the kept input only for a sink that wants it; should a batch come
    // without it, its input fields are empty rather than the row being cut short.
    void keepInputWithoutKeptRows()
    {
        const QString csvPath = m_dir.filePath(QStringLiteral("nokept.csv"));
        CsvResultWriter csv(csvPath, ResultWriterOptions{true});
        QString error;
        QVERIFY(drive(csv, {makeResult(0, 0, {}, {ColumnType::Int64}, {{qint64(2)}})}, Drive::PrepareInOrder,
                      {"a", "b"}, {"x"}, &error));
        QCOMPARE(readFile(csvPath), QByteArray("a,b,x,error\r\n,,2,\r\n"));

        const QString jsonPath = m_dir.filePath(QStringLiteral("nokept.jsonl"));
        JsonLinesResultWriter jsonl(jsonPath, ResultWriterOptions{true});
        QVERIFY(drive(jsonl, {makeResult(0, 0, {}, {ColumnType::Int64}, {{qint64(2)}})}, Drive::NoPrepare,
                      {"a"}, {"x"}, &error));
        QCOMPARE(readFile(jsonPath), QByteArray("{\"a\":null,\"x\":2,\"error\":null}\n"));
    }

    void jsonLinesBytes_data() { csvBytes_data(); }

    void jsonLinesBytes()
    {
        QFETCH(Drive, how);
        const QString path = m_dir.filePath(QStringLiteral("out.jsonl"));
        JsonLinesResultWriter writer(path, {});
        QString error;
        QVERIFY2(drive(writer, sampleResults(), how, datasetColumns, outputColumns, &error),
                 qPrintable(error));
        QCOMPARE(readFile(path), sampleJsonl);
        QCOMPARE(writer.rowsWritten(), 7);
        QCOMPARE(entries(m_dir.path()), QStringList{"out.jsonl"});
    }

    void jsonLinesParseWithTypes()
    {
        const QString path = m_dir.filePath(QStringLiteral("types.jsonl"));
        JsonLinesResultWriter writer(path, ResultWriterOptions{true});
        QVERIFY(writer.wantsInput());
        QString error;
        QVERIFY(writer.begin({"x", "note"}, {"x", "d", "s", "b", "n"}, &error));
        const double nan = std::numeric_limits<double>::quiet_NaN();
        BatchResult r = makeResult(
            0, 0, {{"1", "tab\there"}, {"2", QVariant()}, {"3", "\x01"}},
            {ColumnType::Int64, ColumnType::Float64, ColumnType::Text, ColumnType::Bool, ColumnType::Float64},
            {{qint64(-7), 2.5, QString::fromUtf8("héllo\n"), true, nan},
             {qint64(0), std::numeric_limits<double>::infinity(), QString(), false, QVariant()},
             {}},
            {{2, "boom"}});
        writer.prepare(r);
        QVERIFY(writer.consume(r, &error));
        QVERIFY(writer.finish(true, &error));

        const QList<QByteArray> lines = readFile(path).split('\n');
        QCOMPARE(lines.size(), 4);
        QCOMPARE(lines.last(), QByteArray()); // every line ends with \n
        QList<QJsonObject> objects;
        for (int i = 0; i < 3; ++i) {
            QJsonParseError parseError;
            const QJsonDocument doc = QJsonDocument::fromJson(lines[i], &parseError);
            QVERIFY2(parseError.error == QJsonParseError::NoError, lines[i].constData());
            QVERIFY(doc.isObject());
            objects << doc.object();
        }
        const QStringList keys{"b", "d", "error", "input_x", "n", "note", "s", "x"};
        for (const QJsonObject &o : objects)
            QCOMPARE(o.keys(), keys);
        // Key order in the text: kept inputs, outputs, error.
        // Kept inputs are the dataset's text, so they are strings.
        QVERIFY2(lines[0].startsWith("{\"input_x\":\"1\",\"note\":\"tab\\there\",\"x\":-7,\"d\":2.5,"),
                 lines[0].constData());
        QCOMPARE(lines[1], QByteArray("{\"input_x\":\"2\",\"note\":null,\"x\":0,\"d\":null,\"s\":\"\","
                                      "\"b\":false,\"n\":null,\"error\":null}"));

        const QJsonObject &a = objects[0];
        QCOMPARE(a.value("input_x"), QJsonValue(QStringLiteral("1")));
        QCOMPARE(a.value("note").toString(), QStringLiteral("tab\there"));
        QCOMPARE(a.value("x").toInteger(), -7);
        QCOMPARE(a.value("d").toDouble(), 2.5);
        QCOMPARE(a.value("s").toString(), QString::fromUtf8("héllo\n"));
        QCOMPARE(a.value("b"), QJsonValue(true));
        QVERIFY(a.value("n").isNull()); // NaN
        QVERIFY(a.value("error").isNull());

        const QJsonObject &b = objects[1];
        QVERIFY(b.value("note").isNull()); // a null input
        QVERIFY(b.value("d").isNull());    // infinity
        QCOMPARE(b.value("s"), QJsonValue(QString()));
        QCOMPARE(b.value("b"), QJsonValue(false));
        QVERIFY(b.value("n").isNull());
        QVERIFY(b.value("error").isNull());

        const QJsonObject &c = objects[2];
        QCOMPARE(c.value("input_x"), QJsonValue(QStringLiteral("3")));
        QCOMPARE(c.value("note").toString(), QStringLiteral("\x01"));
        for (const char *output : {"x", "d", "s", "b", "n"})
            QVERIFY2(c.value(QLatin1String(output)).isNull(), output);
        QCOMPARE(c.value("error"), QJsonValue(QStringLiteral("boom")));
    }

    void notUnderFinalNameUntilFinished()
    {
        const QString path = m_dir.filePath(QStringLiteral("atomic.csv"));
        CsvResultWriter writer(path, {});
        QString error;
        QVERIFY(writer.begin(datasetColumns, outputColumns, &error));
        QVERIFY(!QFile::exists(path));
        QList<BatchResult> results = sampleResults();
        QVERIFY(writer.consume(results[0], &error));
        QVERIFY(!QFile::exists(path));
        // Only a hidden temporary exists meanwhile, in the same directory (so the rename is atomic).
        const QStringList during = entries(m_dir.path());
        QCOMPARE(during.size(), 1);
        QVERIFY2(during.first().startsWith(QStringLiteral(".atomic.csv.")), qPrintable(during.first()));
        QVERIFY(QDir(m_dir.path()).entryList(QDir::Files, QDir::Name).isEmpty()); // hidden
        QVERIFY(writer.consume(results[1], &error));
        QVERIFY(writer.consume(results[2], &error));
        QVERIFY(!QFile::exists(path));
        QVERIFY(writer.finish(true, &error));
        QCOMPARE(readFile(path), sampleCsv);
        QCOMPARE(entries(m_dir.path()), QStringList{"atomic.csv"});
        // A second finish() is harmless.
        QVERIFY(writer.finish(true, &error));
        QCOMPARE(readFile(path), sampleCsv);
    }

    void replacesAnExistingFileOnlyWhenComplete()
    {
        const QString path = m_dir.filePath(QStringLiteral("existing.csv"));
        {
            QFile old(path);
            QVERIFY(old.open(QIODevice::WriteOnly));
            old.write("old contents\n");
        }
        {
            CsvResultWriter writer(path, {});
            QString error;
            QVERIFY(writer.begin(datasetColumns, outputColumns, &error));
            QList<BatchResult> results = sampleResults();
            QVERIFY(writer.consume(results[0], &error));
            QCOMPARE(readFile(path), QByteArray("old contents\n"));
            QVERIFY(writer.finish(false, &error));
            QCOMPARE(readFile(path), QByteArray("old contents\n")); // a stopped job keeps the old file
        }
        CsvResultWriter writer(path, {});
        QString error;
        QVERIFY(drive(writer, sampleResults(), Drive::PrepareInOrder, datasetColumns, outputColumns, &error));
        QCOMPARE(readFile(path), sampleCsv);
        QCOMPARE(entries(m_dir.path()), (QStringList{"existing.csv", "existing.csv.partial"}));
    }

    void stoppedJobLeavesPartial()
    {
        const QString path = m_dir.filePath(QStringLiteral("stopped.jsonl"));
        JsonLinesResultWriter writer(path, {});
        QString error;
        QVERIFY(writer.begin(datasetColumns, outputColumns, &error));
        QList<BatchResult> results = sampleResults();
        writer.prepare(results[0]);
        QVERIFY(writer.consume(results[0], &error));
        QVERIFY(writer.finish(false, &error));
        QCOMPARE(writer.finalPath(), path + QStringLiteral(".partial"));
        QVERIFY(!QFile::exists(path));
        QCOMPARE(readFile(path + QStringLiteral(".partial")),
                 sampleJsonl.left(sampleJsonl.indexOf("{\"value\":3")));
        QCOMPARE(writer.rowsWritten(), 3);
        QCOMPARE(entries(m_dir.path()), QStringList{"stopped.jsonl.partial"});
    }

    void stoppedBeforeAnyRow()
    {
        const QString path = m_dir.filePath(QStringLiteral("early.csv"));
        CsvResultWriter writer(path, {});
        QString error;
        QVERIFY(writer.begin(datasetColumns, outputColumns, &error));
        QVERIFY(writer.finish(false, &error));
        QCOMPARE(readFile(path + QStringLiteral(".partial")), QByteArray("value,text,error\r\n"));
        QCOMPARE(entries(m_dir.path()), QStringList{"early.csv.partial"});
    }

    void destroyedUnfinishedLeavesNothing()
    {
        const QString path = m_dir.filePath(QStringLiteral("abandoned.csv"));
        {
            CsvResultWriter writer(path, {});
            QString error;
            QVERIFY(writer.begin(datasetColumns, outputColumns, &error));
            QList<BatchResult> results = sampleResults();
            QVERIFY(writer.consume(results[0], &error));
            QCOMPARE(entries(m_dir.path()).size(), 1);
        }
        QCOMPARE(entries(m_dir.path()), QStringList());
    }

    void emptyJob()
    {
        QString error;
        const QString csvPath = m_dir.filePath(QStringLiteral("empty.csv"));
        CsvResultWriter csv(csvPath, {});
        QVERIFY(drive(csv, {}, Drive::PrepareInOrder, {"x"}, {"y"}, &error));
        QCOMPARE(readFile(csvPath), QByteArray("y,error\r\n"));

        const QString jsonPath = m_dir.filePath(QStringLiteral("empty.jsonl"));
        JsonLinesResultWriter jsonl(jsonPath, {});
        // An empty batch writes nothing and counts no rows.
        QVERIFY(drive(jsonl, {makeResult(0, 0, {}, {ColumnType::Float64}, {})}, Drive::PrepareInOrder, {"x"},
                      {"y"}, &error));
        QVERIFY(QFile::exists(jsonPath));
        QCOMPARE(readFile(jsonPath), QByteArray());
        QCOMPARE(jsonl.rowsWritten(), 0);
    }

    void missingDirectoryFailsInBegin()
    {
        const QString path = m_dir.filePath(QStringLiteral("no/such/dir/out.csv"));
        CsvResultWriter writer(path, {});
        QString error;
        QVERIFY(!writer.begin(datasetColumns, outputColumns, &error));
        QVERIFY2(error.startsWith(QStringLiteral("cannot create ") + path + QStringLiteral(": ")),
                 qPrintable(error));
        QVERIFY(writer.finish(false, &error)); // nothing was opened, nothing to keep
        QCOMPARE(writer.finalPath(), QString());
        QCOMPARE(entries(m_dir.path()), QStringList());
    }

    void directoryAsOutputFailsInBegin()
    {
        JsonLinesResultWriter writer(m_dir.path(), {});
        QString error;
        QVERIFY(!writer.begin(datasetColumns, outputColumns, &error));
        QCOMPARE(error, m_dir.path() + QStringLiteral(": is a directory; name an output file"));
    }

    void formatFor_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("format");
        const int csv = int(ResultFormat::Csv);
        const int jsonl = int(ResultFormat::JsonLines);
        QTest::newRow("name csv") << "csv"
                                  << "out.jsonl" << csv;
        QTest::newRow("name CSV") << "CSV"
                                  << "" << csv;
        QTest::newRow("name jsonl") << "jsonl"
                                    << "out.csv" << jsonl;
        QTest::newRow("name JSONL") << "JSONL"
                                    << "-" << jsonl;
        QTest::newRow("name ndjson") << "ndjson"
                                     << "out.csv" << jsonl;
        QTest::newRow("extension csv") << ""
                                       << "/tmp/out.csv" << csv;
        QTest::newRow("extension jsonl") << ""
                                         << "/tmp/out.jsonl" << jsonl;
        QTest::newRow("extension JSONL") << ""
                                         << "OUT.JSONL" << jsonl;
        QTest::newRow("extension ndjson") << ""
                                          << "dir.v2/out.ndjson" << jsonl;
        QTest::newRow("extension txt") << ""
                                       << "out.txt" << csv;
        QTest::newRow("no extension") << ""
                                      << "out" << csv;
        QTest::newRow("dot in dir only") << ""
                                         << "/tmp/x.jsonl/out" << csv;
        QTest::newRow("stdout") << ""
                                << "-" << csv;
    }

    void formatFor()
    {
        QFETCH(QString, name);
        QFETCH(QString, path);
        QFETCH(int, format);
        ResultFormat result = format == int(ResultFormat::Csv) ? ResultFormat::JsonLines : ResultFormat::Csv;
        QString error;
        QVERIFY2(ResultWriter::formatFor(name, path, &result, &error), qPrintable(error));
        QCOMPARE(int(result), format);
        QVERIFY(error.isEmpty());
    }

    void unknownFormat()
    {
        ResultFormat format = ResultFormat::Csv;
        QString error;
        QVERIFY(!ResultWriter::formatFor(QStringLiteral("xml"), QStringLiteral("out.csv"), &format, &error));
        QCOMPARE(error, QStringLiteral("unknown output format \"xml\" (use csv or jsonl)"));
        QVERIFY(!ResultWriter::formatFor(QStringLiteral("json"), QString(), &format, &error));
        QCOMPARE(error, QStringLiteral("unknown output format \"json\" (use csv or jsonl)"));
    }

    void createMakesTheRightWriter()
    {
        const auto csv = ResultWriter::create(ResultFormat::Csv, m_dir.filePath(QStringLiteral("c.out")), {});
        QVERIFY(dynamic_cast<CsvResultWriter *>(csv.get()));
        QCOMPARE(csv->path(), m_dir.filePath(QStringLiteral("c.out")));
        const auto jsonl = ResultWriter::create(
            ResultFormat::JsonLines, m_dir.filePath(QStringLiteral("j.out")), ResultWriterOptions{true});
        QVERIFY(dynamic_cast<JsonLinesResultWriter *>(jsonl.get()));
        QString error;
        QVERIFY(jsonl->begin({"x"}, {"x"}, &error));
        BatchResult r = makeResult(0, 0, {{"1"}}, {ColumnType::Int64}, {{qint64(2)}});
        QVERIFY(jsonl->consume(r, &error));
        QVERIFY(jsonl->finish(true, &error));
        QCOMPARE(readFile(m_dir.filePath(QStringLiteral("j.out"))),
                 QByteArray("{\"input_x\":\"1\",\"x\":2,\"error\":null}\n"));
    }

    void cleanup()
    {
        // Every test starts with an empty directory.
        QDir dir(m_dir.path());
        for (const QString &name : entries(m_dir.path()))
            dir.remove(name);
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestResultWriter)
#include "tst_resultwriter.moc"
