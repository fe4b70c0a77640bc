// SPDX-License-Identifier: GPL-3.0-or-later
#include "host/HostExecutor.h"

#include "host/HostPool.h"
#include "host/HostProcess.h"

#include "plugin/FunctionInfo.h"

namespace fastmap {

std::unique_ptr<HostExecutor> HostExecutor::start(const FunctionInfo &info, const BatchRequest &request,
                                                  const Options &options, QString *error)
{
    HostProcess::Options hostOptions;
    hostOptions.program = options.program.isEmpty() ? HostProcess::defaultProgram() : options.program;
    hostOptions.plugins = {info.filePath};
    hostOptions.memoryLimitMB = options.limits.memoryLimitMB;
    std::unique_ptr<HostExecutor> executor(new HostExecutor);
    executor->m_hosts = std::make_unique<HostPool>(hostOptions);
    QString reason;
    switch (executor->m_hosts->loadFunction(request, info.inputTypes(), 60, &reason)) {
    case HostPool::Load::Loaded: break;
    case HostPool::Load::Unstarted:
        *error = QStringLiteral("cannot run %1 in a function host: %2").arg(info.id, reason);
        return nullptr;
    case HostPool::Load::Refused: *error = reason; return nullptr;
    case HostPool::Load::Died:
        *error = QStringLiteral("the function host for %1 %2 while loading it").arg(info.id, reason);
        return nullptr;
    }
    ContainmentLimits limits = options.limits;
    limits.maxCrashes = qMax(1, limits.maxCrashes);
    executor->m_contained =
        std::make_unique<ContainedRunner>(executor->m_hosts.get(), request, info.outputTypes(), limits);
    return executor;
}

HostExecutor::~HostExecutor() = default;

FunctionExecutor::Status HostExecutor::run(const Table &input, qint64 firstRow, BatchOutput &output)
{
    const ContainedRunner::Outcome outcome = m_contained->run(input, firstRow, output);
    m_isolated.fetch_add(outcome.isolated, std::memory_order_relaxed);
    switch (outcome.status) {
    case ContainedRunner::Outcome::Status::Done: return Status::Done;
    case ContainedRunner::Outcome::Status::Aborted: return Status::Stopped;
    case ContainedRunner::Outcome::Status::Fatal: return Status::Fatal;
    }
    return Status::Stopped;
}

void HostExecutor::setSecondsPerElement(double seconds)
{
    m_contained->setSecondsPerElement(seconds);
}

bool HostExecutor::stopRunning()
{
    m_hosts->abortAll();
    return true;
}

QString HostExecutor::fatalMessage() const
{
    return m_contained->fatalMessage();
}

int HostExecutor::processesStarted() const
{
    return m_hosts->started();
}

} // namespace fastmap
