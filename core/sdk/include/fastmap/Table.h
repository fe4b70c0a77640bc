// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>
#include <QVariant>

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

namespace fastmap {

// The type of one column, as the metadata declares it: "number" is Float64, "integer" Int64,
// "boolean" Bool, "string" and "any" Text.
enum class ColumnType : std::uint8_t { Float64 = 0, Int64 = 1, Bool = 2, Text = 3 };

// Where one text value lies in its table's buffer.
struct TextRef
{
    std::uint32_t offset = 0;
    std::uint32_t length = 0;
};

// A block of rows stored column by column: one typed array per field, so a function reads a
// column of doubles as one contiguous span and no value is boxed. Text values are views into
// the table's own byte buffer (for input, the batch's raw bytes themselves). Nulls are a bitmap
// per column that stays empty until the first null, so a column without nulls costs nothing.
// Copying a table copies its arrays; the buffer is shared until one side writes to it.
class Table
{
public:
    Table() = default;
    explicit Table(std::vector<ColumnType> types, int rows = 0) : m_types(std::move(types))
    {
        m_columns.resize(m_types.size());
        for (std::size_t c = 0; c < m_types.size(); ++c)
            m_columns[c].type = m_types[c];
        resizeRows(rows);
    }

    int columnCount() const { return int(m_types.size()); }
    int rowCount() const { return m_rows; }
    bool isEmpty() const { return m_rows == 0; }
    ColumnType type(int column) const { return m_types[std::size_t(column)]; }
    const std::vector<ColumnType> &types() const { return m_types; }

    // Typed columns. Asking for a column of another type is a programming error (checked in debug builds).
    std::span<const double> doubles(int column) const { return col(column, ColumnType::Float64).f64; }
    std::span<double> doubles(int column) { return col(column, ColumnType::Float64).f64; }
    std::span<const std::int64_t> integers(int column) const { return col(column, ColumnType::Int64).i64; }
    std::span<std::int64_t> integers(int column) { return col(column, ColumnType::Int64).i64; }
    // One byte per row, 0 or 1.
    std::span<const std::uint8_t> bools(int column) const { return col(column, ColumnType::Bool).b; }
    std::span<std::uint8_t> bools(int column) { return col(column, ColumnType::Bool).b; }

    // Text, as UTF-8 bytes; valid until the table's buffer changes (the next setText()).
    std::string_view text(int column, int row) const
    {
        const TextRef ref = textRefs(column)[std::size_t(row)];
        return std::string_view(m_buffer.constData() + ref.offset, ref.length);
    }
    QString string(int column, int row) const
    {
        const std::string_view t = text(column, row);
        return QString::fromUtf8(t.data(), qsizetype(t.size()));
    }
    // Copies `value` into the buffer.
    void setText(int column, int row, std::string_view value)
    {
        const auto offset = std::uint32_t(m_buffer.size());
        m_buffer.append(value.data(), qsizetype(value.size()));
        textRefs(column)[std::size_t(row)] = TextRef{offset, std::uint32_t(value.size())};
    }
    void setText(int column, int row, const QString &value)
    {
        // With its size: a QByteArray converts to string_view through const char *, which stops at a NUL.
        const QByteArray utf8 = value.toUtf8();
        setText(column, row, std::string_view(utf8.constData(), std::size_t(utf8.size())));
    }
    // For readers and codecs: text that already lies in buffer().
    std::span<const TextRef> textRefs(int column) const { return col(column, ColumnType::Text).text; }
    std::span<TextRef> textRefs(int column) { return col(column, ColumnType::Text).text; }
    const QByteArray &buffer() const { return m_buffer; }
    QByteArray &buffer() { return m_buffer; }
    // Shares `bytes` (implicitly, without copying) as the buffer the text refs point into.
    void setBuffer(QByteArray bytes) { m_buffer = std::move(bytes); }

