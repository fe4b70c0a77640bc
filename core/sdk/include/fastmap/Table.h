// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>
#include <QVariant>

#include <cstddef>
#include <stdexcept>
#include <utility>
#include <vector>

namespace fastmap {

// A rectangular block of values stored row-major: one row per element, one column per field.
// Row-major keeps one element's values together, which is how functions read them.
class Table
{
public:
    Table() = default;
    explicit Table(int columns, int rows = 0)
        : m_columns(columns), m_rows(rows), m_values(std::size_t(columns) * std::size_t(rows))
    {
    }

    int columnCount() const { return m_columns; }
    int rowCount() const { return m_rows; }
    bool isEmpty() const { return m_rows == 0; }

    const QVariant &at(int row, int column) const { return m_values[index(row, column)]; }
    QVariant &at(int row, int column) { return m_values[index(row, column)]; }
    void set(int row, int column, QVariant value) { m_values[index(row, column)] = std::move(value); }

    const QVariant *rowData(int row) const { return m_values.data() + index(row, 0); }
    QVariant *rowData(int row) { return m_values.data() + index(row, 0); }

    void reserveRows(int rows) { m_values.reserve(std::size_t(rows) * std::size_t(m_columns)); }
    void resizeRows(int rows)
    {
        m_rows = rows;
        m_values.resize(std::size_t(rows) * std::size_t(m_columns));
    }
    // Appends an empty row and returns a pointer to its first value.
    QVariant *appendRow()
    {
        resizeRows(m_rows + 1);
        return rowData(m_rows - 1);
    }
    void clear()
    {
        m_rows = 0;
        m_values.clear();
    }

private:
    std::size_t index(int row, int column) const { return std::size_t(row) * std::size_t(m_columns) + std::size_t(column); }

    int m_columns = 0;
    int m_rows = 0;
    std::vector<QVariant> m_values;
};

// Thrown by value conversions below; the engine turns it into a failed element with this message.
class ElementError : public std::runtime_error
{
public:
    explicit ElementError(const QString &message) : std::runtime_error(message.toStdString()) {}
};

// Reads a number from a cell whatever its storage (a CSV string, a JSON number, an integer),
// failing the element with a message that names the input when the value is not a number.
inline double toNumber(const QVariant &value, const char *inputName)
{
    switch (value.typeId()) {
    case QMetaType::Double: return value.toDouble();
    case QMetaType::LongLong: return double(value.toLongLong());
    case QMetaType::Int: return value.toInt();
    case QMetaType::ULongLong: return double(value.toULongLong());
    case QMetaType::Bool: return value.toBool() ? 1.0 : 0.0;
    default: break;
    }
    bool ok = false;
    const double d = value.toString().trimmed().toDouble(&ok);
    if (!ok)
        throw ElementError(QStringLiteral("input '%1' is not a number: '%2'")
                               .arg(QLatin1String(inputName), value.toString().left(80)));
    return d;
}

inline qint64 toInteger(const QVariant &value, const char *inputName)
{
    switch (value.typeId()) {
    case QMetaType::LongLong: return value.toLongLong();
    case QMetaType::Int: return value.toInt();
    case QMetaType::ULongLong: return qint64(value.toULongLong());
    default: break;
    }
    bool ok = false;
    qint64 i = value.toString().trimmed().toLongLong(&ok);
    if (!ok && value.typeId() == QMetaType::Double) {
        const double d = value.toDouble();
        if (d == double(qint64(d))) {
            i = qint64(d);
            ok = true;
        }
    }
    if (!ok)
        throw ElementError(QStringLiteral("input '%1' is not an integer: '%2'")
                               .arg(QLatin1String(inputName), value.toString().left(80)));
    return i;
}

} // namespace fastmap
