// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>

#include <cstdint>
#include <vector>

namespace fastmap {

// Whole records of a dataset as the reader cut them, not yet split into fields: the unit the
// scheduler hands out. Record i is bytes[i == 0 ? 0 : ends[i - 1], ends[i]), without its line
// break. A generated dataset (a range) has no bytes, only firstRow and count.
struct RecordBlock
{
    QByteArray bytes;
    std::vector<std::uint32_t> ends;
    std::vector<std::int64_t> lines; // 1-based line of each record's start, for messages; may be empty
    std::int64_t firstRow = 0;       // dataset index of record 0
    int count = 0;

    std::uint32_t begin(int record) const { return record == 0 ? 0 : ends[std::size_t(record) - 1]; }
    std::uint32_t end(int record) const { return ends[std::size_t(record)]; }
    std::int64_t line(int record) const { return lines.empty() ? 0 : lines[std::size_t(record)]; }
    void clear()
    {
        bytes.clear();
        ends.clear();
        lines.clear();
        count = 0;
    }
};

} // namespace fastmap
