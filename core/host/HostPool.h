// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "host/HostProcess.h"
#include "util/BatchCodec.h"

#include <QMutex>

#include <atomic>
#include <memory>
#include <vector>

namespace fastmap {

// The function hosts of one job (or one worker server): started on demand, one per thread that
// runs batches, and kept between batches. A host that died is dropped and the next acquire
// starts a fresh one.
class HostPool
{
public:
    explicit HostPool(HostProcess::Options options);
    ~HostPool();

    // An idle host, or a new one; null with the reason when none can start.
    std::unique_ptr<HostProcess> acquire(QString *error);
    void release(std::unique_ptr<HostProcess> host);

    // Has a host load the function of `request` (its parameters too) with a zero-row batch, so a
    // plugin that cannot load or refuses its parameters is known before any element runs; the
    // host keeps it loaded. Cannot start: Unstarted; the host refused it: Refused (`message`
    // is the host's); the host died loading it: Died (`message` says how).
    enum class Load { Loaded, Unstarted, Refused, Died };
    Load loadFunction(const BatchRequest &request, const std::vector<ColumnType> &inputTypes,
                      double timeoutSeconds, QString *message);

    // Every running batch ends as aborted and its host is killed; later acquires fail.
    void abortAll() { m_abort = true; }
    bool aborted() const { return m_abort.load(); }
    const std::atomic<bool> *abortFlag() const { return &m_abort; }

    const HostProcess::Options &options() const { return m_options; }
    int started() const { return m_started.load(); }

private:
    HostProcess::Options m_options;
    QMutex m_mutex;
    std::vector<std::unique_ptr<HostProcess>> m_idle;
    std::atomic<bool> m_abort{false};
    std::atomic<int> m_started{0};
};

} // namespace fastmap
