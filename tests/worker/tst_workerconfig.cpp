// SPDX-License-Identifier: GPL-3.0-or-later
// fastmap-worker's flags and FASTMAP_WORKER_* variables: defaults, precedence, refusals.
#include "worker/WorkerConfig.h"

#include <QCommandLineParser>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace fastmap;

class TestWorkerConfig : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    static QProcessEnvironment env(const QList<std::pair<QString, QString>> &values = {})
    {
        QProcessEnvironment e;
        for (const auto &v : values)
            e.insert(v.first, v.second);
        return e;
    }

    // Writes `text` to a config file in the test's directory and returns its path.
    QString configFile(const QString &name, const QByteArray &text)
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(text) != text.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

    static WorkerConfig parsed(const QStringList &flags, const QProcessEnvironment &environment = {})
    {
        WorkerConfig config;
        QString error;
        if (!WorkerConfig::parse(QStringList{"fastmap-worker"} + flags, environment, &config, &error))
            qWarning("unexpected refusal: %s", qPrintable(error));
        return config;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void defaults()
    {
        WorkerConfig config;
        QString error;
        QVERIFY2(WorkerConfig::parse({"fastmap-worker"}, env(), &config, &error), qPrintable(error));
        QCOMPARE(config.listenHost, QStringLiteral("127.0.0.1"));
        QCOMPARE(config.listenPort, quint16(8750));
        QCOMPARE(config.threads, QThread::idealThreadCount());
        QVERIFY(config.pluginDirs.isEmpty());
        QVERIFY(config.dbPath.endsWith(QStringLiteral("/worker.db")));
        QCOMPARE(config.pricePerVcpuHour, 0.0);
        QVERIFY(config.tokenFile.isEmpty());
        QVERIFY(!config.tls());
        QCOMPARE(config.maxRequestBytes, qint64(64) * 1024 * 1024);
        QCOMPARE(config.clientTimeoutSeconds, 30.0);
        QVERIFY(!config.noAuth);
        QCOMPARE(config.url(8750), QStringLiteral("http://127.0.0.1:8750"));
        QCOMPARE(config.isolation, WorkerConfig::Isolation::Process);
        QCOMPARE(config.elementTimeoutSeconds, 0.0);
        QCOMPARE(config.memoryLimitMB, 0);
        QCOMPARE(config.maxCrashes, 100);
    }

    void isolationAndLimits()
    {
        WorkerConfig config = parsed({"--element-timeout", "2.5", "--memory-limit", "256", "--max-crashes", "7"});
        QCOMPARE(config.isolation, WorkerConfig::Isolation::Process);
        QCOMPARE(config.elementTimeoutSeconds, 2.5);
        QCOMPARE(config.memoryLimitMB, 256);
        QCOMPARE(config.maxCrashes, 7);
        QCOMPARE(config.describeIsolation(),
                 QStringLiteral("process (element timeout 2.5 s, memory limit 256 MB, at most 7 crashed elements per batch)"));
        config = parsed({}, env({{"FASTMAP_WORKER_ISOLATION", "thread"}}));
        QCOMPARE(config.isolation, WorkerConfig::Isolation::Thread);
        QVERIFY(config.describeIsolation().startsWith(QStringLiteral("thread")));
        // 0 is "no limit", so a flag can lift a limit the config file sets, also for thread isolation.
        const QString path = configFile("limits.conf", "isolation=process\nelement-timeout=30\nmemory-limit=512\n"
                                                       "max-crashes=3\n");
        config = parsed({"--config", path});
        QCOMPARE(config.elementTimeoutSeconds, 30.0);
        QCOMPARE(config.memoryLimitMB, 512);
        QCOMPARE(config.maxCrashes, 3);
        config = parsed({"--config", path, "--isolation", "thread", "--element-timeout", "0", "--memory-limit", "0"});
        QCOMPARE(config.isolation, WorkerConfig::Isolation::Thread);
        QCOMPARE(config.elementTimeoutSeconds, 0.0);
        QCOMPARE(config.memoryLimitMB, 0);
    }

    void environmentIsRead()
    {
        const QString pluginsA = m_dir.filePath("a");
        const QString pluginsB = m_dir.filePath("b");
        QVERIFY(QDir().mkpath(pluginsA) && QDir().mkpath(pluginsB));
        const WorkerConfig config = parsed({}, env({{"FASTMAP_WORKER_LISTEN", "0.0.0.0:9000"},
                                                    {"FASTMAP_WORKER_THREADS", "3"},
                                                    {"FASTMAP_WORKER_PLUGINS", pluginsA + ":" + pluginsB},
                                                    {"FASTMAP_WORKER_DB", "/tmp/x.db"},
                                                    {"FASTMAP_WORKER_PRICE_PER_VCPU_HOUR", "0.25"},
                                                    {"FASTMAP_WORKER_TOKEN_FILE", "/tmp/token"},
                                                    {"FASTMAP_WORKER_TLS_CERT", "/tmp/cert.pem"},
                                                    {"FASTMAP_WORKER_TLS_KEY", "/tmp/key.pem"},
                                                    {"FASTMAP_WORKER_MAX_REQUEST_BYTES", "4096"},
                                                    {"FASTMAP_WORKER_CLIENT_TIMEOUT", "2.5"}}));
        QCOMPARE(config.listenHost, QStringLiteral("0.0.0.0"));
        QCOMPARE(config.listenPort, quint16(9000));
        QCOMPARE(config.threads, 3);
        QCOMPARE(config.pluginDirs, (QStringList{pluginsA, pluginsB}));
        QCOMPARE(config.dbPath, QStringLiteral("/tmp/x.db"));
        QCOMPARE(config.pricePerVcpuHour, 0.25);
        QCOMPARE(config.tokenFile, QStringLiteral("/tmp/token"));
        QVERIFY(config.tls());
        QCOMPARE(config.tlsKey, QStringLiteral("/tmp/key.pem"));
        QCOMPARE(config.maxRequestBytes, qint64(4096));
        QCOMPARE(config.clientTimeoutSeconds, 2.5);
        QCOMPARE(config.url(9000), QStringLiteral("https://0.0.0.0:9000"));
    }

    void flagsWinOverEnvironment()
    {
        const QString fromEnv = m_dir.filePath("env-plugins");
        const QString fromFlag = m_dir.filePath("flag-plugins");
        QVERIFY(QDir().mkpath(fromEnv) && QDir().mkpath(fromFlag));
        const WorkerConfig config =
            parsed({"--listen", "127.0.0.1:0", "--threads", "5", "--plugins", fromFlag, "--db",
                    "/tmp/flag.db", "--price-per-vcpu-hour", "2", "--token-file", "/tmp/flag-token",
                    "--max-request-bytes", "100", "--client-timeout", "1", "--no-auth"},
                   env({{"FASTMAP_WORKER_LISTEN", "0.0.0.0:9000"},
                        {"FASTMAP_WORKER_THREADS", "3"},
                        {"FASTMAP_WORKER_PLUGINS", fromEnv},
                        {"FASTMAP_WORKER_DB", "/tmp/env.db"},
                        {"FASTMAP_WORKER_PRICE_PER_VCPU_HOUR", "0.25"},
                        {"FASTMAP_WORKER_TOKEN_FILE", "/tmp/env-token"},
                        {"FASTMAP_WORKER_MAX_REQUEST_BYTES", "4096"},
                        {"FASTMAP_WORKER_CLIENT_TIMEOUT", "9"}}));
        QCOMPARE(config.listenPort, quint16(0));
        QCOMPARE(config.listenHost, QStringLiteral("127.0.0.1"));
        QCOMPARE(config.threads, 5);
        QCOMPARE(config.pluginDirs, QStringList{fromFlag});
        QCOMPARE(config.dbPath, QStringLiteral("/tmp/flag.db"));
        QCOMPARE(config.pricePerVcpuHour, 2.0);
        QCOMPARE(config.tokenFile, QStringLiteral("/tmp/flag-token"));
        QCOMPARE(config.maxRequestBytes, qint64(100));
        QCOMPARE(config.clientTimeoutSeconds, 1.0);
        QVERIFY(config.noAuth);
        // A repeated --plugins keeps every directory, in order.
        QCOMPARE(parsed({"--plugins", fromFlag, "--plugins", fromEnv}).pluginDirs,
                 (QStringList{fromFlag, fromEnv}));
    }

    void listenAddresses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::newRow("ipv4") << "10.1.2.3:8080"
                              << "10.1.2.3" << 8080;
        QTest::newRow("any") << "0.0.0.0:0"
                             << "0.0.0.0" << 0;
        QTest::newRow("localhost") << "localhost:8750"
                                   << "127.0.0.1" << 8750;
        QTest::newRow("ipv6") << "[::1]:65535"
                              << "::1" << 65535;
    }

    void listenAddresses()
    {
        QFETCH(QString, text);
        QFETCH(QString, host);
        QFETCH(int, port);
        QString h;
        quint16 p = 1;
        QString error;
        QVERIFY2(WorkerConfig::parseListen(text, &h, &p, &error), qPrintable(error));
        QCOMPARE(h, host);
        QCOMPARE(int(p), port);
    }

    void badValuesAreRefused_data()
    {
        QTest::addColumn<QStringList>("flags");
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("needle");
        const QStringList none;
        QTest::newRow("threads zero") << QStringList{"--threads", "0"} << ""
                                      << ""
                                      << "--threads";
        QTest::newRow("threads text") << QStringList{"--threads", "many"} << ""
                                      << ""
                                      << "\"many\"";
        QTest::newRow("threads env") << none << "FASTMAP_WORKER_THREADS"
                                     << "-1"
                                     << "FASTMAP_WORKER_THREADS";
        QTest::newRow("listen no port") << QStringList{"--listen", "127.0.0.1"} << ""
                                        << ""
                                        << "HOST:PORT";
        QTest::newRow("listen big port") << QStringList{"--listen", "127.0.0.1:70000"} << ""
                                         << ""
                                         << "port";
        QTest::newRow("listen host name") << QStringList{"--listen", "example.org:80"} << ""
                                          << ""
                                          << "IP address";
        QTest::newRow("listen env") << none << "FASTMAP_WORKER_LISTEN"
                                    << "nowhere"
                                    << "FASTMAP_WORKER_LISTEN";
        QTest::newRow("ipv6 without brackets") << QStringList{"--listen", "::1:80"} << ""
                                               << ""
                                               << "brackets";
        QTest::newRow("negative price") << QStringList{"--price-per-vcpu-hour", "-1"} << ""
                                        << ""
                                        << "--price-per-vcpu-hour";
        QTest::newRow("price text") << none << "FASTMAP_WORKER_PRICE_PER_VCPU_HOUR"
                                    << "cheap"
                                    << "cheap";
        QTest::newRow("price nan") << QStringList{"--price-per-vcpu-hour", "nan"} << ""
                                   << ""
                                   << "nan";
        QTest::newRow("max bytes zero") << QStringList{"--max-request-bytes", "0"} << ""
                                        << ""
                                        << "--max-request-bytes";
        QTest::newRow("timeout zero") << QStringList{"--client-timeout", "0"} << ""
                                      << ""
                                      << "--client-timeout";
        QTest::newRow("cert without key") << QStringList{"--tls-cert", "c.pem"} << ""
                                          << ""
                                          << "--tls-key";
        QTest::newRow("key without cert") << QStringList{"--tls-key", "k.pem"} << ""
                                          << ""
                                          << "--tls-cert";
        QTest::newRow("missing plugins dir") << QStringList{"--plugins", "/nonexistent/fastmap"} << ""
                                             << ""
                                             << "/nonexistent/fastmap";
        QTest::newRow("missing env plugins dir") << none << "FASTMAP_WORKER_PLUGINS"
                                                 << "/nonexistent/p"
                                                 << "FASTMAP_WORKER_PLUGINS";
        QTest::newRow("empty db") << QStringList{"--db", ""} << ""
                                  << ""
                                  << "--db";
        QTest::newRow("unknown option") << QStringList{"--frobnicate"} << ""
                                        << ""
                                        << "frobnicate";
        QTest::newRow("positional") << QStringList{"extra"} << ""
                                    << ""
                                    << "extra";
        QTest::newRow("flag without value") << QStringList{"--threads"} << ""
                                            << ""
                                            << "threads";
        QTest::newRow("isolation text") << QStringList{"--isolation", "sandbox"} << ""
                                        << ""
                                        << "--isolation: \"sandbox\" is not process or thread";
        QTest::newRow("isolation env") << none << "FASTMAP_WORKER_ISOLATION"
                                       << "container"
                                       << "FASTMAP_WORKER_ISOLATION";
        QTest::newRow("timeout in threads") << QStringList{"--isolation", "thread", "--element-timeout", "5"} << ""
                                            << ""
                                            << "--element-timeout needs isolation process (--isolation says thread)";
        QTest::newRow("negative element timeout") << QStringList{"--element-timeout", "-1"} << ""
                                                  << ""
                                                  << "--element-timeout";
        QTest::newRow("memory in threads") << QStringList{"--memory-limit", "64"} << "FASTMAP_WORKER_ISOLATION"
                                           << "thread"
                                           << "--memory-limit needs isolation process (FASTMAP_WORKER_ISOLATION";
        QTest::newRow("memory too small") << QStringList{"--memory-limit", "8"} << ""
                                          << ""
                                          << "16 or more";
        QTest::newRow("memory text") << none << "FASTMAP_WORKER_MEMORY_LIMIT"
                                     << "lots"
                                     << "FASTMAP_WORKER_MEMORY_LIMIT";
        QTest::newRow("max crashes zero") << QStringList{"--max-crashes", "0"} << ""
                                          << ""
                                          << "--max-crashes";
    }

    void badValuesAreRefused()
    {
        QFETCH(QStringList, flags);
        QFETCH(QString, variable);
        QFETCH(QString, value);
        QFETCH(QString, needle);
        QProcessEnvironment e;
        if (!variable.isEmpty())
            e.insert(variable, value);
        WorkerConfig config;
        QString error;
        QVERIFY(!WorkerConfig::parse(QStringList{"fastmap-worker"} + flags, e, &config, &error));
        QVERIFY2(error.contains(needle), qPrintable(error));
    }

    void aGoodFlagOverridesABadVariable()
    {
        WorkerConfig config;
        QString error;
        QProcessEnvironment e;
        e.insert("FASTMAP_WORKER_THREADS", "lots");
        QVERIFY2(WorkerConfig::parse({"fastmap-worker", "--threads", "2"}, e, &config, &error),
                 qPrintable(error));
        QCOMPARE(config.threads, 2);
    }

    void configFileIsRead()
    {
        QVERIFY(QDir().mkpath(m_dir.filePath("conf/p1")) && QDir().mkpath(m_dir.filePath("conf/p2")));
        const QString path = configFile("conf/worker.conf", "# a comment\n"
                                                            "\n"
                                                            "listen = 0.0.0.0:9100\n"
                                                            "threads=4\n"
                                                            "plugins=p1\n"
                                                            "plugins=" +
                                                                m_dir.filePath("conf/p2").toUtf8() +
                                                                "\n"
                                                                "db=state/ledger.db\n"
                                                                "price-per-vcpu-hour=0.5\n"
                                                                "token-file=/etc/fastmap/token\n"
                                                                "tls-cert=cert.pem\n"
                                                                "tls-key=key.pem\n"
                                                                "max-request-bytes=2048\n"
                                                                "client-timeout=7\n"
                                                                "  ; also a comment\n"
                                                                "no-auth=yes\n");
        const WorkerConfig config = parsed({"--config", path});
        QCOMPARE(config.listenHost, QStringLiteral("0.0.0.0"));
        QCOMPARE(config.listenPort, quint16(9100));
        QCOMPARE(config.threads, 4);
        // Relative paths are relative to the file.
        QCOMPARE(config.pluginDirs, (QStringList{m_dir.filePath("conf/p1"), m_dir.filePath("conf/p2")}));
        QCOMPARE(config.dbPath, m_dir.filePath("conf/state/ledger.db"));
        QCOMPARE(config.pricePerVcpuHour, 0.5);
        QCOMPARE(config.tokenFile, QStringLiteral("/etc/fastmap/token"));
        QCOMPARE(config.tlsCert, m_dir.filePath("conf/cert.pem"));
        QCOMPARE(config.tlsKey, m_dir.filePath("conf/key.pem"));
        QCOMPARE(config.maxRequestBytes, qint64(2048));
        QCOMPARE(config.clientTimeoutSeconds, 7.0);
        QVERIFY(config.noAuth);
        // The variable names the file too.
        QCOMPARE(parsed({}, env({{"FASTMAP_WORKER_CONFIG", path}})).threads, 4);
        // The tokens and credits commands find the ledger through it.
        QCommandLineParser parser;
        WorkerConfig::addDbOption(parser);
        QVERIFY(parser.parse({"fastmap-worker", "--config", path}));
        QString db;
        QString error;
        QVERIFY2(WorkerConfig::dbPathFrom(parser, env(), &db, &error), qPrintable(error));
        QCOMPARE(db, m_dir.filePath("conf/state/ledger.db"));
    }

    void flagsAndVariablesWinOverTheConfigFile()
    {
        const QString path = configFile("override.conf", "listen=0.0.0.0:9100\nthreads=4\ndb=/tmp/file.db\n"
                                                         "client-timeout=7\nno-auth=false\n");
        const WorkerConfig config =
            parsed({"--config", path, "--threads", "2", "--no-auth"},
                   env({{"FASTMAP_WORKER_LISTEN", "127.0.0.1:0"}, {"FASTMAP_WORKER_DB", "/tmp/env.db"}}));
        QCOMPARE(config.listenHost, QStringLiteral("127.0.0.1"));
        QCOMPARE(config.listenPort, quint16(0));
        QCOMPARE(config.threads, 2);
        QCOMPARE(config.dbPath, QStringLiteral("/tmp/env.db"));
        QCOMPARE(config.clientTimeoutSeconds, 7.0);
        QVERIFY(config.noAuth);
        QVERIFY(!parsed({"--config", path}).noAuth);
    }

    void theShippedConfigFileIsValid()
    {
        // installer/worker.conf documents the defaults, commented out, and sets the service's ledger.
        const QString path = QStringLiteral(FASTMAP_SOURCE_DIR "/installer/worker.conf");
        QVERIFY(QFileInfo::exists(path));
        WorkerConfig config;
        QString error;
        QVERIFY2(WorkerConfig::parse({"fastmap-worker", "--config", path}, env(), &config, &error),
                 qPrintable(error));
        QCOMPARE(config.listenHost, QStringLiteral("127.0.0.1"));
        QCOMPARE(config.listenPort, quint16(8750));
        QVERIFY(!config.noAuth);
        QCOMPARE(config.dbPath, QStringLiteral("/var/lib/fastmap-worker/worker.db")); // the service's ledger
        // Each commented-out setting, uncommented, is a valid line with a known key.
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
        QByteArray uncommented;
        int settings = 0;
        for (const QByteArray &line : file.readAll().split('\n')) {
            static const QRegularExpression setting(QStringLiteral("^#([a-z-]+=.*)$"));
            const auto match = setting.match(QString::fromUtf8(line));
            if (match.hasMatch() && !match.captured(1).startsWith(QLatin1String("plugins=")) &&
                !match.captured(1).startsWith(QLatin1String("tls-")) &&
                !match.captured(1).startsWith(QLatin1String("token-file="))) {
                uncommented += match.captured(1).toUtf8() + '\n';
                ++settings;
            }
        }
        QVERIFY(settings >= 6);
        const QString copy = configFile("uncommented.conf", uncommented);
        QVERIFY2(WorkerConfig::parse({"fastmap-worker", "--config", copy}, env(), &config, &error),
                 qPrintable(error + "\n" + uncommented));
    }

    void badConfigFilesAreRefused_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("needle");
        QTest::newRow("no equals") << QByteArray("listen 0.0.0.0:1\n") << "bad.conf:1: expected KEY=VALUE";
        QTest::newRow("unknown key") << QByteArray("# x\nthread=3\n") << "bad.conf:2: unknown key \"thread\"";
        QTest::newRow("config key") << QByteArray("config=/etc/other\n")
                                    << "bad.conf:1: unknown key \"config\"";
        QTest::newRow("twice") << QByteArray("threads=3\n\nthreads=4\n")
                               << "bad.conf:3: \"threads\" is already set on line 1";
        QTest::newRow("bad number") << QByteArray("\nthreads=lots\n")
                                    << "bad.conf:2: threads: \"lots\" is not a whole number from 1 to 1024";
        QTest::newRow("bad listen") << QByteArray("listen=somewhere\n") << "bad.conf:1: listen \"somewhere\"";
        QTest::newRow("bad boolean") << QByteArray("no-auth=maybe\n")
                                     << "bad.conf:1: no-auth: \"maybe\" is not true or false";
        QTest::newRow("missing plugins")
            << QByteArray("plugins=nowhere\n") << "bad.conf:1: plugins: plugin directory";
        QTest::newRow("bad price") << QByteArray("price-per-vcpu-hour=-1\n")
                                   << "bad.conf:1: price-per-vcpu-hour: \"-1\" is not a number";
        QTest::newRow("bad isolation") << QByteArray("isolation=none\n")
                                       << "bad.conf:1: isolation: \"none\" is not process or thread";
        QTest::newRow("limit in threads") << QByteArray("isolation=thread\nelement-timeout=10\n")
                                          << "bad.conf:1: isolation says thread): a thread cannot be stopped";
    }

    void badConfigFilesAreRefused()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, needle);
        const QString path = configFile("bad.conf", text);
        WorkerConfig config;
        QString error;
        QVERIFY(!WorkerConfig::parse({"fastmap-worker", "--config", path}, env(), &config, &error));
        QVERIFY2(error.contains(needle), qPrintable(error));
        QVERIFY2(error.startsWith(path), qPrintable(error));
    }

    void aMissingConfigFileIsRefused()
    {
        WorkerConfig config;
        QString error;
        QVERIFY(!WorkerConfig::parse({"fastmap-worker", "--config", m_dir.filePath("none.conf")}, env(),
                                     &config, &error));
        QVERIFY2(error.startsWith("--config: cannot read"), qPrintable(error));
        QVERIFY(!WorkerConfig::parse({"fastmap-worker"},
                                     env({{"FASTMAP_WORKER_CONFIG", m_dir.filePath("none.conf")}}), &config,
                                     &error));
        QVERIFY2(error.startsWith("FASTMAP_WORKER_CONFIG: cannot read"), qPrintable(error));
    }

    void environmentHelpNamesEveryVariable()
    {
        const QString help = WorkerConfig::environmentHelp();
        for (const char *name :
             {"FASTMAP_WORKER_LISTEN", "FASTMAP_WORKER_THREADS", "FASTMAP_WORKER_PLUGINS",
              "FASTMAP_WORKER_DB", "FASTMAP_WORKER_PRICE_PER_VCPU_HOUR", "FASTMAP_WORKER_TOKEN_FILE",
              "FASTMAP_WORKER_TLS_CERT", "FASTMAP_WORKER_TLS_KEY", "FASTMAP_WORKER_CONFIG",
              "FASTMAP_WORKER_ISOLATION", "FASTMAP_WORKER_ELEMENT_TIMEOUT", "FASTMAP_WORKER_MEMORY_LIMIT",
              "FASTMAP_WORKER_MAX_CRASHES", "FASTMAP_HOST"})
            QVERIFY2(help.contains(QLatin1String(name)), name);
    }
};

QTEST_GUILESS_MAIN(TestWorkerConfig)
#include "tst_workerconfig.moc"
