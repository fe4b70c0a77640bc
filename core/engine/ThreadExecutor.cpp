// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/ThreadExecutor.h"

#include "engine/BatchRunner.h"

namespace fastmap {

FunctionExecutor::Status ThreadExecutor::run(const Table &input, qint64 firstRow, BatchOutput &output)
{
    (void)firstRow;
    BatchRunner::run(*m_function, input, output);
    return Status::Done;
}

} // namespace fastmap
