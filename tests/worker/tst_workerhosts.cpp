// SPDX-License-Identifier: GPL-3.0-or-later
// fastmap-worker runs its batches in function hosts: the real executables (fastmap-worker,
// fastmap-host, fastmap-cli), the test.crash plugin, HTTP on 127.0.0.1. An element that crashes,
// hangs or eats memory fails alone in the answer, the worker stays up, and its log names the
// batch, the function and the element.
#include "util/BatchCodec.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace fastmap;

namespace {

const QString kCrashDir = QStringLiteral(FASTMAP_TEST_PLUGIN_DIR "/crash");
const std::vector<ColumnType> kOutputs{ColumnType::Int64}; // test.crash: twice

QString bin(const char *name)
{
    return QStringLiteral(FASTMAP_BINARY_DIR "/bin/") + QLatin1String(name);
}

// One fastmap-worker started by a test; killed by its own handle if the test leaves it running.
struct Worker
{
    std::unique_ptr<QProcess> process = std::make_unique<QProcess>();
    QString url;
    QByteArray err; // standard error read so far

    ~Worker()
    {
        if (process->state() != QProcess::NotRunning) {
            process->kill();
            process->waitForFinished(5000);
        }
    }
    bool running() const { return process->state() == QProcess::Running; }
    // Reads standard error until it matches `pattern` or `timeoutMs` pass; true when it matched.
    bool waitForLog(const QRegularExpression &pattern, int timeoutMs = 10000)
    {
        QElapsedTimer clock;
        clock.start();
        for (;;) {
            err += process->readAllStandardError();
            if (pattern.match(QString::fromUtf8(err)).hasMatch())
                return true;
            if (clock.elapsed() > timeoutMs || process->state() != QProcess::Running)
                return false;
            process->waitForReadyRead(100);
        }
    }
};

struct Answer
{
    int status = 0;
    QByteArray body;
    BatchResponse response;
    QString decodeError;
};

} // namespace

