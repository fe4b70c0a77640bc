// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/ResultCache.h"

#include "jobs/RowHash.h"
#include "jobs/SqliteSpace.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>
#include <QtEndian>

#include <algorithm>
#include <atomic>

namespace fastmap {

namespace {

// Each thread's own, for the whole thread's life; unlike a thread id, never reused.
quint64 threadToken()
{
    static std::atomic<quint64> next{1};
    thread_local const quint64 token = next.fetch_add(1);
    return token;
}

QString placeholders(int rows, const char *one)
{
    QString sql;
    for (int i = 0; i < rows; ++i) {
        if (i)
            sql += QLatin1Char(',');
        sql += QLatin1String(one);
    }
    return sql;
}

// One cached element's outputs: per column a byte, 0 for a null or 1 + the column type, then the
// value: 8 little-endian bytes for a number or integer, 1 for a boolean, a 4-byte length and the
// UTF-8 for text.
void encodeRow(QByteArray &out, const Table &values, int row)
{
    const auto r = std::size_t(row);
    for (int c = 0; c < values.columnCount(); ++c) {
        if (values.isNull(c, row)) {
            out.append('\0');
            continue;
        }
        const ColumnType type = values.type(c);
        out.append(char(1 + int(type)));
        char word[8];
        switch (type) {
        case ColumnType::Float64: {
            std::uint64_t bits;
            std::memcpy(&bits, &values.doubles(c)[r], 8);
            qToLittleEndian(bits, word);
            out.append(word, 8);
            break;
        }
        case ColumnType::Int64:
            qToLittleEndian(values.integers(c)[r], word);
            out.append(word, 8);
            break;
        case ColumnType::Bool: out.append(char(values.bools(c)[r] ? 1 : 0)); break;
        case ColumnType::Text: {
            const std::string_view text = values.text(c, row);
            qToLittleEndian(std::uint32_t(text.size()), word);
            out.append(word, 4);
            out.append(text.data(), qsizetype(text.size()));
            break;
        }
        }
    }
}

// False, leaving the row as it may be, when the bytes do not hold exactly one row of these types.
bool decodeRow(const char *p, qsizetype size, Table &values, int row)
{
    const char *const end = p + size;
    const auto r = std::size_t(row);
    for (int c = 0; c < values.columnCount(); ++c) {
        if (p == end)
            return false;
        const char tag = *p++;
        if (tag == 0) {
            values.setNull(c, row);
            continue;
        }
        const ColumnType type = values.type(c);
        if (tag != char(1 + int(type)))
            return false;
        values.setNull(c, row, false);
        switch (type) {
        case ColumnType::Float64: {
            if (end - p < 8)
                return false;
            const std::uint64_t bits = qFromLittleEndian<std::uint64_t>(p);
            std::memcpy(&values.doubles(c)[r], &bits, 8);
            p += 8;
            break;
        }
        case ColumnType::Int64:
            if (end - p < 8)
                return false;
            values.integers(c)[r] = qFromLittleEndian<std::int64_t>(p);
            p += 8;
            break;
        case ColumnType::Bool:
            if (end - p < 1 || std::uint8_t(*p) > 1)
                return false;
            values.bools(c)[r] = std::uint8_t(*p++);
            break;
        case ColumnType::Text: {
            if (end - p < 4)
                return false;
            const std::uint32_t length = qFromLittleEndian<std::uint32_t>(p);
            p += 4;
            if (std::uint64_t(end - p) < length)
                return false;
            values.setText(c, row, std::string_view(p, length));
            p += length;
            break;
        }
        }
    }
    return p == end;
}

RowHash::Value seedOf(const QByteArray &prefix)
{
    if (prefix.size() >= 16)
        return {qFromLittleEndian<std::uint64_t>(prefix.constData()), qFromLittleEndian<std::uint64_t>(prefix.constData() + 8)};
    RowHash h;
    h.bytes(std::string_view(prefix.constData(), std::size_t(prefix.size())));
    return h.result();
}

CacheKey keyOf(const RowHash::Value &v)
{
    return CacheKey{qint64(v.a), qint64(v.b)};
}

} // namespace

// A thread's connection and its statements, prepared once for a whole chunk of rows.
struct ResultCache::Connection
{
    QString name;
    QSqlDatabase db;
    std::unique_ptr<QSqlQuery> select; // kChunkRows ids
    std::unique_ptr<QSqlQuery> insert; // kChunkRows rows
    std::unique_ptr<QSqlQuery> touch;  // kChunkRows ids

