// SPDX-License-Identifier: GPL-3.0-or-later
// The engine with a worker on this machine (a scripted one on 127.0.0.1): it shares the cores
// the local threads use, so the adaptive policy gives it only the cores they leave free (issue
// #10, "adding a worker never makes a job slower"), and none at all means no batch. The cores
// are JobSpec::machineCores, so the tests do not depend on this machine's size.
#include "../engine/EngineTestUtils.h"
#include "FakeWorker.h"
#include "RemoteEngine.h"

#include "engine/Engine.h"
#include "plugin/PluginCatalog.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace fastmap;

class TestRemoteSameMachine : public QObject
{
    Q_OBJECT

    PluginCatalog m_catalog;
    QString m_sha;

    static JobSpec spec(qint64 rows, JobSpec::Policy policy, const QStringList &workers, int threads, int cores)
    {
        JobSpec s;
        s.functionId = QStringLiteral("test.control");
        s.input = QStringLiteral("range:%1").arg(rows);
        s.params.insert(QStringLiteral("delay_us"), 100);
        s.threads = threads;
        s.machineCores = cores;
        s.sampleSeconds = 0.002;
        s.policy = policy;
        s.workers = workers;
        s.token = "secret";
        s.remoteTimeoutSeconds = 2;
        s.batchTargetSeconds = 0.02;
        return s;
    }

    struct Outcome
    {
        JobSummary summary;
        QStringList notes;
    };

    Outcome run(const JobSpec &s, ResultSink *sink)
    {
        RemoteEngine engine(&m_catalog);
        QSignalSpy finished(&engine, &Engine::finished);
        QSignalSpy notes(&engine, &Engine::note);
        StartError error;
        if (!engine.start(s, sink, &error))
            qFatal("start failed: %s", qPrintable(error.message));
        if (!finished.wait(60000))
            qFatal("job did not finish in time");
        Outcome outcome{finished.first().first().value<JobSummary>(), {}};
        for (const QList<QVariant> &n : std::as_const(notes))
            outcome.notes << n.first().toString();
        return outcome;
    }

private slots:
    void initTestCase()
    {
        m_catalog.scan({QStringLiteral(FASTMAP_TEST_PLUGIN_DIR "/good")});
        QVERIFY(m_catalog.find(QStringLiteral("test.control")));
        m_sha = m_catalog.pluginHash(QStringLiteral("test.control"));
    }

    void aWorkerWithNoCoreLeftDoesNotLengthenTheSample()
    {
        // Known from its URL before any probe: the job samples as briefly as a local one, instead
        // of the long sample that measures a batch for the workers while the other threads wait.
        FakeWorker worker(m_sha);
        JobSpec s = spec(20000, JobSpec::Policy::Adaptive, {worker.url()}, 2, 2);
        s.sampleSeconds = 0.5;
        CountingSink sink;
        Outcome o = run(s, &sink);
        QCOMPARE(o.summary.status, JobStatus::Completed);
        QCOMPARE(worker.requests(), 0);
        QVERIFY2(o.summary.sampleSeconds < 0.25, qPrintable(QString::number(o.summary.sampleSeconds)));
        // With a core free the worker may take part, so the sample measures it in full.
        s.threads = 1;
        CountingSink again;
        o = run(s, &again);
        QCOMPARE(o.summary.status, JobStatus::Completed);
        // (its last batch is trimmed to what the sample has left, so it may end somewhat short)
        QVERIFY2(o.summary.sampleSeconds >= 0.25, qPrintable(QString::number(o.summary.sampleSeconds)));
    }

    void theAdaptivePolicyGivesItOnlyTheFreeCores_data()
    {
        QTest::addColumn<int>("threads");
        QTest::addColumn<int>("cores");
        QTest::addColumn<int>("counted");
        QTest::newRow("-j 2 on 2 cores: none") << 2 << 2 << 0;
        QTest::newRow("-j 1 on 2 cores: one") << 1 << 2 << 1;
        QTest::newRow("-j 2 on 8 cores: all") << 2 << 8 << 2;
    }

