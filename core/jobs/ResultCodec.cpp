// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/ResultCodec.h"

#include "util/CborVariant.h"

#include <QCborArray>
#include <QCborValue>

namespace fastmap {

namespace {

QCborArray rowArray(const QVariant *values, int columns)
{
    QCborArray row;
    for (int c = 0; c < columns; ++c)
        row.append(variantToCbor(values[c]));
    return row;
}

} // namespace

QByteArray ResultCodec::encodeOutput(const BatchOutput &output)
{
    // [[values or null-for-failed]..., [[row, message]...]]
    QCborArray rows;
    QCborArray errors;
    const Table &values = output.values();
    for (int r = 0; r < values.rowCount(); ++r) {
        if (output.failed(r)) {
            rows.append(QCborValue(QCborValue::Null));
            errors.append(QCborArray{r, output.error(r)});
        } else {
            rows.append(rowArray(values.rowData(r), values.columnCount()));
        }
    }
    return QCborValue(QCborArray{rows, errors}).toCbor();
}

bool ResultCodec::decodeOutput(const QByteArray &blob, int rows, int columns, BatchOutput *output)
{
    const QCborValue root = QCborValue::fromCbor(blob);
    const QCborArray parts = root.toArray();
    if (!root.isArray() || parts.size() != 2 || parts.at(0).toArray().size() != rows)
        return false;
    BatchOutput out(columns, rows);
    const QCborArray values = parts.at(0).toArray();
    for (int r = 0; r < rows; ++r) {
        const QCborValue row = values.at(r);
        if (row.isNull())
            continue;
        const QCborArray cells = row.toArray();
        if (cells.size() != columns)
            return false;
        for (int c = 0; c < columns; ++c)
            out.values().set(r, c, cborToVariant(cells.at(c)));
    }
    for (const QCborValue &e : parts.at(1).toArray()) {
        const QCborArray pair = e.toArray();
        const qint64 r = pair.at(0).toInteger(-1);
        if (r < 0 || r >= rows)
            return false;
        out.fail(int(r), pair.at(1).toString());
    }
    *output = std::move(out);
    return true;
}

QByteArray ResultCodec::encodeRow(const QVariant *values, int columns)
{
    return QCborValue(rowArray(values, columns)).toCbor();
}

bool ResultCodec::decodeRow(const QByteArray &blob, int columns, QVariant *values)
{
    const QCborArray cells = QCborValue::fromCbor(blob).toArray();
    if (cells.size() != columns)
        return false;
    for (int c = 0; c < columns; ++c)
        values[c] = cborToVariant(cells.at(c));
    return true;
}

QByteArray ResultCodec::encodeInputs(const QVariant *values, int columns)
{
    return encodeRow(values, columns);
}

} // namespace fastmap
