// SPDX-License-Identifier: GPL-3.0-or-later
// fastmap-cli against a real fastmap-worker that this test starts on 127.0.0.1.
#include <QCryptographicHash>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUrl>

// The workers these tests start listen on 127.0.0.1, so they share this machine's cores: under
// the adaptive policy they are used only beside fewer local threads than cores (-j 1).
#define SKIP_WITHOUT_A_SPARE_CORE()                                                                      \
    if (QThread::idealThreadCount() < 2)                                                                 \
    QSKIP("a worker on 127.0.0.1 needs a core that -j 1 leaves free")

class TestCliRemote : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    static QString bin(const char *name) { return QStringLiteral(FASTMAP_BINARY_DIR "/bin/") + QLatin1String(name); }

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("FASTMAP_PLUGIN_PATH"), QStringLiteral(FASTMAP_TEST_PLUGIN_DIR "/good"));
        // A fresh job store and result cache per run: a cache left by another run would serve the elements.
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        return env;
    }

    // Starts a worker and returns its URL; the process is stopped by the caller, by its PID.
    QString startWorker(QProcess &worker, double price, const QStringList &extra = {})
    {
        const QString tokenFile = m_dir.filePath(QStringLiteral("token"));
        QFile token(tokenFile);
        if (!token.open(QIODevice::WriteOnly))
            return {};
        token.write("s3cret-token-for-tests\n");
        token.close();
        token.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        worker.setProcessEnvironment(environment());
        worker.start(bin("fastmap-worker"), QStringList{"--listen", "127.0.0.1:0", "--threads", "2", "--db", m_dir.filePath(QStringLiteral("ledger-%1.db").arg(price)),
                                             "--plugins", QStringLiteral(FASTMAP_TEST_PLUGIN_DIR "/good"), "--token-file", tokenFile,
                                             "--price-per-vcpu-hour", QString::number(price)} + extra);
        if (!worker.waitForStarted(10000))
            return {};
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 15000 && !worker.canReadLine())
            worker.waitForReadyRead(200);
        const QString line = QString::fromUtf8(worker.readLine()).trimmed();
        const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("listening on (https?://127\\.0\\.0\\.1:\\d+)")).match(line);
        return m.hasMatch() ? m.captured(1) : QString();
    }

    static void stop(QProcess &process)
    {
        if (process.state() == QProcess::NotRunning)
            return;
        process.terminate(); // SIGTERM: the worker drains and exits
        if (!process.waitForFinished(15000)) {
            process.kill();
            process.waitForFinished(5000);
        }
    }

    struct Result
    {
        int exitCode = -1;
        QString err;
    };

    Result runCli(const QStringList &arguments)
    {
        QProcess cli;
        cli.setProcessEnvironment(environment());
        cli.start(bin("fastmap-cli"), arguments);
        if (!cli.waitForFinished(120000)) {
            cli.kill();
            cli.waitForFinished(5000);
            return {};
        }
        return {cli.exitStatus() == QProcess::NormalExit ? cli.exitCode() : -1, QString::fromUtf8(cli.readAllStandardError())};
    }

    static QStringList lines(const QString &path)
    {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        QStringList all = QString::fromUtf8(f.readAll()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        return all;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void remotePolicyRunsOnTheWorkerAndChargesAddUp()
    {
        QProcess worker;
        const QString url = startWorker(worker, 36.0);
        QVERIFY2(!url.isEmpty(), qPrintable(worker.readAllStandardError()));
        const QString out = m_dir.filePath(QStringLiteral("remote.csv"));
        const Result r = runCli({"run", "test.control", "-i", "range:3000", "-o", out, "-p", "delay_us=100", "--policy", "remote",
                                 "--worker", url, "--token-file", m_dir.filePath(QStringLiteral("token")), "--yes"});
        stop(worker);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains(url + QStringLiteral(": ")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("remote cost: $")), qPrintable(r.err));
        QVERIFY2(!r.err.contains(QStringLiteral("remote cost: $0.0000 ")), qPrintable(r.err));
        const QStringList rows = lines(out);
        QCOMPARE(rows.size(), 3001);
        for (int k = 0; k < 3000; k += 111)
            QCOMPARE(rows[k + 1].section(',', 0, 0), QString::number(2 * k));
        QVERIFY(!worker.readAllStandardError().contains("s3cret-token-for-tests"));
    }

    void anHttpsWorkerIsTrustedThroughCaCert()
    {
        const QString cert = m_dir.filePath(QStringLiteral("cert.pem"));
        const QString key = m_dir.filePath(QStringLiteral("key.pem"));
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"), {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                                                  "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
        if (!openssl.waitForStarted(10000))
            QSKIP("openssl is not installed");
        QVERIFY(openssl.waitForFinished(60000));
        QCOMPARE(openssl.exitCode(), 0);
        QProcess worker;
        const QString url = startWorker(worker, 0, {"--tls-cert", cert, "--tls-key", key});
        QVERIFY2(url.startsWith(QLatin1String("https://")), qPrintable(url + worker.readAllStandardError()));
        const QString out = m_dir.filePath(QStringLiteral("tls.csv"));
        const QStringList job{"run", "test.control", "-i", "range:3000", "-o", out, "-p", "delay_us=50", "--policy", "remote",
                              "--cache", "off", "--worker", url, "--token-file", m_dir.filePath(QStringLiteral("token"))};
        Result r = runCli(job + QStringList{"--ca-cert", cert});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(lines(out).size(), 3001);
        QVERIFY2(r.err.contains(url + QStringLiteral(": ")), qPrintable(r.err));
        // Without the certificate the worker is refused, saying why, and nothing runs there.
        r = runCli(job);
        stop(worker);
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains(QStringLiteral("certificate"), Qt::CaseInsensitive), qPrintable(r.err));
    }

    void withoutATerminalPaidWorkersNeedYesOrMaxCost()
    {
        QProcess worker;
        const QString url = startWorker(worker, 36.0);
        QVERIFY(!url.isEmpty());
        SKIP_WITHOUT_A_SPARE_CORE();
        const QString out = m_dir.filePath(QStringLiteral("unconfirmed.csv"));
        const Result r = runCli({"run", "test.control", "-i", "range:3000", "-o", out, "-p", "delay_us=100", "-j", "1", "--worker", url,
                                 "--token-file", m_dir.filePath(QStringLiteral("token"))});
        stop(worker);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains(QStringLiteral("no terminal to confirm the charges")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("0 elements in 0 batches")), qPrintable(r.err));
        QCOMPARE(lines(out).size(), 3001);
    }

    void estimatePrintsTheNumbersAndRunsNothing()
    {
        QProcess worker;
        const QString url = startWorker(worker, 3.6);
        QVERIFY(!url.isEmpty());
        SKIP_WITHOUT_A_SPARE_CORE();
        QProcess cli;
        cli.setProcessEnvironment(environment());
        cli.start(bin("fastmap-cli"), {"estimate", "test.control", "-i", "range:100000", "-p", "delay_us=100", "-j", "1", "--worker", url,
                                       "--token-file", m_dir.filePath(QStringLiteral("token"))});
        QVERIFY(cli.waitForFinished(60000));
        stop(worker);
        QCOMPARE(cli.exitCode(), 0);
        const QString out = QString::fromUtf8(cli.readAllStandardOutput());
        for (const char *needle : {"Elements left:", "Time per element:", "Local only:", "on this machine", "With remote workers:", "Remote vCPU-hours:", "Estimated cost:", "$3.6000 per vCPU-hour"})
            QVERIFY2(out.contains(QLatin1String(needle)), qPrintable(out));
        const QString ledger = QString::fromUtf8(worker.readAllStandardError());
        QVERIFY2(ledger.contains(QStringLiteral("after 0 batches")), qPrintable(ledger)); // no batch was sent, nothing charged
    }

    void aWrongTokenMeansTheWorkerIsNotUsed()
    {
        QProcess worker;
        const QString url = startWorker(worker, 0);
        QVERIFY(!url.isEmpty());
        const QString wrong = m_dir.filePath(QStringLiteral("wrong-token"));
        QFile f(wrong);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not-the-token\n");
        f.close();
        const QString out = m_dir.filePath(QStringLiteral("wrongtoken.csv"));
        Result r = runCli({"run", "test.control", "-i", "range:2000", "-o", out, "-p", "delay_us=100", "--policy", "remote", "--worker", url, "--token-file", wrong});
        QCOMPARE(r.exitCode, 5);
        QVERIFY2(r.err.contains(QStringLiteral("401")), qPrintable(r.err));
        QVERIFY2(r.err.contains(url), qPrintable(r.err));
        QVERIFY(QFile::exists(out + QStringLiteral(".partial")));
        r = runCli({"run", "test.control", "-i", "range:2000", "-o", out, "-p", "delay_us=100", "--worker", url, "--token-file", wrong});
        stop(worker);
        QCOMPARE(r.exitCode, 0); // adaptive: goes on locally
        QVERIFY2(r.err.contains(QStringLiteral("not using worker")), qPrintable(r.err));
    }

    void onATerminalTheCliAsksWhileLocalWorkGoesOn_data()
    {
        QTest::addColumn<QByteArray>("answer");
        QTest::newRow("yes") << QByteArray("y\n");
        QTest::newRow("no") << QByteArray("n\n");
    }

    void onATerminalTheCliAsksWhileLocalWorkGoesOn()
    {
        QFETCH(QByteArray, answer);
        if (QStandardPaths::findExecutable(QStringLiteral("script")).isEmpty())
            QSKIP("script(1) from util-linux is needed for a pseudo-terminal");
        QProcess worker;
        const QString url = startWorker(worker, 36.0);
        QVERIFY(!url.isEmpty());
        SKIP_WITHOUT_A_SPARE_CORE();
        const QString out = m_dir.filePath(QStringLiteral("pty.csv"));
        struct StopAtEnd
        {
            QProcess &process;
            ~StopAtEnd() { stop(process); }
        } stopWorker{worker};
        const QString command = QStringList{bin("fastmap-cli"), "run", "test.control", "-i", "range:20000", "-o", out, "-p", "delay_us=200", "--cache", "off", "-j", "1", "--worker", url,
                                            "--token-file", m_dir.filePath(QStringLiteral("token"))}
                                    .join(QLatin1Char(' '));
        QProcess pty; // script(1) gives the CLI a terminal on stdin and stderr
        pty.setProcessEnvironment(environment());
        pty.start(QStringLiteral("script"), {"-qfec", command, "/dev/null"});
        QVERIFY(pty.waitForStarted(10000));
        QByteArray seen;
        QElapsedTimer timer;
        timer.start();
        while (!seen.contains("[y/N]") && timer.elapsed() < 30000 && pty.state() == QProcess::Running) {
            pty.waitForReadyRead(200);
            seen += pty.readAll();
        }
        QVERIFY2(seen.contains("[y/N]"), seen.constData());
        QVERIFY(seen.contains("Estimated cost:"));
        QTest::qWait(500); // local threads work while the question waits
        pty.write(answer);
        if (pty.state() != QProcess::NotRunning)
            QVERIFY(pty.waitForFinished(120000));
        seen += pty.readAll();
        QCOMPARE(pty.exitCode(), 0);
        QCOMPARE(lines(out).size(), 20001);
        const QRegularExpressionMatch local = QRegularExpression(QStringLiteral("local: (\\d+) elements")).match(QString::fromUtf8(seen));
        QVERIFY2(local.hasMatch() && local.captured(1).toInt() > 200, seen.constData());
        if (answer.startsWith('y')) {
            QVERIFY2(seen.contains("Using the remote workers."), seen.constData());
            QVERIFY2(!seen.contains(": 0 elements in 0 batches"), seen.constData());
        } else {
            QVERIFY2(seen.contains("Going on with local threads only."), seen.constData());
            QVERIFY2(seen.contains(": 0 elements in 0 batches"), seen.constData());
        }
    }

    // A worker whose credits run out (HTTP 402) is named as such, with where the rest of the job
    // went; never "every worker died".
    void creditsRunningOutAreNamed()
    {
        const QString db = m_dir.filePath(QStringLiteral("poor.db"));
        QProcess tokens;
        tokens.setProcessEnvironment(environment());
        tokens.start(bin("fastmap-worker"), {"tokens", "add", "poor", "--db", db, "--credits", "0.001"});
        QVERIFY(tokens.waitForFinished(30000));
        QCOMPARE(tokens.exitCode(), 0);
        const QByteArray token = tokens.readAllStandardOutput().trimmed();
        QVERIFY(!token.isEmpty());
        const QString tokenFile = m_dir.filePath(QStringLiteral("poor-token"));
        QFile f(tokenFile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(token + '\n');
        f.close();
        f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);

        QProcess worker;
        worker.setProcessEnvironment(environment());
        // 1000 USD per vCPU-second: the first batch or two use the credits up.
        worker.start(bin("fastmap-worker"), {"--listen", "127.0.0.1:0", "--threads", "2", "--db", db, "--plugins",
                                             QStringLiteral(FASTMAP_TEST_PLUGIN_DIR "/good"), "--price-per-vcpu-hour", "3600000"});
        QVERIFY(worker.waitForStarted(10000));
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 15000 && !worker.canReadLine())
            worker.waitForReadyRead(200);
        const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("listening on (https?://127\\.0\\.0\\.1:\\d+)"))
                                              .match(QString::fromUtf8(worker.readLine()));
        QVERIFY(m.hasMatch());
        const QString url = m.captured(1);
        struct StopAtEnd
        {
            QProcess &process;
            ~StopAtEnd() { stop(process); }
        } stopWorker{worker};

        const QString out = m_dir.filePath(QStringLiteral("poor.csv"));
        Result r = runCli({"run", "test.control", "-i", "range:4000", "-o", out, "-p", "delay_us=500", "--cache", "off",
                           "--policy", "remote", "--worker", url, "--token-file", tokenFile, "--yes", "--no-record"});
        QCOMPARE(r.exitCode, 5);
        QVERIFY2(r.err.contains(QStringLiteral("the credits on worker ") + url + QStringLiteral(" are exhausted")),
                 qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("resume the job once there are credits again")), qPrintable(r.err));
        QVERIFY2(!r.err.contains(QStringLiteral("every worker died")), qPrintable(r.err));
        QVERIFY(QFile::exists(out + QStringLiteral(".partial")));

        // Adaptive: the local threads take the rest, and the user is told.
        SKIP_WITHOUT_A_SPARE_CORE();
        r = runCli({"run", "test.control", "-i", "range:4000", "-o", out, "-p", "delay_us=500", "--cache", "off", "-j", "1",
                    "--worker", url, "--token-file", tokenFile, "--yes", "--no-record"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(lines(out).size(), 4001);
        if (!r.err.contains(QStringLiteral("not using worker"))) // the worker may already say 0 credits up front
            QVERIFY2(r.err.contains(QStringLiteral("the rest of the job runs on the local threads")), qPrintable(r.err));
    }

    // With a local thread on every core, the adaptive policy leaves a worker on this machine
    // out, sends it nothing, and says why; so does the estimate.
    void aWorkerOnThisMachineIsNotExtraCores()
    {
        QProcess worker;
        const QString url = startWorker(worker, 0);
        QVERIFY(!url.isEmpty());
        struct StopAtEnd
        {
            QProcess &process;
            ~StopAtEnd() { stop(process); }
        } stopWorker{worker};
        const QString cores = QString::number(QThread::idealThreadCount());
        const QString why = QStringLiteral("it shares this machine's %1 core").arg(cores); // "2 cores with the 2 local threads"
        const QStringList job{"test.control", "-i", "range:3000", "-p", "delay_us=100", "-j", cores, "--worker", url,
                              "--token-file", m_dir.filePath(QStringLiteral("token"))};
        const QString out = m_dir.filePath(QStringLiteral("samemachine.csv"));
        const Result r = runCli(QStringList{"run"} + job + QStringList{"-o", out, "--no-record", "--cache", "off"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains(QStringLiteral("note: not using worker %1: %2").arg(url, why)), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("with the %1 local thread").arg(cores)), qPrintable(r.err));
        QVERIFY2(!r.err.contains(QStringLiteral("Estimate:")), qPrintable(r.err)); // as without it: not even probed
        QCOMPARE(lines(out).size(), 3001);

        QProcess cli;
        cli.setProcessEnvironment(environment());
        cli.start(bin("fastmap-cli"), QStringList{"estimate"} + job);
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 0);
        const QString estimate = QString::fromUtf8(cli.readAllStandardOutput());
        QVERIFY2(estimate.contains(QStringLiteral("Worker %1: not used: %2").arg(url, why)), qPrintable(estimate));
        QVERIFY2(estimate.contains(QStringLiteral("Note: the worker on %1 shares this machine's").arg(QUrl(url).authority())),
                 qPrintable(estimate));
        QVERIFY2(!estimate.contains(QStringLiteral("With remote workers:")), qPrintable(estimate));
        stop(worker);
        const QString ledger = QString::fromUtf8(worker.readAllStandardError());
        QVERIFY2(ledger.contains(QStringLiteral("after 0 batches")), qPrintable(ledger));
    }

    void plainHttpToAnotherHostIsRefused()
    {
        const Result r = runCli({"run", "test.control", "-i", "range:10", "-o", m_dir.filePath(QStringLiteral("x.csv")), "--worker", "http://192.0.2.1:8750"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("--insecure")), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCliRemote)
#include "tst_cliremote.moc"
