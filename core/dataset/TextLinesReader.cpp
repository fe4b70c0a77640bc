// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/TextLinesReader.h"

#include "dataset/Utf8.h"

namespace fastmap {

TextLinesReader::TextLinesReader(const QString &path, const DatasetOptions &options)
    : m_path(path), m_options(options)
{}

bool TextLinesReader::open()
{
    return m_file.open(m_path, m_options.chunkBytes, &m_error);
}

int TextLinesReader::read(Table &out, int maxRows)
{
    if (m_error.isSet())
        return -1;
    if (out.columnCount() != 1) {
        m_error = {
            m_path, 0, 0,
            QStringLiteral("internal error: reading 1 column into a table of %1").arg(out.columnCount())};
        return -1;
    }
    int rows = 0;
    while (rows < maxRows) {
        QByteArrayView line;
        qint64 lineNumber = 0;
        if (m_file.nextLine(m_options.maxRecordBytes, &line, &lineNumber, &m_error) != FileBuffer::Fill::Data)
            break;
        if (const qsizetype bad = findInvalidUtf8(line.data(), line.size()); bad >= 0) {
            m_error = {m_path, lineNumber, countCodePoints(line.data(), bad) + 1,
                       QStringLiteral("invalid UTF-8 (byte offset %1 of the line); save the file as UTF-8")
                           .arg(bad)};
            break;
        }
        *out.appendRow() = QString::fromUtf8(line);
        ++rows;
    }
    // Rows before an error are delivered first; the error shows on the next call.
    return rows == 0 && m_error.isSet() ? -1 : rows;
}

} // namespace fastmap
