// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "host/HostProcess.h"

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
