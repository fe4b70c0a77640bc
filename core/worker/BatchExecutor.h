// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "remote/BatchCodec.h"
#include "worker/TokenAuthenticator.h"

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QString>

namespace fastmap {

class PluginCatalog;

// What became of one POST /v1/batches body on a worker thread.
struct BatchOutcome
{
    int status = 200;   // HTTP status
    QString reason;     // why it was refused (status != 200); sent as text/plain
    QString functionId; // as the client named it
    qint64 rows = 0;
    int failed = 0;     // elements that failed
    double vcpuSeconds = 0;
    double charge = 0;
    QByteArray output;  // status 200: the batch's outputs, already encoded (BatchCodec::encodeOutput)
};

// Decodes a batch, checks it against the installed function, runs it with BatchRunner,
// measures the thread CPU time it took and encodes the outputs. Runs on a pool thread, so the
// event loop only wraps the encoded outputs in their envelope: it touches no ledger and no
// socket, only the (thread-safe) plugin catalog and its own data.
class BatchExecutor
{
public:
    // `hashes`: the SHA-256 of each function's plugin file, by function id, computed at start.
    BatchExecutor(PluginCatalog *catalog, QHash<QString, QString> hashes, double pricePerVcpuHour);

    // `identity` is who sent it, with the credits they had when the request arrived.
    BatchOutcome execute(const QByteArray &body, const TokenIdentity &identity) const;

    // CPU time of the calling thread, in seconds (CLOCK_THREAD_CPUTIME_ID).
    static double threadCpuSeconds();

private:
    PluginCatalog *m_catalog;
    // PluginCatalog::instantiate loads a plugin on first use through a QPluginLoader that must
    // not be used by two threads at once; creating a function is cheap next to running a batch.
    mutable QMutex m_instantiateMutex;
    QHash<QString, QString> m_hashes;
    double m_pricePerVcpuHour;
};

} // namespace fastmap
