// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The per-element work every method runs, and the checksum that proves they all computed the
// same results in the same places.

#include "DemoWorkKernel.h"

#include <QtGlobal>

#include <cstddef>

namespace fastmap::bench {

// Exactly what the demo.work plugin computes for the integer input `index`, before formatting.
inline quint64 elementHash(qint64 index, qint64 iterations)
{
    return demo::demoWorkHash(demo::demoWorkSeedInteger(index), iterations);
}

// One element's share of the checksum. It mixes the element's position in, so a result
// delivered in the wrong place changes the sum even though addition does not care about order.
inline quint64 checksumTerm(qint64 index, quint64 hash)
{
    quint64 z = hash + (quint64(index) + 1) * 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 31)) * 0xbf58476d1ce4e5b9ULL;
    return z ^ (z >> 29);
}

// Checksum of results[0, count), where results[i] belongs to element first + i.
inline quint64 checksumOf(const quint64 *results, std::size_t count, qint64 first = 0)
{
    quint64 sum = 0;
    for (std::size_t i = 0; i < count; ++i)
        sum += checksumTerm(first + qint64(i), results[i]);
    return sum;
}

} // namespace fastmap::bench
