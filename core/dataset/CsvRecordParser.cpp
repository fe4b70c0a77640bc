// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/CsvRecordParser.h"

#include "dataset/Utf8.h"
#include "dataset/ValueConversion.h"

#include <algorithm>
#include <cstring>

namespace fastmap {

namespace {

QString printable(char c)
{
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7F)
        return QStringLiteral("'%1'").arg(QLatin1Char(c));
    return QStringLiteral("byte 0x%1").arg(byte, 2, 16, QLatin1Char('0'));
}

qint64 newlinesBefore(const char *record, qsizetype offset)
{
    return std::count(record, record + offset, '\n');
}

} // namespace

CsvRecordParser::CsvRecordParser(QString path, char delimiter, QStringList columns)
    : m_path(std::move(path)), m_delimiter(delimiter), m_columns(std::move(columns))
{}

int CsvRecordParser::parse(const RecordBlock &block, const std::vector<FieldTarget> &targets, Table *out,
                           BatchOutput *failures, InputError *error) const
{
    prepareOutput(out, targets, block.count, block.bytes);
    InputError ignored;
    if (!error)
        error = &ignored;
    const char *bytes = block.bytes.constData();
    ExtraText extra(block.bytes.size());
    std::string unquoted;
    std::vector<Field> fields;
    fields.reserve(std::size_t(m_columns.size()));
    const int badUtf8 = firstInvalidUtf8Record(block);

    int row = 0;
    for (; row < block.count; ++row) {
        const std::uint32_t begin = block.begin(row);
        const char *record = bytes + begin;
        if (!split(record, qsizetype(block.end(row) - begin), block.line(row), row == badUtf8, &fields,
                   error))
            break;
        for (std::size_t t = 0; t < targets.size(); ++t) {
            const FieldTarget &target = targets[t];
            const int column = int(t);
            if (target.column < 0 || std::size_t(target.column) >= fields.size()) {
                conversion::storeNull(*out, column, row, target, failures);
                continue;
            }
            const Field &f = fields[std::size_t(target.column)];
            if (f.end == f.begin) {
                conversion::storeNull(*out, column, row, target, failures);
                continue;
            }
            if (target.type == ColumnType::Text) {
                TextRef &ref = out->textRefs(column)[std::size_t(row)];
                if (!f.doubledQuotes) {
                    ref = TextRef{begin + f.begin, f.end - f.begin};
                } else {
                    const std::uint32_t start = extra.offset();
                    appendUnquoted(extra.bytes(), record + f.begin, record + f.end);
                    ref = extra.since(start);
                }
                continue;
            }
            std::string_view value(record + f.begin, f.end - f.begin);
            if (f.doubledQuotes) {
                unquoted.clear();
                appendUnquoted(unquoted, record + f.begin, record + f.end);
                value = unquoted;
            }
            conversion::storeValue(*out, column, row, target, value, failures);
        }
    }
    extra.appendTo(*out);
    return row;
}

