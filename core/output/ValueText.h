// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QVariant>

namespace fastmap {

// How result values become text: shortest round-trip doubles, plain integers, UTF-8 strings.
class ValueText
{
public:
    static void appendPlain(QByteArray &out, const QVariant &value);
    static void appendCsv(QByteArray &out, const QVariant &value);
    static void appendCsvText(QByteArray &out, const QByteArray &utf8);
    static void appendJson(QByteArray &out, const QVariant &value);
    static void appendJsonString(QByteArray &out, const QString &text);
};

} // namespace fastmap
