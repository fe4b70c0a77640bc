// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/JsonLinesReader.h"

#include "dataset/Utf8.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QSet>

namespace fastmap {

namespace {

bool isJsonSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

qsizetype skipSpace(QByteArrayView text, qsizetype i)
{
    while (i < text.size() && isJsonSpace(text[i]))
        ++i;
    return i;
}

// Index just past the string whose opening quote is at `i`.
qsizetype skipString(QByteArrayView text, qsizetype i)
{
    for (++i; i < text.size(); ++i) {
        if (text[i] == '\\')
            ++i;
        else if (text[i] == '"')
            return i + 1;
    }
    return text.size();
}

QVariant toVariant(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool: return value.toBool();
    case QJsonValue::String: return value.toString();
    case QJsonValue::Double: {
        // toInteger() is exact even past 2^53, where the double has lost digits, and gives the
        // default for fractions and for numbers beyond qint64.
        const double d = value.toDouble();
        const qint64 i = value.toInteger(0);
        if (i != 0 || d == 0)
            return i;
        return d;
    }
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Null:
    case QJsonValue::Undefined: break;
    }
    return QVariant();
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

} // namespace

JsonLinesReader::JsonLinesReader(const QString &path, const DatasetOptions &options)
    : m_path(path), m_options(options)
{}

bool JsonLinesReader::open()
{
    if (!m_file.open(m_path, m_options.chunkBytes, &m_error))
        return false;
    // A file of blank lines has no columns and no rows, which is not an error.
    switch (nextObject(&m_first)) {
    case Next::Error: return false;
    case Next::End: return true;
    case Next::Object: break;
    }
    m_haveFirst = true;
    return true;
}

int JsonLinesReader::read(Table &out, int maxRows)
{
    if (m_error.isSet())
        return -1;
    if (out.columnCount() != m_columns.size()) {
        m_error = {m_path, 0, 0,
                   QStringLiteral("internal error: reading %1 columns into a table of %2")
                       .arg(m_columns.size())
                       .arg(out.columnCount())};
        return -1;
    }
    int rows = 0;
    QJsonObject object;
    while (rows < maxRows) {
        if (m_haveFirst) {
            object = std::move(m_first);
            m_haveFirst = false;
        } else if (nextObject(&object) != Next::Object) {
            break;
        }
        QVariant *row = out.appendRow();
        for (const QString &column : std::as_const(m_columns))
            *row++ = toVariant(object.value(column));
        ++rows;
    }
    // Rows before an error are delivered first; the error shows on the next call.
    return rows == 0 && m_error.isSet() ? -1 : rows;
}

JsonLinesReader::Next JsonLinesReader::nextObject(QJsonObject *object)
{
    for (;;) {
        QByteArrayView line;
        qint64 lineNumber = 0;
        switch (m_file.nextLine(m_options.maxRecordBytes, &line, &lineNumber, &m_error)) {
        case FileBuffer::Fill::Error: return Next::Error;
        case FileBuffer::Fill::End: return Next::End;
        case FileBuffer::Fill::Data: break;
        }
        const qsizetype start = skipSpace(line, 0);
        if (start == line.size())
            continue;
        const auto column = [&](qsizetype byteOffset) {
            return countCodePoints(line.data(), std::min(byteOffset, line.size())) + 1;
        };
        if (const qsizetype bad = findInvalidUtf8(line.data(), line.size()); bad >= 0) {
            m_error = {
                m_path, lineNumber, column(bad),
                QStringLiteral("invalid UTF-8 (byte offset %1 of the line); JSON must be UTF-8").arg(bad)};
            return Next::Error;
        }
        if (line[start] != '{') {
            m_error = {m_path, lineNumber, column(start),
                       QStringLiteral("expected a JSON object {...} on each line, found %1")
                           .arg(describeStart(line[start]))};
            return Next::Error;
        }
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(line.toByteArray(), &parseError);
        if (parseError.error != QJsonParseError::NoError) {
            // Qt's offset is where the parser stopped, just past the offending character, so the
            // characters before it end at that character's 1-based column.
            m_error = {m_path, lineNumber, std::max<qsizetype>(column(parseError.offset) - 1, 1),
                       QStringLiteral("invalid JSON: ") + parseError.errorString()};
            return Next::Error;
        }
        *object = document.object();
        if (!m_columnsKnown) {
            m_columnsKnown = true;
            m_columns = keysInOrder(line);
            // Should the scan ever disagree with Qt, the sorted keys are still right, just less friendly.
            const QStringList keys = object->keys();
            if (QSet<QString>(m_columns.begin(), m_columns.end()) !=
                    QSet<QString>(keys.begin(), keys.end()) ||
                m_columns.size() != keys.size())
                m_columns = keys;
        }
        return Next::Object;
    }
}

QStringList JsonLinesReader::keysInOrder(QByteArrayView json)
{
    QStringList keys;
    qsizetype i = skipSpace(json, 0);
    if (i >= json.size() || json[i] != '{')
        return keys;
    ++i;
    for (;;) {
        i = skipSpace(json, i);
        if (i >= json.size() || json[i] != '"')
            return keys; // '}' or not JSON
        const qsizetype end = skipString(json, i);
        const QByteArrayView token = json.sliced(i, end - i);
        QString key;
        if (token.contains('\\')) {
            // Let Qt undo the escapes: wrapped in an array the key is a complete document.
            key = QJsonDocument::fromJson("[" + token.toByteArray() + "]").array().at(0).toString();
        } else {
            key = QString::fromUtf8(token.sliced(1, std::max<qsizetype>(token.size() - 2, 0)));
        }
        if (!keys.contains(key))
            keys.append(key);
        i = skipSpace(json, end);
        if (i >= json.size() || json[i] != ':')
            return keys;
        // Skip the value: strings whole, nested brackets by depth.
        int depth = 0;
        for (++i; i < json.size(); ++i) {
            const char c = json[i];
            if (c == '"') {
                i = skipString(json, i) - 1;
            } else if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                if (depth == 0)
                    return keys;
                --depth;
            } else if (c == ',' && depth == 0) {
                break;
            }
        }
        if (i >= json.size())
            return keys;
        ++i; // past the comma
    }
}

} // namespace fastmap