    ~Connection()
    {
        select.reset();
        insert.reset();
        touch.reset();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
    }
};

ResultCache::ResultCache(const QString &path, qint64 limitBytes) : m_path(path), m_limitBytes(limitBytes) {}

ResultCache::~ResultCache()
{
    QMutexLocker lock(&m_mutex);
    m_connections.clear();
}

QString ResultCache::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/fastmap/cache.db");
}

bool ResultCache::modeFromName(const QString &name, Mode *mode)
{
    if (name == QLatin1String("use"))
        *mode = Mode::Use;
    else if (name == QLatin1String("refresh"))
        *mode = Mode::Refresh;
    else if (name == QLatin1String("off"))
        *mode = Mode::Off;
    else
        return false;
    return true;
}

ResultCache::Connection *ResultCache::connection(QString *error) const
{
    const quint64 token = threadToken();
    QMutexLocker lock(&m_mutex);
    if (const auto it = m_connections.constFind(token); it != m_connections.cend())
        return it->get();
    auto c = std::make_shared<Connection>();
    c->name = QStringLiteral("fastmap-cache-%1-%2").arg(quintptr(this), 0, 16).arg(token);
    c->db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), c->name);
    c->db.setDatabaseName(m_path);
    c->db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
    if (!c->db.open()) {
        *error = QStringLiteral("cannot open the cache %1: %2").arg(m_path, c->db.lastError().text());
        return nullptr;
    }
    QSqlQuery q(c->db);
    // Incremental auto_vacuum must be chosen before the first table exists (open() does so).
    q.exec(QStringLiteral("PRAGMA auto_vacuum=INCREMENTAL"));
    q.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
    q.exec(QStringLiteral("PRAGMA synchronous=NORMAL")); // a lost entry after a power cut is only a miss
    q.exec(QStringLiteral("PRAGMA journal_size_limit=67108864"));
    m_connections.insert(token, c);
    return c.get();
}

bool ResultCache::open(QString *error)
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    Connection *c = connection(error);
    if (!c)
        return false;
    QSqlQuery q(c->db);
    q.exec(QStringLiteral("PRAGMA user_version"));
    const int version = q.next() ? q.value(0).toInt() : 0;
    // Version 2: one row per element keyed by RowHash. The SHA-256-keyed CBOR entries of version 1
    // cannot be served by this build: they go, and the file is compacted once, which also turns
    // on incremental auto_vacuum for a file made before it.
    if (version < 2) {
        QMutexLocker write(&m_writeMutex);
        q.exec(QStringLiteral("DROP TABLE IF EXISTS cache"));
        if (SqliteSpace::autoVacuum(c->db) != 2)
            SqliteSpace::vacuum(c->db);
    }
    if (!q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS results (id INTEGER PRIMARY KEY, tag INTEGER NOT NULL, "
                               "value BLOB NOT NULL, used INTEGER NOT NULL)"))
        || !q.exec(QStringLiteral("PRAGMA user_version=2"))) {
        *error = QStringLiteral("cannot set up the cache %1: %2").arg(m_path, q.lastError().text());
        return false;
    }
    return true;
}

QByteArray ResultCache::keyPrefix(const QString &functionId, const QString &version, const QString &pluginSha256,
                                  const QVariantMap &params)
{
    // QJsonObject sorts its keys, which makes the parameters canonical.
    const QByteArray canonical = QJsonDocument(QJsonObject::fromVariantMap(params)).toJson(QJsonDocument::Compact);
    const QByteArray all =
        functionId.toUtf8() + '\0' + version.toUtf8() + '\0' + pluginSha256.toUtf8() + '\0' + canonical + '\0';
    return QCryptographicHash::hash(all, QCryptographicHash::Sha256);
}

