// SPDX-License-Identifier: GPL-3.0-or-later
#include "EngineTestUtils.h"

#include "engine/Engine.h"
#include "plugin/PluginCatalog.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace fastmap;

class TestEngine : public QObject
{
    Q_OBJECT

private:
    PluginCatalog m_catalog;

    static JobSpec controlSpec(qint64 rows, int threads = 4)
    {
        JobSpec spec;
        spec.functionId = QStringLiteral("test.control");
        spec.input = QStringLiteral("range:%1").arg(rows);
        spec.threads = threads;
        spec.serialFallback = JobSpec::SerialFallback::Never;
        spec.sampleSeconds = 0.002;
        return spec;
    }

    JobSummary runToEnd(const JobSpec &spec, ResultSink *sink)
    {
        Engine engine(&m_catalog);
        StartError error;
        if (!engine.start(spec, sink, &error))
            qFatal("start failed: %s", qPrintable(error.message));
        return engine.wait();
    }

    static void waitUntil(const std::function<bool()> &condition, int timeoutMs = 10000)
    {
        QElapsedTimer timer;
        timer.start();
        while (!condition() && timer.elapsed() < timeoutMs)
            QThread::msleep(5);
    }

private slots:
    void initTestCase()
    {
        m_catalog.scan({QStringLiteral(FASTMAP_TEST_PLUGIN_DIR "/good"), QStringLiteral(FASTMAP_PLUGIN_BUILD_DIR)});
        QVERIFY2(m_catalog.find(QStringLiteral("test.control")), "test.control plugin not built");
    }

    void resultsComeInInputOrder()
    {
        JobSpec spec = controlSpec(200000);
        spec.maxBatchRows = 97; // many small batches finishing out of order
        spec.params.insert(QStringLiteral("delay_us"), 0);
        CollectingSink sink;
        const JobSummary summary = runToEnd(spec, &sink);
        QCOMPARE(summary.status, JobStatus::Completed);
        QCOMPARE(summary.elements, qint64(200000));
        QVERIFY(!sink.orderBroken);
        QCOMPARE(sink.outputsSeen.size(), 200000);
        for (int i = 0; i < sink.outputsSeen.size(); i += 997)
            QCOMPARE(sink.outputsSeen[i].toLongLong(), qint64(2 * i));
        QCOMPARE(sink.outputsSeen.last().toLongLong(), qint64(2 * 199999));
        QVERIFY(sink.finished && sink.complete);
        QVERIFY(summary.batches > 1000);
    }

    void localThreadsShareTheWork()
    {
        JobSpec spec = controlSpec(4000, 4);
        spec.params.insert(QStringLiteral("delay_us"), 50);
        spec.batchTargetSeconds = 0.005;
        CollectingSink sink;
        const JobSummary summary = runToEnd(spec, &sink);
        QCOMPARE(summary.status, JobStatus::Completed);
        QCOMPARE(summary.threads, 4);
        QVERIFY2(sink.threads.size() >= 2, qPrintable(QString::number(sink.threads.size())));
    }

    void batchesModeDeliversWholeBatchesInOrder()
    {
        struct BatchSink : ResultSink
        {
            bool consume(const BatchResult &r, QString *) override
            {
                if (r.batch.firstRow != next || r.batch.sequence != sequence)
                    broken = true;
                next += r.batch.size();
                ++sequence;
                return true;
            }
            qint64 next = 0;
            qint64 sequence = 0;
            bool broken = false;
        } sink;
        JobSpec spec = controlSpec(50000);
        spec.maxBatchRows = 333;
        const JobSummary summary = runToEnd(spec, &sink);
        QCOMPARE(summary.status, JobStatus::Completed);
        QVERIFY(!sink.broken);
        QCOMPARE(sink.next, qint64(50000));
        QCOMPARE(summary.batches, sink.sequence);
    }

