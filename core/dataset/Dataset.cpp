// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/Dataset.h"

#include "dataset/CsvReader.h"
#include "dataset/JsonLinesReader.h"
#include "dataset/RangeReader.h"
#include "dataset/TextLinesReader.h"

#include <QFile>
#include <QFileInfo>

namespace fastmap {

namespace {

const QLatin1String rangePrefix("range:");

template <typename Reader>
std::unique_ptr<DatasetReader> openReader(std::unique_ptr<Reader> reader, InputError *error)
{
    if (reader->open())
        return reader;
    if (error)
        *error = reader->error();
    return nullptr;
}

} // namespace

std::unique_ptr<DatasetReader> Dataset::open(const QString &spec, InputError *error,
                                             const DatasetOptions &options)
{
    if (error)
        *error = {};
    if (spec.startsWith(rangePrefix) || options.format == DatasetFormat::Range)
        return openReader(std::make_unique<RangeReader>(spec), error);

    DatasetFormat format = options.format;
    if (format == DatasetFormat::Auto)
        format = formatFromFileName(spec);
    switch (format) {
    case DatasetFormat::Csv: return openReader(std::make_unique<CsvReader>(spec, options), error);
    case DatasetFormat::JsonLines: return openReader(std::make_unique<JsonLinesReader>(spec, options), error);
    case DatasetFormat::Text: return openReader(std::make_unique<TextLinesReader>(spec, options), error);
    case DatasetFormat::Auto:
    case DatasetFormat::Range: break;
    }

    // A missing or unreadable file is the more useful thing to report.
    InputError failure{spec, 0, 0, {}};
    if (QFileInfo(spec).isDir()) {
        failure.message = QStringLiteral("is a directory, not a file");
    } else if (QFile file(spec); !file.open(QIODevice::ReadOnly)) {
        failure.message = QStringLiteral("cannot open: ") + file.errorString();
    } else {
        failure.message = QStringLiteral("cannot tell the format of %1 from its extension; name it with "
                                         "--input-format csv|jsonl|text")
                              .arg(spec);
    }
    if (error)
        *error = failure;
    return nullptr;
}

Table Dataset::preview(const QString &spec, int rows, QStringList *columns, InputError *error,
                       const DatasetOptions &options)
{
    InputError failure;
    const std::unique_ptr<DatasetReader> reader = open(spec, &failure, options);
    if (error)
        *error = failure;
    if (columns)
        *columns = reader ? reader->columns() : QStringList();
    if (!reader)
        return {};
    Table table(std::vector<ColumnType>(std::size_t(reader->columns().size()), ColumnType::Text));
    while (table.rowCount() < rows) {
        const int got = reader->readText(table, rows - table.rowCount());
        if (got < 0 && error)
            *error = reader->error();
        if (got <= 0)
            break;
    }
    return table;
}

DatasetFormat Dataset::formatFromName(const QString &name, bool *ok)
{
    const QString key = name.trimmed().toLower();
    DatasetFormat format = DatasetFormat::Auto;
    bool known = true;
    if (key == QLatin1String("csv") || key == QLatin1String("tsv"))
        format = DatasetFormat::Csv;
    else if (key == QLatin1String("jsonl") || key == QLatin1String("ndjson") ||
             key == QLatin1String("jsonlines"))
        format = DatasetFormat::JsonLines;
    else if (key == QLatin1String("text") || key == QLatin1String("txt"))
        format = DatasetFormat::Text;
    else if (key == QLatin1String("range"))
        format = DatasetFormat::Range;
    else
        known = key == QLatin1String("auto");
    if (ok)
        *ok = known;
    return format;
}

DatasetFormat Dataset::formatFromFileName(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("csv") || suffix == QLatin1String("tsv"))
        return DatasetFormat::Csv;
    if (suffix == QLatin1String("jsonl") || suffix == QLatin1String("ndjson"))
        return DatasetFormat::JsonLines;
    if (suffix == QLatin1String("txt") || suffix == QLatin1String("text") || suffix == QLatin1String("log"))
        return DatasetFormat::Text;
    return DatasetFormat::Auto;
}

QString Dataset::formatName(DatasetFormat format)
{
    switch (format) {
    case DatasetFormat::Csv: return QStringLiteral("csv");
    case DatasetFormat::JsonLines: return QStringLiteral("jsonl");
    case DatasetFormat::Text: return QStringLiteral("text");
    case DatasetFormat::Range: return QStringLiteral("range");
    case DatasetFormat::Auto: break;
    }
    return QStringLiteral("auto");
}

} // namespace fastmap
