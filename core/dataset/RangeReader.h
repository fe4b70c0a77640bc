// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dataset/DatasetReader.h"

namespace fastmap {

// The generated dataset "range:N": one column "x" holding the integers 0 to N-1.
// It costs next to nothing per row, so engine benchmarks measure the engine: a block is only
// its first row and count, and the parser writes the integers (or doubles, or decimal text, or
// booleans for 0 and 1) straight into the target column.
class RangeReader : public DatasetReader
{
public:
    explicit RangeReader(const QString &spec);

    // Parses the spec: "range:N" or just "N", N plain decimal digits. On failure error() says why.
    bool open();

    QString source() const override { return m_spec; }
    QStringList columns() const override { return {QStringLiteral("x")}; }
    int readRecords(RecordBlock &out, int maxRows) override;
    std::shared_ptr<const RecordParser> parser() const override;
    qint64 totalRows() const override { return m_count; }
    double progress() const override;

private:
    QString m_spec;
    qint64 m_count = 0;
    qint64 m_next = 0;
};

} // namespace fastmap