    void failingElementsAreReportedAndTheJobGoesOn_data()
    {
        QTest::addColumn<bool>("throwBatch");
        QTest::newRow("fail()") << false;
        QTest::newRow("whole batch throws") << true;
    }

    void failingElementsAreReportedAndTheJobGoesOn()
    {
        QFETCH(bool, throwBatch);
        JobSpec spec = controlSpec(1000);
        spec.maxBatchRows = 64;
        spec.params = {{"fail_modulo", 7}, {"fail_remainder", 3}, {"throw_batch", throwBatch}};
        CollectingSink sink;
        const JobSummary summary = runToEnd(spec, &sink);
        QCOMPARE(summary.status, JobStatus::CompletedWithFailures);
        QCOMPARE(summary.elements, qint64(1000));
        QCOMPARE(summary.failed, qint64(143)); // 3, 10, ..., 997
        QCOMPARE(sink.errors.size(), 143);
        QCOMPARE(summary.firstFailedIndex, qint64(3));
        QCOMPARE(sink.errors.value(10), QStringLiteral("element 10 is cursed"));
        QCOMPARE(sink.outputsSeen[11].toLongLong(), qint64(22));
        QVERIFY(!sink.errors.contains(11));
        QVERIFY(sink.complete);
    }

    void stopOnErrorStopsAtTheFirstFailure()
    {
        JobSpec spec = controlSpec(100000);
        spec.maxBatchRows = 50;
        spec.stopOnError = true;
        spec.params = {{"fail_modulo", 1000}, {"fail_remainder", 500}};
        CollectingSink sink;
        const JobSummary summary = runToEnd(spec, &sink);
        QCOMPARE(summary.status, JobStatus::StoppedOnError);
        QCOMPARE(summary.firstFailedIndex, qint64(500));
        QVERIFY(summary.elements >= 501);
        QVERIFY(summary.elements < 100000);
        QVERIFY(!sink.orderBroken);
        QVERIFY(!sink.complete);
        QVERIFY(summary.message.contains(QStringLiteral("element 500 is cursed")));
    }

    void cancelStopsPromptlyAndKeepsAnOrderedPrefix()
    {
        JobSpec spec = controlSpec(100000, 2);
        spec.params.insert(QStringLiteral("delay_us"), 200); // 20 s of work
        spec.batchTargetSeconds = 0.02;
        CollectingSink sink;
        Engine engine(&m_catalog);
        StartError error;
        QVERIFY(engine.start(spec, &sink, &error));
        waitUntil([&] { return engine.progress().done > 100; });
        QElapsedTimer timer;
        timer.start();
        engine.cancel();
        const JobSummary summary = engine.wait();
        QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(summary.status, JobStatus::Cancelled);
        QVERIFY(summary.elements > 0 && summary.elements < 100000);
        QCOMPARE(qint64(sink.outputsSeen.size()), summary.elements);
        QVERIFY(!sink.orderBroken);
        QVERIFY(!sink.complete);
    }

    void pauseHoldsTheJobAndResumeFinishesIt()
    {
        JobSpec spec = controlSpec(6000, 2);
        spec.params.insert(QStringLiteral("delay_us"), 200); // ~0.6 s on two threads
        spec.batchTargetSeconds = 0.01;
        CountingSink sink;
        Engine engine(&m_catalog);
        StartError error;
        QVERIFY(engine.start(spec, &sink, &error));
        waitUntil([&] { return engine.progress().done > 200; });
        engine.pause();
        QVERIFY(engine.isPaused());
        QThread::msleep(150); // batches already running may still finish
        const qint64 settled = engine.progress().done;
        QThread::msleep(300);
        QCOMPARE(engine.progress().done, settled);
        QVERIFY(engine.progress().paused);
        QVERIFY(settled < 6000);
        engine.resume();
        const JobSummary summary = engine.wait();
        QCOMPARE(summary.status, JobStatus::Completed);
        QCOMPARE(sink.rows, qint64(6000));
        QVERIFY(!sink.orderBroken && !sink.wrongValues);
    }

