// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dataset/Dataset.h"
#include "dataset/DatasetReader.h"
#include "dataset/FileBuffer.h"

namespace fastmap {

// Plain text: every line is a row with one column, "line", without its LF or CRLF.
// Empty lines are rows too (a null, as an empty CSV field is); only the empty string after a
// final line break is not a row. The parser checks UTF-8 and converts the line like a CSV field.
class TextLinesReader : public DatasetReader
{
public:
    TextLinesReader(const QString &path, const DatasetOptions &options = {});

    bool open();

    QString source() const override { return m_path; }
    QStringList columns() const override { return {QStringLiteral("line")}; }
    int readRecords(RecordBlock &out, int maxRows) override;
    std::shared_ptr<const RecordParser> parser() const override { return m_parser; }
    double progress() const override { return m_file.progress(); }
    qint64 bytesRead() const override { return m_file.consumed(); }

private:
    QString m_path;
    DatasetOptions m_options;
    FileBuffer m_file;
    std::shared_ptr<const RecordParser> m_parser;
    qint64 m_row = 0;
};

} // namespace fastmap
