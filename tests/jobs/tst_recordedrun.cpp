// SPDX-License-Identifier: GPL-3.0-or-later
// RecordedRun, the part of a run that fastmap-cli and the app share: the job's row from the
// description, its end state, resume's refusals, abandoning a job that never ran, and what the
// history shows (a dead process's job is interrupted; the total when it is known).
#include "engine/Engine.h"
#include "jobs/JobDescription.h"
#include "jobs/RecordedRun.h"
#include "output/ResultWriter.h"
#include "plugin/PluginCatalog.h"

#include <QCoreApplication>
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
        engine.setResultCache(run.cache(), int(run.cacheMode()));
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
        const qint64 storedBefore = stored(id).elements;
        QVERIFY2(storedBefore > 0 && storedBefore < 4000, qPrintable(QString::number(storedBefore)));
        QVERIFY(!QFile::exists(d.output));
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
        QVERIFY(bytes == b.readAll());
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
