// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dataset/RecordBlock.h"

#include <QtGlobal>

namespace fastmap {

// Byte offset of the first byte of the first ill-formed UTF-8 sequence (overlongs, surrogates and
// values above U+10FFFF included), or -1 when all of `data` is well-formed.
// QString::fromUtf8 would silently substitute U+FFFD, which would corrupt data without a word.
qsizetype findInvalidUtf8(const char *data, qsizetype size);

// Number of code points that start in the first `size` bytes; turns byte offsets into columns.
qsizetype countCodePoints(const char *data, qsizetype size);

// The first record of `block` that is not well-formed UTF-8, or block.count when all are.
// One pass over the whole block, not one call per record.
int firstInvalidUtf8Record(const RecordBlock &block);

} // namespace fastmap
