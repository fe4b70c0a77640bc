// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/RangeReader.h"

#include <algorithm>

namespace fastmap {

RangeReader::RangeReader(const QString &spec) : m_spec(spec)
{}

bool RangeReader::open()
{
    QStringView digits = m_spec;
    if (digits.startsWith(QLatin1String("range:")))
        digits = digits.mid(6);
    // Only plain digits: toLongLong() alone would also take signs, spaces and 0x prefixes.
    const bool allDigits = !digits.isEmpty() && std::all_of(digits.begin(), digits.end(), [](QChar c) {
        return c.isDigit() && c.unicode() < 0x80;
    });
    bool ok = false;
    m_count = allDigits ? digits.toLongLong(&ok) : 0;
    if (!ok) {
        m_error = {m_spec, 0, 0,
                   allDigits ? QStringLiteral("the number of rows is too large")
                             : QStringLiteral("expected range:N with N a whole number of rows (digits only), "
                                              "as in range:1000")};
        m_count = 0;
        return false;
    }
    return true;
}

int RangeReader::read(Table &out, int maxRows)
{
    if (m_error.isSet())
        return -1;
    if (out.columnCount() != 1) {
        m_error = {
            m_spec, 0, 0,
            QStringLiteral("internal error: reading 1 column into a table of %1").arg(out.columnCount())};
        return -1;
    }
    const int rows = int(std::clamp<qint64>(m_count - m_next, 0, std::max(maxRows, 0)));
    if (rows == 0)
        return 0;
    const int first = out.rowCount();
    out.resizeRows(first + rows);
    QVariant *cell = out.rowData(first);
    for (int i = 0; i < rows; ++i)
        cell[i] = QVariant(m_next + i); // one column, so rows are adjacent
    m_next += rows;
    return rows;
}

double RangeReader::progress() const
{
    return m_count == 0 ? 1.0 : double(m_next) / double(m_count);
}

} // namespace fastmap
