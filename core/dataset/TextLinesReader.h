// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dataset/Dataset.h"
#include "dataset/DatasetReader.h"
#include "dataset/FileBuffer.h"

namespace fastmap {

// Plain text: every line is a row with one column, "line", without its LF or CRLF.
// Empty lines are rows too; only the empty string after a final line break is not.
class TextLinesReader : public DatasetReader
{
public:
    TextLinesReader(const QString &path, const DatasetOptions &options = {});

    bool open();

    QString source() const override { return m_path; }
    QStringList columns() const override { return {QStringLiteral("line")}; }
    int read(Table &out, int maxRows) override;
    double progress() const override { return m_file.progress(); }

private:
    QString m_path;
    DatasetOptions m_options;
    FileBuffer m_file;
};

} // namespace fastmap
