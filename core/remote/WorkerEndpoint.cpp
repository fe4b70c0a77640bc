// SPDX-License-Identifier: GPL-3.0-or-later
#include "remote/WorkerEndpoint.h"

#include <QHostAddress>
#include <QHostInfo>
#include <QNetworkInterface>

namespace fastmap {

bool WorkerEndpoint::isLoopback(const QString &host)
{
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

bool WorkerEndpoint::isThisMachine(const QString &host)
{
    if (isLoopback(host) || host.compare(QHostInfo::localHostName(), Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    if (address.isNull())
        return false;
    const QList<QHostAddress> own = QNetworkInterface::allAddresses();
    for (const QHostAddress &a : own)
        if (a.isEqual(address, QHostAddress::TolerantConversion))
            return true;
    return false;
}

bool WorkerEndpoint::parse(const QString &text, bool insecure, QUrl *url, QString *error)
{
    const QUrl u = QUrl::fromUserInput(text.trimmed()).adjusted(QUrl::StripTrailingSlash);
    const QString scheme = u.scheme().toLower();
    if (!u.isValid() || u.host().isEmpty() || (scheme != QLatin1String("http") && scheme != QLatin1String("https"))
        || !text.contains(QLatin1String("://"))) {
        *error = QStringLiteral("worker \"%1\": not an http:// or https:// URL").arg(text);
        return false;
    }
    if (scheme == QLatin1String("http") && !insecure && !isLoopback(u.host())) {
        *error = QStringLiteral("worker %1: refusing plain http:// to a host that is not this machine; the token "
                                "and the data would cross the network in clear. Use https:// or --insecure.")
                     .arg(text);
        return false;
    }
    *url = u;
    return true;
}

QUrl WorkerEndpoint::resolve(const QUrl &base, const QString &path)
{
    QUrl u = base;
    u.setPath(base.path() + path);
    return u;
}

} // namespace fastmap
