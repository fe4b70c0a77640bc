// SPDX-License-Identifier: GPL-3.0-or-later
// The engine with process isolation and tests/plugins/crash: whatever the function does to its
// host on one element, that element alone fails, with what happened, and the job goes on.
#include "EngineTestUtils.h"

#include "engine/Engine.h"
#include "host/HostProcess.h"
#include "plugin/PluginCatalog.h"

#include <QElapsedTimer>
#include <QTest>

#include "../plugins/crash/CrashModes.h"

using namespace fastmap;

class TestFunctionHosts : public QObject
{
    Q_OBJECT

private:
    PluginCatalog m_catalog;

    static JobSpec crashSpec(const QString &mode, qint64 on, qint64 rows = 2000)
    {
        JobSpec spec;
        spec.functionId = QStringLiteral("test.crash");
        spec.input = QStringLiteral("range:%1").arg(rows);
        spec.threads = 2;
        spec.serialFallback = JobSpec::SerialFallback::Never;
        spec.sampleSeconds = 0.002;
        spec.isolation = JobSpec::Isolation::Process;
        spec.params.insert(QStringLiteral("mode"), mode);
        spec.params.insert(QStringLiteral("on"), on);
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

    // Every element but `culprit` has its result; the culprit failed with `message`.
    static void checkOnlyCulpritFailed(const CollectingSink &sink, qint64 rows, qint64 culprit,
                                       const QString &message)
    {
        QVERIFY(!sink.orderBroken);
        QCOMPARE(sink.outputsSeen.size(), int(rows));
        QCOMPARE(sink.errors.size(), 1);
        QCOMPARE(sink.errors.firstKey(), culprit);
        QCOMPARE(sink.errors.first(), message);
        for (int i = 0; i < int(rows); ++i)
            if (i != culprit)
                QCOMPARE(sink.outputsSeen[i].toLongLong(), qint64(2 * i));
    }

private slots:
    void initTestCase()
    {
        m_catalog.scan({QStringLiteral(FASTMAP_TEST_PLUGIN_DIR "/crash")});
        QVERIFY2(m_catalog.find(QStringLiteral("test.crash")), "test.crash plugin not built");
        QVERIFY2(QFileInfo(HostProcess::defaultProgram()).isExecutable(),
                 qPrintable(HostProcess::defaultProgram()));
    }

    void aHealthyFunctionRunsInHosts()
    {
        CollectingSink sink;
        const JobSummary summary = runToEnd(crashSpec(QStringLiteral("none"), -1, 50000), &sink);
        QCOMPARE(summary.status, JobStatus::Completed);
        QVERIFY(summary.isolated);
        QVERIFY(summary.hostsStarted >= 1 && summary.hostsStarted <= 2);
        QCOMPARE(sink.outputsSeen.size(), 50000);
        QVERIFY(!sink.orderBroken);
        QCOMPARE(sink.outputsSeen.last().toLongLong(), qint64(2 * 49999));
        QCOMPARE(summary.crashedElements, qint64(0));
    }

    void aDyingHostCostsOneElement_data()
    {
        addHostKillingCrashModes();
    }

    void aDyingHostCostsOneElement()
    {
        QFETCH(QString, mode);
        QFETCH(QString, message);
        CollectingSink sink;
        const JobSummary summary = runToEnd(crashSpec(mode, 1234, 5000), &sink);
        QCOMPARE(summary.status, JobStatus::CompletedWithFailures);
        QCOMPARE(summary.failed, qint64(1));
        QCOMPARE(summary.crashedElements, qint64(1));
        checkOnlyCulpritFailed(sink, 5000, 1234, message);
        // The search is bounded: about log2(batch) fresh hosts, not one per element.
        QVERIFY2(summary.hostsStarted < 40, qPrintable(QString::number(summary.hostsStarted)));
    }

    void aThrowingElementFailsWithoutLosingTheHost()
    {
        CollectingSink sink;
        const JobSummary summary = runToEnd(crashSpec(QStringLiteral("throw"), 77, 3000), &sink);
        QCOMPARE(summary.status, JobStatus::CompletedWithFailures);
        QCOMPARE(summary.crashedElements, qint64(0));
        checkOnlyCulpritFailed(sink, 3000, 77, QStringLiteral("element 77 threw"));
        QVERIFY(summary.hostsStarted <= 2);
    }

    void aHungElementTimesOut()
    {
        JobSpec spec = crashSpec(QStringLiteral("loop"), 300, 1000);
        spec.elementTimeoutSeconds = 1;
        CollectingSink sink;
        QElapsedTimer clock;
        clock.start();
        const JobSummary summary = runToEnd(spec, &sink);
        QCOMPARE(summary.status, JobStatus::CompletedWithFailures);
        checkOnlyCulpritFailed(sink, 1000, 300, QStringLiteral("timed out after 1 s"));
        QVERIFY2(clock.elapsed() < 60000, qPrintable(QString::number(clock.elapsed())));
    }

    void aGreedyElementRunsOutOfMemory()
    {
        JobSpec spec = crashSpec(QStringLiteral("alloc"), 42, 500);
        spec.memoryLimitMB = 256;
        CollectingSink sink;
        const JobSummary summary = runToEnd(spec, &sink);
        QCOMPARE(summary.status, JobStatus::CompletedWithFailures);
        checkOnlyCulpritFailed(sink, 500, 42, QStringLiteral("out of memory (limit 256 MB)"));
    }

    void aFunctionThatCrashesOnEveryElementStopsTheJobQuickly()
    {
        CollectingSink sink;
        QElapsedTimer clock;
        clock.start();
        const JobSummary summary = runToEnd(crashSpec(QStringLiteral("segv"), -1, 100000), &sink);
        QCOMPARE(summary.status, JobStatus::StoppedOnError);
        QVERIFY2(summary.message.contains(QStringLiteral("each of the first 3 elements")),
                 qPrintable(summary.message));
        QVERIFY2(summary.message.contains(QStringLiteral("SIGSEGV")), qPrintable(summary.message));
        QVERIFY2(summary.hostsStarted < 60, qPrintable(QString::number(summary.hostsStarted)));
        QVERIFY2(clock.elapsed() < 60000, qPrintable(QString::number(clock.elapsed())));
        QVERIFY(!sink.complete);
    }

    void crashesBeyondTheLimitStopTheJob()
    {
        JobSpec spec = crashSpec(QStringLiteral("segv"), 0, 4000);
        spec.params.insert(QStringLiteral("on_modulo"), 500); // 0, 500, 1000, ...: 8 culprits
        spec.maxCrashes = 4;
        CollectingSink sink;
        const JobSummary summary = runToEnd(spec, &sink);
        QCOMPARE(summary.status, JobStatus::StoppedOnError);
        QVERIFY2(summary.message.contains(QStringLiteral("on 4 elements, the limit")),
                 qPrintable(summary.message));
    }

    void aPluginThatCannotRunInAHostIsAStartError()
    {
        JobSpec spec = crashSpec(QStringLiteral("none"), -1, 10);
        spec.hostProgram = QStringLiteral("/nonexistent/fastmap-host");
        Engine engine(&m_catalog);
        CollectingSink sink;
        StartError error;
        QVERIFY(!engine.start(spec, &sink, &error));
        QCOMPARE(error.kind, StartError::Function);
        QVERIFY2(error.message.contains(QStringLiteral("/nonexistent/fastmap-host")),
                 qPrintable(error.message));
    }

    void aStopKillsAHungHostAfterTheGracePeriod()
    {
        JobSpec spec = crashSpec(QStringLiteral("loop"), 3000, 100000);
        spec.params.insert(QStringLiteral("delay_us"), 100); // batches of about 2000 elements
        spec.stopGraceSeconds = 0.5;
        CollectingSink sink;
        Engine engine(&m_catalog);
        StartError error;
        QVERIFY(engine.start(spec, &sink, &error));
        QElapsedTimer clock;
        clock.start();
        while (engine.progress().done < 1000 && clock.elapsed() < 30000)
            QTest::qWait(10);
        QTest::qWait(1000); // the batch with element 3000 is hung by now
        clock.restart();
        engine.cancel();
        const JobSummary summary = engine.wait();
        QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(summary.status, JobStatus::Cancelled);
        QVERIFY2(summary.elements >= 1000 && summary.elements <= 3000,
                 qPrintable(QString::number(summary.elements)));
        QCOMPARE(sink.outputsSeen.size(), int(summary.elements));
        QVERIFY(sink.errors.isEmpty());
    }

    // Last: the thread stays in the function until the process ends.
    void aStopLeavesAHungThreadBehindAfterTheGracePeriod()
    {
        JobSpec spec = crashSpec(QStringLiteral("loop"), 3000, 100000);
        spec.params.insert(QStringLiteral("delay_us"), 100);
        spec.isolation = JobSpec::Isolation::Thread;
        spec.stopGraceSeconds = 0.5;
        CollectingSink sink;
        auto *engine = new Engine(&m_catalog);
        StartError error;
        QVERIFY(engine->start(spec, &sink, &error));
        QElapsedTimer clock;
        clock.start();
        while (engine->progress().done < 1000 && clock.elapsed() < 30000)
            QTest::qWait(10);
        QTest::qWait(1000);
        clock.restart();
        engine->cancel();
        const JobSummary summary = engine->wait();
        QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(summary.status, JobStatus::Cancelled);
        QVERIFY(summary.abandonedThreads >= 1);
        QVERIFY2(summary.elements >= 1000 && summary.elements <= 3000,
                 qPrintable(QString::number(summary.elements)));
        QVERIFY(sink.finished && !sink.complete);
        QCOMPARE(sink.outputsSeen.size(), int(summary.elements));
        delete engine; // must not wait for the hung thread
    }
};

QTEST_GUILESS_MAIN(TestFunctionHosts)
#include "tst_functionhosts.moc"
