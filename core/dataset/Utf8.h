// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

namespace fastmap {

// Byte offset of the first byte of the first ill-formed UTF-8 sequence (overlongs, surrogates and
// values above U+10FFFF included), or -1 when all of `data` is well-formed.
// QString::fromUtf8 would silently substitute U+FFFD, which would corrupt data without a word.
qsizetype findInvalidUtf8(const char *data, qsizetype size);

// Number of code points that start in the first `size` bytes; turns byte offsets into columns.
qsizetype countCodePoints(const char *data, qsizetype size);

} // namespace fastmap
