// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/TableCodec.h"

#include "util/CborInput.h"

#include <QByteArrayView>

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

namespace fastmap {

// Columns go out as the host's own arrays, copied byte for byte, and come back the same way:
// that is the little-endian layout the format defines on every host Fastmap builds for. A
// big-endian port would need a byte swap where the blocks are written and read.
static_assert(std::endian::native == std::endian::little, "TableCodec copies arrays as little-endian blocks");

namespace {

constexpr qint64 kColumnItems = 4;     // type, rows, null bitmap, data
constexpr qint64 kTextColumnItems = 5; // type, rows, null bitmap, end offsets, UTF-8 bytes
// A table without columns has nothing to check its row count against; this bounds what a lying
// blob can make the reader allocate (BatchOutput keeps one error slot per row).
constexpr quint64 kMaxRowsWithoutColumns = quint64(1) << 24;

const char *typeName(quint64 type)
{
    switch (type) {
    case quint64(ColumnType::Float64): return "float64";
    case quint64(ColumnType::Int64): return "int64";
    case quint64(ColumnType::Bool): return "bool";
    case quint64(ColumnType::Text): return "text";
    }
    return "unknown";
}

std::size_t words(int rows)
{
    return (std::size_t(rows) + 63) / 64;
}

// Bytes per row of the data block (for text, of the end offsets).
qsizetype bytesPerRow(ColumnType type)
{
    switch (type) {
    case ColumnType::Float64:
    case ColumnType::Int64: return 8;
    case ColumnType::Bool: return 1;
    case ColumnType::Text: return 4;
    }
    return 0;
}

void writeBlock(QCborStreamWriter &writer, const void *data, std::size_t bytes)
{
    writer.appendByteString(bytes ? static_cast<const char *>(data) : "", qsizetype(bytes));
}

// The bitmap, or an empty block when no row is null. Bits past the last row are cleared: a
// table cut shorter keeps the bits of the rows it lost.
void writeNulls(QCborStreamWriter &writer, const Table &table, int column)
{
    const std::vector<std::uint64_t> &bits = table.nullBits(column);
    const std::size_t n = words(table.rowCount());
    const unsigned tail = unsigned(table.rowCount()) & 63u;
    const std::uint64_t lastMask = tail ? (std::uint64_t(1) << tail) - 1 : ~std::uint64_t(0);
    const std::size_t have = std::min(bits.size(), n);
    bool any = false;
    for (std::size_t i = 0; i < have && !any; ++i)
        any = (i + 1 == n ? bits[i] & lastMask : bits[i]) != 0;
    if (!any)
        return writeBlock(writer, nullptr, 0);
    if (have == n && (bits[n - 1] & ~lastMask) == 0)
        return writeBlock(writer, bits.data(), n * 8);
    std::vector<std::uint64_t> clean(n, 0);
    std::copy_n(bits.begin(), have, clean.begin());
    clean[n - 1] &= lastMask;
    writeBlock(writer, clean.data(), n * 8);
}

// End offsets, then the values' bytes gathered in row order (null rows are empty).
void writeText(QCborStreamWriter &writer, const Table &table, int column)
{
    const int rows = table.rowCount();
    const std::span<const TextRef> refs = table.textRefs(column);
    const bool nulls = table.hasNulls(column);
    std::size_t total = 0;
    for (int r = 0; r < rows; ++r)
        if (!nulls || !table.isNull(column, r))
            total += refs[std::size_t(r)].length;
    Q_ASSERT(total <= std::numeric_limits<std::uint32_t>::max());
    std::vector<std::uint32_t> ends(std::size_t(rows), 0);
    QByteArray bytes(qsizetype(total), Qt::Uninitialized);
    const char *source = table.buffer().constData();
    char *out = bytes.data();
    std::uint32_t at = 0;
    for (int r = 0; r < rows; ++r) {
        const TextRef ref = refs[std::size_t(r)];
        if (ref.length && (!nulls || !table.isNull(column, r))) {
            std::memcpy(out + at, source + ref.offset, ref.length);
            at += ref.length;
        }
        ends[std::size_t(r)] = at;
    }
    writeBlock(writer, ends.data(), ends.size() * 4);
    writeBlock(writer, bytes.constData(), std::size_t(bytes.size()));
}

// One column as read, before any of it is trusted.
struct RawColumn
{
    QByteArray nulls;
    QByteArray data;
    QByteArray text;
};

bool readColumn(CborInput &in, ColumnType expected, int rows, RawColumn *column)
{
    qint64 items = 0;
    quint64 type = 0;
    quint64 declared = 0;
    if (!in.enterArray("the column", -1, &items) || !in.readUnsigned("the type code", 255, &type))
        return false;
    if (type != quint64(expected))
        return in.fail(QStringLiteral("the column is %1 (type code %2), expected %3")
                           .arg(QLatin1String(typeName(type)))
                           .arg(type)
                           .arg(QLatin1String(typeName(quint64(expected)))));
    const qint64 want = expected == ColumnType::Text ? kTextColumnItems : kColumnItems;
    if (items != want)
        return in.fail(QStringLiteral("the column has %1 items, expected %2").arg(items).arg(want));
    if (!in.readUnsigned("the row count", quint64(std::numeric_limits<int>::max()), &declared))
        return false;
    if (declared != quint64(rows))
        return in.fail(QStringLiteral("the column has %1 rows, the table %2").arg(declared).arg(rows));
    if (!in.readBytes("the null bitmap", &column->nulls))
        return false;
    if (!in.readBytes(expected == ColumnType::Text ? "the end offsets" : "the data", &column->data))
        return false;
    if (expected == ColumnType::Text && !in.readBytes("the text bytes", &column->text))
        return false;
    return in.leave("the column");
}

bool checkNulls(CborInput &in, const QByteArray &nulls, int rows)
{
    if (nulls.isEmpty())
        return true;
    const qsizetype want = qsizetype(words(rows) * 8);
    if (nulls.size() != want)
        return in.fail(QStringLiteral("the null bitmap has %1 bytes, expected 0 or %2 for %3 rows")
                           .arg(nulls.size())
                           .arg(want)
                           .arg(rows));
    const unsigned tail = unsigned(rows) & 63u;
    if (tail) {
        std::uint64_t last = 0;
        std::memcpy(&last, nulls.constData() + want - 8, 8);
        if (last >> tail)
            return in.fail(QStringLiteral("the null bitmap marks rows past the last of %1").arg(rows));
    }
    return true;
}

// Offsets that only grow, end at the last byte, and cut the (valid) UTF-8 only between characters.
bool checkText(CborInput &in, const RawColumn &column, int rows)
{
    const QByteArray &text = column.text;
    if (!QByteArrayView(text).isValidUtf8())
        return in.fail(QStringLiteral("the text bytes are not valid UTF-8"));
    std::uint32_t previous = 0;
    for (int r = 0; r < rows; ++r) {
        std::uint32_t end = 0;
        std::memcpy(&end, column.data.constData() + qsizetype(r) * 4, 4);
        if (end < previous || end > std::uint64_t(text.size()))
            return in.fail(QStringLiteral("the end offset of row %1 (%2) is out of order or past the %3 text bytes")
                               .arg(r)
                               .arg(end)
                               .arg(text.size()));
        if (end < std::uint64_t(text.size()) && (std::uint8_t(text[qsizetype(end)]) & 0xC0) == 0x80)
            return in.fail(QStringLiteral("the end offset of row %1 (%2) splits a UTF-8 character").arg(r).arg(end));
        previous = end;
    }
    if (previous != std::uint64_t(text.size()))
        return in.fail(QStringLiteral("%1 text bytes follow the last row's end").arg(text.size() - qsizetype(previous)));
    return true;
}

bool checkColumn(CborInput &in, ColumnType type, int rows, const RawColumn &column)
{
    if (!checkNulls(in, column.nulls, rows))
        return false;
    const qsizetype want = qsizetype(rows) * bytesPerRow(type);
    if (column.data.size() != want)
        return in.fail(QStringLiteral("the %1 has %2 bytes, expected %3 for %4 rows")
                           .arg(type == ColumnType::Text ? QStringLiteral("end offsets") : QStringLiteral("data"))
                           .arg(column.data.size())
                           .arg(want)
                           .arg(rows));
    if (type == ColumnType::Bool) {
        const auto *b = reinterpret_cast<const std::uint8_t *>(column.data.constData());
        for (int r = 0; r < rows; ++r)
            if (b[r] > 1)
                return in.fail(QStringLiteral("row %1 holds %2, not a boolean (0 or 1)").arg(r).arg(b[r]));
    }
    return type != ColumnType::Text || checkText(in, column, rows);
}

// Copies checked columns into `table`. Text values keep pointing into one buffer: the column's
// own bytes when it is the only text column, otherwise every text column's bytes in a row.
void fill(Table &table, std::vector<RawColumn> &raw)
{
    const int rows = table.rowCount();
    int textColumns = 0;
    qsizetype textBytes = 0;
    for (int c = 0; c < table.columnCount(); ++c) {
        if (table.type(c) == ColumnType::Text) {
            ++textColumns;
            textBytes += raw[std::size_t(c)].text.size();
        }
    }
    QByteArray buffer;
    if (textColumns > 1)
        buffer.reserve(textBytes);
    for (int c = 0; c < table.columnCount(); ++c) {
        RawColumn &column = raw[std::size_t(c)];
        if (!column.nulls.isEmpty()) {
            std::vector<std::uint64_t> &bits = table.nullBits(c);
            bits.assign(words(rows), 0);
            std::memcpy(bits.data(), column.nulls.constData(), std::size_t(column.nulls.size()));
        }
        const std::size_t bytes = std::size_t(column.data.size());
        if (bytes == 0 && table.type(c) != ColumnType::Text)
            continue; // no rows: the table's arrays may not even have storage
        switch (table.type(c)) {
        case ColumnType::Float64: std::memcpy(table.doubles(c).data(), column.data.constData(), bytes); break;
        case ColumnType::Int64: std::memcpy(table.integers(c).data(), column.data.constData(), bytes); break;
        case ColumnType::Bool: std::memcpy(table.bools(c).data(), column.data.constData(), bytes); break;
        case ColumnType::Text: {
            const auto base = std::uint32_t(textColumns > 1 ? buffer.size() : 0);
            const std::span<TextRef> refs = table.textRefs(c);
            std::uint32_t begin = 0;
            for (int r = 0; r < rows; ++r) {
                std::uint32_t end = 0;
                std::memcpy(&end, column.data.constData() + qsizetype(r) * 4, 4);
                refs[std::size_t(r)] = TextRef{base + begin, end - begin};
                begin = end;
            }
            if (textColumns > 1)
                buffer.append(column.text);
            else
                buffer = std::move(column.text);
            break;
        }
        }
    }
    table.setBuffer(std::move(buffer));
}

bool readTable(CborInput &in, const std::vector<ColumnType> &types, int rows, Table *table)
{
    quint64 declared = 0;
    qint64 columns = 0;
    if (!in.enterArray("the table", 2) ||
        !in.readUnsigned("the table's row count", quint64(std::numeric_limits<int>::max()), &declared))
        return false;
    if (rows >= 0 && declared != quint64(rows))
        return in.fail(QStringLiteral("the table has %1 rows, expected %2").arg(declared).arg(rows));
    if (types.empty() && rows < 0 && declared > kMaxRowsWithoutColumns)
        return in.fail(QStringLiteral("a table without columns claims %1 rows").arg(declared));
    if (!in.enterArray("the table's columns", -1, &columns))
        return false;
    if (columns != qint64(types.size()))
        return in.fail(QStringLiteral("the table has %1 columns, expected %2").arg(columns).arg(types.size()));
    // Every column is read and checked before the table is allocated: a row count is only
    // trusted once the data it implies is really there.
    std::vector<RawColumn> raw(types.size());
    for (std::size_t c = 0; c < types.size(); ++c) {
        if (!readColumn(in, types[c], int(declared), &raw[c]) || !checkColumn(in, types[c], int(declared), raw[c])) {
            in.addContext(QStringLiteral("column %1 (%2): ").arg(c).arg(QLatin1String(typeName(quint64(types[c])))));
            return false;
        }
    }
    if (!in.leave("the table's columns") || !in.leave("the table"))
        return false;
    Table result(types, int(declared));
    fill(result, raw);
    *table = std::move(result);
    return true;
}

qsizetype estimatedSize(const Table &table)
{
    qsizetype bytes = 16 + table.buffer().size();
    for (int c = 0; c < table.columnCount(); ++c)
        bytes += 24 + qsizetype(table.rowCount()) * bytesPerRow(table.type(c)) +
                 (table.hasNulls(c) ? qsizetype(words(table.rowCount()) * 8) : 0);
    return bytes;
}

} // namespace

void TableCodec::write(QCborStreamWriter &writer, const Table &table)
{
    writer.startArray(2);
    writer.append(quint64(table.rowCount()));
    writer.startArray(quint64(table.columnCount()));
    const auto rows = std::size_t(table.rowCount());
    for (int c = 0; c < table.columnCount(); ++c) {
        const ColumnType type = table.type(c);
        writer.startArray(quint64(type == ColumnType::Text ? kTextColumnItems : kColumnItems));
        writer.append(quint64(type));
        writer.append(quint64(rows));
        writeNulls(writer, table, c);
        switch (type) {
        case ColumnType::Float64: writeBlock(writer, table.doubles(c).data(), rows * 8); break;
        case ColumnType::Int64: writeBlock(writer, table.integers(c).data(), rows * 8); break;
        case ColumnType::Bool: writeBlock(writer, table.bools(c).data(), rows); break;
        case ColumnType::Text: writeText(writer, table, c); break;
        }
        writer.endArray();
    }
    writer.endArray();
    writer.endArray();
}

bool TableCodec::read(QCborStreamReader &reader, const std::vector<ColumnType> &types, int rows, Table *table,
                      QString *error)
{
    error->clear();
    CborInput in(reader, error);
    return readTable(in, types, rows, table);
}

void TableCodec::write(QCborStreamWriter &writer, const BatchOutput &output)
{
    writer.startArray(2);
    write(writer, output.values());
    writer.startArray(quint64(output.failedCount()));
    for (int r = 0; output.hasFailures() && r < output.rowCount(); ++r) {
        if (!output.failed(r))
            continue;
        writer.startArray(2);
        writer.append(quint64(r));
        writer.append(output.error(r));
        writer.endArray();
    }
    writer.endArray();
    writer.endArray();
}

bool TableCodec::read(QCborStreamReader &reader, const std::vector<ColumnType> &types, int rows, BatchOutput *output,
                      QString *error)
{
    error->clear();
    CborInput in(reader, error);
    Table values;
    qint64 failures = 0;
    if (!in.enterArray("the batch output", 2) || !readTable(in, types, rows, &values) ||
        !in.enterArray("the failures", -1, &failures))
        return false;
    const int n = values.rowCount();
    if (failures > n)
        return in.fail(QStringLiteral("%1 failures for %2 rows").arg(failures).arg(n));
    BatchOutput result(types, 0);
    result.values() = std::move(values);
    qint64 previous = -1;
    for (qint64 i = 0; i < failures; ++i) {
        quint64 row = 0;
        QString message;
        if (!in.enterArray("a failure", 2) || !in.readUnsigned("a failure's row", quint64(n - 1), &row) ||
            !in.readText("a failure's message", &message) || !in.leave("a failure"))
            return false;
        if (qint64(row) <= previous)
            return in.fail(QStringLiteral("the failures are not in ascending row order (row %1 after %2)")
                               .arg(row)
                               .arg(previous));
        previous = qint64(row);
        result.fail(int(row), message);
    }
    if (!in.leave("the failures") || !in.leave("the batch output"))
        return false;
    *output = std::move(result);
    return true;
}

QByteArray TableCodec::encode(const BatchOutput &output)
{
    QByteArray blob;
    blob.reserve(estimatedSize(output.values()) + 16 + qsizetype(output.failedCount()) * 48);
    {
        QCborStreamWriter writer(&blob);
        write(writer, output);
    }
    return blob;
}

bool TableCodec::decode(const QByteArray &blob, const std::vector<ColumnType> &types, int rows, BatchOutput *output,
                        QString *error)
{
    QCborStreamReader reader(blob);
    if (!read(reader, types, rows, output, error))
        return false;
    if (reader.currentOffset() != blob.size()) {
        *error = QStringLiteral("%1 bytes follow the batch output").arg(blob.size() - reader.currentOffset());
        return false;
    }
    return true;
}

} // namespace fastmap
