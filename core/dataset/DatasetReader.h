// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dataset/InputError.h"

#include <fastmap/Table.h>

#include <QStringList>

#include <memory>

namespace fastmap {

// Streams the rows of one dataset. Never holds the whole input in memory.
// Not thread-safe: the engine serialises calls.
class DatasetReader
{
public:
    virtual ~DatasetReader() = default;

    // What the user named: a path or "range:N".
    virtual QString source() const = 0;
    virtual QStringList columns() const = 0;

    // Appends up to maxRows rows to `out`, which has columns().size() columns.
    // Returns the number of rows appended: 0 at the end of input, -1 on an error (see error()).
    // After an error every later call returns -1.
    // Rows read before an error in the same call are returned first; the next call then returns -1.
    virtual int read(Table &out, int maxRows) = 0;

    // The number of rows when known up front (a range), otherwise -1.
    virtual qint64 totalRows() const { return -1; }
    // How much of the input has been consumed, from 0 to 1 (bytes read / file size for files).
    virtual double progress() const = 0;

    const InputError &error() const { return m_error; }

protected:
    InputError m_error;
};

} // namespace fastmap
