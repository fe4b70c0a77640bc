// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "dataset/InputError.h"
#include "dataset/RecordBlock.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QFile>

namespace fastmap {

// A sliding window over a file, refilled a chunk at a time, so a reader holds at most one record
// plus one chunk however large the file is. Every chunk is checked for NUL bytes on the way in,
// which is how binary files are told apart from text.
//
// The file is read with read(2), never mapped, so a file truncated while it is read cannot raise
// SIGBUS: the reads just end early. At the end of a regular file the buffer checks that the file
// is still the one it opened (same size as at the start and as the bytes read, same modification
// time, the name still naming the same inode); when it is not, the end is an error ("changed while
// it was read ...") instead of Fill::End, so a job over a file that shrank, grew or was replaced
// mid-run ends as an input failure, never as complete.
class FileBuffer
{
public:
    enum class Fill { Data, End, Error };

    // Opens `path` and reads the first chunk. Fails, filling `error`, when the file is missing,
    // unreadable, a directory, empty or binary. Skips a UTF-8 byte order mark.
    bool open(const QString &path, int chunkBytes, InputError *error);

    // The bytes read but not consumed yet; valid until the next fill() or nextLine().
    const char *data() const { return m_buffer.constData() + m_begin; }
    qsizetype size() const { return m_buffer.size() - m_begin; }
    void consume(qsizetype bytes) { m_begin += bytes; }

    // Appends the next chunk to data(), which may move. End when the file has no more bytes;
    // Error there when the file changed since open() (see the class comment).
    Fill fill(InputError *error);

    // The next line without its LF or CRLF (the last line may lack them); valid until the next call.
    // `lineNumber` is 1-based. A line longer than maxBytes is an error.
    Fill nextLine(qint64 maxBytes, QByteArrayView *line, qint64 *lineNumber, InputError *error);

    // The fast path of nextLine() for many lines: appends to `out` (records back to back, their
    // ends and line numbers; out.count is left alone) the lines whose LF is already buffered, each
    // exactly as nextLine() would hand it out, while `rows` < maxRows and out.bytes stays under
    // byteCap. With skipBlank, lines of only spaces, tabs and CRs are counted but not appended.
    // Stops before a line over maxBytes and before a line not wholly buffered, for nextLine() to
    // take. Returns the new number of rows.
    int appendBufferedLines(RecordBlock &out, int rows, int maxRows, qsizetype byteCap, qint64 maxBytes,
                            bool skipBlank);

    // File offset of data().
    qint64 position() const { return m_bufferOffset + m_begin; }
    // Bytes handed out so far, the last line from nextLine() included.
    qint64 consumed() const { return position() + m_pendingLine; }
    double progress() const;

    QString path() const { return m_path; }

    // The message for a record that would not fit under the limit.
    static QString tooLongMessage(qint64 maxBytes);

private:
    void setError(InputError *error, qint64 line, const QString &message);
    void binaryError(InputError *error);
    // Empty when the file is still what open() found, else what changed, for the message.
    QString changeSinceOpen() const;

    QString m_path;
    QFile m_file;
    QByteArray m_buffer;
    qsizetype m_begin = 0;     // start of the unconsumed bytes in m_buffer
    qint64 m_bufferOffset = 0; // file offset of m_buffer[0]
    qint64 m_fileSize = 0;     // 0 for pipes and other sequential files, whose size is unknown
    qint64 m_readBytes = 0;    // bytes read from the file so far
    // The file's identity at open(), for the check at its end; unset for pipes and files of size 0.
    bool m_checkIdentity = false;
    quint64 m_device = 0;
    quint64 m_inode = 0;
    qint64 m_modifiedNs = 0;
    qsizetype m_chunkBytes = 64 * 1024;
    bool m_atEnd = false;
    bool m_failed = false;
    qint64 m_nulOffset = -1;     // the first NUL byte, once read; the buffer ends before it
    qint64 m_lines = 0;          // lines handed out by nextLine()
    qsizetype m_pendingLine = 0; // bytes of the last line handed out, consumed on the next call
};

} // namespace fastmap
