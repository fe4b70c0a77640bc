// SPDX-License-Identifier: GPL-3.0-or-later
// fastmap-worker against docs/protocol.md, checked by an independent client: protocol_client.py
// speaks HTTP over a raw socket and CBOR through Debian's python3-cbor2, sharing no code with
// Fastmap. It reports what each case got back; this test compares with what the doc says.
#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace {

// Debian's interpreter, which has python3-cbor2 (the python3 on PATH may be another build).
const QString kPython = QStringLiteral("/usr/bin/python3");
const QString kClient = QStringLiteral(FASTMAP_SOURCE_DIR "/tests/worker/protocol_client.py");
constexpr qint64 kMaxRequestBytes = 1 << 20;

struct Expected
{
    const char *name;
    int status;
    const char *connection; // "open", "closed", or nullptr for either
    const char *text;       // a part of the text answer, or nullptr
};

// What docs/protocol.md says of each case.
const Expected kExpected[] = {
    {"valid", 200, "open", nullptr},
    {"keys-in-another-order", 200, "open", nullptr},
    {"inputs-before-types", 400, nullptr, "\"inputs\" comes before \"types\""},
    {"unknown-key-is-skipped", 200, "open", nullptr},
    {"content-type-with-parameters", 200, "open", nullptr},
    {"content-type-json", 415, "closed", "not \"application/json\""},
    {"content-type-missing", 415, "closed", "no Content-Type"},
    {"content-type-octet-stream", 415, "closed", "application/cbor"},
    {"first-row-text", 400, nullptr, "firstRow"},
    {"first-row-float", 400, nullptr, "firstRow"},
    {"first-row-negative", 400, nullptr, "firstRow"},
    {"version-float", 400, nullptr, nullptr},
    {"version-text", 400, nullptr, nullptr},
    {"function-integer", 400, nullptr, "function"},
    {"columns-map", 400, nullptr, "columns"},
    {"columns-text", 400, nullptr, "columns"},
    {"types-text-item", 400, nullptr, "types"},
    {"failed-map", 400, nullptr, "failed"},
    {"failed-float-item", 400, nullptr, "failed"},
    {"params-array", 400, nullptr, "params"},
    {"inputs-row-count-float", 400, nullptr, nullptr},
    {"inputs-map", 400, nullptr, nullptr},
    {"column-row-count-text", 400, nullptr, nullptr},
    {"column-values-array", 400, nullptr, nullptr},
    {"param-text-for-integer", 400, nullptr, "delay_us"},
    {"param-float-for-integer", 400, nullptr, "delay_us"},
    {"param-bool-for-integer", 400, nullptr, "delay_us"},
    {"param-integer-for-bool", 400, nullptr, "throw_batch"},
    {"param-null", 400, nullptr, "delay_us"},
    {"param-huge-integer", 400, nullptr, "2^63 - 1"},
    {"param-unknown", 400, nullptr, "no_such"},
    {"param-map-value", 400, nullptr, "a map"},
    {"param-name-integer", 400, nullptr, "parameter name"},
    {"key-integer", 400, nullptr, nullptr},
    {"duplicate-function", 400, nullptr, "duplicate key \"function\""},
    {"duplicate-inputs", 400, nullptr, "duplicate key \"inputs\""},
    {"duplicate-param", 400, nullptr, "duplicate key \"delay_us\" in \"params\""},
    {"duplicate-version-key", 400, nullptr, "duplicate key \"v\""},
    {"missing-function", 400, nullptr, "\"function\" is missing"},
    {"missing-version-key", 400, nullptr, nullptr},
    {"indefinite-map", 400, nullptr, "indefinite length"},
    {"trailing-bytes", 400, nullptr, "more bytes follow"},
    {"empty-body", 400, nullptr, nullptr},
    {"protocol-1", 400, nullptr, "speaks protocol 2"},
    {"no-token", 401, "closed", "needs a token"},
    {"unknown-token", 401, "closed", "not known"},
    {"no-token-wrong-content-type", 401, "closed", "needs a token"},
    {"no-token-huge-announced", 401, "closed", "needs a token"},
    {"unknown-token-huge-announced", 401, "closed", "not known"},
    {"too-large-announced", 413, "closed", "--max-request-bytes"},
    {"wrong-content-type-announced", 415, "closed", "application/cbor"},
    {"no-token-with-body-streaming", 401, "closed", "needs a token"},
    {"too-large-body", 413, "closed", nullptr},
    {"keep-alive", 200, "open", nullptr},
    {"connection-close", 200, "closed", nullptr},
    {"connection-close-mixed-case", 200, "closed", nullptr},
    {"http10", 200, "closed", nullptr},
    {"http10-keep-alive", 200, "open", nullptr},
    {"connection-close-on-error", 400, "closed", nullptr},
    {"connection-close-health", 200, "closed", nullptr},
    {"http10-health", 200, "closed", nullptr},
    {"health", 200, "open", nullptr},
    {"functions", 200, "open", nullptr},
    {"functions-no-token", 401, nullptr, nullptr},
    {"wrong-method", 405, nullptr, nullptr},
    {"unknown-path", 404, nullptr, nullptr},
};

} // namespace

