// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dataset/Dataset.h"
#include "dataset/DatasetReader.h"
#include "dataset/FileBuffer.h"
#include "dataset/JsonRecordParser.h"

namespace fastmap {

// JSON Lines: one JSON object per non-blank line. The keys of the first object, in the order they
// are written there, are the columns. A later object lacking a key gives a null cell; keys the first
// object does not have are ignored. readRecords() only cuts lines; parser() checks each line's
// JSON and converts the values (see JsonRecordParser for how each type is read).
class JsonLinesReader : public DatasetReader
{
public:
    JsonLinesReader(const QString &path, const DatasetOptions &options = {});

    // Opens the file and reads up to the first object to learn the columns.
    bool open();

    QString source() const override { return m_path; }
    QStringList columns() const override { return m_columns; }
    int readRecords(RecordBlock &out, int maxRows) override;
    std::shared_ptr<const RecordParser> parser() const override { return m_parser; }
    double progress() const override { return m_file.progress(); }
    qint64 bytesRead() const override { return m_file.consumed(); }

    // The top-level keys of a JSON object in the order written; duplicates appear once.
    // Empty when `json` is not one well-formed object.
    static QStringList keysInOrder(QByteArrayView json);

private:
    bool nextLine(QByteArrayView *line, qint64 *lineNumber);

    QString m_path;
    DatasetOptions m_options;
    FileBuffer m_file;
    QStringList m_columns;
    std::shared_ptr<const JsonRecordParser> m_parser;
    QByteArray m_first; // read by open(), delivered by the first readRecords()
    qint64 m_firstLine = 0;
    bool m_haveFirst = false;
    qint64 m_row = 0;
};

} // namespace fastmap
