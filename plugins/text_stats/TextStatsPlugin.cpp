// SPDX-License-Identifier: GPL-3.0-or-later
#include "TextStatsPlugin.h"

namespace fastmap::plugins {

namespace {

struct TextStats
{
    qint64 words = 0;
    qint64 characters = 0;
    qint64 lines = 0;
};

TextStats measure(QStringView text)
{
    TextStats stats;
    bool inWord = false;
    bool endsWithBreak = false;
    const qsizetype size = text.size();
    for (qsizetype i = 0; i < size; ++i) {
        // Decode one code point; an unpaired surrogate counts as one code point of its own.
        char32_t c = text[i].unicode();
        if (QChar::isHighSurrogate(c) && i + 1 < size && text[i + 1].isLowSurrogate()) {
            c = QChar::surrogateToUcs4(char16_t(c), text[i + 1].unicode());
            ++i;
        }
        ++stats.characters;

        if (QChar::isSpace(c)) {
            inWord = false;
        } else if (!inWord) {
            inWord = true;
            ++stats.words;
        }

        // "\r\n" is one break: count its '\n' and let the '\r' before it pass.
        const bool isBreak = c == u'\n' || (c == u'\r' && !(i + 1 < size && text[i + 1] == u'\n'));
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
    void processElement(const QVariant *in, QVariant *out) const override
    {
        TextStats stats;
        if (in[0].typeId() == QMetaType::QString) // read in place, without touching the reference count
            stats = measure(*static_cast<const QString *>(in[0].constData()));
        else
            stats = measure(in[0].toString());
        out[0] = stats.words;
        out[1] = stats.characters;
        out[2] = stats.lines;
    }
};

} // namespace

std::unique_ptr<fastmap::Function> TextStatsPlugin::create(const QVariantMap &) const
{
    return std::make_unique<TextStatsFunction>();
}

} // namespace fastmap::plugins
