// SPDX-License-Identifier: GPL-3.0-or-later
// fastmap-cli with a function that crashes, hangs or eats memory (tests/plugins/crash): the
// element fails alone, the CLI survives, a stop never hangs, and a crashed thread-mode job resumes.
#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "../plugins/crash/CrashModes.h"

#include <csignal>

class TestCliHosts : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    struct Result
    {
        int exitCode = -1;
        bool crashed = false;
        QString out;
        QString err;
    };

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("FASTMAP_PLUGIN_PATH"), QStringLiteral(FASTMAP_TEST_PLUGIN_DIR "/crash"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("ASAN_OPTIONS"),
                   QStringLiteral("detect_leaks=0:abort_on_error=1:handle_segv=0:handle_abort=0"));
        return env;
    }

    static QString cli() { return QStringLiteral(FASTMAP_BINARY_DIR "/bin/fastmap-cli"); }

    Result run(const QStringList &arguments, int timeoutMs = 120000)
    {
        QProcess process;
        process.setProcessEnvironment(environment());
        process.start(cli(), arguments);
        Result r;
        if (!process.waitForFinished(timeoutMs)) {
            process.kill();
            process.waitForFinished(5000);
            qWarning("fastmap-cli %s timed out", qPrintable(arguments.join(' ')));
            return r;
        }
        r.crashed = process.exitStatus() != QProcess::NormalExit;
        r.exitCode = r.crashed ? -1 : process.exitCode();
        r.out = QString::fromUtf8(process.readAllStandardOutput());
        r.err = QString::fromUtf8(process.readAllStandardError());
        return r;
    }

    QString path(const QString &name) const { return m_dir.filePath(name); }

    static QStringList readLines(const QString &file)
    {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        QStringList lines = QString::fromUtf8(f.readAll()).split(QStringLiteral("\r\n"));
        if (!lines.isEmpty() && lines.last().isEmpty())
            lines.removeLast();
        return lines;
    }

    // Every data row of a test.crash result is "2x," except the culprit's ",message".
    static void checkRows(const QStringList &lines, int rows, int culprit, const QString &message)
    {
        QCOMPARE(lines.size(), rows + 1);
        QCOMPARE(lines[0], QStringLiteral("twice,error"));
        for (int i = 0; i < rows; ++i) {
            const QString expected =
                i == culprit ? QStringLiteral(",") + message : QStringLiteral("%1,").arg(2 * i);
            QCOMPARE(lines[i + 1], expected);
        }
    }

    static QString jobIdIn(const QString &err)
    {
        const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("Job (\\S+)")).match(err);
        return m.hasMatch() ? m.captured(1) : QString();
    }

    // Starts a run whose element `on` loops forever, waits until it is past `before` rows, and
    // sends `signal`; returns the process's exit code and how long it took to stop.
    int stopAHungRun(const QStringList &extra, const QString &out, qint64 *stopMs)
    {
        QProcess process;
        process.setProcessEnvironment(environment());
        process.start(cli(),
                      QStringList{"run", "test.crash", "-i", "range:200000", "-o", out, "-p", "mode=loop",
                                  "-p", "on=5000", "-p", "delay_us=200", "-j", "2", "--stop-grace", "1"} +
                          extra);
        if (!process.waitForStarted(10000))
            return -2;
        QTest::qWait(2500); // 2 threads at 200 us per element: element 5000 is reached by now
        QElapsedTimer clock;
        clock.start();
        ::kill(pid_t(process.processId()), SIGTERM);
        const bool ended = process.waitForFinished(30000);
        *stopMs = clock.elapsed();
        if (!ended) {
            process.kill();
            process.waitForFinished(5000);
            return -3;
        }
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void runHelpExplainsIsolation()
    {
        const Result r = run({"run", "--help"});
        QCOMPARE(r.exitCode, 0);
        for (const char *needle :
             {"--isolation", "--element-timeout", "--memory-limit", "--max-crashes", "--stop-grace"})
            QVERIFY2(r.out.contains(QLatin1String(needle)), needle);
    }

    void aCrashingElementFailsAloneAndTheCliSurvives_data()
    {
        addHostKillingCrashModes();
    }

    void aCrashingElementFailsAloneAndTheCliSurvives()
    {
        QFETCH(QString, mode);
        QFETCH(QString, message);
        const QString out = path(mode + QStringLiteral(".csv"));
        const Result r =
            run({"run", "test.crash", "-i", "range:3000", "-o", out, "-p", "mode=" + mode, "-p", "on=1500"});
        QVERIFY2(!r.crashed, qPrintable(r.err));
        QCOMPARE(r.exitCode, 1);
        checkRows(readLines(out), 3000, 1500, message);
        QVERIFY2(r.err.contains(QStringLiteral("1 element took the function's host process down")),
                 qPrintable(r.err));
    }

    void theLimitsFailTheirElement()
    {
        const QString out = path("limits.csv");
        Result r = run({"run", "test.crash", "-i", "range:400", "-o", out, "-p", "mode=loop", "-p", "on=123",
                        "--element-timeout", "1"});
        QCOMPARE(r.exitCode, 1);
        checkRows(readLines(out), 400, 123, QStringLiteral("timed out after 1 s"));
        r = run({"run", "test.crash", "-i", "range:400", "-o", out, "-p", "mode=alloc", "-p", "on=7",
                 "--memory-limit", "200"});
        QCOMPARE(r.exitCode, 1);
        checkRows(readLines(out), 400, 7, QStringLiteral("out of memory (limit 200 MB)"));
        r = run({"run", "test.crash", "-i", "range:10", "-o", out, "--isolation", "thread",
                 "--element-timeout", "1"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("--element-timeout needs --isolation process")),
                 qPrintable(r.err));
        r = run({"run", "test.crash", "-i", "range:10", "-o", out, "--isolation", "fork"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("\"fork\" is not process or thread")), qPrintable(r.err));
    }

    void aFunctionThatAlwaysCrashesStopsTheJob()
    {
        const QString out = path("always.csv");
        QElapsedTimer clock;
        clock.start();
        const Result r = run({"run", "test.crash", "-i", "range:100000", "-o", out, "-p", "mode=segv"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("each of the first 3 elements tried")), qPrintable(r.err));
        QVERIFY2(clock.elapsed() < 60000, qPrintable(QString::number(clock.elapsed())));
        QVERIFY(!QFile::exists(out));
    }

    void sigtermWithAHungFunctionStopsAfterTheGracePeriod_data()
    {
        QTest::addColumn<QString>("isolation");
        QTest::newRow("process") << "process";
        QTest::newRow("thread") << "thread";
    }

    void sigtermWithAHungFunctionStopsAfterTheGracePeriod()
    {
        QFETCH(QString, isolation);
        const QString out = path(QStringLiteral("hung-%1.csv").arg(isolation));
        qint64 stopMs = 0;
        QCOMPARE(stopAHungRun({"--isolation", isolation}, out, &stopMs), 130);
        QVERIFY2(stopMs < 15000, qPrintable(QString::number(stopMs)));
        QVERIFY(!QFile::exists(out));
        const QStringList lines = readLines(out + QStringLiteral(".partial"));
        QVERIFY2(lines.size() > 1000 && lines.size() <= 5001, qPrintable(QString::number(lines.size())));
        for (int k = 1; k < lines.size(); ++k)
            QCOMPARE(lines[k], QStringLiteral("%1,").arg(2 * (k - 1)));
    }

    void aThreadModeCrashResumesInHosts()
    {
        const QString out = path("resumed.csv");
        Result r = run({"run", "test.crash", "-i", "range:3000", "-o", out, "-p", "mode=segv", "-p",
                        "on=2500", "-p", "delay_us=50", "--isolation", "thread", "-j", "2"});
        QVERIFY2(r.crashed || r.exitCode > 128, qPrintable(QString::number(r.exitCode)));
        const QString id = jobIdIn(r.err);
        QVERIFY2(!id.isEmpty(), qPrintable(r.err));
        r = run({"resume", id});
        QVERIFY2(!r.crashed, qPrintable(r.err));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("the rest runs in function hosts")), qPrintable(r.err));
        checkRows(readLines(out), 3000, 2500,
                  QStringLiteral("the function crashed (SIGSEGV) on this element"));
    }
};

QTEST_GUILESS_MAIN(TestCliHosts)
#include "tst_clihosts.moc"
