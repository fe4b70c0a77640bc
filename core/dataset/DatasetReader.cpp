// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/DatasetReader.h"

namespace fastmap {

int DatasetReader::readText(Table &out, int maxRows)
{
    const QStringList names = columns();
    const std::vector<ColumnType> types(std::size_t(names.size()), ColumnType::Text);
    if (out.types().empty() && out.rowCount() == 0) {
        out = Table(types);
    } else if (out.types() != types) {
        m_error = {source(), 0, 0,
                   QStringLiteral("internal error: reading %1 text columns into a table of %2 columns")
                       .arg(names.size())
                       .arg(out.columnCount())};
        return -1;
    }
    RecordBlock block;
    const int records = readRecords(block, maxRows);
    if (records <= 0)
        return records;

    std::vector<FieldTarget> targets(types.size());
    for (std::size_t c = 0; c < targets.size(); ++c)
        targets[c] = FieldTarget{int(c), ColumnType::Text, names.at(qsizetype(c))};
    Table part;
    BatchOutput failures({}, records); // text never fails to convert
    InputError error;
    const int good = parser()->parse(block, targets, &part, &failures, &error);
    if (good < records)
        m_error = error; // earlier in the file than any error the boundary scan has found since
    if (good <= 0)
        return -1;
    if (out.rowCount() == 0) {
        part.resizeRows(good);
        out = std::move(part);
        return good;
    }
    const int first = out.rowCount();
    out.resizeRows(first + good);
    for (int row = 0; row < good; ++row)
        out.copyRow(first + row, part, row);
    return good;
}

} // namespace fastmap
