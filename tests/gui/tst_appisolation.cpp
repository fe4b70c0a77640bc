// SPDX-License-Identifier: GPL-3.0-or-later
// Function hosts from the desktop app (issue #11): with process isolation, the app's default, a
// function that crashes, aborts or exits on one element costs that element alone, and the window
// (this test process) lives on and runs the next job; Cancel with a hung function ends the job
// after the grace period. The isolation settings round-trip and reach the job's spec.
#include "AppSettings.h"
#include "ErrorTableModel.h"
#include "GuiTestHelpers.h"
#include "JobController.h"
#include "ParameterForm.h"
#include "ResultTableModel.h"
#include "SettingsDialog.h"
#include "TokenStore.h"
#include "host/HostProcess.h"
#include "jobs/JobStore.h"
#include "../plugins/crash/CrashModes.h"
#include "plugin/PluginCatalog.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QSpinBox>

#include <unistd.h>

using namespace fastmap;

class TestAppIsolation : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    PluginCatalog m_catalog;
    static constexpr qint64 kRows = 2000;
    static constexpr qint64 kCulprit = 1234;

    // The window set up for test.crash over range:`rows`, misbehaving with `mode` on x == `on`.
    static bool setUpCrash(MainWindow &window, const QString &mode, qint64 on, qint64 rows = kRows)
    {
        ParameterForm *form = window.parameterForm();
        return window.openDataset(QStringLiteral("range:%1").arg(rows)) &&
               window.selectFunction(QStringLiteral("test.crash")) &&
               form->setValue(QStringLiteral("mode"), mode) && form->setValue(QStringLiteral("on"), on);
    }

    static bool runAndWait(MainWindow &window, JobSummary *summary)
    {
        QSignalSpy finished(&window, &MainWindow::jobFinished);
        return window.run() && waitForJob(finished, summary);
    }

    // Each element has 2x in the Results tab, but `culprit` (if >= 0), which failed with `message`.
    static void checkResults(MainWindow &window, qint64 rows, qint64 culprit, const QString &message)
    {
        ResultTableModel *results = window.controller()->results();
        QCOMPARE(results->rowCount(), int(rows));
        QCOMPARE(results->outputColumns(), QStringList{QStringLiteral("twice")});
        const QList<qint64> failed = results->failedRows();
        if (culprit < 0) {
            QVERIFY(failed.isEmpty());
        } else {
            QCOMPARE(failed, QList<qint64>{culprit});
            QCOMPARE(results->error(culprit), message);
            QCOMPARE(window.controller()->errors()->rowCount(), 1);
        }
        for (int r = 0; r < int(rows); ++r) {
            if (r == culprit)
                continue;
            QCOMPARE(results->value(r, 0, false).toLongLong(), qint64(2 * r));
        }
    }

    static void setIsolation(JobSpec::Isolation isolation, double timeout = 0, int memory = 0,
                             double grace = 5)
    {
        AppSettings settings;
        settings.setIsolation(isolation);
        settings.setElementTimeout(timeout);
        settings.setMemoryLimitMB(memory);
        settings.setStopGraceSeconds(grace);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        isolateSettings(m_dir, "tst_appisolation");
        QVERIFY(JobStore::defaultPath().startsWith(m_dir.path()));
        m_catalog.scan(
            {QStringLiteral(FASTMAP_PLUGIN_BUILD_DIR), QStringLiteral(FASTMAP_TEST_PLUGIN_DIR "/crash")});
        QVERIFY2(m_catalog.find(QStringLiteral("test.crash")), "test.crash plugin not built");
        QVERIFY2(QFileInfo(HostProcess::defaultProgram()).isExecutable(),
                 qPrintable(HostProcess::defaultProgram()));
    }

    void init() { QSettings().clear(); }

    void processIsolationIsTheDefault()
    {
        AppSettings settings;
        QCOMPARE(settings.isolation(), JobSpec::Isolation::Process);
        QCOMPARE(settings.elementTimeout(), 0.0);
        QCOMPARE(settings.memoryLimitMB(), 0);
        QCOMPARE(settings.stopGraceSeconds(), 5.0);
        // A hand-edited file with nonsense keeps the safe values.
        QSettings().setValue(QStringLiteral("run/isolation"), QStringLiteral("none"));
        QSettings().setValue(QStringLiteral("run/stopGrace"), QStringLiteral("soon"));
        QSettings().setValue(QStringLiteral("run/memoryLimit"), -5);
        QCOMPARE(settings.isolation(), JobSpec::Isolation::Process);
        QCOMPARE(settings.stopGraceSeconds(), 5.0);
        QCOMPARE(settings.memoryLimitMB(), 0);
    }

    // Settings -> the dialog -> the settings file -> the next job's spec and its record.
    void theSettingsRoundTripAndReachTheJob()
    {
        setIsolation(JobSpec::Isolation::Thread, 2.5, 512, 1.5);
        {
            AppSettings settings;
            QCOMPARE(settings.isolation(), JobSpec::Isolation::Thread);
            QCOMPARE(settings.elementTimeout(), 2.5);
            QCOMPARE(settings.memoryLimitMB(), 512);
            QCOMPARE(settings.stopGraceSeconds(), 1.5);
        }

        AppSettings settings;
        TokenStore tokens;
        {
            SettingsDialog dialog(&settings, &tokens);
            auto *isolation = dialog.findChild<QComboBox *>(QStringLiteral("isolation"));
            auto *timeout = dialog.findChild<QDoubleSpinBox *>(QStringLiteral("elementTimeout"));
            auto *memory = dialog.findChild<QSpinBox *>(QStringLiteral("memoryLimit"));
            auto *grace = dialog.findChild<QDoubleSpinBox *>(QStringLiteral("stopGrace"));
            auto *note = dialog.findChild<QLabel *>(QStringLiteral("isolationNote"));
            QVERIFY(isolation && timeout && memory && grace && note);
            QCOMPARE(JobSpec::Isolation(isolation->currentData().toInt()), JobSpec::Isolation::Thread);
            QCOMPARE(timeout->value(), 2.5);
            QCOMPARE(memory->value(), 512);
            QCOMPARE(grace->value(), 1.5);
            // With threads the limits cannot apply, and the dialog says what threads risk.
            QVERIFY(!timeout->isEnabled() && !memory->isEnabled());
            QVERIFY2(note->text().contains(QStringLiteral("crash closes the app")), qPrintable(note->text()));

            isolation->setCurrentIndex(isolation->findData(int(JobSpec::Isolation::Process)));
            QVERIFY(timeout->isEnabled() && memory->isEnabled());
            QVERIFY2(note->text().contains(QStringLiteral("never the window")), qPrintable(note->text()));
            timeout->setValue(30);
            memory->setValue(1024);
            grace->setValue(0.5);
            dialog.save();
        }
        QCOMPARE(AppSettings().isolation(), JobSpec::Isolation::Process);
        QCOMPARE(AppSettings().elementTimeout(), 30.0);
        QCOMPARE(AppSettings().memoryLimitMB(), 1024);
        QCOMPARE(AppSettings().stopGraceSeconds(), 0.5);
        QCOMPARE(QSettings().value(QStringLiteral("run/isolation")).toString(), QStringLiteral("process"));

        MainWindow window(&m_catalog);
        window.show();
        QVERIFY(setUpCrash(window, QStringLiteral("none"), -1, 500));
        JobSummary summary;
        QVERIFY(runAndWait(window, &summary));
        QCOMPARE(summary.status, JobStatus::Completed);
        QVERIFY(summary.isolated);
        JobSpec spec = window.controller()->lastSpec();
        QCOMPARE(spec.isolation, JobSpec::Isolation::Process);
        QCOMPARE(spec.elementTimeoutSeconds, 30.0);
        QCOMPARE(spec.memoryLimitMB, 1024);
        QCOMPARE(spec.stopGraceSeconds, 0.5);
        // The job store keeps them, so a resume runs the job as it was started.
        {
            JobStore store;
            JobRecord job;
            QString error;
            QVERIFY2(store.open(&error) && store.find(window.controller()->currentJobId(), &job, &error),
                     qPrintable(error));
            QCOMPARE(job.spec.value("isolation").toString(), QStringLiteral("process"));
            QCOMPARE(job.spec.value("elementTimeout").toDouble(), 30.0);
            QCOMPARE(job.spec.value("memoryLimit").toInt(), 1024);
        }
        checkResults(window, 500, -1, QString());

        // Threads, changed while the window is open, apply to its next run.
        settings.setIsolation(JobSpec::Isolation::Thread);
        QVERIFY(runAndWait(window, &summary));
        QCOMPARE(summary.status, JobStatus::Completed);
        QVERIFY(!summary.isolated);
        spec = window.controller()->lastSpec();
        QCOMPARE(spec.isolation, JobSpec::Isolation::Thread);
        checkResults(window, 500, -1, QString());
    }

    void aCrashingFunctionCostsOneElementAndNotTheWindow_data()
    {
        addHostKillingCrashModes();
    }

    void aCrashingFunctionCostsOneElementAndNotTheWindow()
    {
        QFETCH(QString, mode);
        QFETCH(QString, message);
        const qint64 pid = ::getpid();
        MainWindow window(&m_catalog); // the settings are the defaults: process isolation
        window.show();
        QVERIFY(setUpCrash(window, mode, kCulprit));
        JobSummary summary;
        QVERIFY(runAndWait(window, &summary));
        QCOMPARE(summary.status, JobStatus::CompletedWithFailures);
        QVERIFY(summary.isolated);
        QCOMPARE(summary.elements, kRows);
        QCOMPARE(summary.failed, qint64(1));
        QCOMPARE(summary.crashedElements, qint64(1));
        QCOMPARE(window.controller()->lastSpec().isolation, JobSpec::Isolation::Process);
        checkResults(window, kRows, kCulprit, message);
        QVERIFY2(window.statusText().contains(
                     QStringLiteral("1 element(s) crashed the function and failed alone")),
                 qPrintable(window.statusText()));
        QVERIFY2(window.logText().contains(QStringLiteral("took its host process down on 1 element(s)")),
                 qPrintable(window.logText()));

        // Still the same process, and the window runs the next job as if nothing had happened.
        QCOMPARE(qint64(::getpid()), pid);
        QVERIFY(window.parameterForm()->setValue(QStringLiteral("mode"), QStringLiteral("none")));
        QVERIFY(runAndWait(window, &summary));
        QCOMPARE(summary.status, JobStatus::Completed);
        QCOMPARE(summary.crashedElements, qint64(0));
        checkResults(window, kRows, -1, QString());
        QVERIFY2(!window.statusText().contains(QStringLiteral("crashed")), qPrintable(window.statusText()));
    }

    // Cancel with a hung function: after the grace period the hosts are killed and the job ends
    // cancelled, its finished rows kept; a second Cancel does not wait at all.
    void cancelStopsAHungFunctionAfterTheGracePeriod_data()
    {
        QTest::addColumn<double>("grace");
        QTest::addColumn<bool>("twice");
        QTest::newRow("grace 1 s") << 1.0 << false;
        QTest::newRow("cancel twice") << 60.0 << true;
    }

    void cancelStopsAHungFunctionAfterTheGracePeriod()
    {
        QFETCH(double, grace);
        QFETCH(bool, twice);
        setIsolation(JobSpec::Isolation::Process, 0, 0, grace);
        MainWindow window(&m_catalog);
        window.show();
        QVERIFY(setUpCrash(window, QStringLiteral("loop"), 300, kRows));
        QSignalSpy finished(&window, &MainWindow::jobFinished);
        QVERIFY(window.run());
        // Bounded: the batches before the hung element's come in, then nothing more (the rows
        // after it wait for it, in order).
        QElapsedTimer waited;
        waited.start();
        int before = -1;
        while (waited.elapsed() < 30000) {
            QTest::qWait(1000);
            const int rows = window.controller()->results()->rowCount();
            if (rows > 0 && rows == before)
                break;
            before = rows;
        }
        QVERIFY2(before > 0 && before < 300, qPrintable(QString::number(before)));
        QVERIFY(window.controller()->isRunning());
        QVERIFY(finished.isEmpty());

        QElapsedTimer clock;
        clock.start();
        window.cancel();
        QVERIFY(window.controller()->isCancelling());
        if (twice)
            window.cancel();
        JobSummary summary;
        QVERIFY2(waitForJob(finished, &summary, 30000), "the job did not end after Cancel");
        const qint64 ms = clock.elapsed();
        QCOMPARE(summary.status, JobStatus::Cancelled);
        QVERIFY2(ms < 15000, qPrintable(QString::number(ms)));
        if (!twice)
            QVERIFY2(ms >= 900, qPrintable(QString::number(ms)));     // the grace period was given
        QCOMPARE(window.controller()->results()->rowCount(), before); // nothing lost, nothing invented
        QVERIFY2(window.logText().contains(twice ? QStringLiteral("Stopping now")
                                                 : QStringLiteral("get 1 s to finish")),
                 qPrintable(window.logText()));

        // The window goes on.
        QVERIFY(window.parameterForm()->setValue(QStringLiteral("mode"), QStringLiteral("none")));
        QVERIFY(runAndWait(window, &summary));
        QCOMPARE(summary.status, JobStatus::Completed);
        checkResults(window, kRows, -1, QString());
    }
};

QTEST_MAIN(TestAppIsolation)
#include "tst_appisolation.moc"
