// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/Utf8.h"

#include <algorithm>
#include <cstring>

namespace fastmap {

qsizetype findInvalidUtf8(const char *data, qsizetype size)
{
    const auto *s = reinterpret_cast<const unsigned char *>(data);
    qsizetype i = 0;
    while (i < size) {
        // Most input is ASCII: test eight bytes at a time.
        if (size - i >= 8) {
            quint64 word;
            std::memcpy(&word, s + i, sizeof word);
            if ((word & 0x8080808080808080ULL) == 0) {
                i += 8;
                continue;
            }
        }
        const unsigned lead = s[i];
        if (lead < 0x80) {
            ++i;
            continue;
        }
        qsizetype length;
        unsigned low = 0x80, high = 0xBF; // allowed range of the second byte
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            if (lead == 0xE0)
                low = 0xA0; // overlong
            else if (lead == 0xED)
                high = 0x9F; // UTF-16 surrogates
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            if (lead == 0xF0)
                low = 0x90; // overlong
            else if (lead == 0xF4)
                high = 0x8F; // above U+10FFFF
        } else {
            return i;
        }
        if (size - i < length || s[i + 1] < low || s[i + 1] > high)
            return i;
        for (qsizetype k = 2; k < length; ++k) {
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
        }
        i += length;
    }
    return -1;
}

qsizetype countCodePoints(const char *data, qsizetype size)
{
    qsizetype count = 0;
    for (qsizetype i = 0; i < size; ++i)
        count += (static_cast<unsigned char>(data[i]) & 0xC0) != 0x80;
    return count;
}

int firstInvalidUtf8Record(const RecordBlock &block)
{
    const char *bytes = block.bytes.constData();
    const qsizetype bad = findInvalidUtf8(bytes, block.bytes.size());
    int limit = block.count;
    if (bad >= 0) {
        // The record holding the bad byte: the first whose end lies past it.
        const auto it =
            std::upper_bound(block.ends.begin(), block.ends.begin() + block.count, std::uint32_t(bad));
        limit = int(it - block.ends.begin());
    }
    // Records lie back to back, so a sequence cut short at one record's end may have been read
    // on into the next: a record ending in a non-ASCII byte is checked on its own.
    for (int r = 0; r < limit; ++r) {
        const std::uint32_t begin = block.begin(r);
        const std::uint32_t end = block.end(r);
        if (end > begin && static_cast<unsigned char>(bytes[end - 1]) >= 0x80 &&
            findInvalidUtf8(bytes + begin, qsizetype(end - begin)) >= 0)
            return r;
    }
    return limit;
}

} // namespace fastmap
