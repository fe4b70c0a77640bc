// SPDX-License-Identifier: GPL-3.0-or-later
// Builds the typed tables and batch results that the engine hands to a result writer, and
// drives a writer the way the engine does.
#pragma once

#include "output/ResultWriter.h"

#include <QFile>
#include <QList>
#include <QMap>
#include <QVariant>

#include <vector>

namespace fastmap::test {

// A table of `types` from rows of QVariants: a double, integer, bool or string per cell as the
// column's type says, an invalid QVariant for a null. A row shorter than the types leaves the
// rest of its cells 0 or empty (not null), as a failed element's outputs are.
inline Table makeTable(const std::vector<ColumnType> &types, const QList<QVariantList> &rows)
{
    Table table(types, int(rows.size()));
    for (int r = 0; r < int(rows.size()); ++r) {
        for (int c = 0; c < int(rows[r].size()); ++c) {
            const QVariant &v = rows[r][c];
            if (!v.isValid()) {
                table.setNull(c, r);
                continue;
            }
            const auto row = std::size_t(r);
            switch (types[std::size_t(c)]) {
            case ColumnType::Float64: table.doubles(c)[row] = v.toDouble(); break;
            case ColumnType::Int64: table.integers(c)[row] = v.toLongLong(); break;
            case ColumnType::Bool: table.bools(c)[row] = v.toBool() ? 1 : 0; break;
            case ColumnType::Text: table.setText(c, r, v.toString()); break;
            }
        }
    }
    return table;
}

// One computed batch. `kept` are the dataset rows as text (what the engine keeps for a sink that
// wants its input; empty for one that does not), `outputs` the function's values typed as
// `outputTypes`, and `errors` maps a row to its failure message. The rows are those of `outputs`.
inline BatchResult makeResult(qint64 sequence, qint64 firstRow, const QList<QVariantList> &kept,
                              const std::vector<ColumnType> &outputTypes, const QList<QVariantList> &outputs,
                              const QMap<int, QString> &errors = {})
{
    BatchResult result;
    result.batch.sequence = sequence;
    result.batch.firstRow = firstRow;
    result.batch.records.firstRow = firstRow;
    result.batch.records.count = int(outputs.size());
    if (!kept.isEmpty())
        result.batch.kept = makeTable(std::vector<ColumnType>(kept.first().size(), ColumnType::Text), kept);
    result.output = BatchOutput(outputTypes, int(outputs.size()));
    result.output.values() = makeTable(outputTypes, outputs);
    for (auto it = errors.cbegin(); it != errors.cend(); ++it)
        result.output.fail(it.key(), it.value());
    return result;
}

inline QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QByteArray("<cannot open ") + QFile::encodeName(path) + ">";
    return file.readAll();
}

enum class Drive { PrepareInOrder, PrepareReversed, NoPrepare };

// Drives `writer` as the engine does and returns the finish() result.
inline bool drive(ResultWriter &writer, QList<BatchResult> results, Drive how, const QStringList &dataset,
                  const QStringList &outputs, QString *error)
{
    if (!writer.begin(dataset, outputs, error))
        return false;
    if (how == Drive::PrepareReversed)
        for (qsizetype i = results.size() - 1; i >= 0; --i)
            writer.prepare(results[i]);
    else if (how == Drive::PrepareInOrder)
        for (BatchResult &r : results)
            writer.prepare(r);
    for (const BatchResult &r : results)
        if (!writer.consume(r, error))
            return false;
    return writer.finish(true, error);
}

} // namespace fastmap::test