    // Nulls: a CSV field left empty, a JSON null, a failed element's outputs.
    bool hasNulls(int column) const { return !m_columns[std::size_t(column)].nulls.empty(); }
    bool isNull(int column, int row) const
    {
        const std::vector<std::uint64_t> &bits = m_columns[std::size_t(column)].nulls;
        return !bits.empty() && (bits[std::size_t(row) >> 6] >> (unsigned(row) & 63u) & 1u);
    }
    void setNull(int column, int row, bool null = true)
    {
        std::vector<std::uint64_t> &bits = m_columns[std::size_t(column)].nulls;
        if (bits.empty()) {
            if (!null)
                return;
            bits.assign(words(m_rows), 0);
        }
        const std::uint64_t mask = std::uint64_t(1) << (unsigned(row) & 63u);
        if (null)
            bits[std::size_t(row) >> 6] |= mask;
        else
            bits[std::size_t(row) >> 6] &= ~mask;
    }
    // The bitmap itself, bit r of word r / 64 set for a null row; empty when the column has none.
    const std::vector<std::uint64_t> &nullBits(int column) const { return m_columns[std::size_t(column)].nulls; }
    std::vector<std::uint64_t> &nullBits(int column) { return m_columns[std::size_t(column)].nulls; }

    // Grows or shrinks every column; new values are 0, false or empty text, not null.
    void resizeRows(int rows)
    {
        m_rows = rows;
        const auto n = std::size_t(rows);
        for (Column &c : m_columns) {
            switch (c.type) {
            case ColumnType::Float64: c.f64.resize(n, 0.0); break;
            case ColumnType::Int64: c.i64.resize(n, 0); break;
            case ColumnType::Bool: c.b.resize(n, 0); break;
            case ColumnType::Text: c.text.resize(n); break;
            }
            if (!c.nulls.empty())
                c.nulls.resize(words(rows), 0);
        }
    }
    void clear() { *this = Table(m_types); }

    // One value as a QVariant (null: an invalid QVariant), for code off the hot path: views,
    // previews, tests. A double stays a double, an integer a qlonglong, text a QString.
    QVariant value(int row, int column) const
    {
        if (isNull(column, row))
            return {};
        switch (type(column)) {
        case ColumnType::Float64: return doubles(column)[std::size_t(row)];
        case ColumnType::Int64: return qlonglong(integers(column)[std::size_t(row)]);
        case ColumnType::Bool: return bool(bools(column)[std::size_t(row)]);
        case ColumnType::Text: return string(column, row);
        }
        return {};
    }
    // Copies row `from` of `source` (same column types) into row `to`.
    void copyRow(int to, const Table &source, int from)
    {
        for (int c = 0; c < columnCount(); ++c) {
            if (source.isNull(c, from)) {
                setNull(c, to);
                continue;
            }
            setNull(c, to, false);
            switch (type(c)) {
            case ColumnType::Float64: doubles(c)[std::size_t(to)] = source.doubles(c)[std::size_t(from)]; break;
            case ColumnType::Int64: integers(c)[std::size_t(to)] = source.integers(c)[std::size_t(from)]; break;
            case ColumnType::Bool: bools(c)[std::size_t(to)] = source.bools(c)[std::size_t(from)]; break;
            case ColumnType::Text: setText(c, to, source.text(c, from)); break;
            }
        }
    }

private:
    // One typed array per column; only the one of the column's type is used.
    struct Column
    {
        ColumnType type = ColumnType::Float64;
        std::vector<double> f64;
        std::vector<std::int64_t> i64;
        std::vector<std::uint8_t> b;
        std::vector<TextRef> text;
        std::vector<std::uint64_t> nulls;
    };
    static std::size_t words(int rows) { return (std::size_t(rows) + 63) / 64; }

    Column &col(int column, ColumnType expected)
    {
        Q_ASSERT(type(column) == expected);
        Q_UNUSED(expected);
        return m_columns[std::size_t(column)];
    }
    const Column &col(int column, ColumnType expected) const
    {
        Q_ASSERT(type(column) == expected);
        Q_UNUSED(expected);
        return m_columns[std::size_t(column)];
    }

    std::vector<ColumnType> m_types;
    std::vector<Column> m_columns;
    int m_rows = 0;
    QByteArray m_buffer;
};

// Thrown by a function for one element; the element fails with this message.
class ElementError : public std::runtime_error
{
public:
    explicit ElementError(const QString &message) : std::runtime_error(message.toStdString()) {}
};

} // namespace fastmap
