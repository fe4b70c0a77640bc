// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <fastmap/Function.h>

#include <QByteArray>
#include <QCborStreamReader>
#include <QCborStreamWriter>
#include <QString>

#include <vector>

namespace fastmap {

// The one binary form of typed columns, used by the job store, the result cache and the worker
// protocol: a CBOR envelope whose columns are raw little-endian blocks (a column of doubles is
// one byte string, copied with memcpy), so encoding and decoding cost a copy, not a value each.
// The layout is in docs/protocol.md. Decoding checks every type, count and length: a truncated or
// lying blob is an error with a reason, never a crash or a wrong row.
class TableCodec
{
public:
    static void write(QCborStreamWriter &writer, const Table &table);
    // `types` and `rows` are what the caller expects (rows < 0: any); another shape is refused.
    static bool read(QCborStreamReader &reader, const std::vector<ColumnType> &types, int rows, Table *table,
                     QString *error);

    // A batch's outputs and failures.
    static void write(QCborStreamWriter &writer, const BatchOutput &output);
    static bool read(QCborStreamReader &reader, const std::vector<ColumnType> &types, int rows, BatchOutput *output,
                     QString *error);

    static QByteArray encode(const BatchOutput &output);
    static bool decode(const QByteArray &blob, const std::vector<ColumnType> &types, int rows, BatchOutput *output,
                       QString *error);
};

} // namespace fastmap
