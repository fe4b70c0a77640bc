// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/RangeReader.h"

#include "dataset/ValueConversion.h"

#include <algorithm>
#include <charconv>

namespace fastmap {

namespace {

// Generates row numbers: no bytes to split, so parse() only fills the columns.
class RangeParser : public RecordParser
{
public:
    int parse(const RecordBlock &block, const std::vector<FieldTarget> &targets, Table *out,
              BatchOutput *failures, InputError *) const override
    {
        prepareOutput(out, targets, block.count, QByteArray());
        const std::int64_t first = block.firstRow;
        for (std::size_t t = 0; t < targets.size(); ++t) {
            const FieldTarget &target = targets[t];
            const int column = int(t);
            if (target.column != 0) {
                for (int i = 0; i < block.count; ++i)
                    conversion::storeNull(*out, column, i, target, failures);
                continue;
            }
            switch (target.type) {
            case ColumnType::Int64: {
                std::int64_t *values = out->integers(column).data();
                for (int i = 0; i < block.count; ++i)
                    values[i] = first + i;
                break;
            }
            case ColumnType::Float64: {
                double *values = out->doubles(column).data();
                for (int i = 0; i < block.count; ++i)
                    values[i] = double(first + i);
                break;
            }
            case ColumnType::Bool:
            case ColumnType::Text: text(*out, column, target, first, block.count, failures); break;
            }
        }
        return block.count;
    }

private:
    // Decimal text, stored as text or converted like any other field (0 and 1 are booleans).
    static void text(Table &out, int column, const FieldTarget &target, std::int64_t first, int count,
                     BatchOutput *failures)
    {
        ExtraText extra(out.buffer().size());
        char digits[24];
        for (int i = 0; i < count; ++i) {
            const char *end = std::to_chars(digits, digits + sizeof digits, first + i).ptr;
            const std::string_view value(digits, std::size_t(end - digits));
            if (target.type == ColumnType::Text)
                out.textRefs(column)[std::size_t(i)] = extra.append(value);
            else
                conversion::storeValue(out, column, i, target, value, failures);
        }
        extra.appendTo(out);
    }
};

} // namespace

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

int RangeReader::readRecords(RecordBlock &out, int maxRows)
{
    out.clear();
    out.firstRow = m_next;
    if (m_error.isSet())
        return -1;
    const int rows = int(std::clamp<qint64>(m_count - m_next, 0, std::max(maxRows, 0)));
    out.count = rows;
    m_next += rows;
    return rows;
}

std::shared_ptr<const RecordParser> RangeReader::parser() const
{
    static const auto parser = std::make_shared<const RangeParser>();
    return parser;
}

double RangeReader::progress() const
{
    return m_count == 0 ? 1.0 : double(m_next) / double(m_count);
}

} // namespace fastmap
