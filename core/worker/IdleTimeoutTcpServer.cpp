// SPDX-License-Identifier: GPL-3.0-or-later
#include "worker/IdleTimeoutTcpServer.h"

#include <QSslSocket>
#include <QTcpSocket>
#include <QUrl>

#include <algorithm>

#include <sys/socket.h>

namespace fastmap {

namespace {

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 400: return QByteArrayLiteral("Bad Request");
    case 401: return QByteArrayLiteral("Unauthorized");
    case 413: return QByteArrayLiteral("Payload Too Large");
    case 415: return QByteArrayLiteral("Unsupported Media Type");
    case 431: return QByteArrayLiteral("Request Header Fields Too Large");
    case 500: return QByteArrayLiteral("Internal Server Error");
    case 503: return QByteArrayLiteral("Service Unavailable");
    case 505: return QByteArrayLiteral("HTTP Version Not Supported");
    default: return QByteArrayLiteral("Error");
    }
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v';
}

// The comma-separated tokens of a header value, trimmed and in lower case.
QList<QByteArray> tokens(const QByteArray &value)
{
    QList<QByteArray> out;
    for (const QByteArray &part : value.split(','))
        if (const QByteArray t = part.trimmed().toLower(); !t.isEmpty())
            out << t;
    return out;
}

// Parses a request head (without the empty line that ends it) as QHttpServer 6.4 does: the
// request line split at runs of spaces, "HTTP/x.y", then "Name: value" lines. False with the
// reason (and the status to answer) when it is not a request this server can take.
bool parseHead(QByteArrayView text, RequestHead *head, int *status, QString *error)
{
    *status = 400;
    qsizetype lineEnd = text.indexOf('\n');
    QByteArrayView line = lineEnd < 0 ? text : text.first(lineEnd);
    if (line.endsWith('\r'))
        line.chop(1);
    const qsizetype methodEnd = line.indexOf(' ');
    qsizetype i = methodEnd + 1;
    while (methodEnd >= 0 && i < line.size() && line[i] == ' ')
        ++i;
    const qsizetype targetEnd = methodEnd < 0 ? -1 : line.indexOf(' ', i);
    qsizetype v = targetEnd + 1;
    while (targetEnd >= 0 && v < line.size() && line[v] == ' ')
        ++v;
    if (methodEnd <= 0 || targetEnd < 0 || v >= line.size()) {
        *error = QStringLiteral("this is not an HTTP request line");
        return false;
    }
    const qsizetype versionEnd = line.indexOf(' ', v);
    const QByteArrayView version = versionEnd < 0 ? line.sliced(v) : line.sliced(v, versionEnd - v);
    if (version.size() != 8 || !version.startsWith("HTTP/") || version[6] != '.' || version[5] < '0' ||
        version[5] > '9' || version[7] < '0' || version[7] > '9') {
        *error = QStringLiteral("this is not an HTTP request line");
        return false;
    }
    if (version[5] != '1') {
        *status = 505;
        *error = QStringLiteral("this worker speaks HTTP/1.1 (and 1.0)");
        return false;
    }
    head->method = line.first(methodEnd).toByteArray();
    head->path = QUrl::fromEncoded(line.sliced(i, targetEnd - i).toByteArray()).path();
    head->httpMinor = version[7] - '0';
    while (lineEnd >= 0) {
        const qsizetype start = lineEnd + 1;
        lineEnd = text.indexOf('\n', start);
        QByteArrayView header = lineEnd < 0 ? text.sliced(start) : text.sliced(start, lineEnd - start);
        if (header.endsWith('\r'))
            header.chop(1);
        const qsizetype colon = header.indexOf(':');
        if (colon <= 0)
            continue;
        head->headers.append({header.first(colon).trimmed().toByteArray(),
                              header.sliced(colon + 1).trimmed().toByteArray()});
    }
    const QList<QByteArray> connection = tokens(head->header("connection"));
    head->keepAlive = !connection.contains("close") &&
                      (head->httpMinor >= 1 || connection.contains("keep-alive"));
    if (head->hasHeader("content-length")) {
        if (head->hasHeader("transfer-encoding")) {
            *error = QStringLiteral("the request has both Content-Length and Transfer-Encoding");
            return false;
        }
        for (const QByteArray &value : head->header("content-length").split(',')) {
            bool ok = false;
            const QByteArray digits = value.trimmed();
            const qint64 length = digits.toLongLong(&ok);
            const bool allDigits =
                !digits.isEmpty() && std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
            if (!ok || !allDigits || (head->contentLength >= 0 && length != head->contentLength)) {
                *error = QStringLiteral("the request's Content-Length is not one whole number of bytes");
                return false;
            }
            head->contentLength = length;
        }
    }
    return true;
}

} // namespace