class TestWorkerHosts : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_hash; // test_crash.so's SHA-256
    QNetworkAccessManager m_nam;
    int m_workers = 0;

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString &key : env.keys())
            if (key.startsWith(QLatin1String("FASTMAP_WORKER_")) || key == QLatin1String("FASTMAP_HOST"))
                env.remove(key);
        env.insert(QStringLiteral("FASTMAP_PLUGIN_PATH"), QString());
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath("xdg"));
        return env;
    }

    // A worker serving test.crash to anyone, with `arguments` on top; null when it did not start.
    std::unique_ptr<Worker> startWorker(const QStringList &arguments, const QProcessEnvironment &env = {})
    {
        auto worker = std::make_unique<Worker>();
        worker->process->setProcessEnvironment(env.isEmpty() ? environment() : env);
        const QString db = m_dir.filePath(QStringLiteral("worker-%1.db").arg(++m_workers));
        worker->process->start(bin("fastmap-worker"),
                               QStringList{"--listen", "127.0.0.1:0", "--plugins", kCrashDir, "--db", db,
                                           "--no-auth", "--threads", "2"} +
                                   arguments);
        if (!worker->process->waitForStarted(10000))
            return nullptr;
        QElapsedTimer clock;
        clock.start();
        while (!worker->process->canReadLine() && clock.elapsed() < 20000 && worker->running())
            worker->process->waitForReadyRead(100);
        const QString line = QString::fromUtf8(worker->process->readLine());
        static const QRegularExpression pattern(
            QStringLiteral("^fastmap-worker listening on (http://127\\.0\\.0\\.1:\\d+)\n$"));
        const QRegularExpressionMatch match = pattern.match(line);
        if (!match.hasMatch()) {
            worker->process->waitForFinished(2000);
            qWarning("unexpected first line \"%s\"; stderr: %s", qPrintable(line),
                     worker->process->readAllStandardError().constData());
            return nullptr;
        }
        worker->url = match.captured(1);
        return worker;
    }

    // `rows` elements x = firstRow + r, as a dataset's rows would be numbered.
    BatchRequest crashBatch(const QVariantMap &params, int rows, qint64 firstRow) const
    {
        BatchRequest request;
        request.functionId = QStringLiteral("test.crash");
        request.functionVersion = QStringLiteral("1.0.0");
        request.pluginSha256 = m_hash;
        request.params = params;
        request.columns = QStringList{QStringLiteral("x")};
        request.firstRow = firstRow;
        request.inputs = Table({ColumnType::Int64}, rows);
        for (int r = 0; r < rows; ++r)
            request.inputs.integers(0)[std::size_t(r)] = firstRow + r;
        return request;
    }

    Answer post(const Worker &worker, const BatchRequest &request, int timeoutMs = 60000)
    {
        QNetworkRequest http{QUrl(worker.url + "/v1/batches")};
        http.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/cbor"));
        http.setTransferTimeout(timeoutMs);
        QNetworkReply *reply = m_nam.post(http, BatchCodec::encodeRequest(request));
        QEventLoop loop;
        QTimer timer;
        timer.setSingleShot(true);
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
        timer.start(timeoutMs);
        if (!reply->isFinished())
            loop.exec();
        if (!reply->isFinished())
            reply->abort();
        Answer answer;
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer.body = reply->readAll();
        reply->deleteLater();
        if (answer.status == 200 &&
            !BatchCodec::decodeResponse(answer.body, request.inputs.rowCount(), kOutputs, &answer.response,
                                        &answer.decodeError))
            answer.status = -1;
        return answer;
    }

    // Every element but `culprit` has 2x; the culprit failed with `message`.
    static bool onlyFailed(const Answer &answer, qint64 firstRow, int rows, int culprit,
                           const QString &message)
    {
        const BatchOutput &out = answer.response.output;
        for (int r = 0; r < rows; ++r) {
            if (r == culprit) {
                if (!out.failed(r) || out.error(r) != message) {
                    qWarning("element %d: \"%s\", expected \"%s\"", r, qPrintable(out.error(r)),
                             qPrintable(message));
                    return false;
                }
            } else if (out.failed(r) || out.values().integers(0)[std::size_t(r)] != 2 * (firstRow + r)) {
                qWarning("element %d: failed=%d \"%s\"", r, int(out.failed(r)), qPrintable(out.error(r)));
                return false;
            }
        }
        return out.failedCount() == 1;
    }

    // A batch that does nothing wrong is answered in full: the worker is still up and serving.
    void checkStillServes(Worker &worker)
    {
        QVERIFY(worker.running());
        const Answer next = post(worker, crashBatch({}, 20, 5000));
        QCOMPARE(next.status, 200);
        QCOMPARE(next.response.output.failedCount(), 0);
        QCOMPARE(next.response.output.values().integers(0)[19], qint64(2 * 5019));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        for (const char *name : {"fastmap-worker", "fastmap-host"})
            QVERIFY2(QFile::exists(bin(name)), name);
        QFile plugin(kCrashDir + "/test_crash.so");
        QVERIFY2(plugin.open(QIODevice::ReadOnly), qPrintable(plugin.fileName()));
        m_hash = QString::fromLatin1(
            QCryptographicHash::hash(plugin.readAll(), QCryptographicHash::Sha256).toHex());
    }

    void aSegfaultFailsOnlyItsElement()
    {
        std::unique_ptr<Worker> worker = startWorker({"--price-per-vcpu-hour", "1"});
        QVERIFY(worker);
        QVERIFY(worker->waitForLog(QRegularExpression(QStringLiteral("isolation: process \\("))));
        const Answer answer = post(*worker, crashBatch({{"mode", "segv"}, {"on", 1042}}, 64, 1000));
        QCOMPARE(answer.status, 200);
        QVERIFY(onlyFailed(answer, 1000, 64, 42,
                           QStringLiteral("the function crashed (SIGSEGV) on this element")));
        QVERIFY(answer.response.vcpuSeconds > 0); // the hosts' CPU time, dead ones included
        QVERIFY(answer.response.charge > 0);
        // The log names the batch (client, first row, rows), the function and the element.
        QVERIFY2(
            worker->waitForLog(QRegularExpression(QStringLiteral(
                "fastmap-worker: element failed alone: token=anonymous function=test\\.crash first-row=1000 "
                "rows=64 element=1042: the function crashed \\(SIGSEGV\\) on this element\n"))),
            worker->err.constData());
        QVERIFY2(
            worker->waitForLog(QRegularExpression(QStringLiteral(
                "fastmap-worker: batch token=anonymous function=test\\.crash rows=64 ms=\\d+ vcpu-s=\\S+ "
                "charge=\\S+ status=200 \\(1 element took its function host down\\)\n"))),
            worker->err.constData());
        checkStillServes(*worker);
    }

    void abortAndExitFailOnlyTheirElement()
    {
        std::unique_ptr<Worker> worker = startWorker({});
        QVERIFY(worker);
        const Answer aborted = post(*worker, crashBatch({{"mode", "abort"}, {"on", 7}}, 10, 0));
        QCOMPARE(aborted.status, 200);
        QVERIFY(
            onlyFailed(aborted, 0, 10, 7, QStringLiteral("the function crashed (SIGABRT) on this element")));
        const Answer exited = post(*worker, crashBatch({{"mode", "exit"}, {"on", 3}}, 10, 0));
        QCOMPARE(exited.status, 200);
        QVERIFY(onlyFailed(exited, 0, 10, 3,
                           QStringLiteral("the function ended its process (exit code 3) on this element")));
        checkStillServes(*worker);
    }

    void aHungElementTimesOutWithTheWorkersLimit()
    {
        std::unique_ptr<Worker> worker = startWorker({"--element-timeout", "0.5"});
        QVERIFY(worker);
        QVERIFY(worker->waitForLog(
            QRegularExpression(QStringLiteral("isolation: process \\(element timeout 0\\.5 s"))));
        QElapsedTimer clock;
        clock.start();
        const Answer answer = post(*worker, crashBatch({{"mode", "loop"}, {"on", 2}}, 4, 0));
        QCOMPARE(answer.status, 200);
        QVERIFY(onlyFailed(answer, 0, 4, 2, QStringLiteral("timed out after 0.5 s")));
        QVERIFY2(clock.elapsed() < 20000, qPrintable(QString::number(clock.elapsed())));
        QVERIFY2(worker->waitForLog(QRegularExpression(QStringLiteral(
                     "element failed alone: token=anonymous function=test\\.crash first-row=0 rows=4 "
                     "element=2: timed out after 0\\.5 s\n"))),
                 worker->err.constData());
        checkStillServes(*worker);
    }

    void anElementOverTheMemoryLimitFails()
    {
        std::unique_ptr<Worker> worker = startWorker({"--memory-limit", "64"});
        QVERIFY(worker);
        const Answer answer = post(*worker, crashBatch({{"mode", "alloc"}, {"on", 3}}, 8, 0));
        QCOMPARE(answer.status, 200);
        QVERIFY(onlyFailed(answer, 0, 8, 3, QStringLiteral("out of memory (limit 64 MB)")));
        checkStillServes(*worker);
    }

    void aFunctionThatAlwaysCrashesFailsTheBatchQuickly()
    {
        std::unique_ptr<Worker> worker = startWorker({});
        QVERIFY(worker);
        QElapsedTimer clock;
        clock.start();
        const Answer answer = post(*worker, crashBatch({{"mode", "segv"}}, 200, 0));
        QCOMPARE(answer.status, 200);
        const BatchOutput &out = answer.response.output;
        QCOMPARE(out.failedCount(), 200);
        QCOMPARE(out.error(0), QStringLiteral("the function crashed (SIGSEGV) on this element"));
        QVERIFY2(out.error(199).startsWith(QStringLiteral("not run: the function took its host down")),
                 qPrintable(out.error(199)));
        QVERIFY2(clock.elapsed() < 20000, qPrintable(QString::number(clock.elapsed())));
        QVERIFY2(worker->waitForLog(
                     QRegularExpression(QStringLiteral("status=200 \\(3 of 200 elements took their "
                                                       "function host down; the rest were not run"))),
                 worker->err.constData());
        checkStillServes(*worker);
    }

    void threadIsolationRunsInTheWorker()
    {
        std::unique_ptr<Worker> worker = startWorker({"--isolation", "thread"});
        QVERIFY(worker);
        QVERIFY(worker->waitForLog(QRegularExpression(QStringLiteral("isolation: thread"))));
        const Answer answer = post(*worker, crashBatch({{"mode", "throw"}, {"on", 5}}, 10, 0));
        QCOMPARE(answer.status, 200);
        QVERIFY(onlyFailed(answer, 0, 10, 5, QStringLiteral("element 5 threw")));
    }

    void aWorkerWithoutAHostRefusesToStart()
    {
        QProcessEnvironment env = environment();
        env.insert(QStringLiteral("FASTMAP_HOST"), m_dir.filePath("no-such-fastmap-host"));
        QProcess worker;
        worker.setProcessEnvironment(env);
        worker.start(bin("fastmap-worker"), {"--listen", "127.0.0.1:0", "--plugins", kCrashDir, "--db",
                                             m_dir.filePath("nohost.db"), "--no-auth"});
        QVERIFY(worker.waitForFinished(20000));
        QCOMPARE(worker.exitCode(), 3);
        const QByteArray err = worker.readAllStandardError();
        QVERIFY2(err.contains("cannot start a function host (isolation process)"), err.constData());
        QVERIFY(worker.readAllStandardOutput().isEmpty());
    }

    void theCliGetsEveryOtherElementFromTheWorker()
    {
        if (!QFile::exists(bin("fastmap-cli")))
            QSKIP("fastmap-cli is not built");
        std::unique_ptr<Worker> worker = startWorker({});
        QVERIFY(worker);
        const QString out = m_dir.filePath("cli.csv");
        QProcessEnvironment env = environment();
        env.insert(QStringLiteral("FASTMAP_PLUGIN_PATH"), kCrashDir);
        QProcess cli;
        cli.setProcessEnvironment(env);
        // Elements 499, 999, ..., 2999 crash; the client's sample runs a few hundred elements at home,
        // the remote policy sends the rest to the worker.
        cli.start(bin("fastmap-cli"), {"run", "test.crash", "-i", "range:3000", "-o", out, "-p", "mode=segv",
                                       "-p", "on=499", "-p", "on_modulo=500", "-p", "delay_us=200",
                                       "--policy", "remote", "--worker", worker->url, "--no-record"});
        QVERIFY(cli.waitForFinished(120000));
        const QString err = QString::fromUtf8(cli.readAllStandardError());
        QCOMPARE(cli.exitCode(), 1); // some elements failed
        QFile file(out);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(err));
        const QStringList rows =
            QString::fromUtf8(file.readAll()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        QCOMPARE(rows.size(), 3001);
        for (int row = 0; row < 3000; ++row) {
            const QString &line = rows[row + 1];
            if (row % 500 == 499)
                QVERIFY2(line.contains(QStringLiteral("the function crashed (SIGSEGV) on this element")),
                         qPrintable(line));
            else
                QVERIFY2(line.section(',', 0, 0) == QString::number(2 * row), qPrintable(line));
        }
        // The worker ran most of the job: the crashes there were contained and logged, and it stays up.
        QVERIFY2(worker->waitForLog(QRegularExpression(QStringLiteral(
                     "element failed alone: token=anonymous function=test\\.crash first-row=\\d+ rows=\\d+ "
                     "element=\\d*499: the function crashed \\(SIGSEGV\\) on this element\n"))),
                 qPrintable(QString::fromUtf8(worker->err) + err));
        checkStillServes(*worker);
    }
};

QTEST_GUILESS_MAIN(TestWorkerHosts)
#include "tst_workerhosts.moc"
