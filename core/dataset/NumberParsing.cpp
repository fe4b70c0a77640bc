// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/NumberParsing.h"

#include <charconv>
#include <limits>

namespace fastmap::number {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// Skips one leading '+' (from_chars takes only '-'); "+-1" and a lone "+" stay invalid.
bool skipPlus(const char *&p, const char *end)
{
    if (p == end || *p != '+')
        return true;
    ++p;
    return p != end && *p != '-' && *p != '+';
}

// Reads an exponent's digits, saturating far beyond any that matters.
long long readExponent(const char *&p, const char *end, bool *ok)
{
    bool negative = false;
    if (p != end && (*p == '+' || *p == '-'))
        negative = *p++ == '-';
    *ok = p != end && isDigit(*p);
    long long exponent = 0;
    for (; p != end && isDigit(*p); ++p) {
        if (exponent < 1000000)
            exponent = exponent * 10 + (*p - '0');
    }
    return negative ? -exponent : exponent;
}

// from_chars reports both overflow and underflow as out of range; tell them apart by the
// decimal magnitude of the (syntactically valid) text, sign already skipped.
bool isUnderflow(const char *p, const char *end)
{
    long long integerDigits = 0; // significant digits before the point
    long long zerosAfterPoint = 0;
    bool nonzero = false;
    for (; p != end && isDigit(*p); ++p) {
        if (*p != '0' || nonzero) {
            nonzero = true;
            ++integerDigits;
        }
    }
    if (p != end && *p == '.') {
        for (++p; p != end && isDigit(*p); ++p) {
            if (!nonzero && *p == '0')
                ++zerosAfterPoint;
            else
                nonzero = true;
        }
    }
    bool ok = true;
    long long exponent = 0;
    if (p != end && (*p == 'e' || *p == 'E'))
        exponent = readExponent(++p, end, &ok);
    if (!nonzero)
        return true;
    const long long magnitude =
        integerDigits > 0 ? integerDigits - 1 + exponent : exponent - zerosAfterPoint - 1;
    return magnitude < 0;
}

// The digits of a decimal mantissa, read past its '.', as one virtual string.
struct Mantissa
{
    const char *begin;
    const char *dot; // nullptr without one
    const char *end;
    long long digits;
    char at(long long k) const
    {
        const char *p = begin + k;
        return dot && p >= dot ? p[1] : *p;
    }
};

// "3.0", "1e3", "-2.50e1": exact, with integer arithmetic only. `p` is past the sign.
Parse decimalToInt64(const char *p, const char *end, bool negative, std::int64_t *value)
{
    Mantissa m{p, nullptr, p, 0};
    for (; p != end && (isDigit(*p) || (*p == '.' && !m.dot)); ++p) {
        if (*p == '.')
            m.dot = p;
        else
            ++m.digits;
    }
    m.end = p;
    if (m.digits == 0)
        return Parse::Invalid;
    long long exponent = 0;
    if (p != end && (*p == 'e' || *p == 'E')) {
        bool ok = false;
        exponent = readExponent(++p, end, &ok);
        if (!ok)
            return Parse::Invalid;
    }
    if (p != end)
        return Parse::Invalid;

    long long first = 0;
    while (first < m.digits && m.at(first) == '0')
        ++first;
    if (first == m.digits) {
        *value = 0;
        return Parse::Ok;
    }
    const long long fractionDigits = m.dot ? (m.end - m.dot - 1) : 0;
    const long long shift = exponent - fractionDigits; // value = digits * 10^shift
    long long keep = m.digits;
    if (shift < 0) {
        if (-shift > m.digits - first)
            return Parse::Invalid; // a nonzero digit lies after the point
        keep = m.digits + shift;
        for (long long k = keep; k < m.digits; ++k) {
            if (m.at(k) != '0')
                return Parse::Invalid;
        }
    }
    const long long zeros = shift > 0 ? shift : 0;
    if (keep - first + zeros > 19)
        return Parse::OutOfRange;
    std::uint64_t magnitude = 0; // at most 19 digits: below 10^19 < 2^64
    for (long long k = first; k < keep; ++k)
        magnitude = magnitude * 10 + std::uint64_t(m.at(k) - '0');
    for (long long k = 0; k < zeros; ++k)
        magnitude *= 10;
    const std::uint64_t limit = std::uint64_t(std::numeric_limits<std::int64_t>::max()) + (negative ? 1 : 0);
    if (magnitude > limit)
        return Parse::OutOfRange;
    *value = negative ? std::int64_t(0 - magnitude) : std::int64_t(magnitude);
    return Parse::Ok;
}

} // namespace

std::string_view trimmed(std::string_view text)
{
    std::size_t begin = 0;
    std::size_t end = text.size();
    while (begin < end && isSpace(text[begin]))
        ++begin;
    while (end > begin && isSpace(text[end - 1]))
        --end;
    return text.substr(begin, end - begin);
}

Parse toDouble(std::string_view text, double *value)
{
    const std::string_view t = trimmed(text);
    const char *p = t.data();
    const char *end = p + t.size();
    if (!skipPlus(p, end) || p == end)
        return Parse::Invalid;
    double d = 0;
    const auto [ptr, ec] = std::from_chars(p, end, d, std::chars_format::general);
    if (ptr != end)
        return Parse::Invalid;
    if (ec == std::errc::result_out_of_range) {
        const bool negative = *p == '-';
        if (!isUnderflow(p + (negative ? 1 : 0), end))
            return Parse::OutOfRange;
        d = negative ? -0.0 : 0.0;
    } else if (ec != std::errc()) {
        return Parse::Invalid;
    }
    *value = d;
    return Parse::Ok;
}

Parse toInt64(std::string_view text, std::int64_t *value)
{
    const std::string_view t = trimmed(text);
    const char *p = t.data();
    const char *end = p + t.size();
    if (!skipPlus(p, end) || p == end)
        return Parse::Invalid;
    std::int64_t i = 0;
    const auto [ptr, ec] = std::from_chars(p, end, i);
    if (ptr == end) {
        if (ec == std::errc::result_out_of_range)
            return Parse::OutOfRange;
        if (ec == std::errc()) {
            *value = i;
            return Parse::Ok;
        }
    }
    const bool negative = *p == '-';
    return decimalToInt64(p + (negative ? 1 : 0), end, negative, value);
}

bool toBool(std::string_view text, bool *value)
{
    const std::string_view t = trimmed(text);
    const auto is = [&](std::string_view word) {
        if (t.size() != word.size())
            return false;
        for (std::size_t i = 0; i < t.size(); ++i) {
            if ((t[i] | 0x20) != word[i]) // ASCII lower case; digits are unaffected
                return false;
        }
        return true;
    };
    if (t == "1" || is("true")) {
        *value = true;
        return true;
    }
    if (t == "0" || is("false")) {
        *value = false;
        return true;
    }
    return false;
}

} // namespace fastmap::number
