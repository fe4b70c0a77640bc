// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <fastmap/Function.h>

#include <QByteArray>

namespace fastmap {

// Stores a batch's outputs and failures as CBOR, and reads them back with the same types, so a
// replayed batch writes the very same bytes as when it was computed.
class ResultCodec
{
public:
    static QByteArray encodeOutput(const BatchOutput &output);
    static bool decodeOutput(const QByteArray &blob, int rows, int columns, BatchOutput *output);
    // One element's outputs, for the cache.
    static QByteArray encodeRow(const QVariant *values, int columns);
    static bool decodeRow(const QByteArray &blob, int columns, QVariant *values);
    // A canonical byte form of an element's inputs, for cache keys.
    static QByteArray encodeInputs(const QVariant *values, int columns);
};

} // namespace fastmap
