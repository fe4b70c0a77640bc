// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/ColumnMapping.h"

namespace fastmap {

bool ColumnMapping::resolve(const FunctionInfo &function, const QStringList &datasetColumns,
                            const QMap<QString, QString> &explicitMapping, QList<int> *columnIndexes,
                            QString *error)
{
    const QStringList inputs = function.inputNames();
    const QString columnList = datasetColumns.join(QStringLiteral(", "));
    for (auto it = explicitMapping.cbegin(); it != explicitMapping.cend(); ++it) {
        if (!inputs.contains(it.key())) {
            *error = QStringLiteral("--map %1=%2: %3 has no input \"%1\" (its inputs are: %4)")
                         .arg(it.key(), it.value(), function.id, inputs.join(QStringLiteral(", ")));
            return false;
        }
        if (!datasetColumns.contains(it.value())) {
            *error = QStringLiteral("--map %1=%2: the dataset has no column \"%2\" (its columns are: %3)")
                         .arg(it.key(), it.value(), columnList);
            return false;
        }
    }
    QList<int> indexes;
    for (const QString &input : inputs) {
        int index = -1;
        if (explicitMapping.contains(input)) {
            index = datasetColumns.indexOf(explicitMapping.value(input));
        } else if (datasetColumns.contains(input)) {
            index = datasetColumns.indexOf(input);
        } else if (inputs.size() == 1 && datasetColumns.size() == 1) {
            index = 0;
        } else {
            // A unique case-insensitive match is what the user meant ("Lat1" for "lat1").
            int matches = 0;
            for (int i = 0; i < datasetColumns.size(); ++i) {
                if (datasetColumns[i].compare(input, Qt::CaseInsensitive) == 0) {
                    index = i;
                    ++matches;
                }
            }
            if (matches != 1) {
                *error = QStringLiteral("%1 needs an input \"%2\", but the dataset has no column of that name "
                                        "(its columns are: %3); name one with --map %2=COLUMN")
                             .arg(function.id, input, columnList);
                return false;
            }
        }
        indexes << index;
    }
    *columnIndexes = indexes;
    return true;
}

} // namespace fastmap
