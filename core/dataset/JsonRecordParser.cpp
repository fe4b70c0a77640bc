// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/JsonRecordParser.h"

#include "dataset/JsonLineScanner.h"
#include "dataset/Utf8.h"
#include "dataset/ValueConversion.h"

#include <algorithm>

namespace fastmap {

namespace {

// 1-based character column of a byte offset; the last character for a line that ended too early.
qint64 columnAt(std::string_view line, std::size_t offset)
{
    if (offset >= line.size())
        return std::max<qsizetype>(countCodePoints(line.data(), qsizetype(line.size())), 1);
    return countCodePoints(line.data(), qsizetype(offset)) + 1;
}

} // namespace

JsonRecordParser::JsonRecordParser(QString path, QStringList columns) : m_path(std::move(path))
{
    m_keys.reserve(std::size_t(columns.size()));
    for (const QString &column : std::as_const(columns))
        m_keys.push_back(column.toStdString());
    for (std::size_t i = 0; i < m_keys.size(); ++i)
        m_index.emplace(m_keys[i], int(i));
}

int JsonRecordParser::columnOf(std::string_view key, std::size_t position) const
{
    // Lines usually repeat the first line's key order: try the column at the same position first.
    if (position < m_keys.size() && m_keys[position] == key)
        return int(position);
    const auto it = m_index.find(key);
    return it == m_index.end() ? -1 : it->second;
}

bool JsonRecordParser::check(std::string_view line, qint64 lineNumber, InputError *error) const
{
    if (const qsizetype bad = findInvalidUtf8(line.data(), qsizetype(line.size())); bad >= 0) {
        *error = {m_path, lineNumber, columnAt(line, std::size_t(bad)),
                  QStringLiteral("invalid UTF-8 (byte offset %1 of the line); JSON must be UTF-8").arg(bad)};
        return false;
    }
    std::vector<json::Member> members;
    json::SyntaxError syntax;
    if (!json::scanObject(line, &members, &syntax)) {
        *error = {m_path, lineNumber, columnAt(line, syntax.offset), syntax.message};
        return false;
    }
    return true;
}

int JsonRecordParser::parse(const RecordBlock &block, const std::vector<FieldTarget> &targets, Table *out,
                            BatchOutput *failures, InputError *error) const
{
    prepareOutput(out, targets, block.count, block.bytes);
    InputError ignored;
    if (!error)
        error = &ignored;
    const char *bytes = block.bytes.constData();
    ExtraText extra(block.bytes.size());
    std::string scratch;
    std::vector<json::Member> members;
    std::vector<json::Value> values(m_keys.size());
    json::SyntaxError syntax;
    const int badUtf8 = firstInvalidUtf8Record(block);

    int row = 0;
    for (; row < block.count; ++row) {
        const std::uint32_t begin = block.begin(row);
        const std::string_view line(bytes + begin, block.end(row) - begin);
        if (row == badUtf8) {
            check(line, block.line(row), error);
            break;
        }
        if (!json::scanObject(line, &members, &syntax)) {
            *error = {m_path, block.line(row), columnAt(line, syntax.offset), syntax.message};
            break;
        }
        std::fill(values.begin(), values.end(), json::Value{});
        for (std::size_t k = 0; k < members.size(); ++k) {
            const json::Member &m = members[k];
            std::string_view key = line.substr(m.keyBegin, m.keyEnd - m.keyBegin);
            if (m.keyEscaped) {
                scratch.clear();
                json::unescape(key, &scratch);
                key = scratch;
            }
            if (const int column = columnOf(key, k); column >= 0)
                values[std::size_t(column)] = m.value; // a repeated key: the last one wins
        }

        for (std::size_t t = 0; t < targets.size(); ++t) {
            const FieldTarget &target = targets[t];
            const int column = int(t);
            const json::Value v = target.column >= 0 && std::size_t(target.column) < values.size()
                                      ? values[std::size_t(target.column)]
                                      : json::Value{};
            const std::string_view raw = line.substr(v.begin, v.end - v.begin);
            switch (v.kind) {
            case json::Kind::Missing:
            case json::Kind::Null: conversion::storeNull(*out, column, row, target, failures); continue;
            case json::Kind::True:
            case json::Kind::False:
                if (target.type != ColumnType::Text) {
                    conversion::storeBoolean(*out, column, row, v.kind == json::Kind::True);
                    continue;
                }
                break;
            case json::Kind::String:
                if (!v.escaped)
                    break;
                if (target.type == ColumnType::Text) {
                    const std::uint32_t start = extra.offset();
                    json::unescape(raw, &extra.bytes());
                    out->textRefs(column)[std::size_t(row)] = extra.since(start);
                } else {
                    scratch.clear();
                    json::unescape(raw, &scratch);
                    conversion::storeValue(*out, column, row, target, scratch, failures);
                }
                continue;
            case json::Kind::Number:
            case json::Kind::Nested: break;
            }
            // The value's own bytes: a view for text, converted for the rest.
            if (target.type == ColumnType::Text)
                out->textRefs(column)[std::size_t(row)] = TextRef{begin + v.begin, v.end - v.begin};
            else
                conversion::storeValue(*out, column, row, target, raw, failures);
        }
    }
    extra.appendTo(*out);
    return row;
}

} // namespace fastmap
