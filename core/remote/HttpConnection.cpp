// SPDX-License-Identifier: GPL-3.0-or-later
#include "remote/HttpConnection.h"

#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>

#include <algorithm>
#include <charconv>

namespace fastmap {

namespace {

// A lying Content-Length does not reserve more than this up front; the body grows past it.
constexpr qint64 kMaxReserve = 256 * 1024 * 1024;

bool parseNumber(QByteArrayView text, int base, qint64 *value)
{
    text = text.trimmed();
    if (text.isEmpty())
        return false;
    const char *end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, *value, base);
    return ec == std::errc() && ptr == end && *value >= 0;
}

QByteArray hostHeader(const QUrl &url)
{
    QByteArray host = url.host(QUrl::FullyEncoded).toLatin1();
    if (host.contains(':'))
        host = '[' + host + ']';
    const int port = url.port();
    if (port > 0 && port != (url.scheme() == QLatin1String("https") ? 443 : 80))
        host += ':' + QByteArray::number(port);
    return host;
}

} // namespace

QByteArray HttpReply::header(const QByteArray &lowerCaseName) const
{
    for (const auto &[name, value] : headers)
        if (name == lowerCaseName)
            return value;
    return {};
}

QString HttpReply::describe() const
{
    if (status <= 0)
        return error;
    QString text = QString::fromUtf8(body.left(300)).trimmed();
    if (text.isEmpty() || text.contains(QChar(0)) || text.contains(QChar::ReplacementCharacter))
        text = QString::fromLatin1(reason);
    return QStringLiteral("HTTP %1: %2").arg(status).arg(text);
}

HttpConnection::HttpConnection(const QUrl &origin, QList<QSslCertificate> extraCas, QObject *parent)
    : QObject(parent), m_origin(origin), m_extraCas(std::move(extraCas)), m_idleTimer(this)
{
    m_idleTimer.setSingleShot(true);
    connect(&m_idleTimer, &QTimer::timeout, this, &HttpConnection::onTimeout);
}

HttpConnection::~HttpConnection()
{
    if (m_socket) {
        disconnect(m_socket.get(), nullptr, this, nullptr);
        m_socket->abort();
    }
}

void HttpConnection::send(const QByteArray &method, const QUrl &url, const Headers &headers,
                          const QByteArray &body, int idleTimeoutMs)
{
    Q_ASSERT(m_state == State::Idle);
    QByteArray target = url.path(QUrl::FullyEncoded).toLatin1();
    if (target.isEmpty())
        target = "/";
    if (url.hasQuery())
        target += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    m_request.clear();
    m_request.reserve(256 + body.size());
    m_request += method + ' ' + target + " HTTP/1.1\r\nHost: " + hostHeader(url) + "\r\n";
    for (const auto &[name, value] : headers)
        m_request += name + ": " + value + "\r\n";
    if (!body.isEmpty() || method == "POST" || method == "PUT")
        m_request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    m_request += "\r\n";
    m_request += body;

    m_timeoutMs = idleTimeoutMs;
    m_reply = HttpReply();
    m_in.clear();
    m_answerStarted = false;
    m_keepAlive = true;
    m_idleTimer.start(m_timeoutMs);
    const bool open = m_socket && m_socket->state() == QAbstractSocket::ConnectedState
        && (!qobject_cast<QSslSocket *>(m_socket.get()) || static_cast<QSslSocket *>(m_socket.get())->isEncrypted());
    if (open) {
        m_reused = true;
        m_state = State::ReadingHead;
        m_socket->write(m_request);
    } else {
        m_reused = false;
        openSocket();
    }
}

void HttpConnection::abort()
{
    m_idleTimer.stop();
    m_state = State::Idle;
    m_request.clear();
    dropSocket();
}

bool HttpConnection::hasLowDelay() const
{
    return m_socket && m_socket->socketOption(QAbstractSocket::LowDelayOption).toInt() != 0;
}

