// SPDX-License-Identifier: GPL-3.0-or-later
#include "worker/IdleTimeoutTcpServer.h"

#include <QSslSocket>
#include <QTcpSocket>

#include <algorithm>

namespace fastmap {

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
    if (it == m_connections.end())
        return;
    it->lastActivity.start();
    if (it->receivedSinceAnswer == 0)
        it->requestStarted.start();
    it->receivedSinceAnswer += socket->bytesAvailable();
    if (m_receiveLimit < 0 || it->receivedSinceAnswer <= m_receiveLimit || it->closing)
        return;
    // Too much for one request: stop the HTTP server from buffering more, answer 413, close.
    it->closing = true;
    disconnect(socket, &QTcpSocket::readyRead, nullptr, nullptr);
    const QByteArray body =
        QByteArrayLiteral("the request is too large for this worker (see its --max-request-bytes); "
                          "send smaller batches\n");
    socket->write(QByteArrayLiteral(
                      "HTTP/1.1 413 Payload Too Large\r\nContent-Type: text/plain\r\nConnection: close\r\n"
                      "Content-Length: ") +
                  QByteArray::number(body.size()) + QByteArrayLiteral("\r\n\r\n") + body);
    socket->disconnectFromHost();
    emit oversizedRequestRefused();
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
