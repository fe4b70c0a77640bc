// SPDX-License-Identifier: GPL-3.0-or-later
// fastmap-worker end to end: the real executable, the test.control plugin, real HTTP(S).
#include "util/BatchCodec.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QCryptographicHash>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace fastmap;

namespace {

const QString kPluginDir = QStringLiteral(FASTMAP_TEST_PLUGIN_DIR "/good");
// test.control's outputs: twice (integer), thread (string).
const std::vector<ColumnType> kOutputs{ColumnType::Int64, ColumnType::Text};

struct HttpResult
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QString errorString;
    QByteArray body;
    QByteArray contentType;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    bool timedOut = false;
};

// One fastmap-worker process started by a test, killed (by its own handle) if the test leaves it running.
struct WorkerProcess
{
    std::unique_ptr<QProcess> process = std::make_unique<QProcess>();
    QString url;
    quint16 port = 0;
    QByteArray firstLine;
    QByteArray standardError; // what was read so far

    ~WorkerProcess()
    {
        if (process->state() != QProcess::NotRunning) {
            process->kill();
            process->waitForFinished(5000);
        }
    }
    qint64 pid() const { return process->processId(); }
    QByteArray readStandardError()
    {
        standardError += process->readAllStandardError();
        return standardError;
    }
    // Everything it wrote; call after it finished.
    QByteArray allOutput() { return firstLine + process->readAllStandardOutput() + readStandardError(); }
};

} // namespace

