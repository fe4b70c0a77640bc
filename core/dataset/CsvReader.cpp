// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/CsvReader.h"

#include "dataset/LineFeeds.h"

#include <QHash>

#include <algorithm>
#include <cstring>
#include <limits>

namespace fastmap {

namespace {

// A block stops growing here (a record more may pass it), so record offsets fit in 32 bits.
constexpr qsizetype kMaxBlockBytes = qsizetype(1) << 30;

QString printable(char c)
{
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7F)
        return QStringLiteral("'%1'").arg(QLatin1Char(c));
    return QStringLiteral("byte 0x%1").arg(byte, 2, 16, QLatin1Char('0'));
}

} // namespace

CsvReader::CsvReader(const QString &path, const DatasetOptions &options) : m_path(path), m_options(options)
{
    m_parser = std::make_shared<CsvRecordParser>(m_path, m_delimiter, QStringList());
}

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

    // The header is parsed like any record, before the columns are known.
    m_parser = std::make_shared<CsvRecordParser>(m_path, m_delimiter, QStringList());
    const Cut cut = nextRecord();
    if (cut == Cut::Error)
        return false;
    if (cut == Cut::End) {
        fail(0, 0, QStringLiteral("is empty: there is no header line naming the columns"));
        return false;
    }
    std::vector<CsvRecordParser::Field> fields;
    const char *record = m_file.data();
    if (!m_parser->split(record, m_recordLength, m_line, true, &fields, &m_error))
        return false;
    QHash<QString, qsizetype> seen;
    for (qsizetype i = 0; i < qsizetype(fields.size()); ++i) {
        const QString name = CsvRecordParser::fieldText(record, fields[std::size_t(i)]);
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
    m_parser = std::make_shared<CsvRecordParser>(m_path, m_delimiter, m_columns);
    return true;
}

int CsvReader::readRecords(RecordBlock &out, int maxRows)
{
    out.clear();
    out.firstRow = m_row;
    if (m_error.isSet())
        return -1;
    int rows = 0;
    if (maxRows > 0) {
        out.ends.reserve(std::size_t(maxRows));
        out.lines.reserve(std::size_t(maxRows));
    }
    while (rows < maxRows && out.bytes.size() < kMaxBlockBytes) {
        // Between records: the quote-free lines already buffered are cut in bulk, and only what
        // that leaves (a quote, a record over the limit, a chunk boundary, the end) comes here.
        // Where quotes are on every line the bulk cut finds nothing: it is then tried less often.
        if (m_plainSkip > 0) {
            --m_plainSkip;
        } else if (const int before = rows; (rows = cutPlainRecords(out, maxRows, rows)) == before) {
            m_plainBackoff = std::min(2 * m_plainBackoff + 1, 63);
            m_plainSkip = m_plainBackoff;
        } else {
            m_plainBackoff = 0;
        }
        if (rows >= maxRows || out.bytes.size() >= kMaxBlockBytes)
            break;
        if (nextRecord() != Cut::Record)
            break;
        out.bytes.append(m_file.data(), m_recordLength);
        out.ends.push_back(std::uint32_t(out.bytes.size()));
        out.lines.push_back(m_line);
        finishRecord();
        ++rows;
    }
    out.count = rows;
    m_row += rows;
    // Records before an error are delivered first; the error shows on the next call.
    return rows == 0 && m_error.isSet() ? -1 : rows;
}