void HttpConnection::openSocket()
{
    dropSocket();
    m_state = State::Connecting;
    const bool tls = m_origin.scheme() == QLatin1String("https");
    if (tls && !QSslSocket::supportsSsl()) {
        // Reported from the event loop, as every other failure is.
        QMetaObject::invokeMethod(this, [this] { fail(QStringLiteral("this build has no TLS support for https")); },
                                  Qt::QueuedConnection);
        return;
    }
    const quint16 port = quint16(m_origin.port(tls ? 443 : 80));
    if (tls) {
        auto *ssl = new QSslSocket;
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        if (!m_extraCas.isEmpty())
            config.setCaCertificates(config.caCertificates() + m_extraCas);
        ssl->setSslConfiguration(config);
        m_socket.reset(ssl);
        connect(ssl, &QSslSocket::encrypted, this, &HttpConnection::onConnected);
        connect(ssl, &QSslSocket::encryptedBytesWritten, this, &HttpConnection::touch);
    } else {
        m_socket = std::make_unique<QTcpSocket>();
        connect(m_socket.get(), &QTcpSocket::connected, this, &HttpConnection::onConnected);
        connect(m_socket.get(), &QTcpSocket::bytesWritten, this, &HttpConnection::touch);
    }
    connect(m_socket.get(), &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket.get(), &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    connect(m_socket.get(), &QTcpSocket::errorOccurred, this, &HttpConnection::onError);
    if (tls)
        static_cast<QSslSocket *>(m_socket.get())->connectToHostEncrypted(m_origin.host(), port);
    else
        m_socket->connectToHost(m_origin.host(), port);
}

void HttpConnection::onConnected()
{
    if (m_state != State::Connecting)
        return;
    // The request leaves in one write and nothing waits for an ACK (see the class comment).
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_socket->setSocketOption(QAbstractSocket::KeepAliveOption, 1);
    touch();
    m_state = State::ReadingHead;
    m_socket->write(m_request);
}

void HttpConnection::touch()
{
    if (m_state != State::Idle)
        m_idleTimer.start(m_timeoutMs);
}

void HttpConnection::onReadyRead()
{
    const QByteArray bytes = m_socket->readAll();
    if (m_state == State::Idle || m_state == State::Connecting)
        return; // nothing was asked: a stray byte is not an answer
    touch();
    m_answerStarted = true;
    m_in += bytes;
    parse();
}

bool HttpConnection::parse()
{
    for (;;) {
        switch (m_state) {
        case State::ReadingHead:
            if (!parseHead())
                return false;
            if (m_state == State::ReadingHead)
                return true; // more to come
            break;
        case State::ReadingBody: {
            const qint64 take = std::min<qint64>(m_bodyLeft, m_in.size());
            if (m_reply.body.isEmpty() && take == m_in.size() && take == m_bodyLeft) {
                m_reply.body = std::move(m_in); // the whole body in one read: no copy
                m_in = QByteArray();
            } else {
                m_reply.body.append(m_in.constData(), take);
                m_in.remove(0, take);
            }
            m_bodyLeft -= take;
            if (m_bodyLeft == 0)
                complete();
            return true;
        }
        case State::ReadingChunks:
            return parseChunks();
        case State::ReadingToClose:
            if (m_reply.body.size() + m_in.size() > kMaxBodyBytes) {
                fail(QStringLiteral("an answer over %1 bytes").arg(kMaxBodyBytes));
                return false;
            }
            m_reply.body += m_in;
            m_in.clear();
            return true;
        case State::Idle:
        case State::Connecting:
            return true;
        }
    }
}

bool HttpConnection::parseHead()
{
    const qsizetype end = m_in.indexOf("\r\n\r\n");
    if (end < 0) {
        if (m_in.size() > kMaxHeadBytes) {
            fail(QStringLiteral("a garbled answer: an HTTP head over %1 bytes").arg(kMaxHeadBytes));
            return false;
        }
        return true;
    }
    const QList<QByteArray> lines = m_in.left(end).split('\n');
    m_in.remove(0, end + 4);
    const QByteArray statusLine = lines.first().trimmed();
    // "HTTP/1.1 200 OK"
    const QList<QByteArray> parts = statusLine.split(' ');
    qint64 status = 0;
    if (parts.size() < 2 || !parts[0].startsWith("HTTP/1.") || !parseNumber(parts[1], 10, &status) || status < 100
        || status > 999) {
        fail(QStringLiteral("a garbled answer: not an HTTP status line (\"%1\")").arg(QString::fromLatin1(statusLine.left(80))));
        return false;
    }
    m_reply.headers.clear();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            fail(QStringLiteral("a garbled answer: a bad header line (\"%1\")").arg(QString::fromLatin1(line.left(80))));
            return false;
        }
        m_reply.headers.append({line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed()});
    }
    if (status < 200) // 100 Continue and the like: the real answer follows
        return parseHead();
    m_reply.status = int(status);
    m_reply.reason = parts.mid(2).join(' ');
    const QByteArray connection = m_reply.header("connection").toLower();
    m_keepAlive = parts[0] == "HTTP/1.1" ? !connection.contains("close") : connection.contains("keep-alive");

    if (m_reply.header("transfer-encoding").toLower().contains("chunked")) {
        m_state = State::ReadingChunks;
        m_bodyLeft = -1;
        m_chunkTrailer = false;
        return true;
    }
    const QByteArray length = m_reply.header("content-length");
    if (length.isNull()) {
        if (status == 204 || status == 304) {
            complete();
            return true;
        }
        m_keepAlive = false;
        m_state = State::ReadingToClose;
        return true;
    }
    if (!parseNumber(length, 10, &m_bodyLeft) || m_bodyLeft > kMaxBodyBytes) {
        fail(QStringLiteral("a garbled answer: Content-Length \"%1\"").arg(QString::fromLatin1(length.left(40))));
        return false;
    }
    if (m_bodyLeft == 0) {
        complete();
        return true;
    }
    if (m_in.size() < m_bodyLeft)
        m_reply.body.reserve(std::min(m_bodyLeft, kMaxReserve));
    m_state = State::ReadingBody;
    return true;
}

