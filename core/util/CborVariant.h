// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCborValue>
#include <QVariant>

namespace fastmap {

// Cell values to CBOR and back, keeping the types the writers care about (integer, double,
// string, bool, null), so that a value sent to a worker or stored for a job comes back the same.
QCborValue variantToCbor(const QVariant &value);
QVariant cborToVariant(const QCborValue &value);

} // namespace fastmap
