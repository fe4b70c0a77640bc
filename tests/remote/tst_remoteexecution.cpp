// SPDX-License-Identifier: GPL-3.0-or-later
// The engine with remote executors against scripted workers on 127.0.0.1: sharing work,
// failover that loses nothing, charges and their confirmation, workers added mid-job, the
// protocol version, batches in flight, and input that does not convert or is malformed.
#include "../engine/EngineTestUtils.h"
#include "FakeWorker.h"
#include "RemoteEngine.h"

#include "engine/Engine.h"
#include "plugin/PluginCatalog.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace fastmap;

class TestRemoteExecution : public QObject
{
    Q_OBJECT

    PluginCatalog m_catalog;
    QString m_sha;

    JobSpec spec(qint64 rows, JobSpec::Policy policy, const QStringList &workers) const
    {
        JobSpec s;
        s.functionId = QStringLiteral("test.control");
        s.input = QStringLiteral("range:%1").arg(rows);
        s.threads = 2;
        s.serialFallback = JobSpec::SerialFallback::Never;
        s.sampleSeconds = 0.002;
        s.policy = policy;
        s.workers = workers;
        s.token = "secret";
        s.remoteTimeoutSeconds = 2;
        s.batchTargetSeconds = 0.02;
        // The scripted workers on 127.0.0.1 sleep instead of computing, so they take none of the
        // cores the local threads use: as if this machine had cores to spare for them
        // (tst_remotesamemachine holds them to the real rule).
        s.machineCores = 64;
        return s;
    }

    // Runs to the end, spinning the event loop so signals arrive; bounded in time.
    JobSummary run(Engine &engine, const JobSpec &s, ResultSink *sink)
    {
        QSignalSpy finished(&engine, &Engine::finished);
        StartError error;
        if (!engine.start(s, sink, &error))
            qFatal("start failed: %s", qPrintable(error.message));
        if (!finished.wait(60000))
            qFatal("job did not finish in time");
        return finished.first().first().value<JobSummary>();
    }

    // A CSV of x = 0, 1, ... with some lines replaced (by row index).
    static QString writeCsv(const QTemporaryDir &dir, int rows, const QMap<int, QByteArray> &replaced)
    {
        const QString path = dir.filePath(QStringLiteral("x.csv"));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(path));
        file.write("x\n");
        for (int i = 0; i < rows; ++i)
            file.write(replaced.value(i, QByteArray::number(i)) + '\n');
        return path;
    }

    static void checkComplete(const CollectingSink &sink, int rows)
    {
        QVERIFY(!sink.orderBroken);
        QCOMPARE(sink.outputsSeen.size(), rows);
        for (int i = 0; i < rows; ++i)
            if (!sink.errors.contains(i))
                QCOMPARE(sink.outputsSeen[i].toLongLong(), qint64(2 * i));
    }

