// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string_view>

namespace fastmap::number {

// Text to typed values without a locale (std::from_chars underneath), so "1.5" means the same
// under every LC_ALL and a value never goes through a QString. Surrounding ASCII white space
// (space, TAB, CR, LF, VT, FF) is ignored.
enum class Parse : std::uint8_t { Ok, Invalid, OutOfRange };

std::string_view trimmed(std::string_view text);

// A decimal number: an optional sign ('+' or '-'), digits with an optional '.', an optional
// exponent ("1e5", "-2.5E-3", "+1", ".5", "5."); "nan", "inf" and "infinity" in any case and
// with an optional sign give NaN and infinities. Exact: the nearest double, as std::to_chars'
// shortest output reads back bit for bit. A magnitude past the largest double is OutOfRange;
// one below the smallest denormal reads as (signed) zero, as strtod gives it.
Parse toDouble(std::string_view text, double *value);

// A 64-bit integer: an optional sign and decimal digits ("42", "+7", "-0012"), or a decimal or
// exponent form whose value is a whole number ("3.0", "1e3", "2.50e1"), converted exactly
// (no rounding through a double, so "9007199254740993.0" stays odd). A whole number outside
// [-2^63, 2^63) is OutOfRange; fractions, NaN, infinities and hexadecimal are Invalid.
Parse toInt64(std::string_view text, std::int64_t *value);

// "true", "false" (in any case), "1" or "0".
bool toBool(std::string_view text, bool *value);

} // namespace fastmap::number