QByteArray RequestHead::header(QByteArrayView name) const
{
    QByteArray joined;
    for (const auto &h : headers) {
        if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) != 0)
            continue;
        if (!joined.isEmpty())
            joined += ", ";
        joined += h.second;
    }
    return joined;
}

bool RequestHead::hasHeader(QByteArrayView name) const
{
    return std::any_of(headers.cbegin(), headers.cend(), [name](const auto &h) {
        return QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0;
    });
}

IdleTimeoutTcpServer::IdleTimeoutTcpServer(QObject *parent) : QTcpServer(parent)
{
    connect(&m_sweepTimer, &QTimer::timeout, this, &IdleTimeoutTcpServer::sweep);
    setIdleTimeout(m_idleTimeoutMs);
}

IdleTimeoutTcpServer::~IdleTimeoutTcpServer()
{
    // The sockets are children of this server and go with it; stop reacting to their signals first.
    for (auto it = m_connections.cbegin(); it != m_connections.cend(); ++it)
        disconnect(it.key(), nullptr, this, nullptr);
    m_connections.clear();
}

void IdleTimeoutTcpServer::setIdleTimeout(int milliseconds)
{
    m_idleTimeoutMs = std::max(1, milliseconds);
    m_sweepTimer.start(std::clamp(m_idleTimeoutMs / 4, 10, 1000));
}

void IdleTimeoutTcpServer::setSslConfiguration(const QSslConfiguration &configuration)
{
    m_sslConfiguration = configuration;
    m_tls = true;
}

bool IdleTimeoutTcpServer::keepAlive(QTcpSocket *socket) const
{
    const auto it = m_connections.constFind(socket);
    return it == m_connections.cend() || (it->keepAlive && !it->closing);
}

int IdleTimeoutTcpServer::httpMinorVersion(QTcpSocket *socket) const
{
    const auto it = m_connections.constFind(socket);
    return it == m_connections.cend() ? 1 : it->httpMinor;
}

void IdleTimeoutTcpServer::closeAfterAnswer(QTcpSocket *socket)
{
    auto it = m_connections.find(socket);
    if (it != m_connections.end()) {
        it->closing = true;
        it->keepAlive = false;
        it->lastActivity.start();
    }
    // No further request of this connection is read; disconnectFromHost() sends what was written first.
    disconnect(socket, &QTcpSocket::readyRead, nullptr, nullptr);
    connect(socket, &QTcpSocket::readyRead, this, [socket] { socket->skip(socket->bytesAvailable()); });
    socket->disconnectFromHost();
}

void IdleTimeoutTcpServer::setBusy(QTcpSocket *socket, bool busy)
{
    auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    it->busy = busy;
    it->lastActivity.start();
    if (!busy)
        it->receivedSinceAnswer = 0;
}

qint64 IdleTimeoutTcpServer::pendingWriteBytes() const
{
    qint64 total = 0;
    for (auto it = m_connections.cbegin(); it != m_connections.cend(); ++it) {
        QTcpSocket *socket = it.key();
        if (socket->state() != QAbstractSocket::ConnectedState)
            continue;
        total += socket->bytesToWrite();
        if (auto *ssl = qobject_cast<QSslSocket *>(socket))
            total += ssl->encryptedBytesToWrite();
    }
    return total;
}

void IdleTimeoutTcpServer::track(QTcpSocket *socket)
{
    // Bounds what one connection can buffer even when nobody reads it (QHttpServer stops reading
    // a connection whose request it cannot parse): a little more than the request limit.
    if (m_receiveLimit > 0)
        socket->setReadBufferSize(m_receiveLimit + 64 * 1024);
    Connection connection;
    connection.lastActivity.start();
    m_connections.insert(socket, connection);
    // Connected before QHttpServer connects its own slot, so this runs first on every read.
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
    connect(socket, &QTcpSocket::bytesWritten, this, [this, socket] {
        auto it = m_connections.find(socket);
        if (it != m_connections.end()) {
            it->lastActivity.start();
            it->receivedSinceAnswer = 0; // an answer went out, so the next bytes are a new request
        }
    });
    connect(socket, &QObject::destroyed, this, [this, socket] { m_connections.remove(socket); });
}