CacheKey ResultCache::elementKey(const QByteArray &prefix, const Table &inputs, int row)
{
    RowHash h(seedOf(prefix));
    h.row(inputs, row);
    return keyOf(h.result());
}

void ResultCache::elementKeys(const QByteArray &prefix, const Table &inputs, std::vector<CacheKey> *keys)
{
    const RowHash::Value seed = seedOf(prefix);
    const int rows = inputs.rowCount();
    keys->resize(std::size_t(rows));
    for (int r = 0; r < rows; ++r) {
        RowHash h(seed);
        h.row(inputs, r);
        (*keys)[std::size_t(r)] = keyOf(h.result());
    }
}

int ResultCache::lookup(const std::vector<CacheKey> &keys, const std::vector<ColumnType> &outputTypes,
                        BatchOutput *output, std::vector<char> *found)
{
    found->assign(keys.size(), 0);
    QString error;
    Connection *c = connection(&error);
    if (!c || keys.empty() || output->values().types() != outputTypes || output->rowCount() < int(keys.size()))
        return 0;
    if (!c->select) {
        c->select = std::make_unique<QSqlQuery>(c->db);
        c->select->setForwardOnly(true);
        c->select->prepare(QStringLiteral("SELECT id, tag, value FROM results WHERE id IN (%1)")
                               .arg(placeholders(kChunkRows, "?")));
    }
    // Which rows want an id; an element may appear twice in one batch.
    std::vector<std::pair<qint64, int>> wanted;
    wanted.reserve(keys.size());
    for (std::size_t r = 0; r < keys.size(); ++r)
        wanted.emplace_back(keys[r].id, int(r));
    std::sort(wanted.begin(), wanted.end());

    Table &values = output->values();
    int hits = 0;
    for (std::size_t begin = 0; begin < keys.size(); begin += kChunkRows) {
        const std::size_t end = std::min(keys.size(), begin + kChunkRows);
        for (int i = 0; i < kChunkRows; ++i) // a short last chunk repeats its last id
            c->select->bindValue(i, keys[std::min(begin + std::size_t(i), end - 1)].id);
        if (!c->select->exec())
            return hits;
        while (c->select->next()) {
            const qint64 id = c->select->value(0).toLongLong();
            const qint64 tag = c->select->value(1).toLongLong();
            const QByteArray value = c->select->value(2).toByteArray();
            auto range = std::equal_range(wanted.begin(), wanted.end(), std::pair<qint64, int>(id, -1),
                                          [](const auto &a, const auto &b) { return a.first < b.first; });
            for (auto it = range.first; it != range.second; ++it) {
                const auto r = std::size_t(it->second);
                if (r < begin || r >= end || (*found)[r] || keys[r].tag != tag)
                    continue;
                if (decodeRow(value.constData(), value.size(), values, int(r))) {
                    (*found)[r] = 1;
                    ++hits;
                }
            }
        }
        c->select->finish();
    }
    if (hits > 0) {
        if (!c->touch) {
            c->touch = std::make_unique<QSqlQuery>(c->db);
            c->touch->prepare(
                QStringLiteral("UPDATE results SET used = ? WHERE id IN (%1)").arg(placeholders(kChunkRows, "?")));
        }
        std::vector<qint64> ids;
        for (std::size_t r = 0; r < keys.size(); ++r)
            if ((*found)[r])
                ids.push_back(keys[r].id);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QMutexLocker lock(&m_writeMutex);
        c->db.transaction();
        for (std::size_t begin = 0; begin < ids.size(); begin += kChunkRows) {
            const std::size_t end = std::min(ids.size(), begin + kChunkRows);
            c->touch->bindValue(0, now);
            for (int i = 0; i < kChunkRows; ++i)
                c->touch->bindValue(1 + i, ids[std::min(begin + std::size_t(i), end - 1)]);
            c->touch->exec();
        }
        c->db.commit();
    }
    return hits;
}

