// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/JsonLinesReader.h"

#include "dataset/JsonLineScanner.h"

#include <algorithm>

namespace fastmap {

namespace {

constexpr qsizetype kMaxBlockBytes = qsizetype(1) << 30; // keeps record offsets in 32 bits

bool isBlank(QByteArrayView line)
{
    return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

} // namespace

JsonLinesReader::JsonLinesReader(const QString &path, const DatasetOptions &options)
    : m_path(path), m_options(options), m_parser(std::make_shared<JsonRecordParser>(path, QStringList()))
{}

bool JsonLinesReader::open()
{
    if (!m_file.open(m_path, m_options.chunkBytes, &m_error))
        return false;
    QByteArrayView line;
    qint64 lineNumber = 0;
    // A file of blank lines has no columns and no rows, which is not an error.
    if (!nextLine(&line, &lineNumber))
        return !m_error.isSet();
    const std::string_view text(line.data(), std::size_t(line.size()));
    if (!m_parser->check(text, lineNumber, &m_error))
        return false;
    m_columns = keysInOrder(line);
    m_parser = std::make_shared<JsonRecordParser>(m_path, m_columns);
    m_first = line.toByteArray();
    m_firstLine = lineNumber;
    m_haveFirst = true;
    return true;
}

int JsonLinesReader::readRecords(RecordBlock &out, int maxRows)
{
    out.clear();
    out.firstRow = m_row;
    if (m_error.isSet())
        return -1;
    int rows = 0;
    const auto append = [&](QByteArrayView line, qint64 lineNumber) {
        out.bytes.append(line);
        out.ends.push_back(std::uint32_t(out.bytes.size()));
        out.lines.push_back(lineNumber);
        ++rows;
    };
    if (m_haveFirst && maxRows > 0) {
        append(m_first, m_firstLine);
        m_haveFirst = false;
        m_first.clear();
    }
    if (maxRows > 0) {
        out.ends.reserve(std::size_t(maxRows));
        out.lines.reserve(std::size_t(maxRows));
    }
    QByteArrayView line;
    qint64 lineNumber = 0;
    for (;;) {
        // The lines already buffered in bulk, blank ones skipped as nextLine() skips them;
        // nextLine() for a chunk boundary, the end, an error.
        rows = m_file.appendBufferedLines(out, rows, maxRows, kMaxBlockBytes, m_options.maxRecordBytes, true);
        if (rows >= maxRows || out.bytes.size() >= kMaxBlockBytes || !nextLine(&line, &lineNumber))
            break;
        append(line, lineNumber);
    }
    out.count = rows;
    m_row += rows;
    // Records before an error are delivered first; the error shows on the next call.
    return rows == 0 && m_error.isSet() ? -1 : rows;
}

bool JsonLinesReader::nextLine(QByteArrayView *line, qint64 *lineNumber)
{
    for (;;) {
        if (m_file.nextLine(m_options.maxRecordBytes, line, lineNumber, &m_error) != FileBuffer::Fill::Data)
            return false;
        if (!isBlank(*line))
            return true;
    }
}

QStringList JsonLinesReader::keysInOrder(QByteArrayView json)
{
    const std::string_view line(json.data(), std::size_t(json.size()));
    std::vector<json::Member> members;
    json::SyntaxError error;
    QStringList keys;
    if (!json::scanObject(line, &members, &error))
        return keys;
    std::string key;
    for (const json::Member &m : members) {
        key.clear();
        json::unescape(line.substr(m.keyBegin, m.keyEnd - m.keyBegin), &key);
        const QString name = QString::fromUtf8(key.data(), qsizetype(key.size()));
        if (!keys.contains(name))
            keys.append(name);
    }
    return keys;
}

} // namespace fastmap
