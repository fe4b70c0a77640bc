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

using Rows = QList<QVariantList>;

struct ReadResult
{
    Rows rows;
    InputError error; // set when a read() returned -1
    int calls = 0;
};

inline Rows tableRows(const Table &table)
{
    Rows rows;
    for (int r = 0; r < table.rowCount(); ++r) {
        QVariantList row;
        for (int c = 0; c < table.columnCount(); ++c)
            row.append(table.at(r, c));
        rows.append(row);
    }
    return rows;
}

// Reads to the end or the first error, `maxRows` at a time, into a fresh table per call.
inline ReadResult readAll(DatasetReader &reader, int maxRows = 100000)
{
    ReadResult result;
    for (;;) {
        Table table(int(reader.columns().size()));
        const int got = reader.read(table, maxRows);
        ++result.calls;
        if (got < 0) {
            result.error = reader.error();
            if (table.rowCount() != 0)
                qFatal("read() returned -1 after appending rows");
            break;
        }
        if (got != table.rowCount() || got > maxRows)
            qFatal("read() returned %d but appended %d rows", got, table.rowCount());
        if (got == 0)
            break;
        result.rows += tableRows(table);
    }
    return result;
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
