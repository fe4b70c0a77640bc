// SPDX-License-Identifier: GPL-3.0-or-later
#include "dataset/FileBuffer.h"

#include "dataset/LineFeeds.h"

#include <QDateTime>
#include <QFileInfo>

#include <sys/stat.h>

#include <algorithm>
#include <cstring>

namespace fastmap {

bool FileBuffer::open(const QString &path, int chunkBytes, InputError *error)
{
    m_path = path;
    m_chunkBytes = std::max(chunkBytes, 1);
    if (QFileInfo(path).isDir()) {
        setError(error, 0, QStringLiteral("is a directory, not a file"));
        return false;
    }
    m_file.setFileName(path);
    if (!m_file.open(QIODevice::ReadOnly)) {
        setError(error, 0, QStringLiteral("cannot open: ") + m_file.errorString());
        return false;
    }
    m_fileSize = m_file.isSequential() ? 0 : m_file.size();
    // A file of size 0 that has bytes (/proc) or a pipe has no size to hold it to.
    struct stat info;
    if (!m_file.isSequential() && ::fstat(m_file.handle(), &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0) {
        m_checkIdentity = true;
        m_fileSize = info.st_size;
        m_device = quint64(info.st_dev);
        m_inode = quint64(info.st_ino);
        m_modifiedNs = qint64(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec;
    }

    // Enough bytes to see a byte order mark, even with tiny chunks or a slow pipe.
    while (size() < 3) {
        const Fill result = fill(error);
        if (result == Fill::Error)
            return false;
        if (result == Fill::End)
            break;
    }
    // Binary files are told at once, not after the rows before their first NUL.
    if (m_nulOffset >= 0) {
        binaryError(error);
        return false;
    }
    if (size() >= 3 && std::memcmp(data(), "\xEF\xBB\xBF", 3) == 0)
        consume(3);
    if (size() == 0 && fill(error) == Fill::Error)
        return false;
    if (size() == 0 && m_atEnd) {
        setError(error, 0, QStringLiteral("is empty"));
        return false;
    }
    return true;
}

FileBuffer::Fill FileBuffer::fill(InputError *error)
{
    if (m_failed)
        return Fill::Error;
    if (m_nulOffset >= 0) {
        binaryError(error);
        return Fill::Error;
    }
    if (m_atEnd)
        return Fill::End;
    // Drop what the reader has consumed: only the unfinished record is carried over.
    if (m_begin > 0) {
        const qsizetype rest = size();
        std::memmove(m_buffer.data(), m_buffer.constData() + m_begin, std::size_t(rest));
        m_buffer.truncate(rest);
        m_bufferOffset += m_begin;
        m_begin = 0;
    }
    const qsizetype old = m_buffer.size();
    m_buffer.resize(old + m_chunkBytes);
    const qint64 got = m_file.read(m_buffer.data() + old, m_chunkBytes);
    m_buffer.truncate(old + std::max<qint64>(got, 0));
    if (got < 0) {
        setError(error, 0, QStringLiteral("read error: ") + m_file.errorString());
        return Fill::Error;
    }
    m_readBytes += got;
    if (got == 0) {
        m_atEnd = true;
        const QString changed = changeSinceOpen();
        m_file.close();
        if (!changed.isEmpty()) {
            setError(error, 0, changed);
            return Fill::Error;
        }
        return Fill::End;
    }
    if (const void *nul = std::memchr(m_buffer.constData() + old, 0, std::size_t(got))) {
        // Hand out the text before the NUL and fail when the reader needs more, so the rows before
        // it are delivered whatever the chunk size.
        const qsizetype at = static_cast<const char *>(nul) - m_buffer.constData();
        m_nulOffset = m_bufferOffset + at;
        m_buffer.truncate(at);
        if (at == old) {
            binaryError(error);
            return Fill::Error;
        }
    }
    return Fill::Data;
}

FileBuffer::Fill FileBuffer::nextLine(qint64 maxBytes, QByteArrayView *line, qint64 *lineNumber,
                                      InputError *error)
{
    consume(m_pendingLine);
    m_pendingLine = 0;
    qsizetype searched = 0; // bytes known to hold no LF, so refills do not rescan them
    for (;;) {
        const char *bytes = data();
        const qsizetype available = size();
        const void *lf = std::memchr(bytes + searched, '\n', std::size_t(available - searched));
        qsizetype length = available;
        if (lf) {
            length = static_cast<const char *>(lf) - bytes;
            m_pendingLine = length + 1;
        } else {
            // The line holds at least available - 1 bytes (the last may be the CR of a CRLF):
            // stop before buffering more than the limit allows.
            if (available - 1 > maxBytes) {
                setError(error, m_lines + 1, tooLongMessage(maxBytes));
                return Fill::Error;
            }
            searched = available;
            const Fill result = fill(error);
            if (result == Fill::Error)
                return Fill::Error;
            if (result == Fill::Data)
                continue;
            if (available == 0)
                return Fill::End;
            bytes = data(); // fill() moved the bytes to the front of the buffer
            m_pendingLine = available;
        }
        if (length > 0 && bytes[length - 1] == '\r')
            --length;
        *lineNumber = ++m_lines;
        if (length > maxBytes) {
            setError(error, m_lines, tooLongMessage(maxBytes));
            return Fill::Error;
        }
        *line = QByteArrayView(bytes, length);
        return Fill::Data;
    }
}

int FileBuffer::appendBufferedLines(RecordBlock &out, int rows, int maxRows, qsizetype byteCap,
                                    qint64 maxBytes, bool skipBlank)
{
    consume(m_pendingLine);
    m_pendingLine = 0;
    const char *bytes = data();
    const qsizetype available = size();
    if (available == 0 || rows >= maxRows)
        return rows;
    qsizetype used = out.bytes.size();
    // At most `available` bytes are appended: make room once, write in place, trim at the end.
    if (out.bytes.capacity() < used + available)
        out.bytes.reserve(std::max(used + available, out.bytes.capacity() + out.bytes.capacity() / 2));
    out.bytes.resize(used + available);
    char *to = out.bytes.data();
    qsizetype at = 0;
    qint64 lines = m_lines;
    LineFeeds lineFeeds(bytes, 0, available);
    while (rows < maxRows && used < byteCap) {
        const qsizetype lineFeed = lineFeeds.next();
        if (lineFeed < 0)
            break;
        qsizetype length = lineFeed - at;
        if (length > 0 && bytes[lineFeed - 1] == '\r')
            --length;
        if (length > maxBytes)
            break;
        const char *line = bytes + at;
        ++lines;
        at = lineFeed + 1;
        if (skipBlank && std::all_of(line, line + length, [](char c) { return c == ' ' || c == '\t' || c == '\r'; }))
            continue;
        std::memcpy(to + used, line, std::size_t(length));
        used += length;
        out.ends.push_back(std::uint32_t(used));
        out.lines.push_back(lines);
        ++rows;
    }
    out.bytes.resize(used);
    consume(at);
    m_lines = lines;
    return rows;
}

double FileBuffer::progress() const
{
    if (m_atEnd && size() == m_pendingLine)
        return 1.0;
    if (m_fileSize <= 0)
        return 0.0;
    return std::clamp(double(consumed()) / double(m_fileSize), 0.0, 1.0);
}

QString FileBuffer::tooLongMessage(qint64 maxBytes)
{
    return QStringLiteral("line is longer than the limit of %1 bytes").arg(maxBytes);
}

QString FileBuffer::changeSinceOpen() const
{
    if (!m_checkIdentity)
        return {};
    struct stat now;
    if (::fstat(m_file.handle(), &now) != 0)
        return {};
    const qint64 size = now.st_size;
    if (m_readBytes < m_fileSize)
        return QStringLiteral("changed while it was read: it was %1 bytes at the start and is %2 now; the results are "
                              "incomplete")
            .arg(m_fileSize)
            .arg(size);
    if (m_readBytes > m_fileSize)
        return QStringLiteral("changed while it was read: it was %1 bytes at the start and is %2 now; the results "
                              "include rows that were not in it at the start")
            .arg(m_fileSize)
            .arg(std::max(size, m_readBytes));
    // As many bytes as at the start were read, but they may not all be the same bytes.
    const qint64 modifiedNs = qint64(now.st_mtim.tv_sec) * 1000000000 + now.st_mtim.tv_nsec;
    if (size != m_fileSize || modifiedNs != m_modifiedNs)
        return QStringLiteral("changed while it was read: it was %1 bytes at the start and is %2 now, modified at %3; "
                              "the results may mix old and new content")
            .arg(m_fileSize)
            .arg(size)
            .arg(QDateTime::fromMSecsSinceEpoch(modifiedNs / 1000000).toString(Qt::ISODateWithMs));
    struct stat named;
    const QByteArray path = QFile::encodeName(m_path);
    // A name removed while the file is read leaves the bytes read intact: only a new file under
    // the name makes the results disagree with what the name now holds.
    if (::stat(path.constData(), &named) == 0 && (quint64(named.st_dev) != m_device || quint64(named.st_ino) != m_inode))
        return QStringLiteral("was replaced while it was read (the name now points to another file); the results are "
                              "of the file as it was at the start, not of the new one");
    return {};
}

void FileBuffer::binaryError(InputError *error)
{
    setError(error, 0,
             QStringLiteral("looks like a binary file (NUL byte at offset %1), not text").arg(m_nulOffset));
}

void FileBuffer::setError(InputError *error, qint64 line, const QString &message)
{
    m_failed = true;
    if (!error)
        return;
    error->file = m_path;
    error->line = line;
    error->column = 0;
    error->message = message;
}

} // namespace fastmap
