// SPDX-License-Identifier: GPL-3.0-or-later
#include "TextStatsPlugin.h"

#include <QChar>

#include <cstddef>
#include <string_view>

namespace fastmap::plugins {

namespace {

struct TextStats
{
    qint64 words = 0;
    qint64 characters = 0;
    qint64 lines = 0;
};

// Decodes the code point that starts at utf8[i] and moves i past it. The host hands over valid
// UTF-8; should a caller not, a malformed byte counts as one U+FFFD of its own. A surrogate
// encoded on its own (as Qt writes an unpaired one) is one code point, like any other.
char32_t nextCodePoint(std::string_view utf8, std::size_t &i)
{
    const auto lead = static_cast<unsigned char>(utf8[i]);
    if (lead < 0x80) {
        ++i;
        return lead;
    }
    // The sequence's length from its lead byte, and the smallest code point that needs it.
    std::size_t length = 0;
    char32_t smallest = 0;
    if ((lead & 0xe0) == 0xc0) {
        length = 2;
        smallest = 0x80;
    } else if ((lead & 0xf0) == 0xe0) {
        length = 3;
        smallest = 0x800;
    } else if ((lead & 0xf8) == 0xf0) {
        length = 4;
        smallest = 0x10000;
    } else {
        ++i;
        return 0xfffd;
    }
    char32_t c = lead & (0x7f >> length);
    if (utf8.size() - i < length) {
        ++i;
        return 0xfffd;
    }
    for (std::size_t k = 1; k < length; ++k) {
        const auto next = static_cast<unsigned char>(utf8[i + k]);
        if ((next & 0xc0) != 0x80) {
            ++i;
            return 0xfffd;
        }
        c = (c << 6) | (next & 0x3f);
    }
    if (c < smallest || c > 0x10ffff) { // overlong or out of Unicode
        ++i;
        return 0xfffd;
    }
    i += length;
    return c;
}

// One pass over the UTF-8 bytes, without decoding into a QString first.
TextStats measure(std::string_view utf8)
{
    TextStats stats;
    bool inWord = false;
    bool endsWithBreak = false;
    const std::size_t size = utf8.size();
    for (std::size_t i = 0; i < size;) {
        const char32_t c = nextCodePoint(utf8, i);
        ++stats.characters;

        if (QChar::isSpace(c)) {
            inWord = false;
        } else if (!inWord) {
            inWord = true;
            ++stats.words;
        }

        // "\r\n" is one break: count its '\n' and let the '\r' before it pass.
        const bool isBreak = c == U'\n' || (c == U'\r' && !(i < size && utf8[i] == '\n'));
        if (isBreak)
            ++stats.lines;
        endsWithBreak = isBreak;
    }
    if (size > 0 && !endsWithBreak)
        ++stats.lines; // the last line has no break after it
    return stats;
}

class TextStatsFunction final : public fastmap::ElementFunction
{
protected:
    void processElement(const fastmap::InputRow &in, fastmap::OutputRow &out) const override
    {
        const TextStats stats = measure(in.text(0)); // a null text is empty: 0, 0, 0
        out.setInteger(0, stats.words);
        out.setInteger(1, stats.characters);
        out.setInteger(2, stats.lines);
    }
};

} // namespace

std::unique_ptr<fastmap::Function> TextStatsPlugin::create(const QVariantMap &) const
{
    return std::make_unique<TextStatsFunction>();
}

} // namespace fastmap::plugins
