// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <fastmap/Function.h>

namespace fastmap {

// Runs a function over one batch so that no exception escapes: when the whole batch throws,
// each element is run once on its own, which finds the failing elements without ever retrying
// one of them more than once.
class BatchRunner
{
public:
    static void run(const Function &function, const Table &input, BatchOutput &output);

    // What an element that threw std::bad_alloc fails with ("out of memory"); a function host
    // with a memory limit names the limit. Set once, before any batch runs.
    static void setOutOfMemoryMessage(const QString &message);
};

} // namespace fastmap
