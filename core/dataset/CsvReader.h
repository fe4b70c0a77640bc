// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dataset/CsvRecordParser.h"
#include "dataset/Dataset.h"
#include "dataset/DatasetReader.h"
#include "dataset/FileBuffer.h"

namespace fastmap {

// RFC 4180 CSV: the first record names the columns, every later record must have as many fields.
// Quoted fields may hold delimiters, doubled quotes and line breaks; records end with LF or CRLF.
// Blank lines are skipped (write "" for an empty value in a one-column file).
// readRecords() only finds where records end, with memchr over line breaks and quotes; the
// fields are split, checked and converted by parser(), in parallel.
class CsvReader : public DatasetReader
{
public:
    CsvReader(const QString &path, const DatasetOptions &options = {});

    // Opens the file and reads the header. On failure error() says why.
    bool open();

    QString source() const override { return m_path; }
    QStringList columns() const override { return m_columns; }
    int readRecords(RecordBlock &out, int maxRows) override;
    std::shared_ptr<const RecordParser> parser() const override { return m_parser; }
    double progress() const override { return m_file.progress(); }
    qint64 bytesRead() const override { return m_file.consumed(); }

    // The separator in use: given, implied by a .tsv name, or detected from the header line.
    char delimiter() const { return m_delimiter; }

private:
    enum class Cut { Record, NeedMore, End, Error };

    char detectDelimiter();
    Cut nextRecord();
    int cutPlainRecords(RecordBlock &out, int maxRows, int rows);
    Cut scan(bool atEnd);
    qsizetype nextQuote(qsizetype from, qsizetype limit);
    qint64 scanWindow() const;
    void finishRecord();
    qsizetype openQuoteField(qint64 *line) const;
    void fail(qint64 line, qint64 column, const QString &message);

    QString m_path;
    DatasetOptions m_options;
    FileBuffer m_file;
    QStringList m_columns;
    char m_delimiter = ',';
    std::shared_ptr<const CsvRecordParser> m_parser;
    qint64 m_row = 0; // dataset index of the next record
    int m_plainSkip = 0;    // records left to cut one by one before cutPlainRecords() is tried again
    int m_plainBackoff = 0; // ... and how many after its next miss, doubling while it misses

    // The record being cut. It always starts at m_file.data(), so offsets survive refills.
    qsizetype m_scanned = 0;      // bytes of the record scanned so far
    bool m_quoted = false;        // inside a quoted field at m_scanned
    qsizetype m_quoteOpen = 0;    // the opening quote of the current quoted field
    bool m_malformed = false;     // a quote out of place: the parser will report it
    qsizetype m_quoteAt = -1;     // the next quote not yet passed, -1 when not known
    qsizetype m_lineFeedAt = -1;  // the first line feed past where it was searched for, or -1
    qsizetype m_quoteNone = 0;    // with m_quoteAt -1: no quote lies before this, past the scan
    qsizetype m_recordLength = 0; // a complete record's bytes, without the line break
    qsizetype m_recordBytes = 0;  // ... and with it
    qint64 m_line = 1;            // physical line where the record starts
    qint64 m_newlines = 0;        // line breaks scanned so far inside the record
};

} // namespace fastmap
