// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fastmap::json {

// A small scanner for the one thing a JSON Lines record is: one object per line whose values
// are mostly flat. It checks the whole line's syntax but builds nothing: values are byte ranges
// of the line, converted later only for the columns a function reads.
enum class Kind : std::uint8_t { Missing, Null, True, False, Number, String, Nested };

struct Value
{
    Kind kind = Kind::Missing;
    bool escaped = false; // a String holding backslash escapes
    // Offsets into the line: a String's content without its quotes, a Number's literal,
    // true/false/null, or a Nested object's or array's whole JSON text.
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
};

struct Member
{
    std::uint32_t keyBegin; // the key's content, without quotes
    std::uint32_t keyEnd;
    bool keyEscaped;
    Value value;
};

struct SyntaxError
{
    std::size_t offset = 0; // byte offset in the line; the line's size when it ends too early
    QString message;
};

// Scans `line`, which must hold exactly one JSON object (white space around it aside), into its
// members in the order written. Strings may hold any escape, \uXXXX with surrogate pairs
// included; numbers follow JSON's syntax, leniently (leading zeros, "1." and ".5" pass).
bool scanObject(std::string_view line, std::vector<Member> *members, SyntaxError *error);

// Appends the UTF-8 text of a scanned string's content (`raw`, between its quotes). A lone
// surrogate escape, which UTF-8 cannot hold, becomes U+FFFD.
void unescape(std::string_view raw, std::string *out);

// "an array", "a string", ...: what a line that is no object starts with.
QString describeStart(char c);

} // namespace fastmap::json
