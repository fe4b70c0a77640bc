// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dataset/DatasetReader.h"

#include <QStringList>

#include <vector>

namespace fastmap {

// Splits CSV records (as CsvReader cut them: whole, without their line break) into fields and
// converts the targeted ones. Immutable after construction, so any number of threads may parse
// with one instance at once.
class CsvRecordParser : public RecordParser
{
public:
    // A field's content within its record: quotes excluded, doubled quotes still doubled.
    struct Field
    {
        std::uint32_t begin;
        std::uint32_t end;
        bool doubledQuotes;
    };

    // `columns` may be empty while the header itself is parsed: then any number of fields passes.
    CsvRecordParser(QString path, char delimiter, QStringList columns);

    int parse(const RecordBlock &block, const std::vector<FieldTarget> &targets, Table *out,
              BatchOutput *failures, InputError *error) const override;

    // Splits one record that starts on `line` into `fields`. A quote out of place, the wrong
    // number of fields or (when `checkUtf8`) invalid UTF-8 is an error naming line and column.
    bool split(const char *record, qsizetype size, qint64 line, bool checkUtf8, std::vector<Field> *fields,
               InputError *error) const;

    // A field's text with its doubled quotes undone.
    static QString fieldText(const char *record, const Field &field);
    // Appends the field's bytes with "" undone.
    static void appendUnquoted(std::string &out, const char *begin, const char *end);

    // "column 2 ('b')", or "column 2" past the known columns.
    QString describeField(qsizetype index) const;

private:
    void fail(InputError *error, qint64 line, qint64 column, const QString &message) const;

    QString m_path;
    char m_delimiter;
    QStringList m_columns;
};

} // namespace fastmap