void IdleTimeoutTcpServer::onReadyRead(QTcpSocket *socket)
{
    auto it = m_connections.find(socket);
    if (it == m_connections.end() || it->closing)
        return;
    it->lastActivity.start();
    if (it->receivedSinceAnswer == 0) {
        it->requestStarted.start();
        it->head.clear();
        it->headDone = false;
    }
    // QHttpServer reads everything buffered on each read while it parses a head (byte by byte),
    // so what is available now is new: the head is seen whole before the request is handled.
    const qint64 available = socket->bytesAvailable();
    it->receivedSinceAnswer += available;
    if (!it->headDone && it->handedOver && !readHead(socket, *it, available))
        return;
    if (m_receiveLimit < 0 || it->receivedSinceAnswer <= m_receiveLimit)
        return;
    // Too much for one request: stop the HTTP server from buffering more, answer 413, close.
    refuse(socket, *it, 413,
           QStringLiteral("the request is too large for this worker (see its --max-request-bytes); send "
                          "smaller batches"));
    emit oversizedRequestRefused();
}

bool IdleTimeoutTcpServer::readHead(QTcpSocket *socket, Connection &connection, qint64 available)
{
    connection.head += socket->peek(std::min<qint64>(available, kMaxHeadBytes - connection.head.size()));
    const QByteArray &bytes = connection.head;
    qsizetype start = 0; // QHttpServer skips white space before a request line
    while (start < bytes.size() && isSpace(bytes[start]))
        ++start;
    const qsizetype crlf = bytes.indexOf("\n\r\n", start);
    const qsizetype lf = bytes.indexOf("\n\n", start);
    const qsizetype end = crlf < 0 ? lf : lf < 0 ? crlf : std::min(crlf, lf);
    if (end < 0) {
        if (bytes.size() < kMaxHeadBytes)
            return true; // more to come
        connection.headDone = true;
        refuse(socket, connection, 431,
               QStringLiteral("the request line and headers are longer than %1 bytes").arg(kMaxHeadBytes));
        return false;
    }
    connection.headDone = true;
    RequestHead head;
    int status = 0;
    QString error;
    const bool parsed = parseHead(QByteArrayView(bytes).sliced(start, end - start), &head, &status, &error);
    connection.head.clear();
    connection.head.squeeze();
    if (!parsed) {
        refuse(socket, connection, status, error);
        return false;
    }
    connection.keepAlive = head.keepAlive;
    connection.httpMinor = head.httpMinor;
    if (!m_headCheck)
        return true;
    const HeadAnswer answer = m_headCheck(head);
    if (answer.status == 0)
        return true;
    refuse(socket, connection, answer.status, answer.text, answer.headers);
    return false;
}

void IdleTimeoutTcpServer::refuse(QTcpSocket *socket, Connection &connection, int status, const QString &text,
                                  const QList<std::pair<QByteArray, QByteArray>> &headers)
{
    connection.closing = true;
    connection.keepAlive = false;
    connection.lastActivity.start();
    connection.lingerStarted.start();
    // Nothing more of this connection reaches the HTTP server. What it already read of the request
    // (in its transaction) and what still arrives is dropped, not kept.
    disconnect(socket, &QTcpSocket::readyRead, nullptr, nullptr);
    if (socket->isTransactionStarted())
        socket->commitTransaction();
    socket->skip(socket->bytesAvailable());
    connect(socket, &QTcpSocket::readyRead, this, [socket] { socket->skip(socket->bytesAvailable()); });

    const QByteArray body = text.toUtf8() + '\n';
    QByteArray answer = QByteArrayLiteral("HTTP/1.1 ") + QByteArray::number(status) + ' ' + reasonPhrase(status) +
                        QByteArrayLiteral("\r\nContent-Type: text/plain; charset=utf-8\r\n");
    for (const auto &h : headers)
        answer += h.first + QByteArrayLiteral(": ") + h.second + QByteArrayLiteral("\r\n");
    answer += QByteArrayLiteral("Connection: close\r\nContent-Length: ") + QByteArray::number(body.size()) +
              QByteArrayLiteral("\r\n\r\n") + body;
    socket->write(answer);
    if (qobject_cast<QSslSocket *>(socket)) {
        socket->disconnectFromHost(); // TLS ends with its own close; no half-close under it
        return;
    }
    // Half-close once the answer is out: the client sees the end of the answer, and what it still
    // sends is discarded until it stops or kLingerMs pass (a full close now would reset the
    // connection, and the client could lose the answer).
    connect(socket, &QTcpSocket::bytesWritten, this, [this, socket] {
        if (socket->bytesToWrite() == 0)
            shutdownSending(socket);
    });
    socket->flush();
    if (socket->bytesToWrite() == 0)
        shutdownSending(socket);
}