class TestWorkerServer : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_db;
    QByteArray m_token; // "tester", no credit limit
    QString m_pluginHash;
    QNetworkAccessManager m_nam;
    std::unique_ptr<WorkerProcess> m_main; // --threads 2, price 1 USD per vCPU-hour

    static QString binary() { return QStringLiteral(FASTMAP_BINARY_DIR "/bin/fastmap-worker"); }

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString &key : env.keys())
            if (key.startsWith(QLatin1String("FASTMAP_WORKER_")))
                env.remove(key);
        env.insert(QStringLiteral("FASTMAP_PLUGIN_PATH"), QString());
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath("xdg"));
        return env;
    }

    struct CliResult
    {
        int exitCode = -1;
        QString out;
        QString err;
    };

    CliResult runCli(const QStringList &arguments)
    {
        QProcess process;
        process.setProcessEnvironment(environment());
        process.start(binary(), arguments);
        CliResult r;
        if (!process.waitForFinished(30000)) {
            process.kill();
            process.waitForFinished(5000);
            qWarning("fastmap-worker %s timed out", qPrintable(arguments.join(' ')));
            return r;
        }
        r.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        r.out = QString::fromUtf8(process.readAllStandardOutput());
        r.err = QString::fromUtf8(process.readAllStandardError());
        return r;
    }

    QByteArray addToken(const QString &name, const QString &db, const QStringList &extra = {})
    {
        const CliResult r = runCli(QStringList{"tokens", "add", name, "--db", db} + extra);
        if (r.exitCode != 0) {
            qWarning("tokens add failed: %s", qPrintable(r.err));
            return {};
        }
        return r.out.trimmed().toLatin1();
    }

    // Starts a worker and reads its address from the first line of its standard output.
    std::unique_ptr<WorkerProcess> startWorker(const QStringList &arguments)
    {
        auto worker = std::make_unique<WorkerProcess>();
        worker->process->setProcessEnvironment(environment());
        worker->process->start(binary(),
                               QStringList{"--listen", "127.0.0.1:0", "--plugins", kPluginDir} + arguments);
        if (!worker->process->waitForStarted(10000)) {
            qWarning("fastmap-worker did not start");
            return nullptr;
        }
        QElapsedTimer clock;
        clock.start();
        while (!worker->process->canReadLine() && clock.elapsed() < 20000 &&
               worker->process->state() == QProcess::Running)
            worker->process->waitForReadyRead(100);
        worker->firstLine = worker->process->readLine();
        static const QRegularExpression pattern(
            QStringLiteral("^fastmap-worker listening on (https?://127\\.0\\.0\\.1:(\\d+))\n$"));
        const QRegularExpressionMatch match = pattern.match(QString::fromUtf8(worker->firstLine));
        if (!match.hasMatch()) {
            worker->process->waitForFinished(2000);
            qWarning("unexpected first line \"%s\"; stderr: %s", worker->firstLine.constData(),
                     worker->process->readAllStandardError().constData());
            return nullptr;
        }
        worker->url = match.captured(1);
        worker->port = quint16(match.captured(2).toUInt());
        return worker;
    }

    // Sends SIGTERM and waits for a clean exit; returns the exit code (-1 on crash or timeout).
    static int stopWorker(WorkerProcess &worker, int timeoutMs = 20000)
    {
        worker.process->terminate();
        if (!worker.process->waitForFinished(timeoutMs)) {
            worker.process->kill();
            worker.process->waitForFinished(5000);
            return -1;
        }
        return worker.process->exitStatus() == QProcess::NormalExit ? worker.process->exitCode() : -1;
    }

    QNetworkReply *send(const QByteArray &verb, const QString &url, const QByteArray &body = {},
                        const QByteArray &token = {}, const QSslConfiguration *ssl = nullptr)
    {
        QNetworkRequest request{QUrl(url)};
        if (!token.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + token);
        if (!body.isEmpty() || verb == "POST")
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/cbor"));
        if (ssl)
            request.setSslConfiguration(*ssl);
        request.setTransferTimeout(60000);
        return m_nam.sendCustomRequest(request, verb, body);
    }

    static HttpResult wait(QNetworkReply *reply, int timeoutMs = 60000)
    {
        HttpResult result;
        if (!reply->isFinished()) {
            QEventLoop loop;
            QTimer timer;
            timer.setSingleShot(true);
            QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
            QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
            timer.start(timeoutMs);
            loop.exec();
            if (!reply->isFinished()) {
                result.timedOut = true;
                reply->abort();
            }
        }
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.error = reply->error();
        result.errorString = reply->errorString();
        result.body = reply->readAll();
        result.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        for (const auto &pair : reply->rawHeaderPairs())
            result.headers.insert(pair.first.toLower(), pair.second);
        reply->deleteLater();
        return result;
    }

    HttpResult get(const QString &url, const QByteArray &token = {}, const QSslConfiguration *ssl = nullptr)
    {
        return wait(send("GET", url, {}, token, ssl));
    }

    HttpResult post(const QString &url, const QByteArray &body, const QByteArray &token)
    {
        return wait(send("POST", url, body, token));
    }

    BatchRequest controlBatch(int rows, const QVariantMap &params = {}, qint64 first = 0) const
    {
        BatchRequest request;
        request.functionId = QStringLiteral("test.control");
        request.functionVersion = QStringLiteral("1.0.0");
        request.pluginSha256 = m_pluginHash;
        request.params = params;
        request.columns = QStringList{QStringLiteral("x")};
        request.firstRow = 0;
        request.inputs = Table({ColumnType::Int64}, rows);
        for (int r = 0; r < rows; ++r)
            request.inputs.integers(0)[std::size_t(r)] = first + r;
        return request;
    }

    // A batch that keeps one worker thread busy for about `ms` milliseconds.
    QByteArray slowBatch(int ms) const
    {
        return BatchCodec::encodeRequest(controlBatch(ms / 50, {{"delay_us", 50000}}));
    }

    static QString metric(const QByteArray &exposition, const QString &name)
    {
        for (const QByteArray &line : exposition.split('\n'))
            if (line.startsWith(name.toUtf8() + ' '))
                return QString::fromUtf8(line.mid(name.size() + 1));
        return {};
    }

    // Polls /v1/health until `busy` reaches `busy`, for at most `timeoutMs`.
    bool waitForBusy(const QString &url, int busy, int timeoutMs = 10000)
    {
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < timeoutMs) {
            const HttpResult health = get(url + "/v1/health");
            if (QJsonDocument::fromJson(health.body).object().value("busy").toInt() == busy)
                return true;
            QTest::qWait(20);
        }
        return false;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFile::exists(binary()), qPrintable(binary()));
        QFile plugin(kPluginDir + "/test_control.so");
        QVERIFY2(plugin.open(QIODevice::ReadOnly), qPrintable(plugin.fileName()));
        m_pluginHash = QString::fromLatin1(
            QCryptographicHash::hash(plugin.readAll(), QCryptographicHash::Sha256).toHex());
        m_db = m_dir.filePath("main.db");
        m_token = addToken("tester", m_db);
        QVERIFY(!m_token.isEmpty());
        m_main = startWorker({"--db", m_db, "--threads", "2", "--price-per-vcpu-hour", "1"});
        QVERIFY(m_main);
        QVERIFY(m_main->url.startsWith("http://"));
    }

    void cleanupTestCase()
    {
        if (!m_main)
            return;
        QCOMPARE(stopWorker(*m_main), 0);
        // The token never reaches the worker's output.
        const QByteArray output = m_main->allOutput();
        QVERIFY(output.contains("fastmap-worker: batch token="));
        QVERIFY(!output.contains(m_token));
        QFile db(m_db);
        QVERIFY(db.open(QIODevice::ReadOnly));
        QVERIFY(!db.readAll().contains(m_token));
    }

    void versionAndHelp()
    {
        CliResult r = runCli({"--version"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith("fastmap-worker 0."));
        r = runCli({"--help"});
        QCOMPARE(r.exitCode, 0);
        for (const char *needle : {"tokens add NAME", "credits show", "serve", "--db", "Exit codes"})
            QVERIFY2(r.out.contains(QLatin1String(needle)), needle);
        r = runCli({"serve", "--help"});
        QCOMPARE(r.exitCode, 0);
        for (const char *needle :
             {"--listen", "--threads", "--plugins", "--price-per-vcpu-hour", "--token-file", "--tls-cert",
              "--tls-key", "--max-request-bytes", "--client-timeout", "--no-auth", "FASTMAP_WORKER_LISTEN",
              "FASTMAP_WORKER_TLS_KEY", "SIGTERM", "listening on"})
            QVERIFY2(r.out.contains(QLatin1String(needle)), needle);
        QCOMPARE(runCli({"help", "serve"}).out, r.out);
        r = runCli({"tokens", "--help"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("--credits"));
        QCOMPARE(runCli({"credits", "--help"}).exitCode, 0);
    }

    void startupRefusals()
    {
        const QString empty = m_dir.filePath("empty.db");
        CliResult r = runCli({"--listen", "127.0.0.1:0", "--db", empty});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("no access token") && r.err.contains("--no-auth"), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
        r = runCli({"--threads", "0", "--db", empty});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--threads"), qPrintable(r.err));
        r = runCli({"--db", empty, "--token-file", m_dir.filePath("no-such-token")});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("no-such-token"), qPrintable(r.err));
        r = runCli({"frobnicate"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("frobnicate"));
        // Another process already listens on the port.
        r = runCli(
            {"--no-auth", "--db", empty, "--listen", QStringLiteral("127.0.0.1:%1").arg(m_main->port)});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("cannot listen on 127.0.0.1:"), qPrintable(r.err));
    }

    void health()
    {
        const HttpResult r = get(m_main->url + "/v1/health");
        QCOMPARE(r.status, 200);
        QVERIFY(r.contentType.startsWith("application/json"));
        const QJsonObject o = QJsonDocument::fromJson(r.body).object();
        QCOMPARE(o.value("status").toString(), QStringLiteral("ok"));
        QCOMPARE(o.value("protocol").toInt(), 2);
        QCOMPARE(o.value("threads").toInt(), 2);
        QCOMPARE(o.value("busy").toInt(), 0);
        QCOMPARE(o.value("queued").toInt(), 0);
        QCOMPARE(o.value("pricePerVcpuHour").toDouble(), 1.0);
        QVERIFY(o.value("version").toString().startsWith("0."));
        QCOMPARE(wait(send("POST", m_main->url + "/v1/health", "x")).status, 405);
    }

    void functionsListTheInstalledPlugins()
    {
        QCOMPARE(get(m_main->url + "/v1/functions").status, 401);
        const HttpResult r = get(m_main->url + "/v1/functions", m_token);
        QCOMPARE(r.status, 200);
        const QJsonArray functions = QJsonDocument::fromJson(r.body).object().value("functions").toArray();
        QJsonObject control;
        for (const QJsonValue &f : functions)
            if (f.toObject().value("id").toString() == QLatin1String("test.control"))
                control = f.toObject();
        QVERIFY2(!control.isEmpty(), r.body.constData());
        QCOMPARE(control.value("version").toString(), QStringLiteral("1.0.0"));
        QCOMPARE(control.value("sha256").toString(), m_pluginHash);
        QCOMPARE(control.value("inputs").toArray(), QJsonArray{"x"});
        QCOMPARE(control.value("outputs").toArray(), (QJsonArray{"twice", "thread"}));
        QVERIFY(!QJsonDocument::fromJson(r.body).object().contains("creditsLeft")); // tester has no limit
    }

    void batchRoundTrip()
    {
        const HttpResult r = post(
            m_main->url + "/v1/batches",
            BatchCodec::encodeRequest(controlBatch(100, {{"fail_modulo", 7}, {"delay_us", 100}})), m_token);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.contentType, QByteArray("application/cbor"));
        BatchResponse response;
        QString error;
        QVERIFY2(BatchCodec::decodeResponse(r.body, 100, kOutputs, &response, &error), qPrintable(error));
        QCOMPARE(response.output.failedCount(), 15); // 0, 7, ..., 98
        for (int row = 0; row < 100; ++row) {
            if (row % 7 == 0) {
                QVERIFY(response.output.failed(row));
                QCOMPARE(response.output.error(row), QStringLiteral("element %1 is cursed").arg(row));
            } else {
                QVERIFY(!response.output.failed(row));
                QCOMPARE(response.output.values().integers(0)[std::size_t(row)], qint64(2 * row));
                QVERIFY(!response.output.values().text(1, row).empty());
            }
        }
        QVERIFY(response.vcpuSeconds > 0);
        QVERIFY(response.charge > 0);
        QVERIFY(qAbs(response.charge - response.vcpuSeconds / 3600.0) < 1e-12);
        QCOMPARE(response.creditsLeft, -1.0); // tester has no credit limit
    }

    void aThrowingBatchFailsOnlyItsCulprits()
    {
        const HttpResult r =
            post(m_main->url + "/v1/batches",
                 BatchCodec::encodeRequest(
                     controlBatch(20, {{"fail_modulo", 10}, {"fail_remainder", 3}, {"throw_batch", true}})),
                 m_token);
        QCOMPARE(r.status, 200);
        BatchResponse response;
        QString error;
        QVERIFY2(BatchCodec::decodeResponse(r.body, 20, kOutputs, &response, &error), qPrintable(error));
        QCOMPARE(response.output.failedCount(), 2);
        QVERIFY(response.output.failed(3) && response.output.failed(13));
        QCOMPARE(response.output.values().integers(0)[4], qint64(8));
    }

    void rowsTheClientFailedReachTheFunctionFailed()
    {
        // Row 3 did not convert on the client: the function skips it (so it does not throw for
        // it), and only row 13 is run on its own.
        BatchRequest request = controlBatch(20, {{"fail_modulo", 10}, {"fail_remainder", 3}, {"throw_batch", true}});
        request.failedRows = {3};
        const HttpResult r = post(m_main->url + "/v1/batches", BatchCodec::encodeRequest(request), m_token);
        QCOMPARE(r.status, 200);
        BatchResponse response;
        QString error;
        QVERIFY2(BatchCodec::decodeResponse(r.body, 20, kOutputs, &response, &error), qPrintable(error));
        QCOMPARE(response.output.failedCount(), 2);
        QCOMPARE(response.output.error(3), QStringLiteral("the input did not convert"));
        QCOMPARE(response.output.error(13), QStringLiteral("element 13 is cursed"));
        QCOMPARE(response.output.values().integers(0)[19], qint64(38));
    }

    void otherProtocolVersionsAreRefused()
    {
        const QString url = m_main->url + "/v1/batches";
        // What a version-1 client sends.
        QCborMap v1{{QStringLiteral("v"), 1},
                    {QStringLiteral("function"), QStringLiteral("test.control")},
                    {QStringLiteral("version"), QStringLiteral("1.0.0")},
                    {QStringLiteral("sha256"), m_pluginHash},
                    {QStringLiteral("params"), QCborMap{}},
                    {QStringLiteral("columns"), QCborArray{QStringLiteral("x")}},
                    {QStringLiteral("firstRow"), 0},
                    {QStringLiteral("rows"), QCborArray{QCborArray{1}, QCborArray{2}}}};
        HttpResult r = post(url, v1.toCborValue().toCbor(), m_token);
        QCOMPARE(r.status, 400);
        QVERIFY2(r.body.contains("this worker speaks protocol 2; the client sent 1 \xe2\x80\x94 upgrade the client"),
                 r.body.constData());
        QCborMap v3 = QCborValue::fromCbor(BatchCodec::encodeRequest(controlBatch(2))).toMap();
        v3.insert(QStringLiteral("v"), 3);
        r = post(url, v3.toCborValue().toCbor(), m_token);
        QCOMPARE(r.status, 400);
        QVERIFY2(r.body.contains("the client sent 3 \xe2\x80\x94 upgrade the worker"), r.body.constData());
        // The worker stays usable.
        QCOMPARE(post(url, BatchCodec::encodeRequest(controlBatch(2)), m_token).status, 200);
    }

    void unauthorized()
    {
        const QByteArray body = BatchCodec::encodeRequest(controlBatch(3));
        HttpResult r = post(m_main->url + "/v1/batches", body, {});
        QCOMPARE(r.status, 401);
        QVERIFY(r.headers.value("www-authenticate").startsWith("Bearer"));
        r = post(m_main->url + "/v1/batches", body, "not-a-token");
        QCOMPARE(r.status, 401);
        QVERIFY(r.headers.value("www-authenticate").startsWith("Bearer"));
        // Almost the token: one character changed.
        QByteArray almost = m_token;
        almost[0] = almost[0] == 'A' ? 'B' : 'A';
        QCOMPARE(post(m_main->url + "/v1/batches", body, almost).status, 401);
        QCOMPARE(get(m_main->url + "/v1/functions", "wrong").status, 401);
    }

    void refusedBatches()
    {
        const QString url = m_main->url + "/v1/batches";
        // Garbage CBOR.
        HttpResult r = post(url, QByteArray("\xff\x00garbage", 9), m_token);
        QCOMPARE(r.status, 400);
        QVERIFY(r.contentType.startsWith("text/plain"));
        QVERIFY2(r.body.contains("cannot decode"), r.body.constData());
        // Unknown function.
        BatchRequest request = controlBatch(2);
        request.functionId = QStringLiteral("no.such");
        r = post(url, BatchCodec::encodeRequest(request), m_token);
        QCOMPARE(r.status, 404);
        QVERIFY(r.body.contains("no.such"));
        // A huge or multi-line name is quoted short, on one line.
        request.functionId = QString(100000, QLatin1Char('f')) + QStringLiteral("\nfake log line");
        r = post(url, BatchCodec::encodeRequest(request), m_token);
        QCOMPARE(r.status, 404);
        QVERIFY2(r.body.size() < 1000 && r.body.count('\n') == 1, r.body.left(200).constData());
        // Another version.
        request = controlBatch(2);
        request.functionVersion = QStringLiteral("9.9.9");
        r = post(url, BatchCodec::encodeRequest(request), m_token);
        QCOMPARE(r.status, 409);
        QVERIFY2(r.body.contains("9.9.9") && r.body.contains("1.0.0"), r.body.constData());
        // Another build of the plugin.
        request = controlBatch(2);
        request.pluginSha256 = QString(64, QLatin1Char('0'));
        r = post(url, BatchCodec::encodeRequest(request), m_token);
        QCOMPARE(r.status, 409);
        QVERIFY2(r.body.contains(request.pluginSha256.toLatin1()) && r.body.contains(m_pluginHash.toLatin1()),
                 r.body.constData());
        // Bad parameters.
        r = post(url, BatchCodec::encodeRequest(controlBatch(2, {{"delay_us", -5}})), m_token);
        QCOMPARE(r.status, 400);
        QVERIFY2(r.body.contains("delay_us"), r.body.constData());
        r = post(url, BatchCodec::encodeRequest(controlBatch(2, {{"no_such_param", 1}})), m_token);
        QCOMPARE(r.status, 400);
        // Columns that are not the function's inputs.
        request = controlBatch(2);
        request.columns = QStringList{QStringLiteral("y")};
        r = post(url, BatchCodec::encodeRequest(request), m_token);
        QCOMPARE(r.status, 400);
        QVERIFY2(r.body.contains("[x]") && r.body.contains("[y]"), r.body.constData());
        // Inputs of another type than the function's metadata declares.
        request = controlBatch(2);
        request.inputs = Table({ColumnType::Float64}, 2);
        r = post(url, BatchCodec::encodeRequest(request), m_token);
        QCOMPARE(r.status, 400);
        QVERIFY2(r.body.contains("takes [x (integer)], but the batch's columns are [x (number)]"), r.body.constData());
        // Wrong method and unknown path.
        QCOMPARE(get(url, m_token).status, 405);
        QCOMPARE(get(m_main->url + "/v2/batches", m_token).status, 404);
    }

    void metricsCountersMove()
    {
        HttpResult before = get(m_main->url + "/metrics");
        QCOMPARE(before.status, 200);
        QVERIFY(before.contentType.startsWith("text/plain"));
        for (const char *name : {"batches_total", "elements_total", "element_errors_total", "busy_threads",
                                 "threads", "charges_usd_total", "vcpu_seconds_total", "requests_total"}) {
            QVERIFY2(before.body.contains(QByteArray("# HELP fastmap_worker_") + name + ' '), name);
            QVERIFY2(before.body.contains(QByteArray("# TYPE fastmap_worker_") + name + ' '), name);
        }
        QCOMPARE(metric(before.body, "fastmap_worker_threads"), QStringLiteral("2"));
        const qint64 batches = metric(before.body, "fastmap_worker_batches_total").toLongLong();
        const qint64 elements = metric(before.body, "fastmap_worker_elements_total").toLongLong();
        const qint64 errors = metric(before.body, "fastmap_worker_element_errors_total").toLongLong();
        const qint64 ok = metric(before.body, "fastmap_worker_requests_total{code=\"200\"}").toLongLong();
        const double vcpu = metric(before.body, "fastmap_worker_vcpu_seconds_total").toDouble();
        QCOMPARE(post(m_main->url + "/v1/batches",
                      BatchCodec::encodeRequest(controlBatch(30, {{"fail_modulo", 10}, {"delay_us", 200}})),
                      m_token)
                     .status,
                 200);
        QCOMPARE(post(m_main->url + "/v1/batches", "junk", m_token).status, 400);
        const HttpResult after = get(m_main->url + "/metrics");
        QCOMPARE(metric(after.body, "fastmap_worker_batches_total").toLongLong(), batches + 1);
        QCOMPARE(metric(after.body, "fastmap_worker_elements_total").toLongLong(), elements + 30);
        QCOMPARE(metric(after.body, "fastmap_worker_element_errors_total").toLongLong(), errors + 3);
        QVERIFY(metric(after.body, "fastmap_worker_requests_total{code=\"200\"}").toLongLong() >= ok + 2);
        QVERIFY(metric(after.body, "fastmap_worker_requests_total{code=\"400\"}").toLongLong() >= 1);
        QVERIFY(metric(after.body, "fastmap_worker_vcpu_seconds_total").toDouble() > vcpu);
        QVERIFY(metric(after.body, "fastmap_worker_charges_usd_total").toDouble() > 0);
    }

    void oneLogLinePerBatch()
    {
        QCOMPARE(
            post(m_main->url + "/v1/batches", BatchCodec::encodeRequest(controlBatch(7)), m_token).status,
            200);
        static const QRegularExpression line(
            QStringLiteral("fastmap-worker: batch token=tester function=test\\.control rows=7 ms=\\d+ "
                           "vcpu-s=\\S+ charge=\\S+ status=200\n"));
        QElapsedTimer clock;
        clock.start();
        while (!line.match(QString::fromUtf8(m_main->readStandardError())).hasMatch() &&
               clock.elapsed() < 10000)
            m_main->process->waitForReadyRead(100);
        QVERIFY2(line.match(QString::fromUtf8(m_main->standardError)).hasMatch(),
                 m_main->standardError.constData());
        QVERIFY(!m_main->standardError.contains(m_token));
    }

    void creditsShowReflectsCharges()
    {
        QCOMPARE(post(m_main->url + "/v1/batches",
                      BatchCodec::encodeRequest(controlBatch(10, {{"delay_us", 500}})), m_token)
                     .status,
                 200);
        const CliResult r = runCli({"credits", "show", "tester", "--db", m_db});
        QCOMPARE(r.exitCode, 0);
        static const QRegularExpression pattern(
            QStringLiteral("^tester: no credit limit; charged (\\S+) USD for (\\d+) batches \\((\\d+) "
                           "elements, (\\S+) vCPU-s\\)"));
        const QRegularExpressionMatch match = pattern.match(r.out);
        QVERIFY2(match.hasMatch(), qPrintable(r.out));
        QVERIFY(match.captured(1).toDouble() > 0);
        QVERIFY(match.captured(2).toInt() >= 1);
        QVERIFY(match.captured(3).toInt() >= 10);
        QVERIFY(match.captured(4).toDouble() > 0);
        const CliResult list = runCli({"tokens", "list", "--db", m_db});
        QCOMPARE(list.exitCode, 0);
        QVERIFY(list.out.contains("tester"));
        QVERIFY(!list.out.contains(QString::fromLatin1(m_token)));
        QVERIFY(!list.out.contains(
            QString::fromLatin1(QCryptographicHash::hash(m_token, QCryptographicHash::Sha256).toHex())));
    }

    void tokensAreManagedWhileServing()
    {
        const QByteArray token = addToken("visitor", m_db);
        QVERIFY(!token.isEmpty());
        QCOMPARE(get(m_main->url + "/v1/functions", token).status, 200);
        CliResult r = runCli({"tokens", "remove", "visitor", "--db", m_db});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(get(m_main->url + "/v1/functions", token).status, 401);
        r = runCli({"tokens", "remove", "visitor", "--db", m_db});
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.err.contains("visitor"));
        r = runCli({"tokens", "add", "bad name", "--db", m_db});
        QCOMPARE(r.exitCode, 2);
        r = runCli({"tokens", "add", "tester", "--db", m_db});
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.err.contains("already exists"));
        r = runCli({"credits", "add", "tester", "5", "--db", m_db});
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.err.contains("no credit limit"));
        r = runCli({"credits", "add", "tester", "lots", "--db", m_db});
        QCOMPARE(r.exitCode, 2);
    }

    void allThreadsBusyGives503WithRetryAfter()
    {
        const QString db = m_dir.filePath("busy.db");
        const QByteArray token = addToken("busy", db);
        std::unique_ptr<WorkerProcess> worker = startWorker({"--db", db, "--threads", "1"});
        QVERIFY(worker);
        // One batch runs and one waits for the thread; the third is refused.
        QNetworkReply *slow = send("POST", worker->url + "/v1/batches", slowBatch(2000), token);
        QVERIFY(waitForBusy(worker->url, 1));
        QNetworkReply *waiting = send("POST", worker->url + "/v1/batches", slowBatch(500), token);
        QTRY_COMPARE_WITH_TIMEOUT(
            QJsonDocument::fromJson(get(worker->url + "/v1/health").body).object().value("queued").toInt(), 1, 10000);
        const HttpResult refused =
            post(worker->url + "/v1/batches", BatchCodec::encodeRequest(controlBatch(1)), token);
        QCOMPARE(refused.status, 503);
        QCOMPARE(refused.headers.value("retry-after"), QByteArray("1"));
        QVERIFY2(refused.body.contains("1 batches wait"), refused.body.constData());
        QCOMPARE(wait(slow).status, 200);
        QCOMPARE(wait(waiting).status, 200);
        QCOMPARE(post(worker->url + "/v1/batches", BatchCodec::encodeRequest(controlBatch(1)), token).status,
                 200);
        QCOMPARE(stopWorker(*worker), 0);
    }

    void exhaustedCreditsGive402()
    {
        const QString db = m_dir.filePath("credits.db");
        const QByteArray token = addToken("poor", db, {"--credits", "0.001"});
        QVERIFY(!token.isEmpty());
        // 1000 USD per vCPU-second: a few milliseconds of CPU use the credits up.
        std::unique_ptr<WorkerProcess> worker = startWorker({"--db", db, "--price-per-vcpu-hour", "3600000"});
        QVERIFY(worker);
        HttpResult r = get(worker->url + "/v1/functions", token);
        QCOMPARE(QJsonDocument::fromJson(r.body).object().value("creditsLeft").toDouble(), 0.001);
        const QByteArray body = BatchCodec::encodeRequest(controlBatch(10, {{"delay_us", 1000}}));
        r = post(worker->url + "/v1/batches", body, token);
        QCOMPARE(r.status, 200);
        BatchResponse response;
        QString error;
        QVERIFY2(BatchCodec::decodeResponse(r.body, 10, kOutputs, &response, &error), qPrintable(error));
        QVERIFY(response.charge > 0.001);
        QCOMPARE(response.creditsLeft, 0.0);
        int status = 0;
        for (int i = 0; i < 3 && status != 402; ++i)
            status = post(worker->url + "/v1/batches", body, token).status;
        QCOMPARE(status, 402);
        // Other refusals come first: an unknown function is still 404.
        BatchRequest unknown = controlBatch(1);
        unknown.functionId = QStringLiteral("no.such");
        QCOMPARE(post(worker->url + "/v1/batches", BatchCodec::encodeRequest(unknown), token).status, 404);
        // More credits make the token usable again.
        CliResult c = runCli({"credits", "add", "poor", "1000000", "--db", db});
        QCOMPARE(c.exitCode, 0);
        QCOMPARE(post(worker->url + "/v1/batches", body, token).status, 200);
        QCOMPARE(stopWorker(*worker), 0);
        c = runCli({"credits", "show", "poor", "--db", db});
        QCOMPARE(c.exitCode, 0);
        QVERIFY2(c.out.startsWith("poor: ") && c.out.contains("USD left") && c.out.contains("for 2 batches"),
                 qPrintable(c.out));
    }

    void oversizedBodiesGive413()
    {
        const QString db = m_dir.filePath("small.db");
        const QByteArray token = addToken("small", db);
        std::unique_ptr<WorkerProcess> worker = startWorker({"--db", db, "--max-request-bytes", "4000000"});
        QVERIFY(worker);
        // 8 bytes per row: 600000 rows are over the limit, 450000 under it.
        const QByteArray tooBig = BatchCodec::encodeRequest(controlBatch(600000, {}, qint64(1) << 40));
        QVERIFY(tooBig.size() > 4000000 && tooBig.size() < 5000000);
        HttpResult r = post(worker->url + "/v1/batches", tooBig, token);
        QCOMPARE(r.status, 413);
        QVERIFY2(r.body.contains("4000000"), r.body.constData());
        // Authentication is checked first.
        QCOMPARE(post(worker->url + "/v1/batches", tooBig, "wrong").status, 401);
        // A body just under the limit, arriving in many reads, is served.
        const QByteArray large = BatchCodec::encodeRequest(controlBatch(450000, {}, qint64(1) << 40));
        QVERIFY(large.size() > 3000000 && large.size() < 4000000);
        r = post(worker->url + "/v1/batches", large, token);
        QCOMPARE(r.status, 200);
        BatchResponse response;
        QString error;
        QVERIFY2(BatchCodec::decodeResponse(r.body, 450000, kOutputs, &response, &error), qPrintable(error));
        QCOMPARE(response.output.values().integers(0)[449999], 2 * ((qint64(1) << 40) + 449999));
        // Far beyond the limit, the connection is cut before the body is all read: 413 or a closed
        // connection.
        r = post(worker->url + "/v1/batches", QByteArray(12 * 1024 * 1024, 'x'), token);
        QVERIFY2(r.status == 413 || (r.status == 0 && r.error != QNetworkReply::NoError),
                 qPrintable(r.errorString));
        QVERIFY(!r.timedOut);
        QCOMPARE(post(worker->url + "/v1/batches", BatchCodec::encodeRequest(controlBatch(10)), token).status,
                 200);
        QCOMPARE(stopWorker(*worker), 0);
    }

    void malformedHttpDoesNotHurt()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_main->port);
        QVERIFY(socket.waitForConnected(5000));
        socket.write("\x01\x02 this is not HTTP at all\r\n\r\n");
        QVERIFY(socket.waitForBytesWritten(5000));
        QTest::qWait(200);
        socket.abort();
        QCOMPARE(get(m_main->url + "/v1/health").status, 200);
        QCOMPARE(m_main->process->state(), QProcess::Running);
    }

    void aClientThatLeavesMidBatchDoesNotHurt()
    {
        QNetworkReply *slow = send("POST", m_main->url + "/v1/batches", slowBatch(2000), m_token);
        QVERIFY(waitForBusy(m_main->url, 1));
        slow->abort();
        slow->deleteLater();
        QVERIFY(waitForBusy(m_main->url, 0));
        QCOMPARE(
            post(m_main->url + "/v1/batches", BatchCodec::encodeRequest(controlBatch(3)), m_token).status,
            200);
        QCOMPARE(m_main->process->state(), QProcess::Running);
    }

    void noAuthServesAnyone()
    {
        const QString db = m_dir.filePath("open.db");
        std::unique_ptr<WorkerProcess> worker = startWorker({"--db", db, "--no-auth"});
        QVERIFY(worker);
        QCOMPARE(get(worker->url + "/v1/functions").status, 200);
        QCOMPARE(post(worker->url + "/v1/batches", BatchCodec::encodeRequest(controlBatch(5)), {}).status,
                 200);
        QCOMPARE(stopWorker(*worker), 0);
    }

    void tokenFile()
    {
        const QString path = m_dir.filePath("worker-token.txt");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("s3cret-token-from-file\n");
        file.close();
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        const QString db = m_dir.filePath("tokenfile.db");
        std::unique_ptr<WorkerProcess> worker = startWorker({"--db", db, "--token-file", path});
        QVERIFY(worker);
        QCOMPARE(get(worker->url + "/v1/functions", "s3cret-token-from-file").status, 200);
        QCOMPARE(post(worker->url + "/v1/batches", BatchCodec::encodeRequest(controlBatch(5)),
                      "s3cret-token-from-file")
                     .status,
                 200);
        QCOMPARE(get(worker->url + "/v1/functions", "s3cret-token").status, 401);
        QCOMPARE(stopWorker(*worker), 0);
        const QByteArray output = worker->allOutput();
        QVERIFY(!output.contains("s3cret-token"));
        QVERIFY(output.contains("token=token-file"));
        const CliResult r = runCli({"credits", "show", "token-file", "--db", db});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("for 1 batches"), qPrintable(r.out));
    }

    void sigtermDrains()
    {
        const QString db = m_dir.filePath("drain.db");
        const QByteArray token = addToken("drain", db);
        std::unique_ptr<WorkerProcess> worker = startWorker({"--db", db, "--threads", "2"});
        QVERIFY(worker);
        QNetworkReply *slow = send("POST", worker->url + "/v1/batches", slowBatch(3000), token);
        QVERIFY(waitForBusy(worker->url, 1));
        QElapsedTimer clock;
        clock.start();
        worker->process->terminate();
        // Health says draining (or the port is already closed), and new batches are refused.
        QTest::qWait(200);
        const HttpResult health = get(worker->url + "/v1/health");
        QVERIFY2(health.status == 0 ||
                     QJsonDocument::fromJson(health.body).object().value("status").toString() == "draining",
                 health.body.constData());
        const HttpResult refused =
            post(worker->url + "/v1/batches", BatchCodec::encodeRequest(controlBatch(1)), token);
        QVERIFY2(refused.status == 503 || (refused.status == 0 && refused.error != QNetworkReply::NoError),
                 qPrintable(QString::number(refused.status) + refused.errorString));
        // The batch in flight is still answered.
        const HttpResult done = wait(slow);
        QCOMPARE(done.status, 200);
        BatchResponse response;
        QString error;
        QVERIFY2(BatchCodec::decodeResponse(done.body, 60, kOutputs, &response, &error), qPrintable(error));
        QCOMPARE(response.output.values().integers(0)[59], qint64(118));
        QVERIFY(worker->process->waitForFinished(20000));
        QCOMPARE(worker->process->exitStatus(), QProcess::NormalExit);
        QCOMPARE(worker->process->exitCode(), 0);
        QVERIFY(clock.elapsed() < 20000);
        QVERIFY(worker->allOutput().contains("draining"));
    }

    void idleConnectionsAreClosed()
    {
        const QString db = m_dir.filePath("idle.db");
        std::unique_ptr<WorkerProcess> worker =
            startWorker({"--db", db, "--no-auth", "--client-timeout", "1"});
        QVERIFY(worker);
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, worker->port);
        QVERIFY(socket.waitForConnected(5000));
        QElapsedTimer clock;
        clock.start();
        socket.write("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"); // an unfinished request
        QVERIFY(socket.waitForBytesWritten(5000));
        QVERIFY(socket.state() == QAbstractSocket::UnconnectedState || socket.waitForDisconnected(6000));
        QVERIFY2(clock.elapsed() >= 800, qPrintable(QString::number(clock.elapsed())));
        // A busy connection is not idle: a batch longer than the timeout is answered.
        const HttpResult r = post(worker->url + "/v1/batches", slowBatch(1600), {});
        QCOMPARE(r.status, 200);
        QCOMPARE(stopWorker(*worker), 0);
    }

    void aClientThatTricklesIsCutOff()
    {
        // Each byte comes well within the 1 s idle timeout, so only the request's minimum rate
        // can end this connection: by the rule, after about 1 s plus a millisecond or so.
        const QString db = m_dir.filePath("trickle.db");
        std::unique_ptr<WorkerProcess> worker =
            startWorker({"--db", db, "--no-auth", "--client-timeout", "1"});
        QVERIFY(worker);
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, worker->port);
        QVERIFY(socket.waitForConnected(5000));
        const QByteArray request =
            "POST /v1/batches HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n";
        QElapsedTimer clock;
        clock.start();
        int sent = 0;
        while (socket.state() == QAbstractSocket::ConnectedState && clock.elapsed() < 8000) {
            socket.write(request.mid(sent % request.size(), 1));
            ++sent;
            socket.waitForBytesWritten(1000);
            socket.waitForDisconnected(300);
        }
        QVERIFY2(socket.state() != QAbstractSocket::ConnectedState,
                 qPrintable(QStringLiteral("still connected after %1 bytes").arg(sent)));
        QVERIFY2(clock.elapsed() >= 900 && clock.elapsed() < 4000,
                 qPrintable(QString::number(clock.elapsed())));
        // A client that sends at a fair pace is served as before.
        QCOMPARE(get(worker->url + "/v1/health").status, 200);
        QCOMPARE(stopWorker(*worker), 0);
    }

    void tls()
    {
        QProcess openssl;
        const QString cert = m_dir.filePath("cert.pem");
        const QString key = m_dir.filePath("key.pem");
        openssl.start(QStringLiteral("openssl"),
                      {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days",
                       "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
        if (!openssl.waitForStarted(10000))
            QSKIP("openssl is not installed");
        QVERIFY(openssl.waitForFinished(60000));
        QCOMPARE(openssl.exitCode(), 0);

        const QString db = m_dir.filePath("tls.db");
        const QByteArray token = addToken("secure", db);
        std::unique_ptr<WorkerProcess> worker =
            startWorker({"--db", db, "--tls-cert", cert, "--tls-key", key});
        QVERIFY(worker);
        QVERIFY2(worker->url.startsWith("https://127.0.0.1:"), qPrintable(worker->url));
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setCaCertificates(QSslCertificate::fromPath(cert));
        HttpResult r = get(worker->url + "/v1/health", {}, &ssl);
        QCOMPARE(r.status, 200);
        QCOMPARE(QJsonDocument::fromJson(r.body).object().value("status").toString(), QStringLiteral("ok"));
        r = wait(send("POST", worker->url + "/v1/batches", BatchCodec::encodeRequest(controlBatch(50)), token,
                      &ssl));
        QCOMPARE(r.status, 200);
        BatchResponse response;
        QString error;
        QVERIFY2(BatchCodec::decodeResponse(r.body, 50, kOutputs, &response, &error), qPrintable(error));
        // Without trusting the certificate, the client refuses the server (on a new connection).
        m_nam.clearConnectionCache();
        r = get(worker->url + "/v1/health");
        QVERIFY(r.status != 200 && r.error != QNetworkReply::NoError);
        // Plain HTTP to the TLS port fails.
        r = get(QStringLiteral("http://127.0.0.1:%1/v1/health").arg(worker->port));
        QVERIFY2(r.status != 200 && r.error != QNetworkReply::NoError, qPrintable(r.errorString));
        QVERIFY(!r.timedOut);
        // The worker still serves TLS afterwards.
        m_nam.clearConnectionCache();
        r = get(worker->url + "/v1/health", {}, &ssl);
        QVERIFY2(r.status == 200, qPrintable(r.errorString + worker->process->readAllStandardError()));
        QCOMPARE(stopWorker(*worker), 0);

        // Unreadable or invalid TLS files stop the start with a message naming the file.
        CliResult c = runCli({"--no-auth", "--db", db, "--listen", "127.0.0.1:0", "--tls-cert",
                              m_dir.filePath("none.pem"), "--tls-key", key});
        QCOMPARE(c.exitCode, 3);
        QVERIFY2(c.err.contains("none.pem"), qPrintable(c.err));
        c = runCli({"--no-auth", "--db", db, "--listen", "127.0.0.1:0", "--tls-cert", key, "--tls-key", key});
        QCOMPARE(c.exitCode, 3);
        QVERIFY2(c.err.contains("--tls-cert") && c.err.contains("certificate"), qPrintable(c.err));
        c = runCli(
            {"--no-auth", "--db", db, "--listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", cert});
        QCOMPARE(c.exitCode, 3);
        QVERIFY2(c.err.contains("--tls-key"), qPrintable(c.err));
    }
};

QTEST_GUILESS_MAIN(TestWorkerServer)
#include "tst_workerserver.moc"