    void theAdaptivePolicyGivesItOnlyTheFreeCores()
    {
        QFETCH(int, threads);
        QFETCH(int, cores);
        QFETCH(int, counted);
        FakeWorker worker(m_sha); // two threads
        worker.setDelayPerElementUs(100);
        CountingSink sink;
        const Outcome o = run(spec(6000, JobSpec::Policy::Adaptive, {worker.url()}, threads, cores), &sink);
        const JobSummary &summary = o.summary;
        QCOMPARE(summary.status, JobStatus::Completed);
        QCOMPARE(sink.rows, qint64(6000));
        QVERIFY(!sink.orderBroken && !sink.wrongValues);
        const QString said = o.notes.join(QLatin1Char('\n'));
        if (counted == 0) {
            // Known from the URL: the job runs as without the worker, which is not even probed.
            QCOMPARE(worker.requests(), 0);
            QCOMPARE(summary.localElements, qint64(6000));
            QVERIFY(summary.workers.isEmpty());
            QVERIFY(!summary.estimated);
            const QString why = QStringLiteral("it shares this machine's 2 cores with the 2 local threads");
            QVERIFY2(said.contains(QStringLiteral("not using worker %1: %2").arg(worker.url(), why)), qPrintable(said));
            QCOMPARE(said.count(worker.url()), 1); // told once
            return;
        }
        QVERIFY(summary.estimated);
        QCOMPARE(summary.estimate.workers.size(), 1);
        QVERIFY(summary.estimate.workers[0].sameMachine);
        QCOMPARE(summary.estimate.workers[0].countedThreads, counted);
        QVERIFY(summary.estimate.remoteHelps);
        QVERIFY2(summary.workers.value(0).elements > 300, qPrintable(said));
        // Counted on fewer cores than its two threads, it holds no more batches than that at once.
        if (counted < 2)
            QVERIFY2(summary.workers.value(0).peakInFlight <= counted,
                     qPrintable(QString::number(summary.workers.value(0).peakInFlight)));
        else
            QVERIFY(summary.workers.value(0).peakInFlight <= 4); // two a thread, as elsewhere
        QVERIFY2(!said.contains(QStringLiteral("not using worker")), qPrintable(said));
    }

    // `estimate` still probes such a worker, and its estimate names it with the reason.
    void theEstimateSaysWhyItIsNotUsed()
    {
        FakeWorker worker(m_sha);
        JobSpec s = spec(60000, JobSpec::Policy::Adaptive, {worker.url()}, 2, 2);
        s.estimateOnly = true;
        s.sampleSeconds = 0.02;
        CountingSink sink;
        const Outcome o = run(s, &sink);
        QCOMPARE(o.summary.status, JobStatus::Estimated);
        QCOMPARE(o.summary.estimate.workers.value(0).countedThreads, 0);
        QVERIFY(!o.summary.estimate.remoteHelps);
        QVERIFY2(o.summary.estimate.reason.startsWith(QStringLiteral("the worker on 127.0.0.1:")),
                 qPrintable(o.summary.estimate.reason));
        QVERIFY2(o.summary.estimate.toText().contains(
                     QStringLiteral("Worker %1: not used: it shares this machine's 2 cores with the 2 local threads")
                         .arg(worker.url())),
                 qPrintable(o.summary.estimate.toText()));
        QCOMPARE(worker.requests(), 0);
    }

    void theRemotePolicyUsesItAnyway()
    {
        FakeWorker worker(m_sha);
        CountingSink sink;
        const Outcome o = run(spec(3000, JobSpec::Policy::Remote, {worker.url()}, 2, 2), &sink);
        QCOMPARE(o.summary.status, JobStatus::Completed);
        QCOMPARE(sink.rows, qint64(3000));
        QCOMPARE(o.summary.estimate.workers.value(0).countedThreads, 2);
        QVERIFY(worker.batchesServed() > 0);
        QVERIFY(o.summary.workers.value(0).elements > 0);
    }

    // One that joins from the workers file is held to the same rule, and not probed again at
    // every re-read of the file.
    void oneJoiningFromTheWorkersFileIsNotUsedWithoutAFreeCore()
    {
        FakeWorker worker(m_sha);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("workers"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("# no workers yet\n");
        file.close();
        JobSpec s = spec(40000, JobSpec::Policy::Adaptive, {}, 2, 2); // 2 s: the file is re-read every second
        s.workersFile = path;
        CountingSink sink;
        RemoteEngine engine(&m_catalog);
        QSignalSpy finished(&engine, &Engine::finished);
        QSignalSpy notes(&engine, &Engine::note);
        StartError error;
        QVERIFY(engine.start(s, &sink, &error));
        QTest::qWait(300);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(worker.url().toUtf8() + "\n");
        file.close();
        QVERIFY(finished.wait(60000));
        const JobSummary summary = finished.first().first().value<JobSummary>();
        QCOMPARE(summary.status, JobStatus::Completed);
        QCOMPARE(sink.rows, qint64(40000));
        QCOMPARE(worker.requests(), 0);
        QCOMPARE(summary.workers.size(), 1); // not added again
        QStringList said;
        for (const QList<QVariant> &n : std::as_const(notes))
            said << n.first().toString();
        QCOMPARE(said.filter(QStringLiteral("not using worker %1: it shares this machine's 2 cores").arg(worker.url())).size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestRemoteSameMachine)
#include "tst_remotesamemachine.moc"
