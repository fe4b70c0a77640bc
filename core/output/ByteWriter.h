// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>

#include <algorithm>
#include <cstring>

namespace fastmap {

// Appends to a QByteArray through a raw pointer, for the writers' hot loop: QByteArray::append
// checks sharing and capacity on every call, which costs as much as formatting a number. The
// array is grown ahead and cut back to what was written in finish() (or the destructor); it
// must not be touched in between.
class ByteWriter
{
public:
    // `expected`: the bytes the caller expects to add, allocated at once.
    explicit ByteWriter(QByteArray &out, qsizetype expected = 0) : m_out(out), m_size(out.size())
    {
        resizeTo(m_size + std::max<qsizetype>(expected, 0));
    }
    ~ByteWriter() { finish(); }
    ByteWriter(const ByteWriter &) = delete;
    ByteWriter &operator=(const ByteWriter &) = delete;

    // Room for at least `n` more bytes, at the returned pointer; commit() what was used.
    char *room(qsizetype n)
    {
        if (m_capacity - m_size < n)
            grow(n);
        return m_data + m_size;
    }
    void commit(const char *end) { m_size = end - m_data; }

    void put(char c) { *room(1) = c, ++m_size; }
    void put(const char *bytes, qsizetype n)
    {
        if (n <= 0)
            return;
        std::memcpy(room(n), bytes, std::size_t(n));
        m_size += n;
    }
    void put(const QByteArray &bytes) { put(bytes.constData(), bytes.size()); }
    template <qsizetype N> void putLiteral(const char (&literal)[N]) { put(literal, N - 1); }

    // Cuts the array back to what was written. Writing on afterwards is allowed.
    void finish()
    {
        if (m_out.size() != m_size)
            m_out.resize(m_size);
        m_capacity = m_size;
    }

private:
    void grow(qsizetype n) { resizeTo(std::max(m_size + n, m_capacity + m_capacity / 2 + 64)); }
    void resizeTo(qsizetype size)
    {
        m_out.resize(size);
        m_data = m_out.data();
        m_capacity = size;
    }

    QByteArray &m_out;
    char *m_data = nullptr;
    qsizetype m_size;
    qsizetype m_capacity = 0;
};

} // namespace fastmap
