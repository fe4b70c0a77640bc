// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/BatchCodec.h"

#include "util/CborInput.h"
#include "util/CborVariant.h"
#include "util/TableCodec.h"

#include <QCborStreamReader>
#include <QCborStreamWriter>
#include <QCborValue>
#include <QSet>

#include <limits>

namespace fastmap {

namespace {

constexpr quint64 kMaxTypeCode = quint64(ColumnType::Text);

// "upgrade the client" when the other side is ahead, "the worker" when it is behind.
QString versionMismatch(const char *self, const char *other, int theirs)
{
    const bool selfIsWorker = qstrcmp(self, "worker") == 0;
    const char *older = (theirs < BatchCodec::kProtocolVersion) == selfIsWorker ? "client" : "worker";
    return QStringLiteral("this %1 speaks protocol %2; the %3 %4 %5 — upgrade the %6")
        .arg(QLatin1String(self))
        .arg(BatchCodec::kProtocolVersion)
        .arg(QLatin1String(other), selfIsWorker ? QStringLiteral("sent") : QStringLiteral("answered in protocol"))
        .arg(theirs)
        .arg(QLatin1String(older));
}

bool checkVersion(const QByteArray &body, const char *self, const char *other, QString *error)
{
    const int version = BatchCodec::versionOf(body, error);
    if (version < 0)
        return false;
    if (version == BatchCodec::kProtocolVersion)
        return true;
    *error = versionMismatch(self, other, version);
    return false;
}

// A key as quoted in a message: short, on one line.
QString quotedKey(const QString &key)
{
    QString text = key.left(100);
    for (QChar &c : text)
        if (c.category() == QChar::Other_Control)
            c = QLatin1Char('?');
    return QLatin1Char('"') + text + (key.size() > 100 ? QStringLiteral("...\"") : QStringLiteral("\""));
}

// Each key of a map once: a second "inputs" or "charge" is a lie, not an update.
bool firstTime(CborInput &in, QSet<QString> &seen, const QString &key, const char *where = nullptr)
{
    if (seen.contains(key))
        return in.fail(QStringLiteral("duplicate key %1%2")
                           .arg(quotedKey(key), where ? QStringLiteral(" in %1").arg(QLatin1String(where))
                                                      : QString()));
    seen.insert(key);
    return true;
}

// What a parameter value is, when it is none of the four kinds a parameter can have.
const char *unlikeAParameter(const QCborValue &value)
{
    switch (value.type()) {
    case QCborValue::Integer:
    case QCborValue::Double:
    case QCborValue::String:
    case QCborValue::True:
    case QCborValue::False: return nullptr;
    case QCborValue::Null: return "null";
    case QCborValue::Undefined: return "undefined";
    case QCborValue::Array: return "an array";
    case QCborValue::Map: return "a map";
    case QCborValue::ByteArray: return "a byte string";
    default: return value.isTag() ? "a tagged value" : "a simple value";
    }
}

bool readParams(CborInput &in, QVariantMap *params)
{
    qint64 pairs = 0;
    if (!in.enterMap("\"params\"", &pairs))
        return false;
    QSet<QString> seen;
    for (qint64 i = 0; i < pairs; ++i) {
        QString name;
        if (!in.readText("a parameter name", &name) || !firstTime(in, seen, name, "\"params\""))
            return false;
        // QCborValue would make an integer above 2^63 - 1 a float: say what was sent instead.
        if (in.reader().isUnsignedInteger() &&
            in.reader().toUnsignedInteger() > quint64(std::numeric_limits<qint64>::max()))
            return in.fail(QStringLiteral("the value of parameter %1 is %2, more than the largest integer, 2^63 - 1")
                               .arg(quotedKey(name))
                               .arg(in.reader().toUnsignedInteger()));
        const QCborValue value = QCborValue::fromCbor(in.reader());
        if (in.reader().lastError().c != QCborError::NoError)
            return in.fail(QStringLiteral("the value of parameter %1 is malformed CBOR: %2")
                               .arg(quotedKey(name), in.reader().lastError().toString()));
        if (const char *what = unlikeAParameter(value))
            return in.fail(QStringLiteral("the value of parameter %1 is %2, not an integer, a float, text or a "
                                          "boolean")
                               .arg(quotedKey(name), QLatin1String(what)));
        params->insert(name, cborToVariant(value));
    }
    return in.leave("\"params\"");
}

bool readTextArray(CborInput &in, const char *what, QStringList *values)
{
    qint64 n = 0;
    if (!in.enterArray(what, -1, &n))
        return false;
    for (qint64 i = 0; i < n; ++i) {
        QString value;
        if (!in.readText(what, &value))
            return false;
        *values << value;
    }
    return in.leave(what);
}

bool readUnsignedArray(CborInput &in, const char *what, quint64 maximum, std::vector<quint64> *values)
{
    qint64 n = 0;
    if (!in.enterArray(what, -1, &n))
        return false;
    for (qint64 i = 0; i < n; ++i) {
        quint64 value = 0;
        if (!in.readUnsigned(what, maximum, &value))
            return false;
        values->push_back(value);
    }
    return in.leave(what);
}

bool readNonNegative(CborInput &in, const char *what, double *value)
{
    if (!in.readNumber(what, value))
        return false;
    return *value >= 0 || in.fail(QStringLiteral("%1 is negative").arg(QLatin1String(what)));
}

void writeKey(QCborStreamWriter &writer, const char *key)
{
    writer.append(QLatin1StringView(key));
}

} // namespace

int BatchCodec::versionOf(const QByteArray &body, QString *error)
{
    QCborStreamReader reader(body);
    CborInput in(reader, error);
    qint64 pairs = 0;
    if (!in.enterMap("the body", &pairs))
        return -1;
    // "v" is the first key of every body this program writes; the rest is skipped, not read.
    for (qint64 i = 0; i < pairs; ++i) {
        QString key;
        if (!in.readText("a key of the body", &key))
            return -1;
        if (key == QLatin1String("v")) {
            quint64 version = 0;
            if (!in.readUnsigned("the protocol version \"v\"", quint64(std::numeric_limits<int>::max()), &version))
                return -1;
            return int(version);
        }
        if (!in.skip("a value of the body"))
            return -1;
    }
    in.fail(QStringLiteral("the body has no protocol version \"v\""));
    return -1;
}

QByteArray BatchCodec::encodeRequest(const BatchRequest &request)
{
    Q_ASSERT(request.columns.size() == request.inputs.columnCount());
    const Table &inputs = request.inputs;
    QByteArray body;
    body.reserve(1024 + inputs.buffer().size() + qsizetype(inputs.rowCount()) * (9 * inputs.columnCount() + 1));
    QCborStreamWriter writer(&body);
    writer.startMap(10);
    writeKey(writer, "v");
    writer.append(qint64(kProtocolVersion));
    writeKey(writer, "function");
    writer.append(request.functionId);
    writeKey(writer, "version");
    writer.append(request.functionVersion);
    writeKey(writer, "sha256");
    writer.append(request.pluginSha256);
    writeKey(writer, "params");
    writer.startMap(quint64(request.params.size()));
    for (auto it = request.params.cbegin(); it != request.params.cend(); ++it) {
        writer.append(it.key());
        variantToCbor(it.value()).toCbor(writer);
    }
    writer.endMap();
    writeKey(writer, "columns");
    writer.startArray(quint64(request.columns.size()));
    for (const QString &column : request.columns)
        writer.append(column);
    writer.endArray();
    writeKey(writer, "types");
    writer.startArray(quint64(inputs.columnCount()));
    for (ColumnType type : inputs.types())
        writer.append(quint64(type));
    writer.endArray();
    writeKey(writer, "firstRow");
    writer.append(quint64(std::max<qint64>(0, request.firstRow)));
    writeKey(writer, "failed");
    writer.startArray(quint64(request.failedRows.size()));
    for (int row : request.failedRows)
        writer.append(quint64(row));
    writer.endArray();
    writeKey(writer, "inputs");
    TableCodec::write(writer, inputs);
    writer.endMap();
    return body;
}

bool BatchCodec::decodeRequest(const QByteArray &body, BatchRequest *request, QString *error)
{
    error->clear();
    if (!checkVersion(body, "worker", "client", error))
        return false;
    QCborStreamReader reader(body);
    CborInput in(reader, error);
    qint64 pairs = 0;
    if (!in.enterMap("the body", &pairs))
        return false;
    BatchRequest r;
    QSet<QString> seen;
    std::vector<ColumnType> types;
    std::vector<quint64> failed;
    for (qint64 i = 0; i < pairs; ++i) {
        QString key;
        if (!in.readText("a key of the body", &key) || !firstTime(in, seen, key))
            return false;
        bool ok = true;
        if (key == QLatin1String("function")) {
            ok = in.readText("\"function\"", &r.functionId);
        } else if (key == QLatin1String("version")) {
            ok = in.readText("\"version\"", &r.functionVersion);
        } else if (key == QLatin1String("sha256")) {
            ok = in.readText("\"sha256\"", &r.pluginSha256);
        } else if (key == QLatin1String("params")) {
            ok = readParams(in, &r.params);
        } else if (key == QLatin1String("columns")) {
            ok = readTextArray(in, "\"columns\"", &r.columns);
        } else if (key == QLatin1String("types")) {
            std::vector<quint64> codes;
            ok = readUnsignedArray(in, "\"types\"", kMaxTypeCode, &codes);
            for (quint64 code : codes)
                types.push_back(ColumnType(code));
        } else if (key == QLatin1String("firstRow")) {
            quint64 first = 0;
            ok = in.readUnsigned("\"firstRow\"", quint64(std::numeric_limits<qint64>::max()), &first);
            r.firstRow = qint64(first);
        } else if (key == QLatin1String("failed")) {
            ok = readUnsignedArray(in, "\"failed\"", quint64(std::numeric_limits<int>::max()), &failed);
        } else if (key == QLatin1String("inputs")) {
            if (!seen.contains(QStringLiteral("types")))
                return in.fail(QStringLiteral("\"inputs\" comes before \"types\""));
            QString why;
            if (!TableCodec::read(reader, types, -1, &r.inputs, &why))
                return in.fail(QStringLiteral("\"inputs\": ") + why);
        } else {
            ok = in.skip("a value of the body"); // "v", checked already, or a key of a later 2.x
        }
        if (!ok)
            return false;
    }
    if (!in.leave("the body"))
        return false;
    for (const char *key : {"function", "version", "sha256", "params", "columns", "types", "firstRow", "inputs"})
        if (!seen.contains(QLatin1String(key)))
            return in.fail(QStringLiteral("\"%1\" is missing").arg(QLatin1String(key)));
    if (reader.currentOffset() != body.size())
        return in.fail(QStringLiteral("%1 more bytes follow the batch's map").arg(body.size() - reader.currentOffset()));
    if (r.columns.isEmpty())
        return in.fail(QStringLiteral("\"columns\" is empty"));
    if (std::size_t(r.columns.size()) != types.size())
        return in.fail(QStringLiteral("\"columns\" names %1 inputs but \"types\" has %2").arg(r.columns.size()).arg(types.size()));
    qint64 previous = -1;
    for (quint64 row : failed) {
        if (qint64(row) <= previous || qint64(row) >= r.inputs.rowCount())
            return in.fail(QStringLiteral("\"failed\" names row %1: not ascending, or not a row of the %2")
                               .arg(row)
                               .arg(r.inputs.rowCount()));
        previous = qint64(row);
        r.failedRows.push_back(int(row));
    }
    *request = std::move(r);
    return true;
}

QByteArray BatchCodec::encodeOutput(const BatchOutput &output)
{
    return TableCodec::encode(output);
}

QByteArray BatchCodec::encodeResponse(double vcpuSeconds, double charge, double creditsLeft,
                                      const QByteArray &encodedOutput)
{
    QByteArray body;
    body.reserve(encodedOutput.size() + 96);
    {
        QCborStreamWriter writer(&body);
        writer.startMap(creditsLeft >= 0 ? 5 : 4);
        writeKey(writer, "v");
        writer.append(qint64(kProtocolVersion));
        writeKey(writer, "vcpuSeconds");
        writer.append(vcpuSeconds);
        writeKey(writer, "charge");
        writer.append(charge);
        if (creditsLeft >= 0) {
            writeKey(writer, "creditsLeft");
            writer.append(creditsLeft);
        }
        writeKey(writer, "output");
        // The map is left open: its last value is the already encoded output, appended below.
        // A definite-length map has no end marker, and the writer checks nothing when destroyed.
    }
    body.append(encodedOutput);
    return body;
}

QByteArray BatchCodec::encodeResponse(const BatchResponse &response)
{
    return encodeResponse(response.vcpuSeconds, response.charge, response.creditsLeft, encodeOutput(response.output));
}

bool BatchCodec::decodeResponse(const QByteArray &body, int rows, const std::vector<ColumnType> &outputTypes,
                                BatchResponse *response, QString *error)
{
    error->clear();
    if (!checkVersion(body, "client", "worker", error))
        return false;
    QCborStreamReader reader(body);
    CborInput in(reader, error);
    qint64 pairs = 0;
    if (!in.enterMap("the body", &pairs))
        return false;
    BatchResponse r;
    QSet<QString> seen;
    for (qint64 i = 0; i < pairs; ++i) {
        QString key;
        if (!in.readText("a key of the body", &key) || !firstTime(in, seen, key))
            return false;
        bool ok = true;
        if (key == QLatin1String("vcpuSeconds")) {
            ok = readNonNegative(in, "\"vcpuSeconds\"", &r.vcpuSeconds);
        } else if (key == QLatin1String("charge")) {
            ok = readNonNegative(in, "\"charge\"", &r.charge);
        } else if (key == QLatin1String("creditsLeft")) {
            ok = readNonNegative(in, "\"creditsLeft\"", &r.creditsLeft);
        } else if (key == QLatin1String("output")) {
            QString why;
            if (!TableCodec::read(reader, outputTypes, rows, &r.output, &why))
                return in.fail(QStringLiteral("\"output\": ") + why);
        } else {
            ok = in.skip("a value of the body");
        }
        if (!ok)
            return false;
    }
    if (!in.leave("the body"))
        return false;
    for (const char *key : {"vcpuSeconds", "charge", "output"})
        if (!seen.contains(QLatin1String(key)))
            return in.fail(QStringLiteral("\"%1\" is missing").arg(QLatin1String(key)));
    if (reader.currentOffset() != body.size())
        return in.fail(QStringLiteral("%1 bytes follow the body").arg(body.size() - reader.currentOffset()));
    *response = std::move(r);
    return true;
}

} // namespace fastmap
