// SPDX-License-Identifier: GPL-3.0-or-later
#include "host/HostPool.h"

namespace fastmap {

HostPool::HostPool(HostProcess::Options options) : m_options(std::move(options))
{}

HostPool::~HostPool() = default;

std::unique_ptr<HostProcess> HostPool::acquire(QString *error)
{
    if (m_abort) {
        *error = QStringLiteral("the job was stopped");
        return nullptr;
    }
    {
        QMutexLocker lock(&m_mutex);
        if (!m_idle.empty()) {
            std::unique_ptr<HostProcess> host = std::move(m_idle.back());
            m_idle.pop_back();
            return host;
        }
    }
    m_started.fetch_add(1);
    return HostProcess::start(m_options, error);
}

void HostPool::release(std::unique_ptr<HostProcess> host)
{
    if (!host || !host->alive())
        return;
    QMutexLocker lock(&m_mutex);
    m_idle.push_back(std::move(host));
}

} // namespace fastmap
