// SPDX-License-Identifier: GPL-3.0-or-later
#include "output/ValueText.h"

#include <QJsonDocument>
#include <QLocale>

#include <charconv>
#include <cmath>

namespace fastmap {

namespace {

// Shortest round-trip form for the value's own type: a float 0.1f is "0.1", not "0.10000000149011612".
template <typename Floating> void appendFloating(QByteArray &out, Floating d)
{
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, d);
    out.append(buffer, result.ptr - buffer);
}

void appendInteger(QByteArray &out, qint64 i)
{
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, i);
    out.append(buffer, result.ptr - buffer);
}

} // namespace

void ValueText::appendPlain(QByteArray &out, const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::UnknownType:
    case QMetaType::Nullptr: return;
    case QMetaType::Double: appendFloating(out, value.toDouble()); return;
    case QMetaType::Float: appendFloating(out, value.toFloat()); return;
    case QMetaType::Int:
    case QMetaType::LongLong: appendInteger(out, value.toLongLong()); return;
    case QMetaType::UInt:
    case QMetaType::ULongLong: out.append(QByteArray::number(value.toULongLong())); return;
    case QMetaType::Bool: out.append(value.toBool() ? "true" : "false"); return;
    default: out.append(value.toString().toUtf8()); return;
    }
}

void ValueText::appendCsvText(QByteArray &out, const QByteArray &utf8)
{
    bool quote = utf8.isEmpty() ? false : (utf8.front() == ' ' || utf8.back() == ' ');
    for (char c : utf8) {
        if (c == ',' || c == '"' || c == '\n' || c == '\r' || c == ';' || c == '\t') {
            quote = true;
            break;
        }
    }
    if (!quote) {
        out.append(utf8);
        return;
    }
    out.append('"');
    for (char c : utf8) {
        if (c == '"')
            out.append('"');
        out.append(c);
    }
    out.append('"');
}

void ValueText::appendCsv(QByteArray &out, const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::QString:
    case QMetaType::QByteArray: appendCsvText(out, value.toString().toUtf8()); return;
    default: appendPlain(out, value); return;
    }
}

void ValueText::appendJsonString(QByteArray &out, const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    out.append('"');
    for (char ch : utf8) {
        const unsigned char c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        default:
            if (c < 0x20) {
                char buffer[8];
                std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
                out.append(buffer);
            } else {
                out.append(ch);
            }
        }
    }
    out.append('"');
}

void ValueText::appendJson(QByteArray &out, const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::UnknownType:
    case QMetaType::Nullptr: out.append("null"); return;
    case QMetaType::Double:
    case QMetaType::Float: {
        if (!std::isfinite(value.toDouble()))
            out.append("null"); // JSON has no NaN or infinity
        else
            appendPlain(out, value);
        return;
    }
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::ULongLong:
    case QMetaType::Bool: appendPlain(out, value); return;
    case QMetaType::QVariantMap:
    case QMetaType::QVariantList: out.append(QJsonDocument::fromVariant(value).toJson(QJsonDocument::Compact)); return;
    default: appendJsonString(out, value.toString()); return;
    }
}

} // namespace fastmap
