// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/FunctionExecutor.h"
#include "host/ContainedRunner.h"

#include <atomic>
#include <memory>

namespace fastmap {

class HostPool;
struct FunctionInfo;

// Process isolation: the function runs in fastmap-host processes, one per local slot, kept for
// the job; a host that dies, overruns or outgrows its limits costs one element (ContainedRunner).
class HostExecutor final : public FunctionExecutor
{
public:
    struct Options
    {
        QString program; // empty: HostProcess::defaultProgram()
        ContainmentLimits limits;
    };

    // Starts the first host and has it load the function with `request`'s parameters, so a
    // plugin that cannot load or refuses its parameters is an error here, before any batch, and
    // the sample does not time a host starting. Null with the reason when it cannot.
    static std::unique_ptr<HostExecutor> start(const FunctionInfo &info, const BatchRequest &request,
                                               const Options &options, QString *error);
    ~HostExecutor() override;

    Status run(const Table &input, qint64 firstRow, BatchOutput &output) override;
    void setSecondsPerElement(double seconds) override;
    bool stopRunning() override;
    bool isolated() const override { return true; }
    QString fatalMessage() const override;
    qint64 isolatedElements() const override { return m_isolated.load(); }
    int processesStarted() const override;

private:
    HostExecutor() = default;

    std::unique_ptr<HostPool> m_hosts;
    std::unique_ptr<ContainedRunner> m_contained;
    std::atomic<qint64> m_isolated{0};
};

} // namespace fastmap