void IdleTimeoutTcpServer::shutdownSending(QTcpSocket *socket)
{
    auto it = m_connections.find(socket);
    if (it == m_connections.end() || it->halfClosed || socket->state() != QAbstractSocket::ConnectedState)
        return;
    it->halfClosed = true;
    ::shutdown(int(socket->socketDescriptor()), SHUT_WR);
}

void IdleTimeoutTcpServer::incomingConnection(qintptr handle)
{
    if (!m_tls) {
        auto *socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(handle)) {
            delete socket;
            return;
        }
        track(socket);
        m_connections[socket].handedOver = true;
        addPendingConnection(socket);
        return;
    }
    auto *socket = new QSslSocket(this);
    if (!socket->setSocketDescriptor(handle)) {
        delete socket;
        return;
    }
    socket->setSslConfiguration(m_sslConfiguration);
    track(socket);
    connect(socket, &QSslSocket::encrypted, this, [this, socket] {
        auto it = m_connections.find(socket);
        if (it == m_connections.end() || it->handedOver)
            return;
        it->handedOver = true;
        it->lastActivity.start();
        addPendingConnection(socket);
        emit newConnection(); // QTcpServer announced the connection before the handshake ended
    });
    // Before the handshake ends, any error (a plain-HTTP client, a bad certificate on the other
    // side) ends the connection; afterwards, QHttpServer owns the socket.
    const auto dropIfHandshaking = [this, socket] {
        auto it = m_connections.find(socket);
        if (it == m_connections.end() || it->handedOver)
            return;
        m_connections.erase(it);
        socket->abort();
        socket->deleteLater();
    };
    connect(socket, &QSslSocket::errorOccurred, this, dropIfHandshaking);
    connect(socket, &QSslSocket::sslErrors, this, dropIfHandshaking);
    connect(socket, &QSslSocket::disconnected, this, dropIfHandshaking);
    socket->startServerEncryption();
}

bool IdleTimeoutTcpServer::tooSlow(const Connection &connection) const
{
    if (connection.receivedSinceAnswer == 0 || !connection.requestStarted.isValid())
        return false; // between requests: only the idle rule applies
    const qint64 allowedMs =
        m_idleTimeoutMs + connection.receivedSinceAnswer * 1000 / kMinRequestBytesPerSecond;
    return connection.requestStarted.elapsed() > allowedMs;
}

void IdleTimeoutTcpServer::sweep()
{
    QList<QTcpSocket *> idle;
    for (auto it = m_connections.begin(); it != m_connections.end(); ++it) {
        if (it->busy)
            continue;
        if (it->lingerStarted.isValid() && it->lingerStarted.elapsed() >= kLingerMs) {
            idle << it.key(); // refused before its body: discarded long enough
            continue;
        }
        const qint64 quiet = it->lastActivity.elapsed();
        if ((quiet >= m_idleTimeoutMs || tooSlow(*it)) && !it->closing)
            idle << it.key();
        else if (it->closing && quiet >= m_idleTimeoutMs + 5000)
            idle << it.key(); // a graceful close that did not finish
    }
    for (QTcpSocket *socket : idle) {
        auto it = m_connections.find(socket);
        if (it == m_connections.end())
            continue;
        if (!it->handedOver) {
            m_connections.erase(it);
            socket->abort();
            socket->deleteLater();
        } else if (!it->closing) {
            it->closing = true;
            it->lastActivity.start();
            socket->disconnectFromHost();
        } else if (socket->state() == QAbstractSocket::UnconnectedState) {
            // Closed, but nobody deletes it: QHttpServer drops its connections to a socket whose
            // request it could not parse.
            m_connections.erase(it);
            socket->deleteLater();
        } else {
            socket->abort();
        }
    }
}

} // namespace fastmap
