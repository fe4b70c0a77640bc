// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace fastmap {

// Where and why input could not be read. Line and column are 1-based; 0 means "not applicable".
struct InputError
{
    QString file;
    qint64 line = 0;
    qint64 column = 0;
    QString message;

    bool isSet() const { return !message.isEmpty(); }
    // "file:line:column: message", leaving out the parts that are not known.
    QString toString() const
    {
        QString where = file;
        if (line > 0) {
            where += QLatin1Char(':') + QString::number(line);
            if (column > 0)
                where += QLatin1Char(':') + QString::number(column);
        }
        return where.isEmpty() ? message : where + QStringLiteral(": ") + message;
    }
};

} // namespace fastmap
