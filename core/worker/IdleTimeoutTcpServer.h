// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTimer>

class QTcpSocket;

namespace fastmap {

// The listening socket handed to QHttpServer::bind(). It keeps track of every connection and
//  - closes one that has been idle (nothing received or sent) for the idle timeout, unless the
//    server marked it busy (a batch of it is running);
//  - closes one whose request arrives slower than kMinRequestBytesPerSecond once the idle
//    timeout has passed, so a client that trickles a byte now and then cannot hold a
//    connection (and its buffers) for ever;
//  - refuses a request that grows beyond a byte limit before QHttpServer has read all of it
//    (413, then the connection is closed), so an endless body cannot fill the memory;
//  - with an SSL configuration, does the TLS handshake itself and hands only encrypted
//    connections to the HTTP server (a plain-HTTP client just gets its connection closed).
class IdleTimeoutTcpServer : public QTcpServer
{
    Q_OBJECT

public:
    // A request may take the idle timeout plus one second per this many bytes to arrive.
    static constexpr qint64 kMinRequestBytesPerSecond = 16 * 1024;

    explicit IdleTimeoutTcpServer(QObject *parent = nullptr);
    ~IdleTimeoutTcpServer() override;

    void setIdleTimeout(int milliseconds);
    int idleTimeout() const { return m_idleTimeoutMs; }
    // Received bytes allowed between two answers on one connection.
    void setReceiveLimit(qint64 bytes) { m_receiveLimit = bytes; }
    void setSslConfiguration(const QSslConfiguration &configuration);
    bool isTls() const { return m_tls; }

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
    };

    void track(QTcpSocket *socket);
    void onReadyRead(QTcpSocket *socket);
    void sweep();
    bool tooSlow(const Connection &connection) const;

    QHash<QTcpSocket *, Connection> m_connections;
    QTimer m_sweepTimer;
    QSslConfiguration m_sslConfiguration;
    bool m_tls = false;
    int m_idleTimeoutMs = 30000;
    qint64 m_receiveLimit = -1;
};

} // namespace fastmap
