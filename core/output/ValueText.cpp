// SPDX-License-Identifier: GPL-3.0-or-later
#include "output/ValueText.h"

#include <QJsonDocument>

#include <charconv>
#include <cmath>

namespace fastmap {

namespace {

// The longest shortest-round-trip double is 24 characters ("-2.2250738585072014e-308"), the
// longest int64 20, the longest uint64 20.
constexpr qsizetype numberRoom = 32;

template <typename Number> void appendChars(ByteWriter &out, Number value)
{
    char *at = out.room(numberRoom);
    out.commit(std::to_chars(at, at + numberRoom, value).ptr);
}

template <typename Number> void appendChars(QByteArray &out, Number value)
{
    ByteWriter writer(out);
    appendChars(writer, value);
}

// Characters that make a CSV field need quotes anywhere in it.
bool needsCsvQuotes(char c)
{
    return c == ',' || c == '"' || c == '\n' || c == '\r' || c == ';' || c == '\t';
}

// Characters that a JSON string cannot hold as they are.
bool needsJsonEscape(unsigned char c)
{
    return c < 0x20 || c == '"' || c == '\\';
}

void appendJsonEscape(ByteWriter &out, unsigned char c)
{
    switch (c) {
    case '"': out.putLiteral("\\\""); return;
    case '\\': out.putLiteral("\\\\"); return;
    case '\n': out.putLiteral("\\n"); return;
    case '\r': out.putLiteral("\\r"); return;
    case '\t': out.putLiteral("\\t"); return;
    default: break;
    }
    static constexpr char hex[] = "0123456789abcdef";
    const char escaped[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
    out.put(escaped, 6);
}

} // namespace

void ValueText::appendDouble(ByteWriter &out, double value)
{
    // to_chars would write "-nan" for a NaN with its sign bit set (what 0/0 gives on x86);
    // the sign of a NaN means nothing, and not every reader accepts it.
    if (std::isnan(value))
        out.putLiteral("nan");
    else
        appendChars(out, value);
}

void ValueText::appendInteger(ByteWriter &out, std::int64_t value)
{
    appendChars(out, value);
}

void ValueText::appendCsvText(ByteWriter &out, std::string_view utf8)
{
    bool quote = !utf8.empty() && (utf8.front() == ' ' || utf8.back() == ' ');
    for (std::size_t i = 0; !quote && i < utf8.size(); ++i)
        quote = needsCsvQuotes(utf8[i]);
    if (!quote) {
        out.put(utf8.data(), qsizetype(utf8.size()));
        return;
    }
    out.put('"');
    std::size_t start = 0;
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        if (utf8[i] == '"') {
            out.put(utf8.data() + start, qsizetype(i + 1 - start)); // the quote, then its double
            start = i;
        }
    }
    out.put(utf8.data() + start, qsizetype(utf8.size() - start));
    out.put('"');
}

void ValueText::appendJsonString(ByteWriter &out, std::string_view utf8)
{
    out.put('"');
    std::size_t start = 0;
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        if (!needsJsonEscape(c))
            continue;
        out.put(utf8.data() + start, qsizetype(i - start));
        appendJsonEscape(out, c);
        start = i + 1;
    }
    out.put(utf8.data() + start, qsizetype(utf8.size() - start));
    out.put('"');
}

void ValueText::appendCsvCell(ByteWriter &out, const Table &table, int column, int row)
{
    if (table.isNull(column, row))
        return;
    const auto r = std::size_t(row);
    switch (table.type(column)) {
    case ColumnType::Float64: appendDouble(out, table.doubles(column)[r]); return;
    case ColumnType::Int64: appendInteger(out, table.integers(column)[r]); return;
    case ColumnType::Bool: appendBool(out, table.bools(column)[r] != 0); return;
    case ColumnType::Text: appendCsvText(out, table.text(column, row)); return;
    }
}

void ValueText::appendJsonCell(ByteWriter &out, const Table &table, int column, int row)
{
    if (table.isNull(column, row)) {
        out.putLiteral("null");
        return;
    }
    const auto r = std::size_t(row);
    switch (table.type(column)) {
    case ColumnType::Float64: {
        const double d = table.doubles(column)[r];
        if (std::isfinite(d))
            appendChars(out, d);
        else
            out.putLiteral("null");
        return;
    }
    case ColumnType::Int64: appendInteger(out, table.integers(column)[r]); return;
    case ColumnType::Bool: appendBool(out, table.bools(column)[r] != 0); return;
    case ColumnType::Text: appendJsonString(out, table.text(column, row)); return;
    }
}

void ValueText::appendDouble(QByteArray &out, double value)
{
    ByteWriter writer(out);
    appendDouble(writer, value);
}

void ValueText::appendInteger(QByteArray &out, std::int64_t value)
{
    appendChars(out, value);
}

void ValueText::appendCsvText(QByteArray &out, std::string_view utf8)
{
    ByteWriter writer(out, qsizetype(utf8.size()) + 2);
    appendCsvText(writer, utf8);
}

void ValueText::appendJsonString(QByteArray &out, std::string_view utf8)
{
    ByteWriter writer(out, qsizetype(utf8.size()) + 2);
    appendJsonString(writer, utf8);
}

void ValueText::appendCsvCell(QByteArray &out, const Table &table, int column, int row)
{
    ByteWriter writer(out);
    appendCsvCell(writer, table, column, row);
}

void ValueText::appendJsonCell(QByteArray &out, const Table &table, int column, int row)
{
    ByteWriter writer(out);
    appendJsonCell(writer, table, column, row);
}

void ValueText::appendPlain(QByteArray &out, const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::UnknownType:
    case QMetaType::Nullptr: return;
    case QMetaType::Double: appendDouble(out, value.toDouble()); return;
    case QMetaType::Float: {
        // Shortest for the float itself: 0.1f is "0.1", not "0.10000000149011612".
        const float f = value.toFloat();
        if (std::isnan(f))
            out.append("nan");
        else
            appendChars(out, f);
        return;
    }
    case QMetaType::Int:
    case QMetaType::LongLong: appendInteger(out, value.toLongLong()); return;
    case QMetaType::UInt:
    case QMetaType::ULongLong: appendChars(out, value.toULongLong()); return;
    case QMetaType::Bool: appendBool(out, value.toBool()); return;
    default: out.append(value.toString().toUtf8()); return;
    }
}

void ValueText::appendCsv(QByteArray &out, const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::QString:
    case QMetaType::QByteArray: appendCsvText(out, value.toString().toUtf8()); return;
    default: appendPlain(out, value); return;
    }
}

void ValueText::appendJson(QByteArray &out, const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::UnknownType:
    case QMetaType::Nullptr: out.append("null", 4); return;
    case QMetaType::Double:
    case QMetaType::Float:
        if (!std::isfinite(value.toDouble()))
            out.append("null", 4); // JSON has no NaN or infinity
        else
            appendPlain(out, value);
        return;
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::ULongLong:
    case QMetaType::Bool: appendPlain(out, value); return;
    case QMetaType::QVariantMap:
    case QMetaType::QVariantList:
        out.append(QJsonDocument::fromVariant(value).toJson(QJsonDocument::Compact));
        return;
    default: appendJsonString(out, value.toString()); return;
    }
}

} // namespace fastmap
