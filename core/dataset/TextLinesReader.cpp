// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/TextLinesReader.h"

#include "dataset/Utf8.h"
#include "dataset/ValueConversion.h"

namespace fastmap {

namespace {

constexpr qsizetype kMaxBlockBytes = qsizetype(1) << 30; // keeps record offsets in 32 bits

// Each record is one field, the line.
class TextLineParser : public RecordParser
{
public:
    explicit TextLineParser(QString path) : m_path(std::move(path)) {}

    int parse(const RecordBlock &block, const std::vector<FieldTarget> &targets, Table *out,
              BatchOutput *failures, InputError *error) const override
    {
        prepareOutput(out, targets, block.count, block.bytes);
        const char *bytes = block.bytes.constData();
        const int valid = firstInvalidUtf8Record(block);
        for (int row = 0; row < valid; ++row) {
            const std::uint32_t begin = block.begin(row);
            const std::uint32_t size = block.end(row) - begin;
            for (std::size_t t = 0; t < targets.size(); ++t) {
                const int column = int(t);
                if (size == 0 || targets[t].column != 0)
                    conversion::storeNull(*out, column, row, targets[t], failures);
                else if (targets[t].type == ColumnType::Text)
                    out->textRefs(column)[std::size_t(row)] = TextRef{begin, size};
                else
                    conversion::storeValue(*out, column, row, targets[t],
                                           std::string_view(bytes + begin, size), failures);
            }
        }
        if (valid < block.count && error) {
            const char *line = bytes + block.begin(valid);
            const qsizetype bad = findInvalidUtf8(line, qsizetype(block.end(valid) - block.begin(valid)));
            *error = {m_path, block.line(valid), countCodePoints(line, bad) + 1,
                      QStringLiteral("invalid UTF-8 (byte offset %1 of the line); save the file as UTF-8")
                          .arg(bad)};
        }
        return valid;
    }

private:
    QString m_path;
};

} // namespace

TextLinesReader::TextLinesReader(const QString &path, const DatasetOptions &options)
    : m_path(path), m_options(options), m_parser(std::make_shared<TextLineParser>(path))
{}

bool TextLinesReader::open()
{
    return m_file.open(m_path, m_options.chunkBytes, &m_error);
}

int TextLinesReader::readRecords(RecordBlock &out, int maxRows)
{
    out.clear();
    out.firstRow = m_row;
    if (m_error.isSet())
        return -1;
    int rows = 0;
    if (maxRows > 0) {
        out.ends.reserve(std::size_t(maxRows));
        out.lines.reserve(std::size_t(maxRows));
    }
    QByteArrayView line;
    qint64 lineNumber = 0;
    for (;;) {
        // The lines already buffered in bulk; nextLine() for a chunk boundary, the end, an error.
        rows = m_file.appendBufferedLines(out, rows, maxRows, kMaxBlockBytes, m_options.maxRecordBytes, false);
        if (rows >= maxRows || out.bytes.size() >= kMaxBlockBytes ||
            m_file.nextLine(m_options.maxRecordBytes, &line, &lineNumber, &m_error) != FileBuffer::Fill::Data)
            break;
        out.bytes.append(line);
        out.ends.push_back(std::uint32_t(out.bytes.size()));
        out.lines.push_back(lineNumber);
        ++rows;
    }
    out.count = rows;
    m_row += rows;
    // Records before an error are delivered first; the error shows on the next call.
    return rows == 0 && m_error.isSet() ? -1 : rows;
}

} // namespace fastmap
