// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QTimer>
#include <QUrl>

#include <memory>
#include <utility>

class QTcpSocket;

namespace fastmap {

// What came back for one request: a status and a body, or why there was none.
struct HttpReply
{
    int status = 0;      // 0: no answer; see error
    QByteArray reason;   // the status line's phrase
    QByteArray body;
    QString error;       // the transport's failure, in words
    bool timedOut = false;
    QList<std::pair<QByteArray, QByteArray>> headers; // names lower-cased, in order

    QByteArray header(const QByteArray &lowerCaseName) const;
    bool ok() const { return status == 200; }
    // "HTTP 503: busy", with the start of a text body, or the transport's error.
    QString describe() const;
};

// One keep-alive HTTP/1.1 connection to one worker, carrying one request at a time, with
// TCP_NODELAY set and each request written in one piece.
// Why not QNetworkAccessManager: Qt 6.4's leaves Nagle's algorithm on and gives no access to its
// sockets, so the last segment of every request body waited out the worker's delayed ACK, about
// 40 ms a batch on loopback (docs/performance.md). Only what the worker protocol needs is here:
// Content-Length and chunked answers, keep-alive and Connection: close, https with extra CAs.
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    using Headers = QList<std::pair<QByteArray, QByteArray>>;

    // `origin` is the worker's base URL (scheme, host, port); https trusts the system's CAs and
    // `extraCas`.
    explicit HttpConnection(const QUrl &origin, QList<QSslCertificate> extraCas = {}, QObject *parent = nullptr);
    ~HttpConnection() override;

    bool isBusy() const { return m_state != State::Idle; }
    // Sends `method url` with `body`; finished() follows once, unless abort() comes first. With
    // no byte moving for `idleTimeoutMs` the request ends as timed out (the worker may be hung).
    void send(const QByteArray &method, const QUrl &url, const Headers &headers, const QByteArray &body,
              int idleTimeoutMs);
    // Drops the request in flight (no finished()) and the connection.
    void abort();
    // Whether the open connection has TCP_NODELAY set (false without one); for the tests.
    bool hasLowDelay() const;

    static constexpr qsizetype kMaxHeadBytes = 64 * 1024;
    static constexpr qint64 kMaxBodyBytes = qint64(4) << 30;

signals:
    void finished(const fastmap::HttpReply &reply);

private:
    enum class State { Idle, Connecting, ReadingHead, ReadingBody, ReadingChunks, ReadingToClose };

    void openSocket();
    void onConnected();
    void onReadyRead();
    void onDisconnected();
    void onError();
    void onTimeout();
    // Parses what is buffered; false when the answer is malformed (already reported).
    bool parse();
    bool parseHead();
    bool parseChunks();
    void complete();
    void fail(const QString &error, bool timedOut = false);
    void dropSocket();
    void touch(); // a byte moved: the idle timer starts again

    QUrl m_origin;
    QList<QSslCertificate> m_extraCas;
    std::unique_ptr<QTcpSocket> m_socket;
    QTimer m_idleTimer;
    int m_timeoutMs = 0;
    State m_state = State::Idle;
    QByteArray m_request;   // kept until answered, to send again on a fresh connection
    bool m_reused = false;  // the request went out on a connection that had served another
    bool m_answerStarted = false;
    bool m_keepAlive = true;
    QByteArray m_in;        // received, not yet parsed
    qint64 m_bodyLeft = 0;  // of a Content-Length body, or of the current chunk
    bool m_chunkTrailer = false; // after the last chunk: reading the trailer
    HttpReply m_reply;
};

} // namespace fastmap