void ResultCache::store(const std::vector<CacheKey> &keys, const BatchOutput &output, const std::vector<char> &computed)
{
    QString error;
    Connection *c = connection(&error);
    if (!c)
        return;
    // Every value into one buffer first, outside the write lock.
    const Table &values = output.values();
    std::vector<std::size_t> rows;
    std::vector<qsizetype> ends;
    QByteArray buffer;
    const std::size_t n = std::min({keys.size(), computed.size(), std::size_t(output.rowCount())});
    rows.reserve(n);
    ends.reserve(n);
    for (std::size_t r = 0; r < n; ++r) {
        if (!computed[r] || output.failed(int(r)))
            continue; // failures are not cached: they may be transient
        encodeRow(buffer, values, int(r));
        rows.push_back(r);
        ends.push_back(buffer.size());
    }
    if (rows.empty())
        return;
    if (!c->insert) {
        c->insert = std::make_unique<QSqlQuery>(c->db);
        c->insert->prepare(QStringLiteral("INSERT OR REPLACE INTO results (id, tag, value, used) VALUES %1")
                               .arg(placeholders(kChunkRows, "(?,?,?,?)")));
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QMutexLocker lock(&m_writeMutex);
    c->db.transaction();
    for (std::size_t begin = 0; begin < rows.size(); begin += kChunkRows) {
        const std::size_t end = std::min(rows.size(), begin + kChunkRows);
        for (int i = 0; i < kChunkRows; ++i) {
            const std::size_t j = std::min(begin + std::size_t(i), end - 1); // a short chunk repeats its last row
            const qsizetype from = j == 0 ? 0 : ends[j - 1];
            const CacheKey &key = keys[rows[j]];
            c->insert->bindValue(4 * i, key.id);
            c->insert->bindValue(4 * i + 1, key.tag);
            // A view into `buffer`, which outlives the statement's execution.
            c->insert->bindValue(4 * i + 2, QByteArray::fromRawData(buffer.constData() + from, ends[j] - from));
            c->insert->bindValue(4 * i + 3, now);
        }
        c->insert->exec();
    }
    c->db.commit();
}

qint64 ResultCache::sizeBytes() const
{
    QString error;
    Connection *c = connection(&error);
    return c ? SqliteSpace::usedBytes(c->db) : 0;
}

qint64 ResultCache::entries() const
{
    QString error;
    Connection *c = connection(&error);
    if (!c)
        return 0;
    QSqlQuery q(c->db);
    return q.exec(QStringLiteral("SELECT COUNT(*) FROM results")) && q.next() ? q.value(0).toLongLong() : 0;
}

bool ResultCache::clear(QString *error)
{
    Connection *c = connection(error);
    if (!c)
        return false;
    QMutexLocker lock(&m_writeMutex);
    QSqlQuery q(c->db);
    if (!q.exec(QStringLiteral("DELETE FROM results"))) {
        *error = q.lastError().text();
        return false;
    }
    SqliteSpace::reclaim(c->db);
    return true;
}

void ResultCache::evict()
{
    QString error;
    Connection *c = connection(&error);
    if (!c)
        return;
    // Down to 90% of the limit, so that eviction does not run after every job.
    const qint64 target = m_limitBytes * 9 / 10;
    for (int round = 0; round < 4; ++round) {
        const qint64 size = SqliteSpace::usedBytes(c->db);
        if (size <= (round == 0 ? m_limitBytes : target))
            return;
        const qint64 count = entries();
        if (count == 0)
            return;
        // Entries are about the same size: drop the share of them that is over the target.
        const qint64 victims = qMax<qint64>(1, count - qint64(double(count) * double(target) / double(size)));
        QMutexLocker lock(&m_writeMutex);
        QSqlQuery q(c->db);
        q.prepare(QStringLiteral("DELETE FROM results WHERE id IN (SELECT id FROM results ORDER BY used, id LIMIT ?)"));
        q.addBindValue(victims);
        if (!q.exec())
            return;
        SqliteSpace::reclaim(c->db);
    }
}

} // namespace fastmap
