// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QUrl>

namespace fastmap {

// A worker's base URL, checked before any token goes near it.
class WorkerEndpoint
{
public:
    // Accepts http(s)://HOST[:PORT][/prefix]. Plain http to a host that is not loopback is refused
    // unless `insecure`, because the token and the data would cross the network in clear.
    static bool parse(const QString &text, bool insecure, QUrl *url, QString *error);
    static bool isLoopback(const QString &host);
    // Whether `host` is this machine: loopback, localhost, one of its interfaces' addresses or
    // its host name. Looks nothing up (no DNS): a name that merely resolves here is not seen.
    static bool isThisMachine(const QString &host);
    // The endpoint's path under the base URL, e.g. "/v1/batches".
    static QUrl resolve(const QUrl &base, const QString &path);
};

} // namespace fastmap
