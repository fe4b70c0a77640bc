// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/CsvReader.h"

#include "dataset/Utf8.h"

#include <QHash>

#include <algorithm>
#include <cstring>
#include <limits>

namespace fastmap {

namespace {

QString printable(char c)
{
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7F)
        return QStringLiteral("'%1'").arg(QLatin1Char(c));
    return QStringLiteral("byte 0x%1").arg(byte, 2, 16, QLatin1Char('0'));
}

} // namespace

CsvReader::CsvReader(const QString &path, const DatasetOptions &options) : m_path(path), m_options(options)
{}

bool CsvReader::open()
{
    if (!m_file.open(m_path, m_options.chunkBytes, &m_error))
        return false;
    if (m_options.csvDelimiter)
        m_delimiter = m_options.csvDelimiter;
    else if (m_path.endsWith(QLatin1String(".tsv"), Qt::CaseInsensitive))
        m_delimiter = '\t';
    else
        m_delimiter = detectDelimiter();
    if (m_error.isSet())
        return false;
    if (m_delimiter == '"' || m_delimiter == '\n' || m_delimiter == '\r') {
        fail(0, 0, QStringLiteral("%1 cannot separate CSV fields").arg(printable(m_delimiter)));
        return false;
    }
    m_special[static_cast<unsigned char>(m_delimiter)] = true;
    m_special['"'] = true;
    m_special['\n'] = true;
    m_special['\r'] = true;

    const Scan scan = nextRecord();
    if (scan == Scan::Error)
        return false;
    if (scan == Scan::End) {
        fail(0, 0, QStringLiteral("is empty: there is no header line naming the columns"));
        return false;
    }
    if (!checkRecord())
        return false;
    QHash<QString, qsizetype> seen;
    for (qsizetype i = 0; i < qsizetype(m_fields.size()); ++i) {
        const QString name = fieldText(m_fields[std::size_t(i)]);
        if (name.isEmpty()) {
            fail(m_line, i + 1, QStringLiteral("column %1 has an empty name in the header").arg(i + 1));
            return false;
        }
        if (const auto it = seen.constFind(name); it != seen.constEnd()) {
            fail(m_line, i + 1,
                 QStringLiteral("column %1 repeats the name '%2' of column %3 in the header")
                     .arg(i + 1)
                     .arg(name)
                     .arg(*it + 1));
            return false;
        }
        seen.insert(name, i);
        m_columns.append(name);
    }
    finishRecord();
    return true;
}

int CsvReader::read(Table &out, int maxRows)
{
    if (m_error.isSet())
        return -1;
    if (out.columnCount() != m_columns.size()) {
        fail(0, 0,
             QStringLiteral("internal error: reading %1 columns into a table of %2")
                 .arg(m_columns.size())
                 .arg(out.columnCount()));
        return -1;
    }
    int rows = 0;
    while (rows < maxRows) {
        const Scan scan = nextRecord();
        if (scan != Scan::Record || !checkRecord())
            break;
        QVariant *row = out.appendRow();
        for (const Field &field : m_fields)
            *row++ = fieldText(field);
        finishRecord();
        ++rows;
    }
    // Rows before an error are delivered first; the error shows on the next call.
    return rows == 0 && m_error.isSet() ? -1 : rows;
}

char CsvReader::detectDelimiter()
{
    // Counts the candidates outside quotes on the first non-blank line, which is the header.
    static constexpr char candidates[] = {',', ';', '\t'};
    qint64 counts[3] = {0, 0, 0};
    qsizetype i = 0;
    bool quoted = false;
    bool content = false;
    bool done = false;
    // Only as far as the header parse may look, so the result does not depend on the chunk size.
    const qint64 window = scanWindow();
    while (!done) {
        const char *bytes = m_file.data();
        const qsizetype size = qsizetype(std::min<qint64>(m_file.size(), window));
        for (; i < size && !done; ++i) {
            const char c = bytes[i];
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted) {
                if (c == '\n')
                    done = content;
                for (int k = 0; k < 3; ++k)
                    counts[k] += c == candidates[k];
            }
            content = content || (c != '\n' && c != '\r');
        }
        // A header over the limit is reported when it is parsed.
        if (done || size == window || m_file.fill(&m_error) != FileBuffer::Fill::Data)
            break;
    }
    const qint64 *most = std::max_element(counts, counts + 3); // the first of equals wins, so ',' by default
    return *most > 0 ? candidates[most - counts] : ',';
}

