// SPDX-License-Identifier: GPL-3.0-or-later
// SampleSink, what `fastmap-cli estimate` samples through: each batch is prepared exactly as a
// run's JobRecorder -> ResultWriter chain prepares it (the same formatted bytes, the same stored
// form), and nothing is written anywhere.
#include "../output/WriterTestUtils.h"

#include "jobs/JobRecorder.h"
#include "jobs/SampleSink.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace fastmap;

class TestSampleSink : public QObject
{
    Q_OBJECT

    static BatchResult batch()
    {
        return test::makeResult(0, 0, {{"1", "a"}, {"2", "b,c"}, {"3", "\"d\""}}, {ColumnType::Float64, ColumnType::Text},
                                {{1.5, "x"}, {}, {-2.25, QString::fromUtf8("é")}}, {{1, QStringLiteral("no, not this one")}});
    }

private slots:
    void itPreparesAsTheRunWould_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<bool>("keepInput");
        QTest::addColumn<bool>("record");
        QTest::newRow("csv") << int(ResultFormat::Csv) << false << true;
        QTest::newRow("csv, --keep-input") << int(ResultFormat::Csv) << true << true;
        QTest::newRow("csv, --no-record") << int(ResultFormat::Csv) << false << false;
        QTest::newRow("jsonl, --keep-input") << int(ResultFormat::JsonLines) << true << true;
        QTest::newRow("jsonl, --no-record") << int(ResultFormat::JsonLines) << false << false;
    }

    void itPreparesAsTheRunWould()
    {
        QFETCH(int, format);
        QFETCH(bool, keepInput);
        QFETCH(bool, record);
        const QStringList dataset{"x", "name"};
        const QStringList outputs{"y", "label"};
        ResultWriterOptions options;
        options.keepInput = keepInput;

        // What a run makes of the batch: its result writer's text, and the recorder's stored form.
        QTemporaryDir dir;
        const std::unique_ptr<ResultWriter> writer =
            ResultWriter::create(ResultFormat(format), dir.filePath(QStringLiteral("out")), options);
        QString error;
        QVERIFY(writer->begin(dataset, outputs, &error));
        BatchResult expected = batch();
        writer->prepare(expected);
        QVERIFY(!expected.encoded.isEmpty());
        const QByteArray stored = JobRecorder::storedForm(expected);
        QVERIFY(stored.size() > 16);

        // Sampled from an empty folder, which stays empty.
        QTemporaryDir cwd;
        const QString before = QDir::currentPath();
        QVERIFY(QDir::setCurrent(cwd.path()));
        SampleSink sink(ResultFormat(format), options, record);
        QCOMPARE(sink.wantsInput(), keepInput);
        QVERIFY(sink.begin(dataset, outputs, &error));
        BatchResult sampled = batch();
        sink.prepare(sampled);
        QCOMPARE(sampled.encoded, expected.encoded);
        QCOMPARE(sampled.stored, record ? stored : QByteArray());
        QVERIFY(sink.consume(sampled, &error));
        QVERIFY(sink.finish(false, &error));
        QVERIFY(QDir::setCurrent(before));
        QCOMPARE(QDir(cwd.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), QStringList());

        QCOMPARE(sink.rows(), qint64(3));
        QCOMPARE(sink.formattedBytes(), qint64(expected.encoded.size()));
        QCOMPARE(sink.storedBytes(), record ? qint64(stored.size()) : qint64(0));
        QCOMPARE(int(sink.format()), format);
        QCOMPARE(sink.records(), record);
        const QString summary = sink.summary();
        QVERIFY2(summary.startsWith(QStringLiteral("Results per element: %1 bytes of %2")
                                        .arg(qRound(expected.encoded.size() / 3.0))
                                        .arg(format == int(ResultFormat::Csv) ? "CSV" : "JSON Lines")),
                 qPrintable(summary));
        QCOMPARE(summary.contains(QStringLiteral(" and %1 for the job store").arg(qRound(stored.size() / 3.0))), record);
    }

    // The writer behind it, with no path, formats and counts but opens nothing.
    void aWriterWithNoPathWritesNowhere()
    {
        QTemporaryDir cwd;
        const QString before = QDir::currentPath();
        QVERIFY(QDir::setCurrent(cwd.path()));
        const std::unique_ptr<ResultWriter> writer = ResultWriter::create(ResultFormat::Csv, QString(), {});
        QString error;
        QList<BatchResult> results{batch()};
        QVERIFY(test::drive(*writer, results, test::Drive::PrepareInOrder, {"x", "name"}, {"y", "label"}, &error));
        QVERIFY(QDir::setCurrent(before));
        QCOMPARE(writer->rowsWritten(), qint64(3));
        QCOMPARE(writer->bytesWritten(), qint64(QByteArray("y,label,error\r\n1.5,x,\r\n,,\"no, not this one\"\r\n"
                                                           "-2.25,\xc3\xa9,\r\n")
                                                    .size()));
        QCOMPARE(writer->finalPath(), QString());
        QCOMPARE(QDir(cwd.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), QStringList());
    }
};

QTEST_GUILESS_MAIN(TestSampleSink)
#include "tst_samplesink.moc"
