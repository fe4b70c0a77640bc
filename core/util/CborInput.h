// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QCborStreamReader>
#include <QString>

namespace fastmap {

// Strict reading over a QCborStreamReader for the binary decoders: each step checks the type it
// expects and, when the input is not that (truncated, garbled or of another shape), records one
// reason and returns false, so a decoder reads as a chain of checks. The first reason stays.
// `what` names the item for that reason ("\"charge\"", "the null bitmap").
class CborInput
{
public:
    CborInput(QCborStreamReader &reader, QString *error) : m_reader(reader), m_error(error) {}

    QCborStreamReader &reader() { return m_reader; }
    bool fail(const QString &reason);
    // Puts `prefix` before the reason recorded so far ("column 2: " + "the data is ...").
    void addContext(const QString &prefix) { *m_error = prefix + *m_error; }

    // A definite-length array or map; `expected` >= 0 requires that many items (pairs for a map).
    bool enterArray(const char *what, qint64 expected, qint64 *length = nullptr);
    bool enterMap(const char *what, qint64 *pairs);
    // Leaves the container entered last; there must be no items left in it.
    bool leave(const char *what);

    bool readUnsigned(const char *what, quint64 maximum, quint64 *value);
    // A finite number (CBOR float or integer).
    bool readNumber(const char *what, double *value);
    bool readText(const char *what, QString *value);
    // A byte string, definite or chunked; the caller checks its length.
    bool readBytes(const char *what, QByteArray *value);
    // Skips one item, containers included.
    bool skip(const char *what);

private:
    // The reason for finding something other than `expected`: the CBOR error when there is one.
    bool wrongType(const char *what, const char *expected);

    QCborStreamReader &m_reader;
    QString *m_error;
};

} // namespace fastmap