CsvReader::Scan CsvReader::nextRecord()
{
    bool atEnd = false;
    for (;;) {
        const Scan scan = scanRecord(atEnd);
        if (scan == Scan::Record) {
            if (m_recordLength > m_options.maxRecordBytes) {
                fail(m_line, 0, FileBuffer::tooLongMessage(m_options.maxRecordBytes));
                return Scan::Error;
            }
            if (m_recordLength == 0) { // a blank line
                finishRecord();
                continue;
            }
        }
        if (scan != Scan::NeedMore)
            return scan;
        // The record has not ended within the window, so it is too long: stop before buffering more.
        if (m_file.size() >= scanWindow()) {
            QString message = FileBuffer::tooLongMessage(m_options.maxRecordBytes);
            if (m_state == State::Quoted)
                message += QStringLiteral(" (inside the quoted %1 that starts on line %2; is a closing "
                                          "quote missing?)")
                               .arg(describeField(qsizetype(m_fields.size())))
                               .arg(m_quoteLine);
            fail(m_line, 0, message);
            return Scan::Error;
        }
        switch (m_file.fill(&m_error)) {
        case FileBuffer::Fill::Error: return Scan::Error;
        case FileBuffer::Fill::End: atEnd = true; break;
        case FileBuffer::Fill::Data: break;
        }
    }
}

CsvReader::Scan CsvReader::scanRecord(bool atEnd)
{
    const char *bytes = m_file.data();
    qsizetype size = m_file.size();
    // Never look past what a record within the limit can span: a syntax error further on would
    // otherwise be reported or not depending on how much the last chunk happened to bring.
    if (const qint64 window = scanWindow(); size > window) {
        size = qsizetype(window);
        atEnd = false;
    }
    qsizetype i = m_scanned;
    // Ends the record at `length` bytes with a line break of `terminator` bytes.
    const auto endRecord = [&](qsizetype length, qsizetype terminator) {
        m_recordLength = length;
        m_recordBytes = length + terminator;
        if (bytes[m_recordBytes - 1] == '\n')
            ++m_newlines;
        return Scan::Record;
    };
    while (i < size) {
        switch (m_state) {
        case State::FieldStart:
            m_fieldBegin = i;
            if (bytes[i] == '"') {
                m_state = State::Quoted;
                m_quoteLine = m_line + m_newlines;
                m_doubledQuotes = false;
                ++i;
                break;
            }
            m_state = State::Unquoted;
            [[fallthrough]];
        case State::Unquoted: {
            while (i < size && !m_special[static_cast<unsigned char>(bytes[i])])
                ++i;
            if (i == size)
                break;
            const char c = bytes[i];
            if (c == m_delimiter) {
                endField(i, false);
                m_state = State::FieldStart;
                ++i;
            } else if (c == '\n') {
                endField(i, false);
                return endRecord(i, 1);
            } else if (c == '\r') {
                if (i + 1 == size && !atEnd) {
                    m_scanned = i; // the next chunk tells whether an LF follows
                    return Scan::NeedMore;
                }
                if (i + 1 == size || bytes[i + 1] == '\n') {
                    endField(i, false);
                    return endRecord(i, i + 1 == size ? 1 : 2);
                }
                ++i; // a lone CR is data
            } else {
                fail(m_line + m_newlines, qsizetype(m_fields.size()) + 1,
                     QStringLiteral("quote inside the unquoted %1; put the whole field in quotes and double "
                                    "the quotes inside it")
                         .arg(describeField(qsizetype(m_fields.size()))));
                return Scan::Error;
            }
            break;
        }
        case State::Quoted: {
            const void *quote = std::memchr(bytes + i, '"', std::size_t(size - i));
            const qsizetype end = quote ? static_cast<const char *>(quote) - bytes : size;
            m_newlines += std::count(bytes + i, bytes + end, '\n');
            i = end;
            if (quote) {
                m_state = State::QuoteInQuoted;
                ++i;
            }
            break;
        }
        case State::QuoteInQuoted: {
            const char c = bytes[i];
            if (c == '"') {
                m_doubledQuotes = true;
                m_state = State::Quoted;
                ++i;
            } else if (c == m_delimiter) {
                endField(i, true);
                m_state = State::FieldStart;
                ++i;
            } else if (c == '\n') {
                endField(i, true);
                return endRecord(i, 1);
            } else if (c == '\r' && i + 1 == size && !atEnd) {
                m_scanned = i;
                return Scan::NeedMore;
            } else if (c == '\r' && (i + 1 == size || bytes[i + 1] == '\n')) {
                endField(i, true);
                return endRecord(i, i + 1 == size ? 1 : 2);
            } else {
                fail(m_line + m_newlines, qsizetype(m_fields.size()) + 1,
                     QStringLiteral("%1 after the closing quote of %2; a quoted field must end at a "
                                    "delimiter or line break")
                         .arg(printable(c), describeField(qsizetype(m_fields.size()))));
                return Scan::Error;
            }
            break;
        }
        }
    }
    m_scanned = i;
    if (!atEnd)
        return Scan::NeedMore;

    // The file ends without a line break.
    switch (m_state) {
    case State::FieldStart:
        if (size == 0)
            return Scan::End;
        m_fieldBegin = size;
        endField(size, false); // after a trailing delimiter
        break;
    case State::Unquoted: endField(size, false); break;
    case State::QuoteInQuoted: endField(size, true); break;
    case State::Quoted:
        fail(m_quoteLine, qsizetype(m_fields.size()) + 1,
             QStringLiteral("the quoted %1 starting here is never closed: the file ends before its "
                            "closing quote")
                 .arg(describeField(qsizetype(m_fields.size()))));
        return Scan::Error;
    }
    return endRecord(size, 0);
}