int CsvReader::cutPlainRecords(RecordBlock &out, int maxRows, int rows)
{
    // The fast path of nextRecord() + finishRecord() for the records that end, with a line feed,
    // in the buffer before its next quote: those are cut exactly as scan() would cut them (the
    // record up to its LF, less a CR before it; blank lines skipped; one line each). A record over
    // the limit is left to scan(), which reports it.
    const char *bytes = m_file.data();
    const qsizetype size = m_file.size();
    qsizetype stop = nextQuote(0, size);
    if (stop < 0)
        stop = size;
    if (stop == 0)
        return rows;
    // Most often, with quotes on every line, no record ends before the quote: leave at once.
    LineFeeds lineFeeds(bytes, 0, stop);
    qsizetype lineFeed = lineFeeds.next();
    if (lineFeed < 0)
        return rows;
    const qint64 maxLength = m_options.maxRecordBytes;
    qsizetype used = out.bytes.size();
    // At most `stop` bytes are appended: make room once, write in place, trim at the end.
    if (out.bytes.capacity() < used + stop)
        out.bytes.reserve(std::max(used + stop, out.bytes.capacity() + out.bytes.capacity() / 2));
    out.bytes.resize(used + stop);
    char *to = out.bytes.data();
    qsizetype at = 0;
    qint64 line = m_line;
    for (; lineFeed >= 0 && rows < maxRows && used < kMaxBlockBytes; lineFeed = lineFeeds.next()) {
        qsizetype length = lineFeed - at;
        if (length > 0 && bytes[lineFeed - 1] == '\r')
            --length;
        if (length > maxLength)
            break;
        if (length > 0) {
            std::memcpy(to + used, bytes + at, std::size_t(length));
            used += length;
            out.ends.push_back(std::uint32_t(used));
            out.lines.push_back(line);
            ++rows;
        }
        ++line;
        at = lineFeed + 1;
    }
    out.bytes.resize(used);
    if (at > 0) {
        // As finishRecord() leaves the state, for everything consumed at once.
        m_file.consume(at);
        m_line = line;
        m_lineFeedAt = -1;
        if (m_quoteAt >= 0)
            m_quoteAt -= at; // the quote lies at or past `stop`
        else
            m_quoteNone = std::max<qsizetype>(m_quoteNone - at, 0);
    }
    return rows;
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

CsvReader::Cut CsvReader::nextRecord()
{
    bool atEnd = false;
    for (;;) {
        const Cut cut = scan(atEnd);
        if (cut == Cut::Record) {
            if (m_recordLength > m_options.maxRecordBytes) {
                fail(m_line, 0, FileBuffer::tooLongMessage(m_options.maxRecordBytes));
                return Cut::Error;
            }
            if (m_recordLength == 0) { // a blank line
                finishRecord();
                continue;
            }
        }
        if (cut != Cut::NeedMore)
            return cut;
        // The record has not ended within the window, so it is too long: stop before buffering more.
        if (m_file.size() >= scanWindow()) {
            QString message = FileBuffer::tooLongMessage(m_options.maxRecordBytes);
            if (m_quoted) {
                qint64 quoteLine = 0;
                const qsizetype field = openQuoteField(&quoteLine);
                message += QStringLiteral(" (inside the quoted %1 that starts on line %2; is a closing "
                                          "quote missing?)")
                               .arg(m_parser->describeField(field))
                               .arg(quoteLine);
            }
            fail(m_line, 0, message);
            return Cut::Error;
        }
        switch (m_file.fill(&m_error)) {
        case FileBuffer::Fill::Error: return Cut::Error;
        case FileBuffer::Fill::End: atEnd = true; break;
        case FileBuffer::Fill::Data: break;
        }
    }
}

CsvReader::Cut CsvReader::scan(bool atEnd)
{
    const char *bytes = m_file.data();
    qsizetype size = m_file.size();
    // Never look past what a record within the limit can span, so whether a record is too long
    // does not depend on how much the last chunk happened to bring.
    if (const qint64 window = scanWindow(); size > window) {
        size = qsizetype(window);
        atEnd = false;
    }
    // Only line breaks and quotes matter here, and only a quote at a field's start opens a
    // quoted field; everything else, stray quotes included, is the parser's to check.
    qsizetype i = m_scanned;
    while (i < size) {
        if (m_quoted) {
            const qsizetype quote = nextQuote(i, size);
            if (quote < 0) {
                m_newlines += std::count(bytes + i, bytes + size, '\n');
                i = size;
                break;
            }
            m_newlines += std::count(bytes + i, bytes + quote, '\n');
            if (quote + 1 == size && !atEnd) {
                i = quote; // the next chunk tells whether a doubled quote follows
                break;
            }
            i = quote + 1;
            if (i < size && bytes[i] == '"') {
                ++i;
                continue;
            }
            m_quoted = false;
            if (i < size && bytes[i] != m_delimiter && bytes[i] != '\n' && bytes[i] != '\r')
                m_malformed = true;
            continue;
        }
        // Remembered too, so a line of many quoted fields is not searched again after each.
        if (m_lineFeedAt < i) {
            const void *lf = std::memchr(bytes + i, '\n', std::size_t(size - i));
            m_lineFeedAt = lf ? static_cast<const char *>(lf) - bytes : -1;
        }
        const bool lf = m_lineFeedAt >= 0;
        const qsizetype lineEnd = lf ? m_lineFeedAt : size;
        // Searched to the end of the buffer, so lines without quotes cost one memchr for their end.
        if (const qsizetype quote = nextQuote(i, size); quote >= 0 && quote < lineEnd) {
            if (quote == 0 || bytes[quote - 1] == m_delimiter) {
                m_quoted = true;
                m_quoteOpen = quote;
            } else {
                m_malformed = true;
            }
            i = quote + 1;
            continue;
        }
        if (lf) {
            m_recordLength = lineEnd - (lineEnd > 0 && bytes[lineEnd - 1] == '\r' ? 1 : 0);
            m_recordBytes = lineEnd + 1;
            ++m_newlines;
            return Cut::Record;
        }
        i = size;
    }
    m_scanned = i;
    if (!atEnd)
        return Cut::NeedMore;

    // The file ends without a line break.
    if (m_quoted && !m_malformed) {
        qint64 quoteLine = 0;
        const qsizetype field = openQuoteField(&quoteLine);
        fail(quoteLine, field + 1,
             QStringLiteral("the quoted %1 starting here is never closed: the file ends before its "
                            "closing quote")
                 .arg(m_parser->describeField(field)));
        return Cut::Error;
    }
    // (A malformed record goes to the parser as it is, which reports its first fault.)
    if (size == 0)
        return Cut::End;
    m_recordLength = size - (bytes[size - 1] == '\r' ? 1 : 0);
    m_recordBytes = size;
    return Cut::Record;
}

qsizetype CsvReader::nextQuote(qsizetype from, qsizetype limit)
{
    // Remembers the last search, so a quote far ahead is not searched for again on every line.
    if (m_quoteAt >= from)
        return m_quoteAt < limit ? m_quoteAt : -1;
    if (m_quoteAt >= 0) {
        m_quoteAt = -1;
        m_quoteNone = from;
    }
    const qsizetype start = std::max(from, m_quoteNone);
    if (start >= limit)
        return -1;
    const char *bytes = m_file.data();
    if (const void *quote = std::memchr(bytes + start, '"', std::size_t(limit - start))) {
        m_quoteAt = static_cast<const char *>(quote) - bytes;
        return m_quoteAt;
    }
    m_quoteNone = limit;
    return -1;
}

qsizetype CsvReader::openQuoteField(qint64 *line) const
{
    // Only for messages: which field the open quote starts, and on which line.
    const char *bytes = m_file.data();
    qsizetype field = 0;
    bool quoted = false;
    for (qsizetype k = 0; k < m_quoteOpen; ++k) {
        const char c = bytes[k];
        if (quoted) {
            if (c == '"' && k + 1 < m_quoteOpen && bytes[k + 1] == '"')
                ++k;
            else if (c == '"')
                quoted = false;
        } else if (c == '"' && (k == 0 || bytes[k - 1] == m_delimiter)) {
            quoted = true;
        } else if (c == m_delimiter) {
            ++field;
        }
    }
    *line = m_line + std::count(bytes, bytes + m_quoteOpen, '\n');
    return field;
}

qint64 CsvReader::scanWindow() const
{
    // The limit, then a CRLF.
    const qint64 limit = std::max<qint64>(m_options.maxRecordBytes, 0);
    return limit > std::numeric_limits<qint64>::max() - 2 ? limit : limit + 2;
}

void CsvReader::finishRecord()
{
    m_file.consume(m_recordBytes);
    m_lineFeedAt = -1; // the record's own line break, or one inside it
    if (m_quoteAt >= 0) {
        m_quoteAt -= m_recordBytes;
        if (m_quoteAt < 0) {
            m_quoteAt = -1;
            m_quoteNone = 0;
        }
    } else {
        m_quoteNone = std::max<qsizetype>(m_quoteNone - m_recordBytes, 0);
    }
    m_line += m_newlines;
    m_quoted = false;
    m_malformed = false;
    m_scanned = 0;
    m_newlines = 0;
    m_recordLength = 0;
    m_recordBytes = 0;
}

void CsvReader::fail(qint64 line, qint64 column, const QString &message)
{
    m_error.file = m_path;
    m_error.line = line;
    m_error.column = column;
    m_error.message = message;
}

} // namespace fastmap