    void progressSignalsAreThrottled()
    {
        JobSpec spec = controlSpec(3000, 2);
        spec.params.insert(QStringLiteral("delay_us"), 200);
        CountingSink sink;
        Engine engine(&m_catalog);
        engine.setProgressInterval(100);
        QSignalSpy progress(&engine, &Engine::progressChanged);
        QSignalSpy finished(&engine, &Engine::finished);
        StartError error;
        QVERIFY(engine.start(spec, &sink, &error));
        QVERIFY(finished.wait(20000));
        const JobSummary summary = finished.first().first().value<JobSummary>();
        QCOMPARE(summary.status, JobStatus::Completed);
        QVERIFY(progress.size() >= 2);
        // At most one signal per interval, plus the final one.
        QVERIFY2(progress.size() <= int(summary.seconds * 10) + 3, qPrintable(QString::number(progress.size())));
        const JobProgress last = progress.last().first().value<JobProgress>();
        QCOMPARE(last.done, qint64(3000));
        QCOMPARE(last.total, qint64(3000));
        bool sawRate = false;
        for (const QList<QVariant> &args : progress)
            sawRate = sawRate || args.first().value<JobProgress>().rate > 0;
        QVERIFY(sawRate);
    }

    void tooLightJobsRunInProcess()
    {
        // 40 elements: too light for four threads even at the ~50 us per element of a sanitizer build.
        JobSpec spec = controlSpec(40);
        spec.serialFallback = JobSpec::SerialFallback::Auto;
        spec.sampleSeconds = 0.00001; // the sample stops early, leaving most of the (microseconds of) work
        // On threads: in a function host each sample batch of 1, 2 and 4 elements also carries a
        // round trip to the host (about 1 ms on a loaded machine), which is not the function's cost.
        spec.isolation = JobSpec::Isolation::Thread;
        CollectingSink sink;
        const JobSummary summary = runToEnd(spec, &sink);
        QCOMPARE(summary.status, JobStatus::Completed);
        const QString sample = QStringLiteral("%1 s per element over %2 elements; %3")
                                   .arg(summary.sampleSecondsPerElement)
                                   .arg(summary.sampleElements)
                                   .arg(summary.message);
        QVERIFY2(summary.ranInProcess, qPrintable(sample));
        QVERIFY2(summary.message.contains(QStringLiteral("too light")), qPrintable(summary.message));
        QCOMPARE(summary.threads, 1);
        QCOMPARE(sink.outputsSeen.size(), 40);
    }

    void heavyJobsUseThreads()
    {
        JobSpec spec = controlSpec(3000, 2);
        spec.serialFallback = JobSpec::SerialFallback::Auto;
        spec.sampleSeconds = 0.01;
        spec.params.insert(QStringLiteral("delay_us"), 100);
        CountingSink sink;
        const JobSummary summary = runToEnd(spec, &sink);
        QCOMPARE(summary.status, JobStatus::Completed);
        QVERIFY(!summary.ranInProcess);
        QCOMPARE(summary.threads, 2);
        QVERIFY(summary.sampleSecondsPerElement > 50e-6);
    }

