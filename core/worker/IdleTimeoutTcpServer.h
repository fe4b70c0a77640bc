// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTimer>

#include <functional>
#include <utility>

class QTcpSocket;

namespace fastmap {

// The request line and headers of one request, read before any of its body.
struct RequestHead
{
    QByteArray method;
    QString path; // decoded, as QHttpServer routes it
    int httpMinor = 1; // HTTP/1.x
    QList<std::pair<QByteArray, QByteArray>> headers;
    qint64 contentLength = -1; // -1: no Content-Length
    // HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with "Connection: keep-alive".
    bool keepAlive = true;

    // The values of every header called `name` (any case), joined with ", "; empty when there is none.
    QByteArray header(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const;
};

// An answer decided from a request's head alone. The connection is closed after it, since the
// body is not read: an unauthenticated or oversized request costs the server no buffering.
struct HeadAnswer
{
    int status = 0; // 0: let the request through to the HTTP server
    QString text;   // one line, sent as text/plain
    QList<std::pair<QByteArray, QByteArray>> headers;
};

// The listening socket handed to QHttpServer::bind(). It keeps track of every connection and
//  - closes one that has been idle (nothing received or sent) for the idle timeout, unless the
//    server marked it busy (a batch of it is running);
//  - closes one whose request arrives slower than kMinRequestBytesPerSecond once the idle
//    timeout has passed, so a client that trickles a byte now and then cannot hold a
//    connection (and its buffers) for ever;
//  - refuses a request that grows beyond a byte limit before QHttpServer has read all of it
//    (413, then the connection is closed), so an endless body cannot fill the memory;
//  - reads each request's head (request line and headers) as it arrives, before QHttpServer has
//    its body: a head check may answer from the head alone (the worker: 401, 415, 413 from
//    Content-Length), and it records whether the client wants the connection closed after the
//    answer (QHttpServer 6.4 ignores "Connection: close" and HTTP/1.0);
//  - after an answer that ends a connection whose body was not read, shuts down its sending side,
//    discards what still arrives for at most kLingerMs, then closes, so the client reads the
//    answer instead of a connection reset;
//  - with an SSL configuration, does the TLS handshake itself and hands only encrypted
//    connections to the HTTP server (a plain-HTTP client just gets its connection closed).
class IdleTimeoutTcpServer : public QTcpServer
{
    Q_OBJECT

public:
    // A request may take the idle timeout plus one second per this many bytes to arrive.
    static constexpr qint64 kMinRequestBytesPerSecond = 16 * 1024;
    // A request head (request line and headers) larger than this is refused with 431.
    static constexpr qsizetype kMaxHeadBytes = 64 * 1024;
    // How long a connection refused before its body was read discards what still arrives.
    static constexpr qint64 kLingerMs = 2000;

    using HeadCheck = std::function<HeadAnswer(const RequestHead &)>;

    explicit IdleTimeoutTcpServer(QObject *parent = nullptr);
    ~IdleTimeoutTcpServer() override;

    void setIdleTimeout(int milliseconds);
    int idleTimeout() const { return m_idleTimeoutMs; }
    // Received bytes allowed between two answers on one connection.
    void setReceiveLimit(qint64 bytes) { m_receiveLimit = bytes; }
    void setSslConfiguration(const QSslConfiguration &configuration);
    bool isTls() const { return m_tls; }

    // Called with each request's head once it has arrived, before the HTTP server reads the
    // request; a non-zero status answers it (and closes the connection) in its place.
    void setHeadCheck(HeadCheck check) { m_headCheck = std::move(check); }
    // Whether the connection of `socket` may stay open after answering its current request, and
    // that request's HTTP minor version (1 when its head could not be read).
    bool keepAlive(QTcpSocket *socket) const;
    int httpMinorVersion(QTcpSocket *socket) const;
    // Closes the connection once the answer written to it has gone out; no further request on it
    // is read.
    void closeAfterAnswer(QTcpSocket *socket);

    // A busy connection is never closed for idleness.
    void setBusy(QTcpSocket *socket, bool busy);
    int connectionCount() const { return int(m_connections.size()); }
    // Bytes accepted for sending but not yet written to the network, over all connections.
    qint64 pendingWriteBytes() const;

signals:
    void oversizedRequestRefused();

protected:
    void incomingConnection(qintptr handle) override;

private:
    struct Connection
    {
        QElapsedTimer lastActivity;
        QElapsedTimer requestStarted; // the first byte of the request being received
        qint64 receivedSinceAnswer = 0;
        bool busy = false;
        bool handedOver = false; // given to the HTTP server (after the handshake with TLS)
        bool closing = false;
        QByteArray head;       // the current request's head so far, until it is complete
        bool headDone = false; // the current request's head was read (or cannot be)
        bool keepAlive = true;
        int httpMinor = 1;
        QElapsedTimer lingerStarted; // refused before its body was read: discarding until the client stops
        bool halfClosed = false;
    };

    void track(QTcpSocket *socket);
    void onReadyRead(QTcpSocket *socket);
    // Adds the new bytes of a request head; false when the request was answered from it.
    bool readHead(QTcpSocket *socket, Connection &connection, qint64 available);
    // Answers `status` with `text` in place of the HTTP server, then lingers and closes.
    void refuse(QTcpSocket *socket, Connection &connection, int status, const QString &text,
                const QList<std::pair<QByteArray, QByteArray>> &headers = {});
    void shutdownSending(QTcpSocket *socket);
    void sweep();
    bool tooSlow(const Connection &connection) const;

    QHash<QTcpSocket *, Connection> m_connections;
    QTimer m_sweepTimer;
    QSslConfiguration m_sslConfiguration;
    bool m_tls = false;
    int m_idleTimeoutMs = 30000;
    qint64 m_receiveLimit = -1;
    HeadCheck m_headCheck;
};

} // namespace fastmap
