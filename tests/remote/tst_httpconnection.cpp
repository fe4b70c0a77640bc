// SPDX-License-Identifier: GPL-3.0-or-later
// Tests HttpConnection, the client's own HTTP/1.1 connection, against a scripted server on
// 127.0.0.1 that answers each request as the test says: by length, chunked, to close, half,
// never, garbled, over TLS.
#include "remote/HttpConnection.h"

#include <QProcess>
#include <QSignalSpy>
#include <QSslKey>
#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>

using namespace fastmap;

namespace {

// One request as the server saw it.
struct SeenRequest
{
    QByteArray head;
    QByteArray body;
};

// Answers whole requests on every connection it accepts, through `answer`.
class ScriptedServer : public QObject
{
public:
    using Answer = std::function<void(QTcpSocket *socket, const SeenRequest &request, int index)>;

    explicit ScriptedServer(std::unique_ptr<QTcpServer> server = std::make_unique<QTcpServer>())
        : m_server(std::move(server))
    {
        connect(m_server.get(), &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (QTcpSocket *socket = m_server->nextPendingConnection()) {
                ++connections;
                auto buffer = std::make_shared<QByteArray>();
                connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer] {
                    *buffer += socket->readAll();
                    serve(socket, *buffer);
                });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
        QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    }

    QUrl url(const QString &scheme = QStringLiteral("http")) const
    {
        return QUrl(QStringLiteral("%1://127.0.0.1:%2/v1/batches").arg(scheme).arg(m_server->serverPort()));
    }

    Answer answer;
    int connections = 0;
    QList<SeenRequest> requests;

private:
    void serve(QTcpSocket *socket, QByteArray &buffer)
    {
        for (;;) {
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            SeenRequest request;
            request.head = buffer.left(end);
            qsizetype length = 0;
            for (const QByteArray &line : request.head.split('\n'))
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            if (buffer.size() < end + 4 + length)
                return;
            request.body = buffer.mid(end + 4, length);
            buffer.remove(0, end + 4 + length);
            requests.append(request);
            answer(socket, request, int(requests.size()) - 1);
        }
    }

    std::unique_ptr<QTcpServer> m_server;
};

QByteArray withLength(const QByteArray &body, const QByteArray &extraHeaders = {})
{
    return "HTTP/1.1 200 OK\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n" + extraHeaders + "\r\n"
        + body;
}

// Sends one request and waits for its answer (bounded).
HttpReply exchange(HttpConnection &connection, const QUrl &url, const QByteArray &body = "ping",
                   int timeoutMs = 5000)
{
    QSignalSpy spy(&connection, &HttpConnection::finished);
    connection.send("POST", url, {{"Content-Type", "application/cbor"}}, body, timeoutMs);
    if (!spy.wait(timeoutMs + 5000))
        return HttpReply{0, {}, {}, QStringLiteral("the test waited in vain"), false, {}};
    return spy.takeFirst().at(0).value<HttpReply>();
}

} // namespace

Q_DECLARE_METATYPE(fastmap::HttpReply)

