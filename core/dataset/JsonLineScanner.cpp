// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/JsonLineScanner.h"

#include <cctype>
#include <cstring>

namespace fastmap::json {

namespace {

constexpr int kMaxDepth = 512;

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

unsigned hex4(const char *p)
{
    return unsigned(hexValue(p[0]) << 12 | hexValue(p[1]) << 8 | hexValue(p[2]) << 4 | hexValue(p[3]));
}

void appendUtf8(std::string *out, unsigned cp)
{
    if (cp < 0x80) {
        out->push_back(char(cp));
    } else if (cp < 0x800) {
        out->push_back(char(0xC0 | cp >> 6));
        out->push_back(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out->push_back(char(0xE0 | cp >> 12));
        out->push_back(char(0x80 | (cp >> 6 & 0x3F)));
        out->push_back(char(0x80 | (cp & 0x3F)));
    } else {
        out->push_back(char(0xF0 | cp >> 18));
        out->push_back(char(0x80 | (cp >> 12 & 0x3F)));
        out->push_back(char(0x80 | (cp >> 6 & 0x3F)));
        out->push_back(char(0x80 | (cp & 0x3F)));
    }
}

// One line's scan; every method returns false with `error` set at the first fault.
class Scanner
{
public:
    Scanner(std::string_view line, SyntaxError *error) : s(line.data()), n(line.size()), m_error(error) {}

    const char *s;
    std::size_t n;

    std::size_t skipSpace(std::size_t i) const
    {
        while (i < n && isSpace(s[i]))
            ++i;
        return i;
    }

    bool fail(std::size_t offset, const char *message)
    {
        m_error->offset = offset;
        m_error->message = QStringLiteral("invalid JSON: ") + QLatin1String(message);
        return false;
    }

    // `i` at the opening quote; leaves it past the closing one.
    bool string(std::size_t &i, bool *escaped)
    {
        for (std::size_t j = i + 1; j < n; ++j) {
            const char c = s[j];
            if (c == '"') {
                i = j + 1;
                return true;
            }
            if (c != '\\')
                continue;
            *escaped = true;
            if (j + 1 == n)
                break;
            const char e = s[j + 1];
            if (e == 'u') {
                if (j + 6 > n)
                    return fail(n, "unterminated string");
                for (std::size_t k = j + 2; k < j + 6; ++k) {
                    if (hexValue(s[k]) < 0)
                        return fail(j, "invalid escape sequence");
                }
                j += 5;
            } else if (std::strchr("\"\\/bfnrt", e) && e != '\0') {
                ++j;
            } else {
                return fail(j, "invalid escape sequence");
            }
        }
        return fail(n, "unterminated string");
    }

    // `i` at the number's first character.
    bool number(std::size_t &i)
    {
        const std::size_t start = i;
        std::size_t j = i;
        if (s[j] == '-')
            ++j;
        std::size_t digits = 0;
        for (; j < n && isDigit(s[j]); ++j)
            ++digits;
        if (j < n && s[j] == '.') {
            for (++j; j < n && isDigit(s[j]); ++j)
                ++digits;
        }
        if (digits == 0)
            return fail(start, "illegal number");
        if (j < n && (s[j] == 'e' || s[j] == 'E')) {
            ++j;
            if (j < n && (s[j] == '+' || s[j] == '-'))
                ++j;
            if (j == n || !isDigit(s[j]))
                return fail(start, "illegal number");
            while (j < n && isDigit(s[j]))
                ++j;
        }
        // "12abc", "1.2.3": one token that is no number.
        if (j < n &&
            (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '.' || s[j] == '+' || s[j] == '-'))
            return fail(start, "illegal number");
        i = j;
        return true;
    }

    bool literal(std::size_t &i, std::string_view word)
    {
        if (n - i < word.size() || std::memcmp(s + i, word.data(), word.size()) != 0)
            return fail(i, "illegal value");
        i += word.size();
        return true;
    }

    // A value at `i` (spaces skipped); `inArray` names what is unterminated at the line's end.
    bool value(std::size_t &i, int depth, bool inArray, Value *out)
    {
        if (i >= n)
            return fail(n, inArray ? "unterminated array" : "unterminated object");
        const std::size_t start = i;
        Value v;
        switch (s[i]) {
        case '"': {
            v.kind = Kind::String;
            if (!string(i, &v.escaped))
                return false;
            v.begin = std::uint32_t(start + 1);
            v.end = std::uint32_t(i - 1);
            *out = v;
            return true;
        }
        case '{':
        case '[':
            v.kind = Kind::Nested;
            if (!nested(i, depth + 1))
                return false;
            break;
        case 't':
            v.kind = Kind::True;
            if (!literal(i, "true"))
                return false;
            break;
        case 'f':
            v.kind = Kind::False;
            if (!literal(i, "false"))
                return false;
            break;
        case 'n':
            v.kind = Kind::Null;
            if (!literal(i, "null"))
                return false;
            break;
        default:
            if (s[i] != '-' && s[i] != '.' && !isDigit(s[i]))
                return fail(i, "illegal value");
            v.kind = Kind::Number;
            if (!number(i))
                return false;
            break;
        }
        v.begin = std::uint32_t(start);
        v.end = std::uint32_t(i);
        *out = v;
        return true;
    }

    // A key at `i` (spaces skipped), then its ':' and the spaces after it.
    bool key(std::size_t &i, bool afterComma, Member *member)
    {
        if (i >= n)
            return fail(n, "unterminated object");
        if (s[i] != '"') {
            if (afterComma && s[i] == '}')
                return fail(i, "object is missing after a comma");
            return fail(i, "expected a key in double quotes");
        }
        member->keyEscaped = false;
        const std::size_t start = i;
        if (!string(i, &member->keyEscaped))
            return false;
        member->keyBegin = std::uint32_t(start + 1);
        member->keyEnd = std::uint32_t(i - 1);
        i = skipSpace(i);
        if (i >= n)
            return fail(n, "unterminated object");
        if (s[i] != ':')
            return fail(i, "missing name separator");
        i = skipSpace(i + 1);
        return true;
    }

    // The members of an object or array at `i` (its opening bracket), passing `onMember` each
    // member of an object at depth 1. Leaves `i` past the closing bracket.
    template <typename OnMember> bool members(std::size_t &i, int depth, OnMember &&onMember)
    {
        if (depth > kMaxDepth)
            return fail(i, "too deeply nested document");
        const bool array = s[i] == '[';
        const char close = array ? ']' : '}';
        i = skipSpace(i + 1);
        if (i < n && s[i] == close) {
            ++i;
            return true;
        }
        for (bool afterComma = false;; afterComma = true) {
            Member member{};
            if (!array && !key(i, afterComma, &member))
                return false;
            if (!value(i, depth, array, &member.value))
                return false;
            onMember(member);
            i = skipSpace(i);
            if (i >= n)
                return fail(n, array ? "unterminated array" : "unterminated object");
            if (s[i] == close) {
                ++i;
                return true;
            }
            if (s[i] != ',')
                return fail(i, "missing value separator");
            i = skipSpace(i + 1);
        }
    }

    bool nested(std::size_t &i, int depth)
    {
        return members(i, depth, [](const Member &) {});
    }

private:
    SyntaxError *m_error;
};

} // namespace

bool scanObject(std::string_view line, std::vector<Member> *out, SyntaxError *error)
{
    out->clear();
    Scanner scanner(line, error);
    std::size_t i = scanner.skipSpace(0);
    if (i >= line.size() || line[i] != '{') {
        error->offset = i;
        error->message = QStringLiteral("expected a JSON object {...} on each line, found %1")
                             .arg(describeStart(i < line.size() ? line[i] : '\0'));
        return false;
    }
    if (!scanner.members(i, 1, [out](const Member &m) { out->push_back(m); }))
        return false;
    if (scanner.skipSpace(i) < line.size())
        return scanner.fail(i, "garbage at the end of the document");
    return true;
}

void unescape(std::string_view raw, std::string *out)
{
    const char *p = raw.data();
    const char *end = p + raw.size();
    while (p < end) {
        const void *slash = std::memchr(p, '\\', std::size_t(end - p));
        const char *stop = slash ? static_cast<const char *>(slash) : end;
        out->append(p, std::size_t(stop - p));
        if (!slash)
            return;
        p = stop + 1; // the scan guarantees a complete escape here
        const char e = *p++;
        switch (e) {
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
            unsigned cp = hex4(p);
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
                const unsigned low = hex4(p + 2);
                if (low >= 0xDC00 && low <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    p += 6;
                }
            }
            if (cp >= 0xD800 && cp <= 0xDFFF)
                cp = 0xFFFD;
            appendUtf8(out, cp);
            break;
        }
        default: out->push_back(e); break; // \" \\ \/
        }
    }
}

QString describeStart(char c)
{
    switch (c) {
    case '[': return QStringLiteral("an array");
    case '"': return QStringLiteral("a string");
    case 't':
    case 'f': return QStringLiteral("a boolean");
    case 'n': return QStringLiteral("null");
    default: break;
    }
    if (c == '-' || (c >= '0' && c <= '9'))
        return QStringLiteral("a number");
    return QStringLiteral("something else");
}

} // namespace fastmap::json
