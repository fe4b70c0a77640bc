// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/CborInput.h"

#include <cmath>
#include <limits>

namespace fastmap {

bool CborInput::fail(const QString &reason)
{
    if (m_error->isEmpty())
        *m_error = reason;
    return false;
}

bool CborInput::wrongType(const char *what, const char *expected)
{
    const QCborError error = m_reader.lastError();
    if (error.c != QCborError::NoError || m_reader.type() == QCborStreamReader::Invalid) {
        const QString why = error.c == QCborError::NoError ? QStringLiteral("the data ends early") : error.toString();
        return fail(QStringLiteral("malformed CBOR at byte %1 (reading %2): %3")
                        .arg(m_reader.currentOffset())
                        .arg(QLatin1String(what), why));
    }
    return fail(QStringLiteral("%1 is not %2").arg(QLatin1String(what), QLatin1String(expected)));
}

bool CborInput::enterArray(const char *what, qint64 expected, qint64 *length)
{
    if (!m_reader.isArray())
        return wrongType(what, "an array");
    if (!m_reader.isLengthKnown())
        return fail(QStringLiteral("%1 is an array of indefinite length").arg(QLatin1String(what)));
    const quint64 n = m_reader.length();
    if (expected >= 0 && n != quint64(expected))
        return fail(QStringLiteral("%1 has %2 items, expected %3").arg(QLatin1String(what)).arg(n).arg(expected));
    if (n > quint64(std::numeric_limits<qint64>::max()))
        return fail(QStringLiteral("%1 claims %2 items").arg(QLatin1String(what)).arg(n));
    if (length)
        *length = qint64(n);
    if (!m_reader.enterContainer())
        return wrongType(what, "an array");
    return true;
}

bool CborInput::enterMap(const char *what, qint64 *pairs)
{
    if (!m_reader.isMap())
        return wrongType(what, "a CBOR map");
    if (!m_reader.isLengthKnown())
        return fail(QStringLiteral("%1 is a map of indefinite length").arg(QLatin1String(what)));
    const quint64 n = m_reader.length();
    if (n > quint64(std::numeric_limits<qint64>::max()))
        return fail(QStringLiteral("%1 claims %2 pairs").arg(QLatin1String(what)).arg(n));
    *pairs = qint64(n);
    if (!m_reader.enterContainer())
        return wrongType(what, "a CBOR map");
    return true;
}

bool CborInput::leave(const char *what)
{
    if (m_reader.lastError().c != QCborError::NoError)
        return wrongType(what, "complete");
    if (m_reader.hasNext())
        return fail(QStringLiteral("%1 has more items than it declares").arg(QLatin1String(what)));
    if (!m_reader.leaveContainer())
        return wrongType(what, "complete");
    return true;
}

bool CborInput::readUnsigned(const char *what, quint64 maximum, quint64 *value)
{
    if (!m_reader.isUnsignedInteger())
        return wrongType(what, "an unsigned integer");
    const quint64 v = m_reader.toUnsignedInteger();
    if (v > maximum)
        return fail(QStringLiteral("%1 is %2, more than %3").arg(QLatin1String(what)).arg(v).arg(maximum));
    *value = v;
    return m_reader.next() || wrongType(what, "an unsigned integer");
}

bool CborInput::readNumber(const char *what, double *value)
{
    double v = 0;
    if (m_reader.isDouble())
        v = m_reader.toDouble();
    else if (m_reader.isFloat())
        v = double(m_reader.toFloat());
    else if (m_reader.isFloat16())
        v = double(m_reader.toFloat16());
    else if (m_reader.isInteger())
        v = double(m_reader.toInteger());
    else
        return wrongType(what, "a number");
    if (!std::isfinite(v))
        return fail(QStringLiteral("%1 is not a finite number").arg(QLatin1String(what)));
    *value = v;
    return m_reader.next() || wrongType(what, "a number");
}

bool CborInput::readText(const char *what, QString *value)
{
    if (!m_reader.isString())
        return wrongType(what, "a text string");
    value->clear();
    auto chunk = m_reader.readString();
    while (chunk.status == QCborStreamReader::Ok) {
        *value += chunk.data;
        chunk = m_reader.readString();
    }
    if (chunk.status == QCborStreamReader::Error)
        return wrongType(what, "a text string");
    return true;
}

bool CborInput::readBytes(const char *what, QByteArray *value)
{
    if (!m_reader.isByteArray())
        return wrongType(what, "a byte string");
    value->clear();
    auto chunk = m_reader.readByteArray();
    while (chunk.status == QCborStreamReader::Ok) {
        value->append(chunk.data); // the first chunk is shared, not copied
        chunk = m_reader.readByteArray();
    }
    if (chunk.status == QCborStreamReader::Error)
        return wrongType(what, "a byte string");
    return true;
}

bool CborInput::skip(const char *what)
{
    if (m_reader.type() == QCborStreamReader::Invalid || !m_reader.next())
        return wrongType(what, "a complete item");
    return true;
}

} // namespace fastmap
