// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/FunctionExecutor.h"

#include <memory>

namespace fastmap {

class Function;

// Thread isolation: the function runs in this process, on the calling thread, with BatchRunner.
// Nothing can stop it part way, and a crash takes the process down.
class ThreadExecutor final : public FunctionExecutor
{
public:
    explicit ThreadExecutor(std::shared_ptr<const Function> function) : m_function(std::move(function)) {}

    Status run(const Table &input, qint64 firstRow, BatchOutput &output) override;
    bool stopRunning() override { return false; }
    bool isolated() const override { return false; }

private:
    std::shared_ptr<const Function> m_function;
};

} // namespace fastmap
