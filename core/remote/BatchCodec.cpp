// SPDX-License-Identifier: GPL-3.0-or-later
#include "remote/BatchCodec.h"

#include "util/CborVariant.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborStreamReader>
#include <QCborValue>

#include <cmath>

namespace fastmap {

namespace {

bool parseTopMap(const QByteArray &body, QCborMap *map, QString *error)
{
    QCborParserError parseError;
    const QCborValue root = QCborValue::fromCbor(body, &parseError);
    if (parseError.error != QCborError::NoError) {
        *error = QStringLiteral("malformed CBOR at byte %1: %2").arg(parseError.offset).arg(parseError.errorString());
        return false;
    }
    if (!root.isMap()) {
        *error = QStringLiteral("the body is not a CBOR map");
        return false;
    }
    *map = root.toMap();
    const QCborValue version = map->value(QStringLiteral("v"));
    if (!version.isInteger() || version.toInteger() != BatchCodec::kProtocolVersion) {
        *error = QStringLiteral("unsupported protocol version %1 (this program speaks %2)")
                     .arg(version.isInteger() ? QString::number(version.toInteger()) : QStringLiteral("none"))
                     .arg(BatchCodec::kProtocolVersion);
        return false;
    }
    return true;
}

bool readTable(const QCborValue &value, int expectedRows, int columns, Table *table, const char *what, QString *error)
{
    if (!value.isArray()) {
        *error = QStringLiteral("\"%1\" is not an array").arg(QLatin1String(what));
        return false;
    }
    const QCborArray rows = value.toArray();
    if (expectedRows >= 0 && rows.size() != expectedRows) {
        *error = QStringLiteral("\"%1\" has %2 rows, expected %3").arg(QLatin1String(what)).arg(rows.size()).arg(expectedRows);
        return false;
    }
    *table = Table(columns, int(rows.size()));
    for (int r = 0; r < rows.size(); ++r) {
        const QCborValue row = rows.at(r);
        if (!row.isArray() || row.toArray().size() != columns) {
            *error = QStringLiteral("\"%1\" row %2 does not have %3 values").arg(QLatin1String(what)).arg(r).arg(columns);
            return false;
        }
        const QCborArray cells = row.toArray();
        for (int c = 0; c < columns; ++c)
            table->set(r, c, cborToVariant(cells.at(c)));
    }
    return true;
}

QCborArray writeTable(const Table &table, const BatchOutput *failures)
{
    QCborArray rows;
    for (int r = 0; r < table.rowCount(); ++r) {
        QCborArray cells;
        const bool failed = failures && failures->failed(r);
        for (int c = 0; c < table.columnCount(); ++c)
            cells.append(failed ? QCborValue(QCborValue::Null) : variantToCbor(table.at(r, c)));
        rows.append(cells);
    }
    return rows;
}

} // namespace

QByteArray BatchCodec::encodeRequest(const BatchRequest &request)
{
    QCborMap params;
    for (auto it = request.params.cbegin(); it != request.params.cend(); ++it)
        params.insert(it.key(), variantToCbor(it.value()));
    QCborMap map;
    map.insert(QStringLiteral("v"), kProtocolVersion);
    map.insert(QStringLiteral("function"), request.functionId);
    map.insert(QStringLiteral("version"), request.functionVersion);
    map.insert(QStringLiteral("sha256"), request.pluginSha256);
    map.insert(QStringLiteral("params"), params);
    map.insert(QStringLiteral("columns"), QCborArray::fromStringList(request.columns));
    map.insert(QStringLiteral("firstRow"), request.firstRow);
    map.insert(QStringLiteral("rows"), writeTable(request.rows, nullptr));
    return map.toCborValue().toCbor();
}

bool BatchCodec::decodeRequest(const QByteArray &body, BatchRequest *request, QString *error)
{
    QCborMap map;
    if (!parseTopMap(body, &map, error))
        return false;
    BatchRequest r;
    for (const char *key : {"function", "version", "sha256"}) {
        if (!map.value(QLatin1String(key)).isString()) {
            *error = QStringLiteral("\"%1\" is missing or not a string").arg(QLatin1String(key));
            return false;
        }
    }
    r.functionId = map.value(QStringLiteral("function")).toString();
    r.functionVersion = map.value(QStringLiteral("version")).toString();
    r.pluginSha256 = map.value(QStringLiteral("sha256")).toString();
    const QCborValue params = map.value(QStringLiteral("params"));
    if (!params.isMap()) {
        *error = QStringLiteral("\"params\" is missing or not a map");
        return false;
    }
    const QCborMap paramMap = params.toMap();
    for (auto it = paramMap.constBegin(); it != paramMap.constEnd(); ++it)
        r.params.insert(it.key().toString(), cborToVariant(it.value()));
    const QCborValue columns = map.value(QStringLiteral("columns"));
    if (!columns.isArray() || columns.toArray().isEmpty()) {
        *error = QStringLiteral("\"columns\" is missing or empty");
        return false;
    }
    for (const QCborValue &c : columns.toArray()) {
        if (!c.isString()) {
            *error = QStringLiteral("\"columns\" holds a non-string");
            return false;
        }
        r.columns << c.toString();
    }
    const QCborValue firstRow = map.value(QStringLiteral("firstRow"));
    if (!firstRow.isInteger() || firstRow.toInteger() < 0) {
        *error = QStringLiteral("\"firstRow\" is missing or negative");
        return false;
    }
    r.firstRow = firstRow.toInteger();
    if (!readTable(map.value(QStringLiteral("rows")), -1, int(r.columns.size()), &r.rows, "rows", error))
        return false;
    *request = std::move(r);
    return true;
}

QByteArray BatchCodec::encodeResponse(const BatchResponse &response)
{
    QCborArray errors;
    for (int r = 0; r < response.output.rowCount(); ++r)
        if (response.output.failed(r))
            errors.append(QCborArray{r, response.output.error(r)});
    QCborMap map;
    map.insert(QStringLiteral("v"), kProtocolVersion);
    map.insert(QStringLiteral("outputs"), writeTable(response.output.values(), &response.output));
    map.insert(QStringLiteral("errors"), errors);
    map.insert(QStringLiteral("vcpuSeconds"), response.vcpuSeconds);
    map.insert(QStringLiteral("charge"), response.charge);
    if (response.creditsLeft >= 0)
        map.insert(QStringLiteral("creditsLeft"), response.creditsLeft);
    return map.toCborValue().toCbor();
}

bool BatchCodec::decodeResponse(const QByteArray &body, int rows, int outputColumns, BatchResponse *response,
                                QString *error)
{
    QCborMap map;
    if (!parseTopMap(body, &map, error))
        return false;
    Table outputs;
    if (!readTable(map.value(QStringLiteral("outputs")), rows, outputColumns, &outputs, "outputs", error))
        return false;
    BatchResponse r;
    r.output = BatchOutput(outputColumns, rows);
    r.output.values() = std::move(outputs);
    const QCborValue errors = map.value(QStringLiteral("errors"));
    if (!errors.isArray()) {
        *error = QStringLiteral("\"errors\" is missing or not an array");
        return false;
    }
    for (const QCborValue &e : errors.toArray()) {
        const QCborArray pair = e.toArray();
        if (!e.isArray() || pair.size() != 2 || !pair.at(0).isInteger() || !pair.at(1).isString()
            || pair.at(0).toInteger() < 0 || pair.at(0).toInteger() >= rows) {
            *error = QStringLiteral("\"errors\" holds an entry that is not [row, message] for a row of the batch");
            return false;
        }
        r.output.fail(int(pair.at(0).toInteger()), pair.at(1).toString());
    }
    for (const char *key : {"vcpuSeconds", "charge"}) {
        const QCborValue v = map.value(QLatin1String(key));
        if (!(v.isDouble() || v.isInteger()) || !std::isfinite(v.toDouble()) || v.toDouble() < 0) {
            *error = QStringLiteral("\"%1\" is missing or not a non-negative number").arg(QLatin1String(key));
            return false;
        }
    }
    r.vcpuSeconds = map.value(QStringLiteral("vcpuSeconds")).toDouble();
    r.charge = map.value(QStringLiteral("charge")).toDouble();
    const QCborValue credits = map.value(QStringLiteral("creditsLeft"));
    r.creditsLeft = (credits.isDouble() || credits.isInteger()) ? credits.toDouble() : -1;
    *response = std::move(r);
    return true;
}

} // namespace fastmap
