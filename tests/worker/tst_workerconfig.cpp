// SPDX-License-Identifier: GPL-3.0-or-later
// fastmap-worker's flags and FASTMAP_WORKER_* variables: defaults, precedence, refusals.
#include "worker/WorkerConfig.h"

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

    void environmentHelpNamesEveryVariable()
    {
        const QString help = WorkerConfig::environmentHelp();
        for (const char *name :
             {"FASTMAP_WORKER_LISTEN", "FASTMAP_WORKER_THREADS", "FASTMAP_WORKER_PLUGINS",
              "FASTMAP_WORKER_DB", "FASTMAP_WORKER_PRICE_PER_VCPU_HOUR", "FASTMAP_WORKER_TOKEN_FILE",
              "FASTMAP_WORKER_TLS_CERT", "FASTMAP_WORKER_TLS_KEY"})
            QVERIFY2(help.contains(QLatin1String(name)), name);
    }
};

QTEST_GUILESS_MAIN(TestWorkerConfig)
#include "tst_workerconfig.moc"
