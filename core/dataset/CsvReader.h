// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dataset/Dataset.h"
#include "dataset/DatasetReader.h"
#include "dataset/FileBuffer.h"

#include <array>
#include <vector>

namespace fastmap {

// RFC 4180 CSV: the first record names the columns, every later record must have as many fields.
// Quoted fields may hold delimiters, doubled quotes and line breaks; records end with LF or CRLF.
// Blank lines are skipped (write "" for an empty value in a one-column file).
// Values are QStrings, decoded once per field from the scanned bytes.
class CsvReader : public DatasetReader
{
public:
    CsvReader(const QString &path, const DatasetOptions &options = {});

    // Opens the file and reads the header. On failure error() says why.
    bool open();

    QString source() const override { return m_path; }
    QStringList columns() const override { return m_columns; }
    int read(Table &out, int maxRows) override;
    double progress() const override { return m_file.progress(); }

    // The separator in use: given, implied by a .tsv name, or detected from the header line.
    char delimiter() const { return m_delimiter; }

private:
    enum class Scan { Record, NeedMore, End, Error };
    enum class State { FieldStart, Unquoted, Quoted, QuoteInQuoted };
    struct Field
    {
        qsizetype begin; // offsets from the record start, quotes excluded
        qsizetype end;
        bool hasDoubledQuotes;
    };

    char detectDelimiter();
    Scan scanRecord(bool atEnd);
    Scan nextRecord();
    bool checkRecord();
    qint64 scanWindow() const;
    QString fieldText(const Field &field) const;
    void endField(qsizetype end, bool quoted);
    void finishRecord();
    QString describeField(qsizetype index) const;
    void fail(qint64 line, qint64 column, const QString &message);

    QString m_path;
    DatasetOptions m_options;
    FileBuffer m_file;
    QStringList m_columns;
    char m_delimiter = ',';
    std::array<bool, 256> m_special{}; // bytes that end a run of plain unquoted text

    // The record being scanned. It always starts at m_file.data(), so offsets survive refills.
    std::vector<Field> m_fields;
    State m_state = State::FieldStart;
    qsizetype m_scanned = 0;      // bytes of the record scanned so far
    qsizetype m_fieldBegin = 0;   // where the current field starts, its opening quote included
    qsizetype m_recordLength = 0; // a complete record's bytes, without the line break
    qsizetype m_recordBytes = 0;  // ... and with it
    qint64 m_line = 1;            // physical line where the record starts
    qint64 m_newlines = 0;        // line breaks scanned so far inside the record
    qint64 m_quoteLine = 0;       // line of the current quoted field's opening quote
    bool m_doubledQuotes = false; // the current quoted field holds "" pairs to undo
};

} // namespace fastmap
