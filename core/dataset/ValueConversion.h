// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dataset/DatasetReader.h"

#include <string>
#include <string_view>

namespace fastmap {

// Stores one field into a parser's output table: the step every RecordParser shares after it
// has found a field's bytes. Conversions are those of NumberParsing.h; a value that does not
// convert fails its element with a message naming the input and the value.
namespace conversion {

// The messages, for the parsers and the tests.
QString emptyMessage(const QString &input); // input 'x' is empty
QString invalidMessage(const QString &input, ColumnType type, std::string_view value);
QString outOfRangeMessage(const QString &input, ColumnType type, std::string_view value);
// `value` as a message shows it: its first 80 characters.
QString shownValue(std::string_view value);

// A null cell: an empty field, a JSON null, a missing key. Fails a number, integer or boolean
// input; a text input gets a null (empty) text.
void storeNull(Table &out, int column, int row, const FieldTarget &target, BatchOutput *failures);

// Converts `value` (text, already unquoted and unescaped) to a Float64, Int64 or Bool column.
// Text columns are the caller's: it knows where the bytes lie in the table's buffer.
void storeValue(Table &out, int column, int row, const FieldTarget &target, std::string_view value,
                BatchOutput *failures);

// A JSON true or false into a Float64, Int64 or Bool column: numbers get 1 or 0, as before.
void storeBoolean(Table &out, int column, int row, bool value);

} // namespace conversion

// Text a parser had to rewrite (unquoted, unescaped, generated), collected during parse() and
// appended to the table's buffer once at the end, behind the record bytes the buffer shares.
class ExtraText
{
public:
    explicit ExtraText(qsizetype base) : m_base(std::uint32_t(base)) {}
    std::string &bytes() { return m_bytes; }
    // Where the next appended byte will lie in the table's buffer.
    std::uint32_t offset() const { return m_base + std::uint32_t(m_bytes.size()); }
    TextRef append(std::string_view text)
    {
        const TextRef ref{offset(), std::uint32_t(text.size())};
        m_bytes.append(text);
        return ref;
    }
    // A ref to what was appended since `start` (an offset()).
    TextRef since(std::uint32_t start) const { return TextRef{start, offset() - start}; }
    void appendTo(Table &out) const
    {
        if (!m_bytes.empty())
            out.buffer().append(m_bytes.data(), qsizetype(m_bytes.size()));
    }

private:
    std::uint32_t m_base;
    std::string m_bytes;
};

// The output table for `targets`, `rows` rows, sharing `bytes` as its text buffer.
void prepareOutput(Table *out, const std::vector<FieldTarget> &targets, int rows, const QByteArray &bytes);

} // namespace fastmap