bool CsvRecordParser::split(const char *record, qsizetype size, qint64 line, bool checkUtf8,
                            std::vector<Field> *fields, InputError *error) const
{
    fields->clear();
    const char delimiter = m_delimiter;
    qsizetype i = 0;
    // Most records hold no quote at all: then only the delimiters matter.
    const bool quotes = std::memchr(record, '"', std::size_t(size)) != nullptr;
    while (!quotes) {
        const void *next = std::memchr(record + i, delimiter, std::size_t(size - i));
        const qsizetype end = next ? static_cast<const char *>(next) - record : size;
        fields->push_back({std::uint32_t(i), std::uint32_t(end), false});
        if (!next)
            break;
        i = end + 1;
    }
    for (; quotes;) {
        const auto index = qsizetype(fields->size());
        if (i < size && record[i] == '"') {
            const qsizetype open = i++;
            bool doubled = false;
            for (;;) {
                const void *quote = std::memchr(record + i, '"', std::size_t(size - i));
                if (!quote) {
                    // Only a record cut at the end of the file gets here: the reader ends
                    // records at line breaks outside quotes.
                    fail(error, line + newlinesBefore(record, open), index + 1,
                         QStringLiteral("the quoted %1 starting here is never closed: the file ends before "
                                        "its closing quote")
                             .arg(describeField(index)));
                    return false;
                }
                i = static_cast<const char *>(quote) - record + 1;
                if (i < size && record[i] == '"') {
                    doubled = true;
                    ++i;
                    continue;
                }
                break;
            }
            if (i < size && record[i] != delimiter) {
                fail(error, line + newlinesBefore(record, i), index + 1,
                     QStringLiteral("%1 after the closing quote of %2; a quoted field must end at a "
                                    "delimiter or line break")
                         .arg(printable(record[i]), describeField(index)));
                return false;
            }
            fields->push_back({std::uint32_t(open + 1), std::uint32_t(i - 1), doubled});
        } else {
            const qsizetype start = i;
            while (i < size && record[i] != delimiter && record[i] != '"')
                ++i;
            if (i < size && record[i] == '"') {
                fail(error, line + newlinesBefore(record, i), index + 1,
                     QStringLiteral("quote inside the unquoted %1; put the whole field in quotes and double "
                                    "the quotes inside it")
                         .arg(describeField(index)));
                return false;
            }
            fields->push_back({std::uint32_t(start), std::uint32_t(i), false});
        }
        if (i == size)
            break;
        ++i; // past the delimiter; a record ending in one has one more, empty, field
    }

    const auto found = qsizetype(fields->size());
    if (!m_columns.isEmpty() && found != m_columns.size()) {
        const qsizetype expected = m_columns.size();
        QString message =
            QStringLiteral("expected %1 fields (as in the header), found %2").arg(expected).arg(found);
        if (found < expected)
            message += QStringLiteral("; %1 is missing").arg(describeField(found));
        fail(error, line, std::min(found, expected) + 1, message);
        return false;
    }
    if (checkUtf8) {
        if (const qsizetype bad = findInvalidUtf8(record, size); bad >= 0) {
            qsizetype field = 0;
            while (field + 1 < found && (*fields)[std::size_t(field)].end <= bad)
                ++field;
            const char *lineStart = record;
            for (const char *p = record; p < record + bad; ++p) {
                if (*p == '\n')
                    lineStart = p + 1;
            }
            fail(error, line + newlinesBefore(record, bad), field + 1,
                 QStringLiteral("invalid UTF-8 in %1 (byte offset %2 of the line); save the file as UTF-8")
                     .arg(describeField(field))
                     .arg(record + bad - lineStart));
            return false;
        }
    }
    return true;
}

QString CsvRecordParser::fieldText(const char *record, const Field &field)
{
    if (!field.doubledQuotes)
        return QString::fromUtf8(record + field.begin, qsizetype(field.end - field.begin));
    std::string text;
    appendUnquoted(text, record + field.begin, record + field.end);
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

void CsvRecordParser::appendUnquoted(std::string &out, const char *begin, const char *end)
{
    while (begin < end) {
        const void *quote = std::memchr(begin, '"', std::size_t(end - begin));
        const char *stop = quote ? static_cast<const char *>(quote) + 1 : end; // keep one of the pair
        out.append(begin, std::size_t(stop - begin));
        begin = quote ? stop + 1 : end;
    }
}

QString CsvRecordParser::describeField(qsizetype index) const
{
    if (index < m_columns.size())
        return QStringLiteral("column %1 ('%2')").arg(index + 1).arg(m_columns.at(index));
    return QStringLiteral("column %1").arg(index + 1);
}

void CsvRecordParser::fail(InputError *error, qint64 line, qint64 column, const QString &message) const
{
    *error = InputError{m_path, line, column, message};
}

} // namespace fastmap
