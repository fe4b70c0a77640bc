// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The work done by the demo.work function, header-only so that benchmarks can run exactly the
// same computation in other implementations. Everything here is pure and thread-safe.
//
//   seed  = FNV-1a 64 of the value's UTF-8 text
//           (integers: their decimal text, e.g. "-42"; strings: QString::toUtf8(), where an
//           unpaired surrogate becomes '?'; anything else: QVariant::toString(), so the double
//           2.5 is "2.5" and 2.0 is "2")
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
#include <QVariant>

#include <cstddef>

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

// Seed of any input value. Integers and strings take allocation-free paths.
inline quint64 demoWorkSeed(const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::LongLong: return demoWorkSeedInteger(value.toLongLong());
    case QMetaType::Int: return demoWorkSeedInteger(value.toInt());
    case QMetaType::UInt: return demoWorkSeedUnsigned(value.toUInt());
    case QMetaType::ULongLong: return demoWorkSeedUnsigned(value.toULongLong());
    case QMetaType::QString:
        // Read the stored string in place: no copy, and no reference-count traffic between threads.
        return demoWorkSeedText(*static_cast<const QString *>(value.constData()));
    default: return demoWorkSeedText(value.toString());
    }
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

// The hash as 16 lowercase hexadecimal digits; the returned string is the only allocation.
inline QString demoWorkHex(quint64 hash)
{
    static constexpr char digits[] = "0123456789abcdef";
    QString text(16, Qt::Uninitialized);
    QChar *out = text.data();
    for (int i = 15; i >= 0; --i) {
        out[i] = QLatin1Char(digits[hash & 0xf]);
        hash >>= 4;
    }
    return text;
}

// The whole per-element computation of demo.work.
inline QString demoWork(const QVariant &value, qint64 iterations)
{
    return demoWorkHex(demoWorkHash(demoWorkSeed(value), iterations));
}

} // namespace fastmap::demo
