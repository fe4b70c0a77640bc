// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <bit>
#include <cstdint>

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define FASTMAP_LINEFEEDS_SSE2 1
#endif

namespace fastmap {

// The line feeds of bytes[from, end), in order, for readers cutting many short lines: 16 bytes
// compared at a time into a bit mask, so each line costs a few instructions, not a memchr call.
// Never reads outside [from, end).
class LineFeeds
{
public:
    LineFeeds(const char *bytes, qsizetype from, qsizetype end) : m_bytes(bytes), m_base(from), m_end(end)
    {
        load();
    }

    // The offset of the next line feed, or -1 when there is none before `end`.
    qsizetype next()
    {
        while (m_mask == 0) {
            m_base += kWidth;
            if (m_base >= m_end)
                return -1;
            load();
        }
        const int bit = std::countr_zero(m_mask);
        m_mask &= m_mask - 1;
        return m_base + bit;
    }

private:
    static constexpr qsizetype kWidth = 16;

    void load()
    {
        const qsizetype left = m_end - m_base;
        if (left <= 0) {
            m_mask = 0;
            return;
        }
#ifdef FASTMAP_LINEFEEDS_SSE2
        if (left >= kWidth) {
            const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i *>(m_bytes + m_base));
            m_mask = std::uint32_t(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, _mm_set1_epi8('\n'))));
            return;
        }
#endif
        std::uint32_t mask = 0;
        const qsizetype n = left < kWidth ? left : kWidth;
        for (qsizetype k = 0; k < n; ++k)
            mask |= std::uint32_t(m_bytes[m_base + k] == '\n') << k;
        m_mask = mask;
    }

    const char *m_bytes;
    qsizetype m_base; // offset of bit 0 of m_mask
    qsizetype m_end;
    std::uint32_t m_mask = 0;
};

} // namespace fastmap
