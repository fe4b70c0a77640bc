// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/ValueConversion.h"

#include "dataset/NumberParsing.h"

namespace fastmap {

namespace conversion {

namespace {

QString what(ColumnType type)
{
    switch (type) {
    case ColumnType::Float64: return QStringLiteral("a number");
    case ColumnType::Int64: return QStringLiteral("an integer");
    case ColumnType::Bool: return QStringLiteral("a boolean");
    case ColumnType::Text: break;
    }
    return QStringLiteral("text");
}

void fail(BatchOutput *failures, int row, const QString &message)
{
    if (failures)
        failures->fail(row, message);
}

} // namespace

QString shownValue(std::string_view value)
{
    // Cut after 80 code points, never inside one.
    std::size_t end = 0;
    int characters = 0;
    while (end < value.size()) {
        if ((static_cast<unsigned char>(value[end]) & 0xC0) != 0x80 && ++characters > 80)
            break;
        ++end;
    }
    return QString::fromUtf8(value.data(), qsizetype(end));
}

QString emptyMessage(const QString &input)
{
    return QStringLiteral("input '%1' is empty").arg(input);
}

QString invalidMessage(const QString &input, ColumnType type, std::string_view value)
{
    return QStringLiteral("input '%1' is not %2: '%3'").arg(input, what(type), shownValue(value));
}

QString outOfRangeMessage(const QString &input, ColumnType type, std::string_view value)
{
    const QString range = type == ColumnType::Int64 ? QStringLiteral("the 64-bit integer range")
                                                    : QStringLiteral("the range of a double");
    return QStringLiteral("input '%1' is out of %2: '%3'").arg(input, range, shownValue(value));
}

void storeNull(Table &out, int column, int row, const FieldTarget &target, BatchOutput *failures)
{
    out.setNull(column, row);
    if (target.type != ColumnType::Text)
        fail(failures, row, emptyMessage(target.inputName));
}

void storeValue(Table &out, int column, int row, const FieldTarget &target, std::string_view value,
                BatchOutput *failures)
{
    const auto r = std::size_t(row);
    number::Parse result = number::Parse::Invalid;
    switch (target.type) {
    case ColumnType::Float64: result = number::toDouble(value, &out.doubles(column)[r]); break;
    case ColumnType::Int64: result = number::toInt64(value, &out.integers(column)[r]); break;
    case ColumnType::Bool: {
        bool b = false;
        if (number::toBool(value, &b)) {
            out.bools(column)[r] = b ? 1 : 0;
            result = number::Parse::Ok;
        }
        break;
    }
    case ColumnType::Text: Q_ASSERT(false); return;
    }
    if (result == number::Parse::Invalid)
        fail(failures, row, invalidMessage(target.inputName, target.type, value));
    else if (result == number::Parse::OutOfRange)
        fail(failures, row, outOfRangeMessage(target.inputName, target.type, value));
}

void storeBoolean(Table &out, int column, int row, bool value)
{
    const auto r = std::size_t(row);
    switch (out.type(column)) {
    case ColumnType::Float64: out.doubles(column)[r] = value ? 1.0 : 0.0; break;
    case ColumnType::Int64: out.integers(column)[r] = value ? 1 : 0; break;
    case ColumnType::Bool: out.bools(column)[r] = value ? 1 : 0; break;
    case ColumnType::Text: Q_ASSERT(false); break;
    }
}

} // namespace conversion

void prepareOutput(Table *out, const std::vector<FieldTarget> &targets, int rows, const QByteArray &bytes)
{
    std::vector<ColumnType> types;
    types.reserve(targets.size());
    for (const FieldTarget &t : targets)
        types.push_back(t.type);
    *out = Table(std::move(types), rows);
    out->setBuffer(bytes);
}

} // namespace fastmap
