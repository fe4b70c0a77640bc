// SPDX-License-Identifier: GPL-3.0-or-later
// The desktop app's runs are durable jobs: a run is recorded with its results, the Jobs tab
// lists it, a bundle exported from the app holds the plots, a job removed there is gone from
// the store, and a `fastmap` process killed with SIGKILL mid-run resumes from the history and
// with `fastmap-cli resume` to the bytes of an uninterrupted run.
#include "AppSettings.h"
#include "GuiTestHelpers.h"
#include "JobController.h"
#include "JobHistoryModel.h"
#include "JobsPanel.h"
#include "ParameterForm.h"
#include "ResultTableModel.h"
#include "RunSettingsForm.h"
#include "SettingsDialog.h"
#include "TokenStore.h"
#include "jobs/JobStore.h"
#include "jobs/ResultCache.h"
#include "plugin/PluginCatalog.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QProcess>
#include <QPushButton>
#include <QSet>
#include <QTableView>

#include <archive.h>
#include <archive_entry.h>
#include <csignal>

using namespace fastmap;

class TestJobHistory : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    PluginCatalog m_catalog;
    // Long enough to be killed mid-run on a fast machine: a few seconds on two cores.
    const QString m_input = QStringLiteral("range:600000");
    const QString m_iterations = QStringLiteral("3000");

    static QByteArray contents(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    static QMap<QString, QByteArray> readArchive(const QString &path)
    {
        QMap<QString, QByteArray> entries;
        archive *a = archive_read_new();
        archive_read_support_filter_all(a);
        archive_read_support_format_all(a);
        if (archive_read_open_filename(a, QFile::encodeName(path).constData(), 10240) == ARCHIVE_OK) {
            archive_entry *entry = nullptr;
            while (archive_read_next_header(a, &entry) == ARCHIVE_OK) {
                const QString name = QString::fromUtf8(archive_entry_pathname_utf8(entry));
                QByteArray data(qsizetype(archive_entry_size(entry)), Qt::Uninitialized);
                const la_ssize_t read = archive_read_data(a, data.data(), size_t(data.size()));
                if (read != la_ssize_t(data.size()))
                    data.clear();
                entries.insert(name, data);
            }
        }
        archive_read_free(a);
        return entries;
    }

    // The newest job in the store, read through a connection of its own.
    static bool newestJob(JobRecord *job)
    {
        JobStore store;
        QString error;
        if (!store.open(&error))
            return false;
        const QList<JobRecord> jobs = store.jobs();
        if (jobs.isEmpty())
            return false;
        *job = jobs.first();
        return true;
    }

    static bool findJob(const QString &id, JobRecord *job)
    {
        JobStore store;
        QString error;
        return store.open(&error) && store.find(id, job, &error);
    }

    // Sets the window up for demo.work over `input`.
    static bool setUpDemoWork(MainWindow &window, const QString &input, const QString &iterations)
    {
        return window.openDataset(input) && window.selectFunction(QStringLiteral("demo.work")) &&
               window.parameterForm()->setValue(QStringLiteral("iterations"), iterations);
    }

    static bool runAndWait(MainWindow &window, JobSummary *summary)
    {
        QSignalSpy finished(&window, &MainWindow::jobFinished);
        return window.run() && waitForJob(finished, summary);
    }

    // Exports the bundle and waits (bounded) until it is written; the error, empty on success.
    static QString exportAndWait(MainWindow &window, const QString &id, const QString &path)
    {
        QSignalSpy exported(&window, &MainWindow::jobExported);
        if (!window.exportJob(id, path))
            return QStringLiteral("not started: ") + window.statusText();
        if (!exported.wait(120000))
            return QStringLiteral("not written within two minutes");
        return exported.first().at(2).toString();
    }

    static bool resumeAndWait(MainWindow &window, const QString &id, JobSummary *summary)
    {
        QSignalSpy finished(&window, &MainWindow::jobFinished);
        return window.resumeJob(id) && waitForJob(finished, summary);
    }

    // Starts the real app on the long job, waits (bounded) until some of its results are stored
    // and kills it. Returns the job's id, or empty when it could not be caught mid-run.
    QString killTheAppMidRun()
    {
        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        app.setProcessEnvironment(env);
        app.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        app.start(QStringLiteral(FASTMAP_BINARY_DIR "/bin/fastmap"),
                  {m_input, QStringLiteral("--function"), QStringLiteral("demo.work"),
                   QStringLiteral("--param"), QStringLiteral("iterations=") + m_iterations,
                   QStringLiteral("--run")});
        if (!app.waitForStarted(10000))
            return {};
        const qint64 pid = app.processId();
        QElapsedTimer waited;
        waited.start();
        JobRecord job;
        bool caught = false;
        while (waited.elapsed() < 60000 && app.state() == QProcess::Running) {
            if (newestJob(&job) && job.spec.value("pid").toDouble() == double(pid) && job.elements > 0) {
                caught = true;
                break;
            }
            QTest::qWait(20);
        }
        ::kill(pid_t(pid), SIGKILL); // the process this test started, by its id
        app.waitForFinished(10000);
        if (!caught || app.exitStatus() != QProcess::CrashExit)
            return {};
        return job.id;
    }

    void clearCache()
    {
        ResultCache cache(ResultCache::defaultPath());
        QString error;
        QVERIFY2(cache.open(&error) && cache.clear(&error), qPrintable(error));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        isolateSettings(m_dir, "tst_jobhistory");
        QVERIFY(JobStore::defaultPath().startsWith(m_dir.path()));
        m_catalog.scan({QStringLiteral(FASTMAP_PLUGIN_BUILD_DIR)});
        QVERIFY(m_catalog.find(QStringLiteral("demo.work")));
    }

    void aGuiRunIsARecordedJob()
    {
        MainWindow window(&m_catalog);
        window.show();
        QVERIFY(setUpDemoWork(window, QStringLiteral("range:5000"), QStringLiteral("50")));
        JobSummary summary;
        QVERIFY(runAndWait(window, &summary));
        QCOMPARE(summary.status, JobStatus::Completed);
        const QString id = window.controller()->currentJobId();
        QVERIFY(!id.isEmpty());

        JobRecord job;
        QVERIFY(findJob(id, &job));
        QCOMPARE(job.state, QStringLiteral("completed"));
        QCOMPARE(job.elements, 5000);
        QCOMPARE(job.functionId(), QStringLiteral("demo.work"));
        QCOMPARE(job.spec.value("params").toObject().value("iterations").toInt(), 50);
        QCOMPARE(job.totalElements(), 5000);
        // The result file: a header and one line per element, as the results table has them.
        const QByteArray output = contents(job.output());
        QCOMPARE(output.count('\n'), 5001);
        QVERIFY(output.startsWith("x,hash,error"));

        // The history lists it first, and fastmap-cli sees the same store.
        JobHistoryModel *history = window.jobHistory();
        QCOMPARE(history->rowCount(), 1);
        QCOMPARE(history->jobIdAt(0), id);
        QCOMPARE(history->index(0, JobHistoryModel::StateColumn).data(JobHistoryModel::StateRole).toString(),
                 QStringLiteral("completed"));
        QCOMPARE(history->index(0, JobHistoryModel::FunctionColumn).data().toString(),
                 QStringLiteral("demo.work"));
        QCOMPARE(history->index(0, JobHistoryModel::ElementsColumn).data().toString(),
                 QStringLiteral("%L1 / %L2").arg(5000).arg(5000));
        QProcess cli;
        cli.start(QStringLiteral(FASTMAP_BINARY_DIR "/bin/fastmap-cli"),
                  {QStringLiteral("jobs"), QStringLiteral("--json")});
        QVERIFY(cli.waitForFinished(60000));
        const QJsonArray jobs =
            QJsonDocument::fromJson(cli.readAllStandardOutput()).object().value("jobs").toArray();
        QCOMPARE(jobs.size(), 1);
        QCOMPARE(jobs.at(0).toObject().value("id").toString(), id);

        // A second run comes first.
        QVERIFY(setUpDemoWork(window, QStringLiteral("range:300"), QStringLiteral("10")));
        QVERIFY(runAndWait(window, &summary));
        QCOMPARE(history->rowCount(), 2);
        QCOMPARE(history->jobIdAt(0), window.controller()->currentJobId());
        QCOMPARE(history->jobIdAt(1), id);
    }

    void exportFromTheAppHoldsThePlots()
    {
        MainWindow window(&m_catalog);
        window.show();
        // Two seconds or more on one thread, for lines in the throughput plot (a point a second)
        // and the progress plot.
        QVERIFY(setUpDemoWork(window, QStringLiteral("range:300000"), QStringLiteral("2000")));
        window.runSettings()->setThreads(1);
        JobSummary summary;
        QVERIFY(runAndWait(window, &summary));
        const QString id = window.controller()->currentJobId();
        JobRecord job;
        QVERIFY(findJob(id, &job));
        for (const QString &name : {QStringLiteral("bundle.zip"), QStringLiteral("bundle.tar.zst")}) {
            const QString path = m_dir.filePath(name);
            const QString error = exportAndWait(window, id, path);
            QVERIFY2(error.isEmpty(), qPrintable(error));
            QVERIFY(window.statusText().contains(QStringLiteral("written")));
            const QMap<QString, QByteArray> entries = readArchive(path);
            const QString root = QStringLiteral("fastmap-job-%1/").arg(id);
            for (const char *entry :
                 {"results.csv", "errors.csv", "joblog.csv", "manifest.json", "plots/throughput.png",
                  "plots/progress.png", "plots/cost.png", "plots/results.png"})
                QVERIFY2(entries.contains(root + QLatin1String(entry)), entry);
            QCOMPARE(entries.value(root + "results.csv"), contents(job.output()));
            QVERIFY(entries.value(root + "joblog.csv").startsWith("seq,executor,start_s"));
            QCOMPARE(QJsonDocument::fromJson(entries.value(root + "manifest.json"))
                         .object()
                         .value("job")
                         .toString(),
                     id);
            for (const char *plot :
                 {"plots/throughput.png", "plots/progress.png", "plots/cost.png", "plots/results.png"}) {
                const QImage image = QImage::fromData(entries.value(root + QLatin1String(plot)), "PNG");
                QVERIFY2(!image.isNull() && image.width() >= 300 && image.height() >= 200, plot);
                // Something is drawn (axes, grid, labels): not one flat colour.
                QSet<QRgb> colours;
                for (int y = 0; y < image.height(); y += 3)
                    for (int x = 0; x < image.width(); x += 3)
                        colours.insert(image.pixel(x, y));
                QVERIFY2(colours.size() > 3, plot);
            }
            // The throughput and progress plots hold the job's line (the theme's blue), though
            // the Live tab was never shown.
            for (const char *plot : {"plots/throughput.png", "plots/progress.png"}) {
                const QImage image = QImage::fromData(entries.value(root + QLatin1String(plot)), "PNG");
                int blue = 0;
                for (int y = 0; y < image.height(); ++y)
                    for (int x = 0; x < image.width(); ++x) {
                        const QColor c = image.pixelColor(x, y);
                        blue += c.blue() > c.red() + 80 ? 1 : 0;
                    }
                QVERIFY2(blue > 400, plot); // more than the legend's marker
            }
        }
        // A job of another session has no live plots: exported without them, and said so.
        MainWindow other(&m_catalog);
        const QString path = m_dir.filePath(QStringLiteral("old.zip"));
        QCOMPARE(exportAndWait(other, id, path), QString());
        const QMap<QString, QByteArray> entries = readArchive(path);
        QVERIFY(entries.contains(QStringLiteral("fastmap-job-%1/results.csv").arg(id)));
        QVERIFY(!entries.contains(QStringLiteral("fastmap-job-%1/plots/throughput.png").arg(id)));
        QVERIFY(other.logText().contains(QStringLiteral("no plots")));
        // A bad name is refused with the reason.
        QVERIFY(!window.exportJob(id, m_dir.filePath(QStringLiteral("bundle.rar"))));
        QVERIFY(window.statusText().contains(QStringLiteral(".zip")));
        // The bundle is written off the GUI thread: while it is, a second export and removing
        // the job are refused, and the Export button is off; all three come back afterwards.
        QSignalSpy exported(&window, &MainWindow::jobExported);
        QVERIFY(window.exportJob(id, m_dir.filePath(QStringLiteral("first.zip"))));
        QVERIFY(!window.exportJob(id, m_dir.filePath(QStringLiteral("second.zip"))));
        QVERIFY2(window.statusText().contains(QStringLiteral("still being exported")),
                 qPrintable(window.statusText()));
        QVERIFY(!window.removeJob(id, false));
        QVERIFY(findJob(id, &job));
        auto *exportButton = window.findChild<QPushButton *>(QStringLiteral("exportJobButton"));
        QVERIFY(exportButton);
        window.jobsPanel()->selectJob(id);
        QVERIFY(!exportButton->isEnabled());
        QVERIFY(exported.wait(120000));
        QCOMPARE(exported.first().at(2).toString(), QString());
        QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("first.zip"))));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("second.zip"))));
        QVERIFY(exportButton->isEnabled());
        QCOMPARE(exportAndWait(window, id, m_dir.filePath(QStringLiteral("second.zip"))), QString());
        QVERIFY(window.removeJob(id, false));
        QVERIFY(!findJob(id, &job));
    }

    void theCacheIsSetAndClearedInTheSettings()
    {
        clearCache();
        AppSettings settings;
        QCOMPARE(settings.cacheMode(), ResultCache::Mode::Use); // the default, as fastmap-cli's
        settings.setCacheMode(ResultCache::Mode::Refresh);
        QCOMPARE(AppSettings().cacheMode(), ResultCache::Mode::Refresh);
        settings.setCacheMode(ResultCache::Mode::Use);

        // About 300 us per element here: dear enough for the cache to be used (25 us and up) with a
        // wide margin, since each run decides from its own sample and CI machines may be faster.
        MainWindow window(&m_catalog);
        window.show();
        QVERIFY(setUpDemoWork(window, QStringLiteral("range:1000"), QStringLiteral("100000")));
        JobSummary summary;
        QVERIFY(runAndWait(window, &summary));
        QCOMPARE(summary.status, JobStatus::Completed);
        const auto cachedEntries = [] {
            ResultCache cache(ResultCache::defaultPath());
            QString error;
            return cache.open(&error) ? cache.entries() : qint64(-1);
        };
        const qint64 stored = cachedEntries();
        QVERIFY2(stored > 0 && stored <= 1000, qPrintable(QString::number(stored)));

        // The dialog shows it, clears it at once, and turns it off for the next run.
        TokenStore tokens;
        tokens.setKeychainEnabled(false);
        SettingsDialog dialog(&settings, &tokens);
        QVERIFY2(dialog.cacheInfo().startsWith(QLocale().toString(stored) + QStringLiteral(" results")),
                 qPrintable(dialog.cacheInfo()));
        auto *clear = dialog.findChild<QPushButton *>(QStringLiteral("clearCache"));
        QVERIFY(clear);
        clear->click();
        QCOMPARE(cachedEntries(), qint64(0));
        QVERIFY2(dialog.cacheInfo().startsWith(QStringLiteral("0 results")), qPrintable(dialog.cacheInfo()));
        auto *mode = dialog.findChild<QComboBox *>(QStringLiteral("cacheMode"));
        QVERIFY(mode);
        mode->setCurrentIndex(mode->findData(int(ResultCache::Mode::Off)));
        dialog.save();
        QCOMPARE(AppSettings().cacheMode(), ResultCache::Mode::Off);
        QVERIFY(runAndWait(window, &summary));
        QCOMPARE(summary.status, JobStatus::Completed);
        QCOMPARE(cachedEntries(), qint64(0));
        QCOMPARE(summary.cacheHits, qint64(0));

        // Back to use: this run stores again, and the next one is served from the cache.
        AppSettings().setCacheMode(ResultCache::Mode::Use);
        QVERIFY(runAndWait(window, &summary));
        QVERIFY(cachedEntries() > 0);
        QVERIFY(runAndWait(window, &summary));
        QVERIFY2(summary.cacheHits > 0, qPrintable(QString::number(summary.cacheHits)));
    }

    void removingAJobRemovesItFromTheStore()
    {
        MainWindow window(&m_catalog);
        window.show();
        QVERIFY(setUpDemoWork(window, QStringLiteral("range:100"), QStringLiteral("10")));
        JobSummary summary;
        QVERIFY(runAndWait(window, &summary));
        const QString id = window.controller()->currentJobId();
        JobHistoryModel *history = window.jobHistory();
        const int before = history->rowCount();
        QVERIFY(history->rowOf(id) >= 0);
        window.jobsPanel()->selectJob(id);
        QCOMPARE(window.jobsPanel()->selectedJobId(), id);
        QVERIFY(window.jobsPanel()->findChild<QPushButton *>(QStringLiteral("removeJobButton"))->isEnabled());
        // A finished job needs no resume.
        QVERIFY(
            !window.jobsPanel()->findChild<QPushButton *>(QStringLiteral("resumeJobButton"))->isEnabled());
        QVERIFY(window.jobLogText(id).startsWith(QStringLiteral("seq")));
        QVERIFY(window.removeJob(id, false));
        QCOMPARE(history->rowCount(), before - 1);
        QCOMPARE(history->rowOf(id), -1);
        JobRecord job;
        QVERIFY(!findJob(id, &job));
        QVERIFY(!window.removeJob(id, false));
    }

    void resumeInTheAppRefusesWhatCannotBeResumed()
    {
        QFile csv(m_dir.filePath(QStringLiteral("numbers.csv")));
        QVERIFY(csv.open(QIODevice::WriteOnly));
        csv.write("x\n");
        for (int i = 0; i < 300; ++i)
            csv.write(QByteArray::number(i) + '\n');
        csv.close();
        MainWindow window(&m_catalog);
        window.show();
        QVERIFY(setUpDemoWork(window, csv.fileName(), QStringLiteral("10")));
        JobSummary summary;
        QVERIFY(runAndWait(window, &summary));
        const QString id = window.controller()->currentJobId();
        QVERIFY(!window.resumeJob(id));
        QVERIFY2(window.statusText().contains(QStringLiteral("already completed")),
                 qPrintable(window.statusText()));

        // As if it had been stopped, then the dataset changed: refused, and the table stays.
        {
            JobStore store;
            QString error;
            QVERIFY(store.open(&error) && store.setState(id, QStringLiteral("cancelled"), {}, &error));
        }
        QVERIFY(csv.open(QIODevice::Append));
        csv.write("300\n");
        csv.close();
        QVERIFY(!window.resumeJob(id));
        QVERIFY2(window.statusText().contains(QStringLiteral("changed")), qPrintable(window.statusText()));
        QCOMPARE(window.controller()->results()->rowCount(), 300);
        QCOMPARE(window.controller()->currentJobId(), id);
        JobRecord job;
        QVERIFY(findJob(id, &job));
        QCOMPARE(job.state, QStringLiteral("cancelled"));
    }

    void aKilledAppResumesFromTheHistoryAndTheCli()
    {
        // The uninterrupted run, in process.
        clearCache();
        MainWindow window(&m_catalog);
        window.show();
        QVERIFY(setUpDemoWork(window, m_input, m_iterations));
        JobSummary summary;
        QVERIFY(runAndWait(window, &summary));
        QCOMPARE(summary.status, JobStatus::Completed);
        const QByteArray expected = contents(window.controller()->lastOutputPath());
        QCOMPARE(expected.count('\n'), 600001);

        for (const bool fromCli : {false, true}) {
            clearCache(); // else the cache would serve the whole job before it can be killed
            const QString id = killTheAppMidRun();
            if (id.isEmpty())
                QSKIP("the app finished before it could be killed mid-run (machine too fast)");
            JobRecord job;
            QVERIFY(findJob(id, &job));
            QCOMPARE(job.currentState(), QStringLiteral("interrupted"));
            QVERIFY(job.elements > 0 && job.elements < 600000);
            QVERIFY(!QFile::exists(job.output())); // never half a file under the final name

            window.jobHistory()->refresh();
            const int row = window.jobHistory()->rowOf(id);
            QCOMPARE(row, 0);
            QCOMPARE(window.jobHistory()->index(row, 0).data(JobHistoryModel::StateRole).toString(),
                     QStringLiteral("interrupted"));
            window.jobsPanel()->selectJob(id);
            QVERIFY(
                window.jobsPanel()->findChild<QPushButton *>(QStringLiteral("resumeJobButton"))->isEnabled());

            if (fromCli) {
                QProcess cli;
                cli.start(QStringLiteral(FASTMAP_BINARY_DIR "/bin/fastmap-cli"),
                          {QStringLiteral("resume"), id});
                QVERIFY(cli.waitForFinished(240000));
                const QString err = QString::fromUtf8(cli.readAllStandardError());
                QVERIFY2(cli.exitStatus() == QProcess::NormalExit && cli.exitCode() == 0, qPrintable(err));
                QVERIFY2(err.contains(QStringLiteral("elements are stored")), qPrintable(err));
            } else {
                QVERIFY(resumeAndWait(window, id, &summary));
                QCOMPARE(summary.status, JobStatus::Completed);
                QCOMPARE(summary.storedElements, job.elements); // only the rest was computed
                QCOMPARE(window.controller()->results()->rowCount(), 600000);
            }
            QVERIFY(findJob(id, &job));
            QCOMPARE(job.state, QStringLiteral("completed"));
            QVERIFY2(contents(job.output()) == expected, fromCli
                                                             ? "resumed with fastmap-cli: the output differs"
                                                             : "resumed in the app: the output differs");
        }
    }
};

QTEST_MAIN(TestJobHistory)
#include "tst_jobhistory.moc"
