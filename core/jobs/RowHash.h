// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <fastmap/Table.h>

#include <QtEndian>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace fastmap {

// RowHash's result.
struct Hash128
{
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    bool operator==(const Hash128 &o) const { return a == o.a && b == o.b; }
};

// A fast 128-bit hash of typed values, for the result cache's keys, and a 64-bit one of whole
// buffers, for the job store's record of a batch's input bytes. Not cryptographic: it only has
// to make accidental collisions vanishingly rare (two 64-bit lanes, each word folded through a
// 64x64->128-bit multiply), at a few nanoseconds a value, where SHA-256 took a microsecond an
// element. Stable across runs, builds and machines: it hashes little-endian words with fixed
// constants, so a persistent cache stays valid.
class RowHash
{
public:
    using Value = Hash128;

    RowHash() : RowHash(Hash128{}) {}
    explicit RowHash(Hash128 seed) : m_a(seed.a ^ kSeedA), m_b(seed.b ^ kSeedB) {}

    void word(std::uint64_t w)
    {
        const std::uint64_t a = fold(m_a ^ w, kMulA);
        m_b = fold(m_b ^ rotate(w, 29) ^ kMixB, kMulB) + a;
        m_a = a + m_b;
        ++m_words;
    }
    void number(double v)
    {
        std::uint64_t bits;
        std::memcpy(&bits, &v, sizeof bits); // the exact bits: -0 and 0 are different inputs
        word(bits);
    }
    // The length first, then the bytes in little-endian words, the last one zero-padded.
    void bytes(std::string_view s)
    {
        word(std::uint64_t(s.size()) ^ kTextTag);
        std::size_t i = 0;
        for (; i + 8 <= s.size(); i += 8)
            word(load(s.data() + i, 8));
        if (i < s.size())
            word(load(s.data() + i, s.size() - i));
    }
    // Row `row` of every column of `table`, in column order; a null hashes as 0 and is told from
    // a 0 by the null mask that closes the row.
    void row(const Table &table, int row);

    // A long run of bytes at memory speed: four independent lanes of 8 bytes, one multiply each,
    // for whole buffers (a batch's raw records) rather than values.
    static std::uint64_t buffer(const char *data, std::size_t size, std::uint64_t seed)
    {
        std::uint64_t lane[4] = {seed ^ kSeedA, seed ^ kSeedB, seed ^ kMixB, seed ^ kTextTag};
        static constexpr std::uint64_t k[4] = {kMulA, kMulB, kMulA ^ kSeedB, kMulB ^ kSeedA};
        std::size_t i = 0;
        for (; i + 32 <= size; i += 32)
            for (int l = 0; l < 4; ++l)
                lane[l] = fold(lane[l] ^ load(data + i + 8 * std::size_t(l), 8), k[l]);
        for (int l = 0; i < size; i += 8, l = (l + 1) & 3)
            lane[l] = fold(lane[l] ^ load(data + i, std::min<std::size_t>(8, size - i)), k[l]);
        std::uint64_t h = fold(lane[0] ^ std::uint64_t(size), kMulA) ^ fold(lane[1] ^ kMixB, kMulB);
        return fold(h ^ lane[2], kMulB ^ kMixB) + fold(lane[3] ^ h, kMulA ^ kTextTag);
    }

    Value result() const
    {
        const std::uint64_t a = fold(m_a ^ m_words, kMulA ^ kMixB);
        return Value{a, fold(m_b ^ a, kMulB ^ kSeedA)};
    }

private:
    static constexpr std::uint64_t kSeedA = 0x243f6a8885a308d3ull; // digits of pi
    static constexpr std::uint64_t kSeedB = 0x13198a2e03707344ull;
    static constexpr std::uint64_t kMulA = 0xa4093822299f31d1ull;
    static constexpr std::uint64_t kMulB = 0x082efa98ec4e6c89ull;
    static constexpr std::uint64_t kMixB = 0x452821e638d01377ull;
    static constexpr std::uint64_t kTextTag = 0xbe5466cf34e90c6cull;

    static std::uint64_t fold(std::uint64_t x, std::uint64_t k)
    {
        const unsigned __int128 p = static_cast<unsigned __int128>(x) * k;
        return std::uint64_t(p) ^ std::uint64_t(p >> 64);
    }
    static std::uint64_t rotate(std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
    static std::uint64_t load(const char *p, std::size_t n)
    {
        if (n == 8) {
            std::uint64_t w;
            std::memcpy(&w, p, 8);
            return qFromLittleEndian(w);
        }
        std::uint64_t w = 0;
        for (std::size_t i = 0; i < n; ++i)
            w |= std::uint64_t(static_cast<unsigned char>(p[i])) << (8 * i);
        return w;
    }

    std::uint64_t m_a;
    std::uint64_t m_b;
    std::uint64_t m_words = 0;
};

inline void RowHash::row(const Table &table, int r)
{
    std::uint64_t nulls = 0;
    const auto i = std::size_t(r);
    for (int c = 0; c < table.columnCount(); ++c) {
        if ((c & 63) == 0 && c > 0) {
            word(nulls); // every 64 columns, so that no two columns share a bit
            nulls = 0;
        }
        if (table.isNull(c, r)) {
            nulls |= std::uint64_t(1) << (unsigned(c) & 63u);
            word(0);
            continue;
        }
        switch (table.type(c)) {
        case ColumnType::Float64: number(table.doubles(c)[i]); break;
        case ColumnType::Int64: word(std::uint64_t(table.integers(c)[i])); break;
        case ColumnType::Bool: word(table.bools(c)[i]); break;
        case ColumnType::Text: bytes(table.text(c, r)); break;
        }
    }
    word(nulls ^ (std::uint64_t(table.columnCount()) << 56));
}

} // namespace fastmap