bool HttpConnection::parseChunks()
{
    for (;;) {
        if (m_bodyLeft < 0) { // at a chunk-size line, or in the trailer
            const qsizetype eol = m_in.indexOf("\r\n");
            if (eol < 0)
                return true;
            const QByteArray line = m_in.left(eol);
            m_in.remove(0, eol + 2);
            if (m_chunkTrailer) {
                if (line.isEmpty()) {
                    complete();
                    return true;
                }
                continue; // a trailer field, not needed
            }
            qint64 size = 0;
            const qsizetype semicolon = line.indexOf(';'); // chunk extensions are ignored
            if (!parseNumber(semicolon < 0 ? line : line.left(semicolon), 16, &size)
                || m_reply.body.size() + size > kMaxBodyBytes) {
                fail(QStringLiteral("a garbled answer: a bad chunk size (\"%1\")").arg(QString::fromLatin1(line.left(40))));
                return false;
            }
            if (size == 0)
                m_chunkTrailer = true;
            else
                m_bodyLeft = size;
            continue;
        }
        // In a chunk's data, then its CRLF.
        if (m_in.size() < m_bodyLeft + 2)
            return true;
        if (m_in.mid(m_bodyLeft, 2) != "\r\n") {
            fail(QStringLiteral("a garbled answer: a chunk does not end where its size says"));
            return false;
        }
        m_reply.body.append(m_in.constData(), m_bodyLeft);
        m_in.remove(0, m_bodyLeft + 2);
        m_bodyLeft = -1;
    }
}

void HttpConnection::onDisconnected()
{
    switch (m_state) {
    case State::Idle:
        dropSocket(); // the worker closed a connection that waited for work; the next opens anew
        return;
    case State::ReadingToClose:
        complete();
        return;
    default:
        break;
    }
    if (m_reused && !m_answerStarted) {
        // A kept-alive connection the worker had closed meanwhile: the request never reached it.
        m_reused = false;
        openSocket();
        return;
    }
    fail(m_answerStarted ? QStringLiteral("the worker closed the connection in the middle of its answer")
                         : QStringLiteral("the worker closed the connection without answering"));
}

void HttpConnection::onError()
{
    if (!m_socket)
        return;
    const QAbstractSocket::SocketError error = m_socket->error();
    if (error == QAbstractSocket::RemoteHostClosedError && m_socket->state() != QAbstractSocket::UnconnectedState)
        return; // disconnected() follows and knows what the close means
    if (m_state == State::Idle) {
        dropSocket();
        return;
    }
    if (error == QAbstractSocket::RemoteHostClosedError) {
        onDisconnected();
        return;
    }
    if (m_reused && !m_answerStarted && m_state != State::Connecting) {
        m_reused = false;
        openSocket();
        return;
    }
    fail(m_socket->errorString());
}

void HttpConnection::onTimeout()
{
    if (m_state == State::Idle)
        return;
    fail(QStringLiteral("no answer within %1 s (the worker may be hung)").arg(m_timeoutMs / 1000.0), true);
}

void HttpConnection::complete()
{
    m_idleTimer.stop();
    m_state = State::Idle;
    m_request.clear();
    m_in.clear();
    if (!m_keepAlive)
        dropSocket();
    const HttpReply reply = std::move(m_reply);
    m_reply = HttpReply();
    emit finished(reply); // last: a receiver may send the next request from here
}

void HttpConnection::fail(const QString &error, bool timedOut)
{
    m_idleTimer.stop();
    m_state = State::Idle;
    m_request.clear();
    m_in.clear();
    dropSocket();
    HttpReply reply;
    reply.error = error;
    reply.timedOut = timedOut;
    m_reply = HttpReply();
    emit finished(reply);
}

void HttpConnection::dropSocket()
{
    if (!m_socket)
        return;
    disconnect(m_socket.get(), nullptr, this, nullptr);
    m_socket->abort();
    m_socket.release()->deleteLater(); // it may be the sender of the signal being handled
}

} // namespace fastmap
