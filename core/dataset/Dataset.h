// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dataset/DatasetReader.h"

#include <memory>

namespace fastmap {

enum class DatasetFormat { Auto, Csv, JsonLines, Text, Range };

struct DatasetOptions
{
    DatasetFormat format = DatasetFormat::Auto;
    // A single record (CSV record, JSON line, text line) longer than this is an error, not a truncation.
    qint64 maxRecordBytes = 16 * 1024 * 1024;
    // CSV field separator; 0 detects it from the header line (',' ';' or TAB) and a .tsv name means TAB.
    char csvDelimiter = 0;
    // How much is read from a file at a time. Tests shrink it to put chunk boundaries everywhere.
    int chunkBytes = 64 * 1024;
};

// Opens datasets by spec: a file path (format from the extension unless given) or "range:N".
class Dataset
{
public:
    // Returns nullptr and fills `error` when the dataset cannot be opened (missing, empty, binary,
    // bad header...). Opening reads the header so columns() is ready.
    static std::unique_ptr<DatasetReader> open(const QString &spec, InputError *error,
                                               const DatasetOptions &options = {});

    // The first `rows` rows, every column as text, for previews. Fills `error` on failure (rows
    // before the error are kept). Empty fields and JSON nulls are nulls.
    static Table preview(const QString &spec, int rows, QStringList *columns, InputError *error,
                         const DatasetOptions &options = {});

    static DatasetFormat formatFromName(const QString &name, bool *ok);

    // The format implied by a file name's extension; Auto when it implies none.
    static DatasetFormat formatFromFileName(const QString &path);
    // "csv", "jsonl", "text", "range" or "auto": the names formatFromName() accepts.
    static QString formatName(DatasetFormat format);
};

} // namespace fastmap