class TestHttpConnection : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { qRegisterMetaType<HttpReply>(); }

    void keepAliveCarriesEveryRequestOnOneConnection()
    {
        ScriptedServer server;
        server.answer = [](QTcpSocket *s, const SeenRequest &r, int) { s->write(withLength("echo:" + r.body)); };
        HttpConnection connection(server.url());
        for (int i = 0; i < 3; ++i) {
            const HttpReply reply = exchange(connection, server.url(), "n" + QByteArray::number(i));
            QVERIFY2(reply.ok(), qPrintable(reply.describe()));
            QCOMPARE(reply.body, "echo:n" + QByteArray::number(i));
            QVERIFY(!connection.isBusy());
        }
        QCOMPARE(server.connections, 1);
        // What the request carried: the line, the host, the length and the caller's headers.
        const QByteArray head = server.requests.at(0).head;
        QVERIFY2(head.startsWith("POST /v1/batches HTTP/1.1\r\n"), head.constData());
        QVERIFY(head.contains("\r\nHost: 127.0.0.1:" + QByteArray::number(server.url().port())));
        QVERIFY(head.contains("\r\nContent-Length: 2"));
        QVERIFY(head.contains("\r\nContent-Type: application/cbor"));
        // Nagle's algorithm is off on the kept connection (the point of this class).
        QVERIFY(connection.hasLowDelay());
    }

    void largeBodiesArriveWhole()
    {
        ScriptedServer server;
        server.answer = [](QTcpSocket *s, const SeenRequest &r, int) {
            QByteArray reversed = r.body;
            std::reverse(reversed.begin(), reversed.end());
            s->write(withLength(reversed));
        };
        QByteArray body(6 * 1024 * 1024 + 17, Qt::Uninitialized);
        for (qsizetype i = 0; i < body.size(); ++i)
            body[i] = char((i * 7919) % 251);
        HttpConnection connection(server.url());
        const HttpReply reply = exchange(connection, server.url(), body);
        QVERIFY2(reply.ok(), qPrintable(reply.describe()));
        QCOMPARE(server.requests.at(0).body.size(), body.size());
        QVERIFY(server.requests.at(0).body == body);
        std::reverse(body.begin(), body.end());
        QVERIFY(reply.body == body);
    }

    void otherFramings_data()
    {
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<bool>("closeAfter");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("chunked, with an extension and a trailer")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=1\r\n world\r\n"
                          "0\r\nX-Trailer: 1\r\n\r\n")
            << false << QByteArray("hello world");
        QTest::newRow("to the close") << QByteArray("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end")
                                      << true << QByteArray("until the end");
        QTest::newRow("100 Continue first")
            << QByteArray("HTTP/1.1 100 Continue\r\n\r\n") + withLength("after") << false << QByteArray("after");
        QTest::newRow("an empty body") << withLength({}) << false << QByteArray();
    }

    void otherFramings()
    {
        QFETCH(QByteArray, answer);
        QFETCH(bool, closeAfter);
        QFETCH(QByteArray, body);
        ScriptedServer server;
        server.answer = [&](QTcpSocket *s, const SeenRequest &, int) {
            s->write(answer);
            if (closeAfter)
                s->disconnectFromHost();
        };
        HttpConnection connection(server.url());
        HttpReply reply = exchange(connection, server.url());
        QVERIFY2(reply.ok(), qPrintable(reply.describe()));
        QCOMPARE(reply.body, body);
        // The connection serves the next request, on a new socket when the last one closed.
        reply = exchange(connection, server.url());
        QVERIFY2(reply.ok(), qPrintable(reply.describe()));
        QCOMPARE(server.connections, closeAfter ? 2 : 1);
    }

    void aConnectionTheWorkerClosedIsOpenedAgain()
    {
        // The worker closes each connection right after its answer, without saying so: the next
        // request finds a dead socket and goes out again on a new one, without an error.
        ScriptedServer server;
        server.answer = [](QTcpSocket *s, const SeenRequest &r, int) {
            s->write(withLength(r.body));
            s->flush();
            s->disconnectFromHost();
        };
        HttpConnection connection(server.url());
        HttpReply reply;
        QObject::connect(&connection, &HttpConnection::finished, &connection, [&](const HttpReply &first) {
            if (first.body == "one") // straight away, before the close is seen
                connection.send("POST", server.url(), {}, "two", 5000);
        });
        reply = exchange(connection, server.url(), "one");
        QVERIFY2(reply.ok(), qPrintable(reply.describe()));
        QSignalSpy second(&connection, &HttpConnection::finished);
        QVERIFY(second.wait(5000));
        reply = second.takeFirst().at(0).value<HttpReply>();
        QVERIFY2(reply.ok(), qPrintable(reply.describe()));
        QCOMPARE(reply.body, QByteArray("two"));
        QCOMPARE(server.requests.size(), 2);
        QCOMPARE(server.connections, 2);
    }

    void faultsAreNamed_data()
    {
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<bool>("close");
        QTest::addColumn<QString>("needle");
        QTest::newRow("closed in the middle") << withLength("0123456789").left(40) << true
                                              << "closed the connection in the middle of its answer";
        QTest::newRow("closed without a word") << QByteArray() << true << "closed the connection without answering";
        QTest::newRow("not HTTP") << QByteArray("SSH-2.0-OpenSSH\r\n\r\n") << false
                                  << "a garbled answer: not an HTTP status line (\"SSH-2.0-OpenSSH\")";
        QTest::newRow("a bad length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n") << false
                                      << "a garbled answer: Content-Length \"-3\"";
        QTest::newRow("a bad chunk") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                                     << false << "a bad chunk size (\"zz\")";
        QTest::newRow("an endless head") << QByteArray("HTTP/1.1 200 OK\r\nX: ") + QByteArray(70000, 'a') << false
                                         << "an HTTP head over 65536 bytes";
    }

    void faultsAreNamed()
    {
        QFETCH(QByteArray, answer);
        QFETCH(bool, close);
        QFETCH(QString, needle);
        ScriptedServer server;
        server.answer = [&](QTcpSocket *s, const SeenRequest &, int) {
            s->write(answer);
            s->flush();
            if (close)
                s->disconnectFromHost();
        };
        HttpConnection connection(server.url());
        const HttpReply reply = exchange(connection, server.url());
        QCOMPARE(reply.status, 0);
        QVERIFY2(reply.error.contains(needle), qPrintable(reply.error));
        QVERIFY(!reply.timedOut);
        QCOMPARE(reply.describe(), reply.error);
    }

    void anErrorStatusKeepsItsWords()
    {
        ScriptedServer server;
        server.answer = [](QTcpSocket *s, const SeenRequest &, int index) {
            if (index == 0)
                s->write("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nContent-Length: 4\r\n\r\nbusy");
            else
                s->write(QByteArray("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 3\r\n\r\n")
                         + QByteArray("\xff\x00\x01", 3));
        };
        HttpConnection connection(server.url());
        HttpReply reply = exchange(connection, server.url());
        QCOMPARE(reply.status, 503);
        QCOMPARE(reply.header("retry-after"), QByteArray("2"));
        QCOMPARE(reply.describe(), QStringLiteral("HTTP 503: busy"));
        // A binary body says nothing; the status line's phrase does.
        reply = exchange(connection, server.url());
        QCOMPARE(reply.describe(), QStringLiteral("HTTP 500: Internal Server Error"));
    }

    void aSilentWorkerTimesOut()
    {
        ScriptedServer server;
        server.answer = [](QTcpSocket *, const SeenRequest &, int) {}; // never answers
        HttpConnection connection(server.url());
        QElapsedTimer clock;
        clock.start();
        const HttpReply reply = exchange(connection, server.url(), "ping", 300);
        QVERIFY(reply.timedOut);
        QCOMPARE(reply.error, QStringLiteral("no answer within 0.3 s (the worker may be hung)"));
        QVERIFY(clock.elapsed() < 5000);
        QVERIFY(!connection.isBusy());
    }

    void aRefusedConnectionSaysSo()
    {
        quint16 port = 0;
        {
            QTcpServer closed;
            QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
            port = closed.serverPort();
        }
        const QUrl url(QStringLiteral("http://127.0.0.1:%1/v1/health").arg(port));
        HttpConnection connection(url);
        const HttpReply reply = exchange(connection, url);
        QCOMPARE(reply.status, 0);
        QVERIFY2(reply.error.contains(QLatin1String("refused"), Qt::CaseInsensitive), qPrintable(reply.error));
    }

    void abortDropsTheRequestSilently()
    {
        ScriptedServer server;
        server.answer = [](QTcpSocket *, const SeenRequest &, int) {};
        HttpConnection connection(server.url());
        QSignalSpy spy(&connection, &HttpConnection::finished);
        connection.send("POST", server.url(), {}, "x", 5000);
        QTRY_COMPARE_WITH_TIMEOUT(server.requests.size(), 1, 5000);
        connection.abort();
        QVERIFY(!connection.isBusy());
        QTest::qWait(100);
        QCOMPARE(spy.size(), 0);
    }

    void httpsTrustsOnlyWhatItIsTold()
    {
        QTemporaryDir dir;
        const QString cert = dir.filePath("cert.pem");
        const QString key = dir.filePath("key.pem");
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"),
                      {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                       "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"});
        if (!openssl.waitForStarted(10000))
            QSKIP("openssl is not installed");
        QVERIFY(openssl.waitForFinished(60000));
        QCOMPARE(openssl.exitCode(), 0);
        const QList<QSslCertificate> certificates = QSslCertificate::fromPath(cert);
        QCOMPARE(certificates.size(), 1);
        QFile keyFile(key);
        QVERIFY(keyFile.open(QIODevice::ReadOnly));

        auto tls = std::make_unique<QSslServer>();
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setLocalCertificate(certificates.first());
        config.setPrivateKey(QSslKey(keyFile.readAll(), QSsl::Rsa));
        tls->setSslConfiguration(config);
        ScriptedServer server(std::move(tls));
        server.answer = [](QTcpSocket *s, const SeenRequest &r, int) { s->write(withLength("secure:" + r.body)); };
        const QUrl url = server.url(QStringLiteral("https"));

        HttpConnection trusting(url, certificates);
        HttpReply reply = exchange(trusting, url);
        QVERIFY2(reply.ok(), qPrintable(reply.describe()));
        QCOMPARE(reply.body, QByteArray("secure:ping"));
        reply = exchange(trusting, url, "again");
        QCOMPARE(reply.body, QByteArray("secure:again"));
        QCOMPARE(server.connections, 1);

        HttpConnection untrusting(url);
        reply = exchange(untrusting, url);
        QCOMPARE(reply.status, 0);
        QVERIFY2(reply.error.contains(QLatin1String("certificate"), Qt::CaseInsensitive), qPrintable(reply.error));
    }
};

QTEST_GUILESS_MAIN(TestHttpConnection)
#include "tst_httpconnection.moc"