private slots:
    void initTestCase()
    {
        m_catalog.scan({QStringLiteral(FASTMAP_TEST_PLUGIN_DIR "/good")});
        QVERIFY(m_catalog.find(QStringLiteral("test.control")));
        m_sha = m_catalog.pluginHash(QStringLiteral("test.control"));
        QCOMPARE(m_sha.size(), 64);
    }

    void remotePolicyRunsOnTheWorker()
    {
        FakeWorker worker(m_sha);
        JobSpec s = spec(3000, JobSpec::Policy::Remote, {worker.url()});
        s.params.insert(QStringLiteral("delay_us"), 100); // so that the local sample leaves work over
        CollectingSink sink;
        RemoteEngine engine(&m_catalog);
        const JobSummary summary = run(engine, s, &sink);
        QCOMPARE(summary.status, JobStatus::Completed);
        checkComplete(sink, 3000);
        QCOMPARE(summary.workers.size(), 1);
        QVERIFY(summary.workers[0].elements > 0);
        QCOMPARE(summary.workers[0].elements + summary.localElements, qint64(3000));
        QVERIFY(sink.threads.contains(QStringLiteral("fake")));
        QVERIFY(summary.estimated);
        QVERIFY(worker.batchesServed() > 0);
    }

    void adaptiveSharesTheWorkBetweenLocalAndRemote()
    {
        FakeWorker worker(m_sha);
        worker.setDelayPerElementUs(100);
        JobSpec s = spec(6000, JobSpec::Policy::Adaptive, {worker.url()});
        s.params.insert(QStringLiteral("delay_us"), 100);
        CollectingSink sink;
        RemoteEngine engine(&m_catalog);
        const JobSummary summary = run(engine, s, &sink);
        QCOMPARE(summary.status, JobStatus::Completed);
        checkComplete(sink, 6000);
        QVERIFY2(summary.workers[0].elements > 300, qPrintable(QString::number(summary.workers[0].elements)));
        QVERIFY2(summary.localElements > 300, qPrintable(QString::number(summary.localElements)));
        QVERIFY(summary.estimate.remoteHelps);
        QCOMPARE(summary.cost, 0.0); // a free worker
    }

    // With one local thread the too-light rule used to run every job in-process ("Remote
    // workers are not needed"), although a worker halves the time.
    void adaptiveWithOneLocalThreadStillUsesAWorker()
    {
        FakeWorker worker(m_sha);
        worker.setDelayPerElementUs(100);
        JobSpec s = spec(3000, JobSpec::Policy::Adaptive, {worker.url()});
        s.threads = 1;
        s.machineCores = 2; // -j 1 on 2 cores: the worker on this machine still has one to take
        s.serialFallback = JobSpec::SerialFallback::Auto;
        s.params.insert(QStringLiteral("delay_us"), 100);
        CollectingSink sink;
        RemoteEngine engine(&m_catalog);
        const JobSummary summary = run(engine, s, &sink);
        QCOMPARE(summary.status, JobStatus::Completed);
        checkComplete(sink, 3000);
        QVERIFY2(!summary.ranInProcess, qPrintable(summary.message));
        QVERIFY(summary.estimate.remoteHelps);
        QVERIFY2(summary.workers.size() == 1 && summary.workers[0].elements > 300,
                 qPrintable(summary.message));
    }

    void aFaultyWorkerLosesNothing_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<QString>("needle");
        QTest::newRow("garbage") << int(FakeWorker::Mode::Garbage) << "garbled";
        QTest::newRow("truncated CBOR") << int(FakeWorker::Mode::Truncated) << "garbled";
        QTest::newRow("lying row count") << int(FakeWorker::Mode::Lie) << "expected";
        QTest::newRow("5xx") << int(FakeWorker::Mode::ServerError) << "HTTP 500";
        QTest::newRow("hang") << int(FakeWorker::Mode::Hang) << "no answer within 0.5 s (the worker may be hung)";
        QTest::newRow("401 mid-job") << int(FakeWorker::Mode::Unauthorized) << "HTTP 401";
        QTest::newRow("402 mid-job") << int(FakeWorker::Mode::PaymentRequired) << "HTTP 402";
        QTest::newRow("wrong column type") << int(FakeWorker::Mode::WrongType) << "the column is float64";
        QTest::newRow("a version-1 answer") << int(FakeWorker::Mode::VersionOne)
                                            << "the worker answered in protocol 1 — upgrade the worker";
    }

    void aFaultyWorkerLosesNothing()
    {
        QFETCH(int, mode);
        QFETCH(QString, needle);
        FakeWorker worker(m_sha);
        worker.setMode(FakeWorker::Mode(mode), 2);
        JobSpec s = spec(4000, JobSpec::Policy::Adaptive, {worker.url()});
        s.params.insert(QStringLiteral("delay_us"), 200);
        s.remoteTimeoutSeconds = 0.5;
        CollectingSink sink;
        RemoteEngine engine(&m_catalog);
        const JobSummary summary = run(engine, s, &sink);
        QCOMPARE(summary.status, JobStatus::Completed);
        checkComplete(sink, 4000);
        QVERIFY(sink.errors.isEmpty());
        const RemoteStats w = summary.workers.value(0);
        QVERIFY2(w.failures >= 1, qPrintable(w.state));
        QVERIFY2(w.lastError.contains(needle), qPrintable(w.lastError));
        QVERIFY(summary.localElements + w.elements == 4000);
    }

    void whenEveryWorkerDiesTheJobSaysSoAndKeepsItsResults()
    {
        FakeWorker a(m_sha), b(m_sha);
        a.setMode(FakeWorker::Mode::ServerError, 1);
        b.setMode(FakeWorker::Mode::Garbage, 1);
        JobSpec s = spec(20000, JobSpec::Policy::Remote, {a.url(), b.url()});
        s.params.insert(QStringLiteral("delay_us"), 100);
        s.maxConsecutiveWorkerFailures = 2;
        CollectingSink sink;
        RemoteEngine engine(&m_catalog);
        QElapsedTimer timer;
        timer.start();
        const JobSummary summary = run(engine, s, &sink);
        QVERIFY(timer.elapsed() < 30000);
        QCOMPARE(summary.status, JobStatus::ExecutorsFailed);
        QVERIFY2(summary.message.contains(QStringLiteral("every worker died")), qPrintable(summary.message));
        QVERIFY2(summary.message.contains(a.url()) && summary.message.contains(QStringLiteral("HTTP 500")), qPrintable(summary.message));
        QVERIFY2(summary.message.contains(b.url()) && summary.message.contains(QStringLiteral("garbled")), qPrintable(summary.message));
        QVERIFY(summary.elements > 0 && summary.elements < 20000); // the sample and the good batches are kept
        QVERIFY(!sink.orderBroken);
        QVERIFY(!sink.complete);
    }

    void aBatchThatFailsEverywhereFailsItsElementsNotTheJob()
    {
        FakeWorker worker(m_sha);
        worker.setMode(FakeWorker::Mode::FailRow13);
        JobSpec s = spec(2000, JobSpec::Policy::Remote, {worker.url()});
        s.sampleSeconds = 0; // the sample would run element 13 locally
        s.maxBatchRows = 10;
        CollectingSink sink;
        RemoteEngine engine(&m_catalog);
        const JobSummary summary = run(engine, s, &sink);
        QCOMPARE(summary.status, JobStatus::CompletedWithFailures);
        checkComplete(sink, 2000);
        QVERIFY(sink.errors.contains(13));
        QVERIFY2(sink.errors.value(13).contains(QStringLiteral("failed on 3 attempts")), qPrintable(sink.errors.value(13)));
        QVERIFY(sink.errors.size() <= 10);
        QVERIFY(!sink.errors.contains(1000));
    }

    void aWorkerWithAnotherBuildIsNotUsed()
    {
        FakeWorker worker(QString(64, QLatin1Char('0')));
        JobSpec s = spec(2000, JobSpec::Policy::Adaptive, {worker.url()});
        s.params.insert(QStringLiteral("delay_us"), 50);
        CollectingSink sink;
        RemoteEngine engine(&m_catalog);
        QSignalSpy notes(&engine, &Engine::note);
        const JobSummary summary = run(engine, s, &sink);
        QCOMPARE(summary.status, JobStatus::Completed);
        checkComplete(sink, 2000);
        QCOMPARE(worker.batchesServed(), 0);
        QCOMPARE(worker.requests(), 0);
        bool told = false;
        for (const QList<QVariant> &n : notes)
            told = told || n.first().toString().contains(QStringLiteral("build of test.control differs"));
        QVERIFY(told);
    }

    void aWorkerOfAnotherProtocolIsNotUsed_data()
    {
        QTest::addColumn<int>("protocol");
        QTest::addColumn<QString>("message");
        QTest::newRow("older") << 1 << "it speaks protocol 1; this client speaks 2 — upgrade the worker";
        QTest::newRow("newer") << 3 << "it speaks protocol 3; this client speaks 2 — upgrade the client";
    }

    void aWorkerOfAnotherProtocolIsNotUsed()
    {
        QFETCH(int, protocol);
        QFETCH(QString, message);
        FakeWorker worker(m_sha, 0, 2, protocol);
        JobSpec s = spec(2000, JobSpec::Policy::Adaptive, {worker.url()});
        s.params.insert(QStringLiteral("delay_us"), 50);
        CollectingSink sink;
        RemoteEngine engine(&m_catalog);
        QSignalSpy notes(&engine, &Engine::note);
        const JobSummary summary = run(engine, s, &sink);
        QCOMPARE(summary.status, JobStatus::Completed);
        checkComplete(sink, 2000);
        QCOMPARE(worker.requests(), 0);
        QString said;
        for (const QList<QVariant> &n : notes)
            said += n.first().toString() + QLatin1Char('\n');
        QVERIFY2(said.contains(message), qPrintable(said));
    }

    void twoBatchesPerWorkerThreadAreInFlight()
    {
        // Four threads, more than one network manager's six connections: eight batches wait on
        // the worker, and no more.
        FakeWorker worker(m_sha, 0, 4);
        worker.setMode(FakeWorker::Mode::Hang);
        JobSpec s = spec(50000, JobSpec::Policy::Remote, {worker.url()});
        s.params.insert(QStringLiteral("delay_us"), 100);
        s.remoteTimeoutSeconds = 10;
        CountingSink sink;
        RemoteEngine engine(&m_catalog);
        QSignalSpy finished(&engine, &Engine::finished);
        StartError error;
        QVERIFY(engine.start(s, &sink, &error));
        QTRY_COMPARE_WITH_TIMEOUT(worker.hanging(), 8, 8000);
        QTest::qWait(300);
        QCOMPARE(worker.hanging(), 8);
        QCOMPARE(worker.requests(), 8);
        engine.cancel();
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.first().first().value<JobSummary>().status, JobStatus::Cancelled);
    }

    void valuesThatDoNotConvertFailOnTheWorkerAsTheyDoLocally()
    {
        QTemporaryDir dir;
        const QString csv = writeCsv(dir, 3000, {{1500, "fifteen hundred"}, {2500, "12abc"}, {2600, "99999999999999999999"}});
        QMap<qint64, QString> localErrors;
        {
            CollectingSink sink;
            RemoteEngine engine(&m_catalog);
            JobSpec s = spec(0, JobSpec::Policy::Local, {});
            s.input = csv;
            QCOMPARE(run(engine, s, &sink).status, JobStatus::CompletedWithFailures);
            localErrors = sink.errors;
        }
        QCOMPARE(localErrors.keys(), (QList<qint64>{1500, 2500, 2600}));
        FakeWorker worker(m_sha); // fails those rows with its own message, which must not win
        JobSpec s = spec(0, JobSpec::Policy::Remote, {worker.url()});
        s.input = csv;
        s.params.insert(QStringLiteral("delay_us"), 100); // a short local sample: these rows go remote
        CollectingSink sink;
        RemoteEngine engine(&m_catalog);
        const JobSummary summary = run(engine, s, &sink);
        QCOMPARE(summary.status, JobStatus::CompletedWithFailures);
        checkComplete(sink, 3000);
        QVERIFY(worker.batchesServed() > 0);
        QVERIFY(summary.workers[0].elements > 2000);
        QCOMPARE(sink.errors, localErrors);
        QVERIFY2(sink.errors.value(1500).contains(QStringLiteral("'fifteen hundred'")), qPrintable(sink.errors.value(1500)));
    }

    void aMalformedRecordStopsTheJobAfterTheRowsBeforeIt()
    {
        // Record 2113 (line 2115) has two fields in a one-column file: the job stops there, and
        // every row before it is delivered, computed, as a local run would.
        QTemporaryDir dir;
        const QString csv = writeCsv(dir, 3000, {{2113, "5,6"}});
        FakeWorker worker(m_sha);
        JobSpec s = spec(0, JobSpec::Policy::Remote, {worker.url()});
        s.input = csv;
        s.params.insert(QStringLiteral("delay_us"), 100);
        CollectingSink sink;
        RemoteEngine engine(&m_catalog);
        const JobSummary summary = run(engine, s, &sink);
        QCOMPARE(summary.status, JobStatus::InputFailed);
        QVERIFY2(summary.message.contains(QStringLiteral("x.csv:2115")) &&
                     summary.message.contains(QStringLiteral("expected 1 fields")),
                 qPrintable(summary.message));
        QVERIFY(!sink.orderBroken);
        QCOMPARE(sink.outputsSeen.size(), 2113);
        for (int i = 0; i < 2113; ++i)
            QCOMPARE(sink.outputsSeen[i].toLongLong(), qint64(2 * i));
        QVERIFY(sink.errors.isEmpty());
        QVERIFY(worker.batchesServed() > 0);
    }

    void paidWorkersWaitForConfirmationWhileLocalWorkGoesOn_data()
    {
        QTest::addColumn<bool>("accept");
        QTest::newRow("accepted") << true;
        QTest::newRow("declined") << false;
    }

    void paidWorkersWaitForConfirmationWhileLocalWorkGoesOn()
    {
        QFETCH(bool, accept);
        FakeWorker worker(m_sha, 36.0); // $0.01 per vCPU-second
        worker.setDelayPerElementUs(100);
        JobSpec s = spec(8000, JobSpec::Policy::Adaptive, {worker.url()});
        s.params.insert(QStringLiteral("delay_us"), 100);
        CountingSink sink;
        RemoteEngine engine(&m_catalog);
        QSignalSpy asked(&engine, &Engine::confirmationNeeded);
        QSignalSpy finished(&engine, &Engine::finished);
        StartError error;
        QVERIFY(engine.start(s, &sink, &error));
        QVERIFY(asked.wait(10000));
        const Estimate estimate = asked.first().first().value<Estimate>();
        QVERIFY(estimate.paid());
        QVERIFY(estimate.cost > 0);
        const qint64 before = engine.progress().done;
        QTest::qWait(300);
        QVERIFY2(engine.progress().done > before, "local work must go on while the question waits");
        QCOMPARE(worker.requests(), 0); // nothing charged before the answer
        engine.confirmCharges(accept);
        QVERIFY(finished.wait(60000));
        const JobSummary summary = finished.first().first().value<JobSummary>();
        QCOMPARE(summary.status, JobStatus::Completed);
        QCOMPARE(sink.rows, qint64(8000));
        QVERIFY(!sink.wrongValues && !sink.orderBroken);
        if (accept) {
            QVERIFY(summary.workers[0].elements > 0);
            QVERIFY(summary.cost > 0);
            QVERIFY(qAbs(summary.cost - summary.workers[0].charge) < 1e-12);
        } else {
            QCOMPARE(summary.workers[0].elements, qint64(0));
            QCOMPARE(summary.cost, 0.0);
            QCOMPARE(worker.requests(), 0);
        }
    }

    void cancellingWhileTheChargesQuestionWaitsEndsTheJob()
    {
        FakeWorker worker(m_sha, 36.0);
        JobSpec s = spec(20000, JobSpec::Policy::Remote, {worker.url()});
        s.params.insert(QStringLiteral("delay_us"), 100);
        CountingSink sink;
        RemoteEngine engine(&m_catalog);
        QSignalSpy asked(&engine, &Engine::confirmationNeeded);
        QSignalSpy finished(&engine, &Engine::finished);
        StartError error;
        QVERIFY(engine.start(s, &sink, &error));
        QVERIFY(asked.wait(10000));
        QElapsedTimer timer;
        timer.start();
        engine.cancel();
        QVERIFY(finished.wait(10000));
        QVERIFY(timer.elapsed() < 5000);
        QCOMPARE(finished.first().first().value<JobSummary>().status, JobStatus::Cancelled);
        QCOMPARE(worker.requests(), 0);
    }

    void theSpendingCapStopsPaidBatches()
    {
        FakeWorker worker(m_sha, 3600.0, 1); // $1 per vCPU-second
        worker.setDelayPerElementUs(100);
        JobSpec s = spec(8000, JobSpec::Policy::Adaptive, {worker.url()});
        s.params.insert(QStringLiteral("delay_us"), 100);
        s.maxCost = 0.05; // a few batches' worth
        CountingSink sink;
        RemoteEngine engine(&m_catalog);
        const JobSummary summary = run(engine, s, &sink);
        QCOMPARE(summary.status, JobStatus::Completed);
        QCOMPARE(sink.rows, qint64(8000));
        QVERIFY(summary.cost >= 0.05);
        QVERIFY2(summary.cost < 0.05 + 0.2, qPrintable(QString::number(summary.cost))); // at most the batch in flight over
        QVERIFY(summary.workers[0].state == QLatin1String("retired"));
        QVERIFY(summary.localElements > summary.workers[0].elements);
    }

    void workersCanBeAddedMidJobThroughTheWorkersFile()
    {
        FakeWorker worker(m_sha);
        worker.setDelayPerElementUs(100);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("workers"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("# no workers yet\n");
        file.close();
        JobSpec s = spec(30000, JobSpec::Policy::Adaptive, {}); // seconds of work: the file is re-read every second
        s.workersFile = path;
        s.params.insert(QStringLiteral("delay_us"), 150);
        CountingSink sink;
        RemoteEngine engine(&m_catalog);
        QSignalSpy finished(&engine, &Engine::finished);
        StartError error;
        QVERIFY(engine.start(s, &sink, &error));
        QTest::qWait(500);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(worker.url().toUtf8() + "\n");
        file.close();
        QVERIFY(finished.wait(60000));
        const JobSummary summary = finished.first().first().value<JobSummary>();
        QCOMPARE(summary.status, JobStatus::Completed);
        QCOMPARE(sink.rows, qint64(30000));
        QVERIFY(!sink.wrongValues && !sink.orderBroken);
        QCOMPARE(summary.workers.size(), 1);
        QVERIFY2(summary.workers[0].elements > 0, qPrintable(summary.workers[0].state + summary.workers[0].lastError));
    }

    void plainHttpOffThisMachineIsRefusedAtStart()
    {
        CountingSink sink;
        RemoteEngine engine(&m_catalog);
        StartError error;
        QVERIFY(!engine.start(spec(10, JobSpec::Policy::Adaptive, {QStringLiteral("http://worker.example.org:8750")}), &sink, &error));
        QCOMPARE(error.kind, StartError::Workers);
        QVERIFY(error.message.contains(QStringLiteral("--insecure")));
        QVERIFY(!engine.start(spec(10, JobSpec::Policy::Remote, {}), &sink, &error));
        QVERIFY(error.message.contains(QStringLiteral("needs workers")));
    }
};

QTEST_GUILESS_MAIN(TestRemoteExecution)
#include "tst_remoteexecution.moc"
