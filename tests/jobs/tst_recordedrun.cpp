// SPDX-License-Identifier: GPL-3.0-or-later
// RecordedRun, the part of a run that fastmap-cli and the app share: the job's row from the
// description, its end state, retention (results dropped once the file is in place, kept on
// request, the size cap; the job's output file goes with its results), --no-record, resume's
// refusals and a resume after a cut output file, abandoning a job that never ran, and what the
// history shows (a dead process's job is interrupted; the total when it is known).
#include "engine/Engine.h"
#include "jobs/CachingExecutor.h"
#include "jobs/JobDescription.h"
#include "jobs/JobRecorder.h"
#include "jobs/RecordedRun.h"
#include "output/ResultWriter.h"
#include "plugin/PluginCatalog.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace fastmap;

class TestRecordedRun : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    PluginCatalog m_catalog;

    JobDescription description(const QString &input, const QString &output) const
    {
        JobDescription d;
        d.spec.functionId = QStringLiteral("test.control");
        d.spec.input = input;
        d.spec.params = {{QStringLiteral("delay_us"), QStringLiteral("0")}};
        d.spec.threads = 2;
        d.output = output;
        return d;
    }

    // The result file, failing after `limit` batches: a job that stops half way.
    class FailingFile : public ResultSink
    {
    public:
        FailingFile(ResultSink *inner, int limit) : m_inner(inner), m_limit(limit) {}
        bool begin(const QStringList &a, const QStringList &b, QString *e) override
        {
            return m_inner->begin(a, b, e);
        }
        void prepare(BatchResult &r) override { m_inner->prepare(r); }
        bool consume(const BatchResult &r, QString *e) override
        {
            if (m_limit >= 0 && m_batches++ >= m_limit) {
                *e = QStringLiteral("disk full (test)");
                return false;
            }
            return m_inner->consume(r, e);
        }
        bool finish(bool complete, QString *e) override { return m_inner->finish(complete, e); }

    private:
        ResultSink *m_inner;
        int m_limit;
        int m_batches = 0;
    };

    // Runs the prepared job through the engine as the CLI and the app do.
    JobSummary execute(RecordedRun &run, const JobDescription &d, int failAfterBatches = -1)
    {
        const std::unique_ptr<ResultWriter> writer =
            ResultWriter::create(d.format, d.output, d.writerOptions);
        FailingFile file(writer.get(), failAfterBatches);
        Engine engine(&m_catalog);
        engine.setStoredResults(run.storedResults());
        engine.setExecutorWrapper(CachingExecutor::wrapper(run.cache(), run.cacheMode(), &m_catalog));
        StartError error;
        if (!engine.start(d.spec, run.sink(&file), &error)) {
            run.abandon();
            return {};
        }
        const JobSummary summary = engine.wait();
        run.finish(summary);
        return summary;
    }

    static JobRecord stored(const QString &id)
    {
        JobStore store;
        QString error;
        JobRecord job;
        if (!store.open(&error) || !store.find(id, &job, &error))
            return {};
        return job;
    }

    static void setState(const QString &id, const QString &state)
    {
        JobStore store;
        QString error;
        QVERIFY(store.open(&error));
        QVERIFY(store.setState(id, state, {}, &error));
    }

    QString writeCsv(const QString &name, int rows)
    {
        QFile f(m_dir.filePath(name));
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write("x\n");
        for (int i = 0; i < rows; ++i)
            f.write(QByteArray::number(i) + '\n');
        return f.fileName();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("XDG_DATA_HOME", QFile::encodeName(m_dir.filePath(QStringLiteral("data"))));
        QVERIFY(JobStore::defaultPath().startsWith(m_dir.path()));
        m_catalog.scan({QStringLiteral(FASTMAP_TEST_PLUGIN_DIR "/good")});
        QVERIFY(m_catalog.find(QStringLiteral("test.control")));
    }

    void recordsANewRunToItsEnd()
    {
        JobDescription d =
            description(QStringLiteral("range:1000"), m_dir.filePath(QStringLiteral("new.csv")));
        RecordedRun run(&m_catalog);
        const QString id = run.jobId();
        QString error;
        QCOMPARE(run.prepare(d, QString(), &error), RecordedRun::Refusal::None);
        QVERIFY(run.recording());
        QVERIFY(!run.resuming());
        QVERIFY(run.warnings().isEmpty());
        QCOMPARE(run.jobId(), id);
        // Completed before the run: typed parameters, the plugin's hash, this process.
        QCOMPARE(d.spec.params.value(QStringLiteral("delay_us")).typeId(), QMetaType::LongLong);
        QCOMPARE(d.pluginSha256.size(), 64);
        QCOMPARE(d.pid, QCoreApplication::applicationPid());
        JobRecord job = stored(id);
        QCOMPARE(job.state, QStringLiteral("running"));
        QCOMPARE(job.currentState(), QStringLiteral("running")); // this process is alive
        QCOMPARE(job.output(), d.output);

        QVERIFY(run.openCache(ResultCache::Mode::Off, &error));
        QVERIFY(!run.cache());
        run.recordTotal(1000);
        QCOMPARE(stored(id).totalElements(), 1000);
        const JobSummary summary = execute(run, d);
        QCOMPARE(summary.status, JobStatus::Completed);
        job = stored(id);
        QCOMPARE(job.state, QStringLiteral("completed"));
        QCOMPARE(job.elements, 1000);
        QCOMPARE(job.summary.value("elements").toInt(), 1000);
        QCOMPARE(job.summary.value("total").toInt(), 1000);
        QFile out(d.output);
        QVERIFY(out.open(QIODevice::ReadOnly));
        QCOMPARE(out.readAll().count('\n'), 1001);
        // The file is in place: the stored results are dropped, the job log and summary stay.
        QVERIFY(run.resultsDropped());
        QVERIFY(!job.hasStoredResults());
        QCOMPARE(job.storedBytes, 0);
        QCOMPARE(job.summary.value("outputFile").toObject().value("size").toInteger(), out.size());
        qint64 storedRows = -1;
        JobStore store;
        QVERIFY(store.open(&error));
        QVERIFY(store.batchPlan(id, &storedRows).isEmpty());
        QVERIFY(!QFile::exists(store.outputsPath(id))); // the drop deleted the job's output file
        int logLines = 0;
        store.forEachBatch(id, [&](const StoredBatch &) { return ++logLines > 0; });
        QVERIFY(logLines > 0);
    }

    void keepResultsKeepsThem()
    {
        JobDescription d = description(QStringLiteral("range:500"), m_dir.filePath(QStringLiteral("kept.csv")));
        d.keepResults = true;
        RecordedRun run(&m_catalog);
        QString error;
        QCOMPARE(run.prepare(d, QString(), &error), RecordedRun::Refusal::None);
        QCOMPARE(execute(run, d).status, JobStatus::Completed);
        QVERIFY(!run.resultsDropped());
        const JobRecord job = stored(run.jobId());
        QVERIFY(job.keepResults());
        QVERIFY(job.hasStoredResults());
        QVERIFY(job.storedBytes > 0);
        qint64 storedRows = 0;
        JobStore store;
        QVERIFY(store.open(&error));
        QCOMPARE(store.batchPlan(job.id, &storedRows).isEmpty(), false);
        QCOMPARE(storedRows, 500);
        QCOMPARE(QFileInfo(store.outputsPath(job.id)).size(), job.storedBytes);
    }

    void noRecordLeavesTheStoreAlone()
    {
        const qint64 before = [] {
            JobStore store;
            QString error;
            return store.open(&error) ? qint64(store.jobs().size()) : -1;
        }();
        JobDescription d = description(QStringLiteral("range:300"), m_dir.filePath(QStringLiteral("unrecorded.csv")));
        RecordedRun run(&m_catalog);
        run.setRecord(false);
        QString error;
        QCOMPARE(run.prepare(d, QString(), &error), RecordedRun::Refusal::None);
        QVERIFY(!run.recording());
        QVERIFY(stored(run.jobId()).id.isEmpty());
        QCOMPARE(execute(run, d).status, JobStatus::Completed);
        QVERIFY(stored(run.jobId()).id.isEmpty());
        JobStore store;
        QVERIFY(store.open(&error));
        QCOMPARE(qint64(store.jobs().size()), before);
        QFile out(d.output);
        QVERIFY(out.open(QIODevice::ReadOnly));
        const QByteArray bytes = out.readAll();
        QCOMPARE(bytes.count('\n'), 301);
    }

    // Beyond the cap, a run drops the oldest finished jobs' results, never its own.
    void theCapPrunesOlderJobsAfterARun()
    {
        QStringList kept;
        for (int i = 0; i < 2; ++i) {
            JobDescription d = description(QStringLiteral("range:2000"), m_dir.filePath(QStringLiteral("cap%1.csv").arg(i)));
            d.keepResults = true;
            RecordedRun run(&m_catalog);
            QString error;
            QCOMPARE(run.prepare(d, QString(), &error), RecordedRun::Refusal::None);
            QCOMPARE(execute(run, d).status, JobStatus::Completed);
            QVERIFY(run.pruned().isEmpty());
            kept << run.jobId();
        }
        JobDescription d = description(QStringLiteral("range:2000"), m_dir.filePath(QStringLiteral("cap.csv")));
        d.keepResults = true;
        RecordedRun run(&m_catalog);
        run.setStoreLimit(0);
        QString error;
        QCOMPARE(run.prepare(d, QString(), &error), RecordedRun::Refusal::None);
        QCOMPARE(execute(run, d).status, JobStatus::Completed);
        QStringList pruned;
        for (const JobRecord &job : run.pruned())
            pruned << job.id;
        JobStore store;
        QVERIFY(store.open(&error));
        for (const QString &id : std::as_const(kept)) {
            QVERIFY2(pruned.contains(id), qPrintable(pruned.join(' ')));
            QVERIFY(!stored(id).hasStoredResults());
            QVERIFY(!QFile::exists(store.outputsPath(id)));
        }
        QVERIFY(!pruned.contains(run.jobId()));
        QVERIFY(stored(run.jobId()).hasStoredResults());
        QVERIFY(QFile::exists(store.outputsPath(run.jobId())));
    }

    // A replayed batch whose records are not the ones it was computed from stops the resume.
    void aReplayedBatchMustMatchItsRecords()
    {
        struct Inner : ResultSink
        {
            int consumed = 0;
            bool consume(const BatchResult &, QString *) override { return ++consumed > 0; }
        } inner;
        RecordBlock records;
        records.bytes = "12ab";
        records.ends = {2, 4};
        records.count = 2;
        const qint64 hash = JobRecorder::inputHash(records);
        QVERIFY(hash != 0);
        RecordBlock other = records;
        other.ends = {1, 4}; // "1", "2ab": the same bytes cut elsewhere
        QVERIFY(JobRecorder::inputHash(other) != hash);
        QCOMPARE(JobRecorder::inputHash(RecordBlock()), 0);

        JobRecorder recorder(&inner, m_dir.filePath(QStringLiteral("replay.db")), QStringLiteral("job"));
        recorder.setStoredInputs({{0, hash}});
        BatchResult same;
        same.fromStore = true;
        same.batch.records = records;
        recorder.prepare(same);
        QString error;
        QVERIFY(recorder.consume(same, &error));
        BatchResult changed = same;
        changed.batch.records = other;
        recorder.prepare(changed);
        QVERIFY(!recorder.consume(changed, &error));
        QVERIFY2(error.contains(QStringLiteral("dataset changed")), qPrintable(error));
        QCOMPARE(inner.consumed, 1); // nothing of it reached the file
    }

    void resumeRefusesWhatChanged()
    {
        const QString csv = writeCsv(QStringLiteral("input.csv"), 500);
        JobDescription d = description(csv, m_dir.filePath(QStringLiteral("changed.csv")));
        QString id;
        {
            RecordedRun run(&m_catalog);
            QString error;
            QCOMPARE(run.prepare(d, QString(), &error), RecordedRun::Refusal::None);
            id = run.jobId();
            QCOMPARE(execute(run, d).status, JobStatus::Completed);
        }
        JobDescription again;
        QString error;
        QVERIFY(!RecordedRun::loadForResume(stored(id), &again, &error));
        QVERIFY2(error.contains(QStringLiteral("already completed")), qPrintable(error));

        setState(id, QStringLiteral("cancelled"));
        QVERIFY2(RecordedRun::loadForResume(stored(id), &again, &error), qPrintable(error));
        QCOMPARE(again.spec.input, csv);
        {
            // Another build of the plugin: same id and version, another hash.
            JobDescription rebuilt = again;
            rebuilt.pluginSha256 = QString(64, QLatin1Char('0'));
            RecordedRun run(&m_catalog);
            QCOMPARE(run.prepare(rebuilt, id, &error), RecordedRun::Refusal::Input);
            QVERIFY2(error.contains(QStringLiteral("plugin")) && error.contains(QStringLiteral("changed")),
                     qPrintable(error));
        }
        {
            QFile f(csv);
            QVERIFY(f.open(QIODevice::Append));
            f.write("500\n");
        }
        RecordedRun run(&m_catalog);
        QCOMPARE(run.prepare(again, id, &error), RecordedRun::Refusal::Input);
        QVERIFY2(error.contains(QStringLiteral("dataset")) && error.contains(QStringLiteral("changed")),
                 qPrintable(error));
        QCOMPARE(stored(id).state, QStringLiteral("cancelled")); // a refusal changes nothing
    }

    void resumeComputesOnlyTheRest()
    {
        JobDescription d =
            description(QStringLiteral("range:4000"), m_dir.filePath(QStringLiteral("resumed.csv")));
        d.spec.params.insert(QStringLiteral("fail_modulo"), 1000);
        d.spec.params.insert(QStringLiteral("fail_remainder"), 999);
        d.spec.maxBatchRows = 300;
        QString id;
        {
            RecordedRun run(&m_catalog);
            QString error;
            QCOMPARE(run.prepare(d, QString(), &error), RecordedRun::Refusal::None);
            id = run.jobId();
            QCOMPARE(execute(run, d, 3).status, JobStatus::OutputFailed);
        }
        qint64 storedBefore = stored(id).elements;
        QVERIFY2(storedBefore > 0 && storedBefore < 4000, qPrintable(QString::number(storedBefore)));
        QVERIFY(!QFile::exists(d.output));
        {
            // As if killed while its last batch's bytes were being written: that batch is not
            // stored, and a resume computes it again.
            JobStore store;
            QString error;
            QVERIFY(store.open(&error));
            const QString file = store.outputsPath(id);
            int lastRows = 0;
            store.forEachBatch(id, [&](const StoredBatch &b) { return (lastRows = b.rows) > 0; });
            QVERIFY(QFile::resize(file, QFileInfo(file).size() - 1));
            qint64 storedRows = 0;
            store.batchPlan(id, &storedRows);
            QCOMPARE(storedRows, storedBefore - lastRows);
            storedBefore = storedRows;
        }
        JobDescription again;
        QString error;
        QVERIFY2(RecordedRun::loadForResume(stored(id), &again, &error), qPrintable(error));
        RecordedRun run(&m_catalog);
        QCOMPARE(run.prepare(again, id, &error), RecordedRun::Refusal::None);
        QVERIFY(run.resuming());
        QCOMPARE(run.jobId(), id);
        QCOMPARE(run.storedRows(), storedBefore);
        const JobSummary summary = execute(run, again);
        QCOMPARE(summary.status, JobStatus::CompletedWithFailures);
        QCOMPARE(summary.storedElements, storedBefore); // only the rest was computed
        QCOMPARE(stored(id).elements, 4000);
        QCOMPARE(stored(id).failed, 4);
        QVERIFY(!stored(id).hasStoredResults()); // completed: the file holds them now

        // The same bytes as a run that was never stopped.
        JobDescription whole = d;
        whole.output = m_dir.filePath(QStringLiteral("whole.csv"));
        RecordedRun uninterrupted(&m_catalog);
        QCOMPARE(uninterrupted.prepare(whole, QString(), &error), RecordedRun::Refusal::None);
        QCOMPARE(execute(uninterrupted, whole).status, JobStatus::CompletedWithFailures);
        QFile a(d.output), b(whole.output);
        QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
        const QByteArray bytes = a.readAll();
        QCOMPARE(bytes.count('\n'), 4001);
        // Every byte but test.control's "thread" column, which names whichever thread (or
        // function host) ran the row.
        const auto withoutThreads = [](const QByteArray &csv) {
            QList<QByteArray> rows = csv.split('\n');
            for (QByteArray &row : rows) {
                QList<QByteArray> fields = row.split(',');
                if (fields.size() == 3)
                    fields.removeAt(1);
                row = fields.join(',');
            }
            return rows;
        };
        const QList<QByteArray> resumedRows = withoutThreads(bytes);
        QCOMPARE(resumedRows.size(), 4002);
        QCOMPARE(resumedRows, withoutThreads(b.readAll()));
    }

    void anAbandonedNewJobIsRemovedAResumedOneKept()
    {
        JobDescription d =
            description(QStringLiteral("range:10"), m_dir.filePath(QStringLiteral("abandoned.csv")));
        RecordedRun run(&m_catalog);
        QString error;
        QCOMPARE(run.prepare(d, QString(), &error), RecordedRun::Refusal::None);
        QCOMPARE(stored(run.jobId()).id, run.jobId());
        run.abandon();
        QVERIFY(stored(run.jobId()).id.isEmpty());

        JobDescription missing = description(QStringLiteral("range:10"), d.output);
        missing.spec.functionId = QStringLiteral("no.such.function");
        RecordedRun none(&m_catalog);
        QCOMPARE(none.prepare(missing, QString(), &error), RecordedRun::Refusal::NoFunction);
        QVERIFY(error.contains(QStringLiteral("no.such.function")));
        JobDescription unreadable = description(m_dir.filePath(QStringLiteral("missing.csv")), d.output);
        QCOMPARE(none.prepare(unreadable, QString(), &error), RecordedRun::Refusal::Input);
        QVERIFY(error.contains(QStringLiteral("missing.csv")));
    }

    void theHistoryShowsDeadProcessesAndTotals()
    {
        QProcess gone;
        gone.start(QStringLiteral("true"), {});
        QVERIFY(gone.waitForFinished(10000));
        JobRecord job;
        job.state = QStringLiteral("running");
        job.spec = QJsonObject{{"pid", double(gone.processId())}, {"input", "range:77"}};
        QCOMPARE(job.currentState(), QStringLiteral("interrupted"));
        QCOMPARE(job.totalElements(), 77);
        job.spec.insert("pid", double(QCoreApplication::applicationPid()));
        QCOMPARE(job.currentState(), QStringLiteral("running"));
        job.spec.insert("input", "data.csv");
        QCOMPARE(job.totalElements(), -1);
        job.summary = QJsonObject{{"total", 12}};
        QCOMPARE(job.totalElements(), 12);
        job.state = QStringLiteral("completed");
        job.summary = QJsonObject{{"elements", 9}};
        QCOMPARE(job.totalElements(), 9);
    }
};

QTEST_GUILESS_MAIN(TestRecordedRun)
#include "tst_recordedrun.moc"