class TestWorkerProtocol : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_worker;
    quint16 m_port = 0;
    QByteArray m_token;
    QHash<QString, QJsonObject> m_results;

    static QString binary() { return QStringLiteral(FASTMAP_BINARY_DIR "/bin/fastmap-worker"); }

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString &key : env.keys())
            if (key.startsWith(QLatin1String("FASTMAP_WORKER_")))
                env.remove(key);
        env.insert(QStringLiteral("FASTMAP_PLUGIN_PATH"), QString());
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("xdg")));
        return env;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QProcess probe;
        probe.start(kPython, {QStringLiteral("-c"), QStringLiteral("import cbor2")});
        if (!probe.waitForFinished(30000) || probe.exitCode() != 0)
            QSKIP("Debian's /usr/bin/python3 with python3-cbor2 is needed (scripts/install-deps.sh installs "
                  "it)");

        const QString db = m_dir.filePath(QStringLiteral("ledger.db"));
        QProcess tokens;
        tokens.setProcessEnvironment(environment());
        tokens.start(binary(), {"tokens", "add", "tester", "--db", db});
        QVERIFY(tokens.waitForFinished(30000));
        QCOMPARE(tokens.exitCode(), 0);
        m_token = tokens.readAllStandardOutput().trimmed();
        QVERIFY(!m_token.isEmpty());

        m_worker = std::make_unique<QProcess>();
        m_worker->setProcessEnvironment(environment());
        m_worker->start(binary(), {"--listen", "127.0.0.1:0", "--threads", "2", "--db", db, "--plugins",
                                   QStringLiteral(FASTMAP_TEST_PLUGIN_DIR "/good"), "--max-request-bytes",
                                   QString::number(kMaxRequestBytes)});
        QVERIFY(m_worker->waitForStarted(10000));
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 20000 && !m_worker->canReadLine() && m_worker->state() == QProcess::Running)
            m_worker->waitForReadyRead(200);
        const QRegularExpressionMatch m =
            QRegularExpression(QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)"))
                .match(QString::fromUtf8(m_worker->readLine()));
        QVERIFY2(m.hasMatch(), m_worker->readAllStandardError().constData());
        m_port = quint16(m.captured(1).toUInt());

        QFile plugin(QStringLiteral(FASTMAP_TEST_PLUGIN_DIR "/good/test_control.so"));
        QVERIFY2(plugin.open(QIODevice::ReadOnly), qPrintable(plugin.fileName()));
        const QByteArray hash =
            QCryptographicHash::hash(plugin.readAll(), QCryptographicHash::Sha256).toHex();

        QProcess client;
        // "--token=": a random token may start with "-", which argparse would take for an option.
        client.start(kPython, {kClient, "--port", QString::number(m_port),
                               "--token=" + QString::fromLatin1(m_token), "--sha256", QString::fromLatin1(hash),
                               "--max-request-bytes", QString::number(kMaxRequestBytes)});
        QVERIFY(client.waitForStarted(10000));
        // Every socket operation of the client has a 10 s timeout; 70 cases cannot take this long.
        if (!client.waitForFinished(240000)) {
            client.kill();
            client.waitForFinished(5000);
            QFAIL("protocol_client.py did not finish within 4 minutes");
        }
        QVERIFY2(client.exitCode() == 0, client.readAllStandardError().constData());
        for (const QByteArray &line : client.readAllStandardOutput().split('\n')) {
            if (line.trimmed().isEmpty())
                continue;
            const QJsonObject result = QJsonDocument::fromJson(line).object();
            m_results.insert(result.value(QStringLiteral("case")).toString(), result);
        }
    }

    void cleanupTestCase()
    {
        if (!m_worker || m_worker->state() == QProcess::NotRunning)
            return;
        m_worker->terminate();
        if (!m_worker->waitForFinished(20000)) {
            m_worker->kill();
            m_worker->waitForFinished(5000);
        }
    }

    void everyCaseOfTheClientIsJudged()
    {
        QSet<QString> judged;
        for (const Expected &e : kExpected)
            judged.insert(QLatin1String(e.name));
        for (auto it = m_results.cbegin(); it != m_results.cend(); ++it)
            QVERIFY2(judged.contains(it.key()),
                     qPrintable(QStringLiteral("case %1 has no expectation").arg(it.key())));
        QCOMPARE(m_results.size(), int(std::size(kExpected)));
    }

    void theWorkerDoesWhatTheDocSays_data()
    {
        QTest::addColumn<int>("index");
        for (int i = 0; i < int(std::size(kExpected)); ++i)
            QTest::newRow(kExpected[i].name) << i;
    }

    void theWorkerDoesWhatTheDocSays()
    {
        QFETCH(int, index);
        const Expected &e = kExpected[index];
        QVERIFY2(m_results.contains(QLatin1String(e.name)), "the client did not report this case");
        const QJsonObject r = m_results.value(QLatin1String(e.name));
        const QByteArray dump = QJsonDocument(r).toJson(QJsonDocument::Compact);
        QVERIFY2(!r.contains(QStringLiteral("exception")), dump.constData());
        QVERIFY2(r.value(QStringLiteral("status")).toInt() == e.status, dump.constData());
        if (e.connection)
            QVERIFY2(r.value(QStringLiteral("connection")).toString() == QLatin1String(e.connection),
                     dump.constData());
        if (e.text)
            QVERIFY2(r.value(QStringLiteral("text")).toString().contains(QString::fromUtf8(e.text)),
                     dump.constData());
        if (e.status == 401)
            QVERIFY2(r.value(QStringLiteral("headers"))
                         .toObject()
                         .value(QStringLiteral("www-authenticate"))
                         .toString()
                         .startsWith(QStringLiteral("Bearer")),
                     dump.constData());
    }

    // The answer to a valid batch: its rows, the client's failed row kept failed, the function's
    // own failures named.
    void aValidBatchIsAnsweredInFull()
    {
        const QJsonObject r = m_results.value(QStringLiteral("valid"));
        const QByteArray dump = QJsonDocument(r).toJson(QJsonDocument::Compact);
        QCOMPARE(
            r.value(QStringLiteral("headers")).toObject().value(QStringLiteral("content-type")).toString(),
            QStringLiteral("application/cbor"));
        const QJsonObject answer = r.value(QStringLiteral("answer")).toObject();
        QVERIFY2(!answer.isEmpty(), dump.constData());
        QVERIFY2(dump.contains("cursed"), dump.constData());
    }

    // A request refused from its head alone is answered without waiting for a body that never comes.
    void headRefusalsDoNotWaitForTheBody()
    {
        for (const char *name : {"no-token-huge-announced", "unknown-token-huge-announced",
                                 "too-large-announced", "wrong-content-type-announced"}) {
            const QJsonObject r = m_results.value(QLatin1String(name));
            QVERIFY2(r.value(QStringLiteral("seconds")).toDouble(99) < 5,
                     QJsonDocument(r).toJson(QJsonDocument::Compact).constData());
        }
    }

    void theWorkerSurvivedEveryCase() { QCOMPARE(m_worker->state(), QProcess::Running); }
};

QTEST_GUILESS_MAIN(TestWorkerProtocol)
#include "tst_workerprotocol.moc"
