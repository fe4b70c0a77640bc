// SPDX-License-Identifier: GPL-3.0-or-later
// The estimate and confirm-charges dialog against a real fastmap-worker with a price, which
// this test starts on 127.0.0.1 and stops by its PID.
#include "ChargesDialog.h"
#include "DatasetPanel.h"
#include "GuiTestHelpers.h"
#include "JobController.h"
#include "ParameterForm.h"
#include "ResultTableModel.h"
#include "RunSettingsForm.h"
#include "WorkerTableModel.h"
#include "plugin/PluginCatalog.h"

#include <QLabel>
#include <QLocale>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>

#include <signal.h>

using namespace fastmap;

class TestChargesDialog : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    PluginCatalog m_catalog;
    QProcess m_worker;
    QString m_url;
    const QByteArray m_token = "gui-test-token-7f3a";

    bool startWorker(double price)
    {
        const QString tokenFile = m_dir.filePath(QStringLiteral("worker-token"));
        QFile token(tokenFile);
        if (!token.open(QIODevice::WriteOnly))
            return false;
        token.write(m_token + '\n');
        token.close();
        token.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("xdg")));
        m_worker.setProcessEnvironment(env);
        m_worker.start(QStringLiteral(FASTMAP_BINARY_DIR "/bin/fastmap-worker"),
                       {"--listen", "127.0.0.1:0", "--threads", "2", "--db",
                        m_dir.filePath(QStringLiteral("ledger.db")), "--plugins",
                        QStringLiteral(FASTMAP_TEST_PLUGIN_DIR "/good"), "--token-file", tokenFile,
                        "--price-per-vcpu-hour", QString::number(price)});
        if (!m_worker.waitForStarted(10000))
            return false;
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 15000 && !m_worker.canReadLine())
            m_worker.waitForReadyRead(200);
        const QRegularExpressionMatch m =
            QRegularExpression(QStringLiteral("listening on (http://127\\.0\\.0\\.1:\\d+)"))
                .match(QString::fromUtf8(m_worker.readLine()));
        m_url = m.captured(1);
        return m.hasMatch();
    }

    // A window set up for test.control over range:N with the worker configured.
    void setUp(MainWindow &window, JobSpec::Policy policy, int elements)
    {
        window.settings().setWorkers({m_url});
        window.tokenStore()->setKeychainEnabled(false);
        window.tokenStore()->save(m_token);
        window.show();
        QVERIFY(window.openDataset(QStringLiteral("range:%1").arg(elements)));
        QVERIFY(window.selectFunction(QStringLiteral("test.control")));
        QVERIFY(window.parameterForm()->setValue(QStringLiteral("delay_us"), 100));
        window.runSettings()->setPolicy(policy);
        // The worker is on this machine: the adaptive policy uses it only beside fewer local
        // threads than cores.
        window.runSettings()->setThreads(1);
    }

    static bool answer(MainWindow &window, ChargesDialog::Answer which)
    {
        ChargesDialog *dialog = window.chargesDialog();
        if (!dialog || !dialog->isVisible())
            return false;
        QTest::mouseClick(dialog->button(which), Qt::LeftButton);
        return true;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        isolateSettings(m_dir, "tst_chargesdialog");
        m_catalog.scan({QStringLiteral(FASTMAP_TEST_PLUGIN_DIR "/good")});
        QVERIFY(m_catalog.find(QStringLiteral("test.control")));
        QVERIFY2(startWorker(36.0), qPrintable(m_worker.readAllStandardError()));
    }

    void cleanupTestCase()
    {
        if (m_worker.state() == QProcess::NotRunning)
            return;
        ::kill(pid_t(m_worker.processId()), SIGTERM); // the worker drains and exits
        if (!m_worker.waitForFinished(15000)) {
            m_worker.kill();
            m_worker.waitForFinished(5000);
        }
    }

    void acceptingUsesTheWorkerAndCharges()
    {
        AppSettings().setConfirmCharges(true);
        MainWindow window(&m_catalog);
        setUp(window, JobSpec::Policy::Remote, 3000);
        QSignalSpy finished(&window, &MainWindow::jobFinished);
        QVERIFY(window.run());
        QTRY_VERIFY_WITH_TIMEOUT(window.chargesDialog() && window.chargesDialog()->isVisible(), 60000);
        ChargesDialog *dialog = window.chargesDialog();
        // What is left after the sample.
        const QString elements = dialog->findChild<QLabel *>(QStringLiteral("elements"))->text();
        const int left = QLocale().toInt(elements.section(QLatin1Char(' '), -1));
        QVERIFY2(left > 0 && left <= 3000, qPrintable(elements));
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("cost"))->text().startsWith(QLatin1Char('$')));
        QVERIFY(
            dialog->findChild<QLabel *>(QStringLiteral("price"))->text().contains(QStringLiteral("36.00")));
        QVERIFY(answer(window, ChargesDialog::RunRemote));
        JobSummary summary;
        QVERIFY(waitForJob(finished, &summary));
        QCOMPARE(summary.status, JobStatus::Completed);
        QVERIFY(summary.remoteUsed);
        QVERIFY(summary.cost > 0);
        QCOMPARE(window.controller()->results()->rowCount(), 3000);
        WorkerTableModel *workers = window.controller()->workers();
        QCOMPARE(workers->rowCount(), 1);
        QVERIFY(workers->data(workers->index(0, WorkerTableModel::ElementsColumn)).toLongLong() > 0);
        QVERIFY(window.logText().contains(QStringLiteral("Using the remote workers")));
    }

    void decliningGoesOnLocally()
    {
        MainWindow window(&m_catalog);
        setUp(window, JobSpec::Policy::Adaptive, 3000);
        QSignalSpy finished(&window, &MainWindow::jobFinished);
        QVERIFY(window.run());
        QTRY_VERIFY_WITH_TIMEOUT(window.chargesDialog() && window.chargesDialog()->isVisible(), 60000);
        QVERIFY(answer(window, ChargesDialog::RunLocal));
        JobSummary summary;
        QVERIFY(waitForJob(finished, &summary));
        QCOMPARE(summary.status, JobStatus::Completed);
        QCOMPARE(summary.cost, 0.0);
        QCOMPARE(summary.localElements, qint64(3000));
        QCOMPARE(window.controller()->results()->rowCount(), 3000);
        QCOMPARE(window.controller()->results()->value(2999, 0, false).toLongLong(), 5998);
    }

    void cancelInTheDialogCancelsTheJob()
    {
        MainWindow window(&m_catalog);
        setUp(window, JobSpec::Policy::Adaptive, 200000);
        QSignalSpy finished(&window, &MainWindow::jobFinished);
        QVERIFY(window.run());
        QTRY_VERIFY_WITH_TIMEOUT(window.chargesDialog() && window.chargesDialog()->isVisible(), 60000);
        QVERIFY(answer(window, ChargesDialog::CancelJob));
        JobSummary summary;
        QVERIFY(waitForJob(finished, &summary));
        QCOMPARE(summary.status, JobStatus::Cancelled);
        QCOMPARE(summary.cost, 0.0);
    }

    void confirmationOffRunsWithoutAsking()
    {
        AppSettings().setConfirmCharges(false);
        MainWindow window(&m_catalog);
        setUp(window, JobSpec::Policy::Remote, 2000);
        QSignalSpy finished(&window, &MainWindow::jobFinished);
        QVERIFY(window.run());
        JobSummary summary;
        QVERIFY(waitForJob(finished, &summary));
        QVERIFY(!window.chargesDialog());
        QCOMPARE(summary.status, JobStatus::Completed);
        QVERIFY(summary.cost > 0);
        AppSettings().setConfirmCharges(true);
    }
};

QTEST_MAIN(TestChargesDialog)
#include "tst_chargesdialog.moc"
