// SPDX-License-Identifier: GPL-3.0-or-later
#include "host/HostPool.h"

#include "util/BatchCodec.h"

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

HostPool::Load HostPool::loadFunction(const BatchRequest &request, const std::vector<ColumnType> &inputTypes,
                                      double timeoutSeconds, QString *message)
{
    std::unique_ptr<HostProcess> host = acquire(message);
    if (!host)
        return Load::Unstarted;
    BatchRequest probe = request;
    probe.inputs = Table(inputTypes, 0);
    const HostOutcome outcome = host->run(BatchCodec::encodeRequest(probe), timeoutSeconds, nullptr);
    if (outcome.kind == HostOutcome::Kind::Error) {
        *message = QString::fromUtf8(outcome.payload);
        release(std::move(host));
        return Load::Refused;
    }
    if (outcome.kind != HostOutcome::Kind::Answered) {
        *message = outcome.reason.isEmpty() ? QStringLiteral("ended") : outcome.reason;
        return Load::Died;
    }
    release(std::move(host));
    return Load::Loaded;
}

} // namespace fastmap
