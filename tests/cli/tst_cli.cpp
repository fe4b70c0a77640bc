// SPDX-License-Identifier: GPL-3.0-or-later
// fastmap-cli end to end: the real executable, real plugins, real files.
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

class TestCli : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    struct Result
    {
        int exitCode = -1;
        QString out;
        QString err;
    };

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("FASTMAP_PLUGIN_PATH"), QStringLiteral(FASTMAP_TEST_PLUGIN_DIR "/good"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data"))); // the job store and cache
        return env;
    }

    static QString cli() { return QStringLiteral(FASTMAP_BINARY_DIR "/bin/fastmap-cli"); }

    Result run(const QStringList &arguments, int timeoutMs = 60000)
    {
        QProcess process;
        process.setProcessEnvironment(environment());
        process.start(cli(), arguments);
        if (!process.waitForFinished(timeoutMs)) {
            process.kill();
            process.waitForFinished(5000);
            qWarning("fastmap-cli %s timed out", qPrintable(arguments.join(' ')));
            return {};
        }
        Result r;
        r.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
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

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void versionAndHelp()
    {
        Result r = run({"--version"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith(QStringLiteral("fastmap-cli 0.")));
        r = run({"--help"});
        QCOMPARE(r.exitCode, 0);
        for (const char *needle : {"functions", "preview", "run FUNCTION_ID", "range:N", "Exit codes", "130", "FASTMAP_PLUGIN_PATH"})
            QVERIFY2(r.out.contains(QLatin1String(needle)), needle);
        r = run({"run", "--help"});
        QCOMPARE(r.exitCode, 0);
        for (const char *needle : {"--map", "--param", "--keep-input", "--stop-on-error", "--threads", "--format", "Exit codes"})
            QVERIFY2(r.out.contains(QLatin1String(needle)), needle);
        QCOMPARE(run({"help", "run"}).out, r.out);
    }

    void usageErrorsExitWithTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("needle");
        QTest::newRow("no command") << QStringList{} << "no command";
        QTest::newRow("unknown command") << QStringList{"frobnicate"} << "unknown command";
        QTest::newRow("no input") << QStringList{"run", "test.control", "-o", "x.csv"} << "--input";
        QTest::newRow("no output") << QStringList{"run", "test.control", "-i", "range:3"} << "--output";
        QTest::newRow("no function") << QStringList{"run", "-i", "range:3", "-o", "x.csv"} << "FUNCTION_ID";
        QTest::newRow("bad threads") << QStringList{"run", "test.control", "-i", "range:3", "-o", "x.csv", "-j", "zero"} << "--threads";
        QTest::newRow("bad map") << QStringList{"run", "test.control", "-i", "range:3", "-o", "x.csv", "--map", "x"} << "NAME=VALUE";
        QTest::newRow("bad format") << QStringList{"run", "test.control", "-i", "range:3", "-o", "x.csv", "--format", "xml"} << "xml";
        QTest::newRow("unknown option") << QStringList{"run", "test.control", "--frob"} << "frob";
    }

    void usageErrorsExitWithTwo()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, needle);
        const Result r = run(arguments);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(needle), qPrintable(r.err));
    }

    // `estimate` samples through what the run with the same options would use: the writer of its
    // format (with --keep-input) and the job store's encoding unless --no-record. It writes nothing.
    void estimateSamplesAsTheRunWould()
    {
        const QStringList job{"estimate", "demo.work", "-i", "range:100000000", "-p", "iterations=10", "-j", "1"};
        Result r = run(job);
        QCOMPARE(r.exitCode, 0);
        // demo.work's 16 hexadecimal digits, the empty error column, CRLF.
        QVERIFY2(r.out.contains(QStringLiteral("Results per element: 19 bytes of CSV and ")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral(" for the job store")), qPrintable(r.out));
        const QString out = path("never-written.jsonl");
        r = run(job + QStringList{"-o", out, "--keep-input", "--no-record"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("bytes of JSON Lines, formatted in the sample as a run does (--no-record: "
                                               "no job store)")),
                 qPrintable(r.out));
        QVERIFY(!QFile::exists(out));
        QCOMPARE(QDir(m_dir.path()).entryList({QStringLiteral(".never-written*")}, QDir::Hidden | QDir::Files), QStringList());
        r = run(job + QStringList{"-o", path("x.jsonl"), "--format", "csv"});
        QVERIFY2(r.out.contains(QStringLiteral("Results per element: 19 bytes of CSV")), qPrintable(r.out));
        r = run(job + QStringList{"--format", "xml"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("xml")), qPrintable(r.err));
    }

    void functionsListsInstalledPlugins()
    {
        Result r = run({"functions"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("test.control 1.0.0")), qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("--param delay_us=0")));
        r = run({"functions", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject root = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QStringList ids;
        for (const QJsonValue &f : root.value("functions").toArray())
            ids << f.toObject().value("id").toString();
        QVERIFY2(ids.contains(QStringLiteral("test.control")), qPrintable(ids.join(',')));
        for (const char *id : {"math.sqrt", "demo.work", "geo.haversine", "text.stats", "pi.montecarlo"})
            QVERIFY2(ids.contains(QLatin1String(id)), id); // found beside the executable
        r = run({"functions", "test.control"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral("busy-wait")));
        QCOMPARE(run({"functions", "no.such"}).exitCode, 3);
    }

    void runWritesOneRowPerElementInOrder()
    {
        const QString out = path("ordered.csv");
        const Result r = run({"run", "test.control", "--input", "range:20000", "--output", out, "--threads", "3"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains(QStringLiteral("Completed: 20000 elements")), qPrintable(r.err));
        const QStringList lines = readLines(out);
        QCOMPARE(lines.size(), 20001);
        QCOMPARE(lines.first(), QStringLiteral("twice,thread,error"));
        for (int k = 0; k < 20000; k += 777)
            QCOMPARE(lines[k + 1].section(',', 0, 0), QString::number(2 * k));
        QCOMPARE(lines.last().section(',', 0, 0), QStringLiteral("39998"));
        QVERIFY(lines.last().endsWith(','));
        QVERIFY(!QFile::exists(out + QStringLiteral(".partial")));
    }

    void failuresGoToTheErrorColumnAndExitOne()
    {
        const QString out = path("failures.csv");
        const Result r = run({"run", "test.control", "-i", "range:100", "-o", out, "--keep-input", "-p", "fail_modulo=10", "-p", "fail_remainder=3"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("10 failed, the first at element 3: element 3 is cursed")), qPrintable(r.err));
        const QStringList lines = readLines(out);
        QCOMPARE(lines.size(), 101);
        QCOMPARE(lines[0], QStringLiteral("x,twice,thread,error"));
        QCOMPARE(lines[4], QStringLiteral("3,,,element 3 is cursed"));
        QVERIFY(lines[5].startsWith(QStringLiteral("4,8,")));
    }

    void jsonLinesOutput()
    {
        const QString out = path("out.jsonl");
        const Result r = run({"run", "test.control", "-i", "range:5", "-o", out, "-p", "fail_modulo=5", "-p", "fail_remainder=4"});
        QCOMPARE(r.exitCode, 1);
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 5);
        const QJsonObject first = QJsonDocument::fromJson(lines[1]).object();
        QCOMPARE(first.value("twice").toInt(), 2);
        QVERIFY(first.value("error").isNull());
        const QJsonObject last = QJsonDocument::fromJson(lines[4]).object();
        QCOMPARE(last.value("error").toString(), QStringLiteral("element 4 is cursed"));
    }

    void csvInputWithAnExplicitMapping()
    {
        const QString in = path("values.csv");
        QFile f(in);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("name,value\r\n\"a, b\",3\r\nc,-4\r\n");
        f.close();
        const QString out = path("mapped.csv");
        Result r = run({"run", "test.control", "-i", in, "-o", out, "--map", "x=value", "--keep-input"});
        QCOMPARE(r.exitCode, 0);
        const QStringList lines = readLines(out);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0], QStringLiteral("name,value,twice,thread,error"));
        QVERIFY(lines[1].startsWith(QStringLiteral("\"a, b\",3,6,")));
        QVERIFY(lines[2].startsWith(QStringLiteral("c,-4,-8,")));
        r = run({"run", "test.control", "-i", in, "-o", out});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(QStringLiteral("--map x=COLUMN")), qPrintable(r.err));
    }

    void inputAndOutputErrorsHaveTheirOwnCodes()
    {
        const QString out = path("never.csv");
        Result r = run({"run", "test.control", "-i", path("missing.csv"), "-o", out});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(path("missing.csv")), qPrintable(r.err));
        QVERIFY(!QFile::exists(out));
        r = run({"run", "test.control", "-i", "range:3", "-o", out, "-p", "delay_us=-1"});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(QStringLiteral("delay_us")), qPrintable(r.err));
        r = run({"run", "no.such", "-i", "range:3", "-o", out});
        QCOMPARE(r.exitCode, 3);
        r = run({"run", "test.control", "-i", "range:3", "-o", path("no/such/dir/out.csv")});
        QCOMPARE(r.exitCode, 4);
        QVERIFY2(r.err.contains(QStringLiteral("no/such/dir/out.csv")), qPrintable(r.err));
    }

    void stopOnErrorKeepsAPartialFile()
    {
        const QString out = path("stopped.csv");
        const Result r = run({"run", "test.control", "-i", "range:100000", "-o", out, "--stop-on-error", "-p", "fail_modulo=100000", "-p", "fail_remainder=50"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(!QFile::exists(out));
        const QStringList lines = readLines(out + QStringLiteral(".partial"));
        QVERIFY(lines.size() >= 52);
        QCOMPARE(lines[51], QStringLiteral(",,element 50 is cursed"));
        QVERIFY2(r.err.contains(QStringLiteral("stopped at the first failed element (50)")), qPrintable(r.err));
    }

    void interruptKeepsFinishedRowsInOrder()
    {
        const QString out = path("interrupted.csv");
        QProcess process;
        process.setProcessEnvironment(environment());
        process.start(cli(), {"run", "test.control", "-i", "range:200000", "-o", out, "-p", "delay_us=100", "-j", "2", "--progress"});
        QVERIFY(process.waitForStarted(10000));
        QTest::qWait(1500);
        ::kill(pid_t(process.processId()), SIGINT);
        QVERIFY(process.waitForFinished(15000));
        QCOMPARE(process.exitCode(), 130);
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QVERIFY2(err.contains(QStringLiteral("ETA")), qPrintable(err)); // --progress without a terminal
        QVERIFY(!QFile::exists(out));
        const QStringList lines = readLines(out + QStringLiteral(".partial"));
        QVERIFY2(lines.size() > 10, qPrintable(QString::number(lines.size())));
        QVERIFY(lines.size() < 200001);
        for (int k = 1; k < lines.size(); ++k)
            QCOMPARE(lines[k].section(',', 0, 0), QString::number(2 * (k - 1)));
    }

    void aTooLightJobSaysSo()
    {
        // Without the cache: under a sanitizer test.control can pass the cache's 25 us threshold,
        // and an earlier test's cached elements would then be served instead of sampled. On
        // threads: in hosts the sample still counts each tiny batch's round trip (a few ms under
        // a sanitizer), which makes ten elements look heavy (a known gap, issue #11's notes).
        const Result r = run({"run", "test.control", "-i", "range:10", "-o", path("light.csv"), "--cache", "off",
                              "--isolation", "thread"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains(QStringLiteral("too light to gain from threads")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("1 thread)")), qPrintable(r.err));
    }

    void previewShowsColumnsAndRows()
    {
        const Result r = run({"preview", "range:100", "--rows", "3"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QStringLiteral("x\n0\n1\n2\n"));
        QCOMPARE(run({"preview", path("missing.jsonl")}).exitCode, 3);
    }

    void outputToStdout()
    {
        const Result r = run({"run", "test.control", "-i", "range:3", "-o", "-", "-q"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith(QStringLiteral("twice,thread,error\r\n0,")));
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
