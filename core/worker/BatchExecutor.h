// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "host/HostProcess.h"
#include "util/BatchCodec.h"
#include "worker/TokenAuthenticator.h"
#include "worker/WorkerConfig.h"

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QString>

#include <memory>

namespace fastmap {

struct FunctionInfo;
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
    int isolated = 0;   // elements that took their function host down (process isolation)
    QByteArray output;  // status 200: the batch's outputs, already encoded (BatchCodec::encodeOutput)
};

class HostPool;

// Decodes a batch, checks it against the installed function, runs it and encodes the outputs.
// With process isolation (the default) the batch runs in a function host (ContainedRunner): an
// element that crashes its host, overruns the element timeout or the memory limit fails alone,
// with what happened, and is logged with the batch; the CPU time charged is the hosts'. With
// thread isolation it runs with BatchRunner on the calling thread, charged that thread's CPU
// time. Runs on a pool thread, so the event loop only wraps the encoded outputs in their
// envelope: it touches no ledger and no socket, only the (thread-safe) plugin catalog, the
// (thread-safe) host pool and its own data.
class BatchExecutor
{
public:
    // `hashes`: the SHA-256 of each function's plugin file, by function id, computed at start.
    // Uses the config's price, isolation and limits.
    BatchExecutor(PluginCatalog *catalog, QHash<QString, QString> hashes, const WorkerConfig &config);
    ~BatchExecutor();

    // The function hosts of a worker: every plugin file that serves one of the catalog's
    // functions, the config's memory limit.
    static HostProcess::Options hostOptions(PluginCatalog &catalog, const WorkerConfig &config);

    // `identity` is who sent it, with the credits they had when the request arrived.
    BatchOutcome execute(const QByteArray &body, const TokenIdentity &identity) const;

    // CPU time of the calling thread, in seconds (CLOCK_THREAD_CPUTIME_ID).
    static double threadCpuSeconds();

private:
    BatchOutcome runInThread(BatchOutcome outcome, const FunctionInfo &info, const QVariantMap &bound,
                             BatchRequest &request) const;
    BatchOutcome runInHosts(BatchOutcome outcome, const FunctionInfo &info, const QVariantMap &bound,
                            BatchRequest &request, const TokenIdentity &identity) const;
    double secondsPerElement(const QString &functionId) const;
    void recordSecondsPerElement(const QString &functionId, double seconds) const;

    PluginCatalog *m_catalog;
    WorkerConfig m_config;
    std::unique_ptr<HostPool> m_hosts; // null with thread isolation
    // The measured wall time per element of each function, which sizes a batch's deadline
    // under an element timeout.
    mutable QMutex m_timingMutex;
    mutable QHash<QString, double> m_secondsPerElement;
    // PluginCatalog::instantiate loads a plugin on first use through a QPluginLoader that must
    // not be used by two threads at once; creating a function is cheap next to running a batch.
    mutable QMutex m_instantiateMutex;
    QHash<QString, QString> m_hashes;
    double m_pricePerVcpuHour;
};

} // namespace fastmap