    void theSampleStopsNearItsTime()
    {
        // 1 ms per element and a 40 ms sample: doubling alone would run 1+2+4+8+16 = 31 ms, then
        // 32 more elements, 63 ms in all, while the other thread waits. Trimmed, the last batch
        // takes only what is left of the 40 ms.
        // The full sample runs for an estimate (and when workers are configured).
        JobSpec spec = controlSpec(2000, 2);
        spec.sampleSeconds = 0.04;
        spec.estimateOnly = true;
        spec.isolation = JobSpec::Isolation::Thread; // the trimming, without host round trips
        spec.params.insert(QStringLiteral("delay_us"), 1000);
        CountingSink sink;
        const JobSummary summary = runToEnd(spec, &sink);
        QCOMPARE(summary.status, JobStatus::Estimated);
        QVERIFY(!sink.orderBroken && !sink.wrongValues);
        const QString sample =
            QStringLiteral("%1 elements in %2 s").arg(summary.sampleElements).arg(summary.sampleSeconds);
        QVERIFY2(summary.sampleSeconds >= 0.03, qPrintable(sample));
        // Untrimmed it would run 63 elements, at least 63 ms; a sleep that overshoots (a sanitizer
        // build, a busy machine) stretches the 31 before the trim, not the count.
        QVERIFY2(summary.sampleElements < 63, qPrintable(sample));
        QVERIFY2(summary.sampleSeconds < 0.09, qPrintable(sample));
    }

    void theSampleEndsEarlyOnAHeavyJobWithoutWorkers()
    {
        // 2 s of work on two threads: a few milliseconds show it is not too light, and the
        // other thread should not wait out the whole 0.1 s sample.
        JobSpec spec = controlSpec(2000, 2);
        spec.sampleSeconds = 0.1;
        spec.params.insert(QStringLiteral("delay_us"), 1000);
        CountingSink sink;
        const JobSummary summary = runToEnd(spec, &sink);
        QCOMPARE(summary.status, JobStatus::Completed);
        QCOMPARE(sink.rows, qint64(2000));
        QVERIFY(!sink.orderBroken && !sink.wrongValues);
        QVERIFY(!summary.ranInProcess);
        const QString sample =
            QStringLiteral("%1 elements in %2 s").arg(summary.sampleElements).arg(summary.sampleSeconds);
        QVERIFY2(summary.sampleSeconds >= 0.002, qPrintable(sample));
        QVERIFY2(summary.sampleSeconds < 0.02, qPrintable(sample));
        QVERIFY2(summary.sampleSecondsPerElement > 0.0009, qPrintable(sample));
    }

    void stressManyThreadsTinyBatches()
    {
        for (int round = 0; round < 5; ++round) {
            JobSpec spec = controlSpec(30000, 8);
            spec.maxBatchRows = 1 + round % 3;
            spec.maxBatchesInFlight = 3 + round;
            spec.params = {{"fail_modulo", 101}, {"fail_remainder", round}, {"throw_batch", round % 2 == 1}};
            CollectingSink sink;
            Engine engine(&m_catalog);
            StartError error;
            QVERIFY(engine.start(spec, &sink, &error));
            for (int i = 0; i < 20 && engine.isRunning(); ++i) { // toggling pause must not lose or reorder anything
                engine.pause();
                QThread::usleep(200);
                engine.resume();
            }
            const JobSummary summary = engine.wait();
            QCOMPARE(summary.status, JobStatus::CompletedWithFailures);
            QVERIFY(!sink.orderBroken);
            QCOMPARE(sink.outputsSeen.size(), 30000);
            QVERIFY(summary.peakBatchesInFlight <= spec.maxBatchesInFlight);
            qint64 expectedFailures = 0;
            for (qint64 x = 0; x < 30000; ++x)
                expectedFailures += x % 101 == round;
            QCOMPARE(summary.failed, expectedFailures);
            for (int i = 0; i < 30000; i += 101 * 7 + 1)
                if (!sink.errors.contains(i))
                    QCOMPARE(sink.outputsSeen[i].toLongLong(), qint64(2 * i));
        }
    }

    void startRefusesBadJobsWithAReason_data()
    {
        QTest::addColumn<QString>("function");
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("param");
        QTest::addColumn<QString>("mapping");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("needle");
        QTest::newRow("unknown function") << "no.such" << "range:10" << "" << "" << int(StartError::Function) << "no.such";
        QTest::newRow("bad parameter") << "test.control" << "range:10" << "delay_us=-5" << "" << int(StartError::Parameters) << "delay_us";
        QTest::newRow("unknown parameter") << "test.control" << "range:10" << "speed=3" << "" << int(StartError::Parameters) << "speed";
        QTest::newRow("missing file") << "test.control" << "/nonexistent/data.csv" << "" << "" << int(StartError::Input) << "/nonexistent/data.csv";
        QTest::newRow("unknown column") << "test.control" << "range:10" << "" << "x=y" << int(StartError::Mapping) << "\"y\"";
        QTest::newRow("unknown input") << "test.control" << "range:10" << "" << "z=x" << int(StartError::Mapping) << "\"z\"";
    }

