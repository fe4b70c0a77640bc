// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "output/ByteWriter.h"

#include <fastmap/Table.h>

#include <QByteArray>
#include <QVariant>

#include <cstdint>
#include <string_view>

namespace fastmap {

// How result values become text. Doubles are the shortest text that reads back to the same
// bits (std::to_chars: "0.1", "3", "1e+300", "-0"), integers plain, booleans true/false, text
// as UTF-8. Nothing here depends on the C or the Qt locale.
class ValueText
{
public:
    // Typed values, for the writers' hot path. Every NaN is "nan"; infinities "inf" and "-inf".
    static void appendDouble(ByteWriter &out, double value);
    static void appendInteger(ByteWriter &out, std::int64_t value);
    static void appendBool(ByteWriter &out, bool value)
    {
        if (value)
            out.putLiteral("true");
        else
            out.putLiteral("false");
    }
    // RFC 4180, quoted only when the text needs it (a delimiter, a quote, a line break, a
    // leading or trailing space), so a reader that guesses ';' or tab still splits it right.
    static void appendCsvText(ByteWriter &out, std::string_view utf8);
    // A quoted JSON string; control characters are escaped, other UTF-8 passes through.
    static void appendJsonString(ByteWriter &out, std::string_view utf8);
    // One cell of a table. A null is an empty CSV field and a JSON null; JSON has no NaN or
    // infinity, so those are null too.
    static void appendCsvCell(ByteWriter &out, const Table &table, int column, int row);
    static void appendJsonCell(ByteWriter &out, const Table &table, int column, int row);

    // The same, appending to a QByteArray.
    static void appendDouble(QByteArray &out, double value);
    static void appendInteger(QByteArray &out, std::int64_t value);
    static void appendBool(QByteArray &out, bool value) { out.append(value ? "true" : "false"); }
    static void appendCsvText(QByteArray &out, std::string_view utf8);
    static void appendCsvText(QByteArray &out, const QByteArray &utf8)
    {
        appendCsvText(out, std::string_view(utf8.constData(), std::size_t(utf8.size())));
    }
    static void appendJsonString(QByteArray &out, std::string_view utf8);
    static void appendJsonString(QByteArray &out, const QString &text)
    {
        const QByteArray utf8 = text.toUtf8();
        appendJsonString(out, std::string_view(utf8.constData(), std::size_t(utf8.size())));
    }
    static void appendCsvCell(QByteArray &out, const Table &table, int column, int row);
    static void appendJsonCell(QByteArray &out, const Table &table, int column, int row);

    // A QVariant as the writers spell its type, for code off the hot path (previews, exports).
    // Plain text never quotes.
    static void appendPlain(QByteArray &out, const QVariant &value);
    static void appendCsv(QByteArray &out, const QVariant &value);
    static void appendJson(QByteArray &out, const QVariant &value);
};

} // namespace fastmap