bool CsvReader::checkRecord()
{
    const auto found = qsizetype(m_fields.size());
    if (!m_columns.isEmpty() && found != m_columns.size()) {
        const qsizetype expected = m_columns.size();
        QString message =
            QStringLiteral("expected %1 fields (as in the header), found %2").arg(expected).arg(found);
        if (found < expected)
            message += QStringLiteral("; %1 is missing").arg(describeField(found));
        fail(m_line, std::min(found, expected) + 1, message);
        return false;
    }
    const char *bytes = m_file.data();
    const qsizetype bad = findInvalidUtf8(bytes, m_recordLength);
    if (bad >= 0) {
        qsizetype field = 0;
        while (field + 1 < found && m_fields[std::size_t(field)].end <= bad)
            ++field;
        fail(m_line + std::count(bytes, bytes + bad, '\n'), field + 1,
             QStringLiteral("invalid UTF-8 in %1 (byte offset %2 of the file); save the file as UTF-8")
                 .arg(describeField(field))
                 .arg(m_file.position() + bad));
        return false;
    }
    return true;
}

qint64 CsvReader::scanWindow() const
{
    // The limit, then a CRLF.
    const qint64 limit = std::max<qint64>(m_options.maxRecordBytes, 0);
    return limit > std::numeric_limits<qint64>::max() - 2 ? limit : limit + 2;
}

QString CsvReader::fieldText(const Field &field) const
{
    QString text = QString::fromUtf8(QByteArrayView(m_file.data() + field.begin, field.end - field.begin));
    if (field.hasDoubledQuotes)
        text.replace(QLatin1String("\"\""), QLatin1String("\""));
    return text;
}

void CsvReader::endField(qsizetype end, bool quoted)
{
    if (quoted)
        m_fields.push_back({m_fieldBegin + 1, end - 1, m_doubledQuotes});
    else
        m_fields.push_back({m_fieldBegin, end, false});
}

void CsvReader::finishRecord()
{
    m_file.consume(m_recordBytes);
    m_line += m_newlines;
    m_fields.clear();
    m_state = State::FieldStart;
    m_scanned = 0;
    m_newlines = 0;
    m_recordLength = 0;
    m_recordBytes = 0;
}

QString CsvReader::describeField(qsizetype index) const
{
    if (index < m_columns.size())
        return QStringLiteral("column %1 ('%2')").arg(index + 1).arg(m_columns.at(index));
    return QStringLiteral("column %1").arg(index + 1);
}

void CsvReader::fail(qint64 line, qint64 column, const QString &message)
{
    m_error.file = m_path;
    m_error.line = line;
    m_error.column = column;
    m_error.message = message;
}

} // namespace fastmap
