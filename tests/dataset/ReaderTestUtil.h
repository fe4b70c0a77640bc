// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dataset/Dataset.h"
#include "dataset/DatasetReader.h"

#include <QFile>
#include <QList>
#include <QStringList>
#include <QTemporaryDir>
#include <QVariant>

namespace fastmap::test {

inline QString dataPath(const QString &name)
{
    return QStringLiteral(FASTMAP_SOURCE_DIR "/tests/data/") + name;
}

inline QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &bytes)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

inline DatasetOptions withChunk(int chunkBytes, qint64 maxRecordBytes = 16 * 1024 * 1024)
{
    DatasetOptions options;
    options.chunkBytes = chunkBytes;
    options.maxRecordBytes = maxRecordBytes;
    return options;
}

using Rows = QList<QVariantList>;

struct ReadResult
{
    Rows rows;
    InputError error; // set when a call returned -1
    int calls = 0;
};

inline Rows tableRows(const Table &table)
{
    Rows rows;
    for (int r = 0; r < table.rowCount(); ++r) {
        QVariantList row;
        for (int c = 0; c < table.columnCount(); ++c)
            row.append(table.value(r, c));
        rows.append(row);
    }
    return rows;
}

// Reads to the end or the first error with readText(), `maxRows` at a time, into a fresh table
// per call: the boundary scan and the parser together.
inline ReadResult readAll(DatasetReader &reader, int maxRows = 100000)
{
    ReadResult result;
    for (;;) {
        Table table;
        const int got = reader.readText(table, maxRows);
        ++result.calls;
        if (got < 0) {
            result.error = reader.error();
            if (table.rowCount() != 0)
                qFatal("readText() returned -1 after appending rows");
            break;
        }
        if (got != table.rowCount() || got > maxRows)
            qFatal("readText() returned %d but appended %d rows", got, table.rowCount());
        if (got == 0)
            break;
        result.rows += tableRows(table);
    }
    return result;
}

// Typed rows through readRecords() and the parser, as the engine gets them.
struct ParseResult
{
    Rows rows;               // one value per target; a failed element's row holds the message
    QList<qint64> firstRows; // RecordBlock::firstRow of each block
    InputError error;        // from readRecords() or parse()
    bool parseError = false; // the error came from parse()
};

inline ParseResult parseAll(DatasetReader &reader, const std::vector<FieldTarget> &targets,
                            int maxRows = 100000)
{
    ParseResult result;
    const std::shared_ptr<const RecordParser> parser = reader.parser();
    for (;;) {
        RecordBlock block;
        const int got = reader.readRecords(block, maxRows);
        if (got < 0) {
            result.error = reader.error();
            break;
        }
        if (got != block.count || got > maxRows || (block.bytes.size() > 0 && int(block.ends.size()) != got))
            qFatal("readRecords() returned %d for a block of %d records", got, block.count);
        if (got == 0)
            break;
        result.firstRows.append(block.firstRow);
        std::vector<ColumnType> types;
        for (const FieldTarget &t : targets)
            types.push_back(t.type);
        Table table;
        BatchOutput failures(types, got);
        InputError error;
        const int good = parser->parse(block, targets, &table, &failures, &error);
        if (table.rowCount() != got || table.columnCount() != int(targets.size()))
            qFatal("parse() gave a table of %d rows and %d columns", table.rowCount(), table.columnCount());
        for (int r = 0; r < good; ++r) {
            QVariantList row;
            for (int c = 0; c < table.columnCount(); ++c)
                row.append(failures.failed(r) ? QVariant(failures.error(r)) : table.value(r, c));
            result.rows.append(row);
        }
        if (good < got) {
            result.error = error;
            result.parseError = true;
            break;
        }
    }
    return result;
}

// Records as readRecords() cuts them, each with its line, checking every block's layout.
using CutRecords = QList<QPair<QByteArray, qint64>>;

struct CutResult
{
    CutRecords records;
    InputError error; // set when a call returned -1
};

inline CutResult cutAll(DatasetReader &reader, int maxRows)
{
    CutResult result;
    for (;;) {
        RecordBlock block;
        const int got = reader.readRecords(block, maxRows);
        if (got < 0) {
            result.error = reader.error();
            break;
        }
        if (got != block.count || got > maxRows || int(block.ends.size()) != got || int(block.lines.size()) != got ||
            block.firstRow != result.records.size() || (got > 0 && block.ends.back() != block.bytes.size()))
            qFatal("readRecords() returned %d for a malformed block of %d records", got, block.count);
        if (got == 0)
            break;
        for (int r = 0; r < got; ++r) {
            if (r > 0 && block.end(r - 1) > block.end(r))
                qFatal("readRecords() gave decreasing record ends");
            result.records.append({block.bytes.mid(block.begin(r), block.end(r) - block.begin(r)), block.line(r)});
        }
    }
    return result;
}

inline std::vector<FieldTarget> allText(const DatasetReader &reader)
{
    std::vector<FieldTarget> targets;
    for (int c = 0; c < reader.columns().size(); ++c)
        targets.push_back({c, ColumnType::Text, reader.columns().at(c)});
    return targets;
}

// Rows as text for readable comparisons; a null value shows as <null>.
inline QList<QStringList> asStrings(const Rows &rows)
{
    QList<QStringList> out;
    for (const QVariantList &row : rows) {
        QStringList texts;
        for (const QVariant &value : row)
            texts.append(value.isNull() ? QStringLiteral("<null>") : value.toString());
        out.append(texts);
    }
    return out;
}

} // namespace fastmap::test
