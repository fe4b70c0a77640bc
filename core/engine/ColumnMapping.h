// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "plugin/FunctionInfo.h"

#include <QList>
#include <QMap>

namespace fastmap {

// Decides which dataset column feeds each function input: the explicit --map first, then the
// same name, then (for a one-input function on a one-column dataset) the only column.
class ColumnMapping
{
public:
    // Fills `columnIndexes` with one dataset column index per function input, in metadata order.
    static bool resolve(const FunctionInfo &function, const QStringList &datasetColumns,
                        const QMap<QString, QString> &explicitMapping, QList<int> *columnIndexes, QString *error);
};

} // namespace fastmap
