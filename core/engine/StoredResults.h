// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <fastmap/Function.h>

namespace fastmap {

// Results an earlier run of the same job already computed, for resuming it: the engine replays
// them with their original batch boundaries instead of computing them again.
class StoredResults
{
public:
    virtual ~StoredResults() = default;
    // Rows of the stored batch that starts at `firstRow`, or 0 when none does.
    virtual int plannedRows(qint64 firstRow) const = 0;
    // The stored outputs of that batch. Called from any executor thread.
    virtual bool load(qint64 firstRow, int rows, const std::vector<ColumnType> &outputTypes, BatchOutput *output) = 0;
};

} // namespace fastmap