    void startRefusesBadJobsWithAReason()
    {
        QFETCH(QString, function);
        QFETCH(QString, input);
        QFETCH(QString, param);
        QFETCH(QString, mapping);
        QFETCH(int, kind);
        QFETCH(QString, needle);
        JobSpec spec;
        spec.functionId = function;
        spec.input = input;
        if (!param.isEmpty())
            spec.params.insert(param.section('=', 0, 0), param.section('=', 1));
        if (!mapping.isEmpty())
            spec.mapping.insert(mapping.section('=', 0, 0), mapping.section('=', 1));
        CountingSink sink;
        Engine engine(&m_catalog);
        StartError error;
        QVERIFY(!engine.start(spec, &sink, &error));
        QCOMPARE(int(error.kind), kind);
        QVERIFY2(error.message.contains(needle), qPrintable(error.message));
        QVERIFY(!engine.isRunning());
    }

    void workersNeedTheRemoteSide()
    {
        // An engine without RemoteCoordinator's factory cannot reach a worker: it says so at
        // start rather than running the job without them.
        JobSpec spec = controlSpec(100, 1);
        spec.workers = {QStringLiteral("http://127.0.0.1:1")};
        CountingSink sink;
        Engine engine(&m_catalog);
        StartError error;
        QVERIFY(!engine.start(spec, &sink, &error));
        QCOMPARE(error.kind, StartError::Workers);
        QCOMPARE(error.message, QStringLiteral("this program cannot use remote workers"));
        // The local policy ignores workers, as before.
        spec.policy = JobSpec::Policy::Local;
        QVERIFY2(engine.start(spec, &sink, &error), qPrintable(error.message));
        QCOMPARE(engine.wait().status, JobStatus::Completed);
    }

    void anInputErrorMidwayEndsTheJobAndKeepsEarlierRows()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ragged.csv"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("x\n");
        for (int i = 0; i < 4998; ++i)
            file.write(QByteArray::number(i) + '\n');
        file.write("1,2\n"); // line 5000: two fields under a one-column header
        for (int i = 0; i < 100; ++i)
            file.write("7\n");
        file.close();
        JobSpec spec = controlSpec(0, 2);
        spec.input = path;
        spec.maxBatchRows = 100;
        CollectingSink sink;
        const JobSummary summary = runToEnd(spec, &sink);
        QCOMPARE(summary.status, JobStatus::InputFailed);
        QVERIFY2(summary.message.contains(QStringLiteral(":5000")), qPrintable(summary.message));
        QCOMPARE(summary.elements, qint64(4998));
        QVERIFY(!sink.orderBroken);
        QVERIFY(!sink.complete);
    }

    void aRefusingSinkStopsTheJob()
    {
        struct FullDisk : ResultSink
        {
            bool consume(const BatchResult &, QString *error) override
            {
                if (++calls < 3)
                    return true;
                *error = QStringLiteral("disk full");
                return false;
            }
            int calls = 0;
        } sink;
        JobSpec spec = controlSpec(100000, 2);
        spec.maxBatchRows = 10;
        const JobSummary summary = runToEnd(spec, &sink);
        QCOMPARE(summary.status, JobStatus::OutputFailed);
        QCOMPARE(summary.message, QStringLiteral("disk full"));
        QCOMPARE(sink.calls, 3);
    }
};

QTEST_MAIN(TestEngine)
#include "tst_engine.moc"
