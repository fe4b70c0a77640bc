// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The work done by the demo.work function, header-only so that benchmarks can run exactly the
// same computation in other implementations. Everything here is pure and thread-safe.
//
//   seed  = FNV-1a 64 of the value's text as UTF-8 bytes (the input is declared "any", so the
//           host hands it over as text: a file's field as written, a range element as its
//           decimal digits, e.g. "-42"; demoWorkSeedInteger() gives the same seed from the number)
//   state = seed, then `iterations` times:
//             state += 0x9e3779b97f4a7c15
//             z = state
//             z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
//             z = (z ^ (z >> 27)) * 0x94d049bb133111eb
//             state = z ^ (z >> 31)
//   hash  = state as 16 lowercase hexadecimal digits
//
// All arithmetic is on unsigned 64-bit integers, wrapping modulo 2^64. Each round depends on
// the previous one, so the cost is linear in `iterations` and cannot be vectorised away.

#include <QChar>
#include <QString>
#include <QStringView>

#include <QtEndian>

#include <cstddef>
#include <cstring>
#include <string_view>

namespace fastmap::demo {

inline constexpr quint64 kFnvOffsetBasis = 0xcbf29ce484222325ULL;
inline constexpr quint64 kFnvPrime = 0x00000100000001b3ULL;

// One FNV-1a step: xor the byte in, then multiply by the prime.
inline constexpr quint64 fnv1aStep(quint64 hash, unsigned char byte)
{
    return (hash ^ byte) * kFnvPrime;
}

inline quint64 fnv1a64(const char *data, std::size_t size, quint64 hash = kFnvOffsetBasis)
{
    for (std::size_t i = 0; i < size; ++i)
        hash = fnv1aStep(hash, static_cast<unsigned char>(data[i]));
    return hash;
}

// Seed of an unsigned integer: FNV-1a of its decimal digits, formatted without allocating.
inline quint64 demoWorkSeedUnsigned(quint64 value)
{
    char buffer[20]; // 18446744073709551615 has 20 digits
    char *const end = buffer + sizeof buffer;
    char *p = end;
    do {
        *--p = char('0' + value % 10);
        value /= 10;
    } while (value != 0);
    return fnv1a64(p, std::size_t(end - p));
}

// Seed of a signed integer: FNV-1a of its decimal text, with a leading '-' when negative.
inline quint64 demoWorkSeedInteger(qint64 value)
{
    char buffer[20]; // -9223372036854775808 has 20 characters
    char *const end = buffer + sizeof buffer;
    char *p = end;
    // Negate in unsigned arithmetic so that the minimum value does not overflow.
    quint64 magnitude = value < 0 ? quint64(0) - quint64(value) : quint64(value);
    do {
        *--p = char('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude != 0);
    if (value < 0)
        *--p = '-';
    return fnv1a64(p, std::size_t(end - p));
}

// Seed of a text: FNV-1a of its UTF-8 encoding, encoded on the fly without allocating.
// Produces the same bytes as QString::toUtf8(), including '?' for an unpaired surrogate.
inline quint64 demoWorkSeedText(QStringView text)
{
    quint64 hash = kFnvOffsetBasis;
    const qsizetype size = text.size();
    for (qsizetype i = 0; i < size; ++i) {
        const char16_t c = text[i].unicode();
        if (c < 0x80) {
            hash = fnv1aStep(hash, static_cast<unsigned char>(c));
        } else if (c < 0x800) {
            hash = fnv1aStep(hash, static_cast<unsigned char>(0xc0 | (c >> 6)));
            hash = fnv1aStep(hash, static_cast<unsigned char>(0x80 | (c & 0x3f)));
        } else if (QChar::isSurrogate(c)) {
            if (QChar::isHighSurrogate(c) && i + 1 < size && text[i + 1].isLowSurrogate()) {
                const char32_t u = QChar::surrogateToUcs4(c, text[i + 1].unicode());
                ++i;
                hash = fnv1aStep(hash, static_cast<unsigned char>(0xf0 | (u >> 18)));
                hash = fnv1aStep(hash, static_cast<unsigned char>(0x80 | ((u >> 12) & 0x3f)));
                hash = fnv1aStep(hash, static_cast<unsigned char>(0x80 | ((u >> 6) & 0x3f)));
                hash = fnv1aStep(hash, static_cast<unsigned char>(0x80 | (u & 0x3f)));
            } else {
                hash = fnv1aStep(hash, static_cast<unsigned char>('?'));
            }
        } else {
            hash = fnv1aStep(hash, static_cast<unsigned char>(0xe0 | (c >> 12)));
            hash = fnv1aStep(hash, static_cast<unsigned char>(0x80 | ((c >> 6) & 0x3f)));
            hash = fnv1aStep(hash, static_cast<unsigned char>(0x80 | (c & 0x3f)));
        }
    }
    return hash;
}

// Seed of a text given as UTF-8 bytes, as the host passes an "any" input: the plugin's hot path.
inline quint64 demoWorkSeedBytes(std::string_view utf8)
{
    return fnv1a64(utf8.data(), utf8.size());
}

// `iterations` rounds of the splitmix64 finaliser, each fed with the previous round's output.
// Zero or negative iterations return the seed unchanged.
inline quint64 demoWorkHash(quint64 seed, qint64 iterations)
{
    quint64 state = seed;
    for (qint64 i = 0; i < iterations; ++i) {
        state += 0x9e3779b97f4a7c15ULL;
        quint64 z = state;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        state = z ^ (z >> 31);
    }
#if defined(__GNUC__) || defined(__clang__)
    // Tell the compiler the result is observed, so the loop runs even if a caller (a benchmark)
    // discards it. Costs nothing at run time.
    asm volatile("" : "+r"(state));
#endif
    return state;
}

// Writes the hash as exactly 16 lowercase hexadecimal digits to out[0..15], without allocating.
// Eight bytes, each holding one nibble of `v`, the most significant first in memory.
inline quint64 demoWorkNibbleBytes(quint32 v)
{
    quint64 x = v;
    x = (x | (x << 16)) & 0x0000ffff0000ffffULL;
    x = (x | (x << 8)) & 0x00ff00ff00ff00ffULL;
    x = (x | (x << 4)) & 0x0f0f0f0f0f0f0f0fULL;
    // The most significant nibble is now the highest byte; memory order wants it first.
    return qFromBigEndian(x);
}

// Each nibble byte as its lowercase hexadecimal digit, eight at a time.
inline quint64 demoWorkHexDigits(quint64 nibbles)
{
    const quint64 letters = ((nibbles + 0x0606060606060606ULL) >> 4) & 0x0101010101010101ULL; // 1 where >= 10
    return nibbles + 0x3030303030303030ULL + letters * ('a' - '0' - 10);
}

// Writes the hash as exactly 16 lowercase hexadecimal digits, without a loop over the digits
// (this is on the hot path of the 0.1 us benchmark).
inline void demoWorkHexTo(quint64 hash, char *out)
{
    const quint64 high = demoWorkHexDigits(demoWorkNibbleBytes(quint32(hash >> 32)));
    const quint64 low = demoWorkHexDigits(demoWorkNibbleBytes(quint32(hash)));
    std::memcpy(out, &high, 8);
    std::memcpy(out + 8, &low, 8);
}

// The hash as 16 lowercase hexadecimal digits, as a QString (for tests and other callers off the hot path).
inline QString demoWorkHex(quint64 hash)
{
    char text[16];
    demoWorkHexTo(hash, text);
    return QString::fromLatin1(text, 16);
}

// The whole per-element computation of demo.work, from the value's UTF-8 text.
inline QString demoWork(std::string_view utf8, qint64 iterations)
{
    return demoWorkHex(demoWorkHash(demoWorkSeedBytes(utf8), iterations));
}

} // namespace fastmap::demo
