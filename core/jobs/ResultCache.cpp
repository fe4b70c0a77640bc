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
#include <QSet>
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

qint64 jobOf(const QByteArray &prefix)
{
    return prefix.size() >= 8 ? qFromLittleEndian<qint64>(prefix.constData()) : qint64(seedOf(prefix).a);
}

CacheKey keyOf(const RowHash::Value &v, qint64 job)
{
    return CacheKey{qint64(v.a), qint64(v.b), job};
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
    flush();
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
    // Before the first table exists, or it takes a VACUUM (open() does so).
    q.exec(QString::fromLatin1(SqliteSpace::kAutoVacuumPragma));
    q.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
    q.exec(QStringLiteral("PRAGMA synchronous=NORMAL")); // a lost entry after a power cut is only a miss
    q.exec(QStringLiteral("PRAGMA journal_size_limit=67108864"));
    q.exec(QStringLiteral("PRAGMA mmap_size=268435456")); // lookups read pages in place, not through read()
    q.exec(QStringLiteral("PRAGMA cache_size=-32768")); // 32 MiB: a flush writes each page once, not again after a spill
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
    // on auto-vacuum for a file made before it.
    if (version < 2) {
        QMutexLocker write(&m_writeMutex);
        q.exec(QStringLiteral("DROP TABLE IF EXISTS cache"));
        if (SqliteSpace::autoVacuum(c->db) != 1)
            SqliteSpace::vacuum(c->db);
    }
    if (!q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS results (id INTEGER PRIMARY KEY, tag INTEGER NOT NULL, "
                               "value BLOB NOT NULL, used INTEGER NOT NULL)"))
        || !q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS jobs (job INTEGER PRIMARY KEY)"))
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
    return keyOf(h.result(), jobOf(prefix));
}

void ResultCache::elementKeys(const QByteArray &prefix, const Table &inputs, std::vector<CacheKey> *keys)
{
    const RowHash::Value seed = seedOf(prefix);
    const qint64 job = jobOf(prefix);
    const int rows = inputs.rowCount();
    keys->resize(std::size_t(rows));
    for (int r = 0; r < rows; ++r) {
        RowHash h(seed);
        h.row(inputs, r);
        (*keys)[std::size_t(r)] = keyOf(h.result(), job);
    }
}

bool ResultCache::jobHasEntries(Connection *c, qint64 job)
{
    {
        QMutexLocker lock(&m_pendingMutex);
        if (const auto it = m_jobs.constFind(job); it != m_jobs.cend())
            return *it;
    }
    QSqlQuery q(c->db);
    q.prepare(QStringLiteral("SELECT 1 FROM jobs WHERE job = ?"));
    q.addBindValue(job);
    const bool has = q.exec() && q.next();
    QMutexLocker lock(&m_pendingMutex);
    m_jobs.insert(job, has); // for this instance's life: a cold job stays cold, its own entries are in memory
    return has;
}

int ResultCache::lookupPending(const std::vector<CacheKey> &keys, Table &values, std::vector<char> *found)
{
    QMutexLocker lock(&m_pendingMutex);
    if (m_pendingById.isEmpty())
        return 0;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    int hits = 0;
    for (std::size_t r = 0; r < keys.size(); ++r) {
        const auto it = m_pendingById.constFind(keys[r].id);
        if (it == m_pendingById.cend())
            continue;
        Pending &p = m_pending[*it];
        p.used = now;
        const qsizetype begin = *it == 0 ? 0 : m_pending[*it - 1].end;
        if (p.tag == keys[r].tag && decodeRow(m_pendingValues.constData() + begin, p.end - begin, values, int(r))) {
            (*found)[r] = 1;
            ++hits;
        }
    }
    return hits;
}

int ResultCache::lookup(const std::vector<CacheKey> &keys, const std::vector<ColumnType> &outputTypes,
                        BatchOutput *output, std::vector<char> *found)
{
    found->assign(keys.size(), 0);
    QString error;
    Connection *c = connection(&error);
    if (!c || keys.empty() || output->values().types() != outputTypes || output->rowCount() < int(keys.size()))
        return 0;
    Table &values = output->values();
    int hits = lookupPending(keys, values, found);
    if (!jobHasEntries(c, keys.front().job))
        return hits;
    if (!c->select) {
        c->select = std::make_unique<QSqlQuery>(c->db);
        c->select->setForwardOnly(true);
        c->select->prepare(QStringLiteral("SELECT id, tag, value, used FROM results WHERE id IN (%1)")
                               .arg(placeholders(kChunkRows, "?")));
    }
    // Which rows want an id; an element may appear twice in one batch.
    std::vector<std::pair<qint64, int>> wanted;
    wanted.reserve(keys.size());
    for (std::size_t r = 0; r < keys.size(); ++r)
        if (!(*found)[r])
            wanted.emplace_back(keys[r].id, int(r));
    std::sort(wanted.begin(), wanted.end());
    std::vector<qint64> touched;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (std::size_t begin = 0; begin < wanted.size(); begin += kChunkRows) {
        const std::size_t end = std::min(wanted.size(), begin + kChunkRows);
        for (int i = 0; i < kChunkRows; ++i) // a short last chunk repeats its last id
            c->select->bindValue(i, wanted[std::min(begin + std::size_t(i), end - 1)].first);
        if (!c->select->exec())
            break;
        while (c->select->next()) {
            const qint64 id = c->select->value(0).toLongLong();
            const qint64 tag = c->select->value(1).toLongLong();
            const QByteArray value = c->select->value(2).toByteArray();
            // Used within the hour: not worth a write (LRU to the hour is close enough).
            const bool stale = c->select->value(3).toLongLong() < now - kTouchAfterMs;
            auto range = std::equal_range(wanted.begin() + qsizetype(begin), wanted.begin() + qsizetype(end),
                                          std::pair<qint64, int>(id, -1),
                                          [](const auto &a, const auto &b) { return a.first < b.first; });
            bool hit = false;
            for (auto it = range.first; it != range.second; ++it) {
                const auto r = std::size_t(it->second);
                if (keys[r].tag == tag && decodeRow(value.constData(), value.size(), values, int(r))) {
                    (*found)[r] = 1;
                    ++hits;
                    hit = true;
                }
            }
            if (hit && stale)
                touched.push_back(id);
        }
        c->select->finish();
    }
    if (!touched.empty()) {
        bool full = false;
        {
            QMutexLocker lock(&m_pendingMutex);
            m_touched.insert(m_touched.end(), touched.begin(), touched.end());
            full = pendingBytes() > kPendingBytes;
        }
        if (full)
            flush();
    }
    return hits;
}

void ResultCache::store(const std::vector<CacheKey> &keys, const BatchOutput &output, const std::vector<char> &computed)
{
    // Encoded outside the lock, into a buffer of this batch's own.
    const Table &values = output.values();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    std::vector<Pending> batch;
    QByteArray encoded;
    const std::size_t n = std::min({keys.size(), computed.size(), std::size_t(output.rowCount())});
    batch.reserve(n);
    for (std::size_t r = 0; r < n; ++r) {
        if (!computed[r] || output.failed(int(r)))
            continue; // failures are not cached: they may be transient
        encodeRow(encoded, values, int(r));
        batch.push_back(Pending{keys[r].id, keys[r].tag, keys[r].job, now, encoded.size()});
    }
    if (batch.empty())
        return;
    bool full = false;
    {
        QMutexLocker lock(&m_pendingMutex);
        const qsizetype base = m_pendingValues.size();
        m_pendingValues.append(encoded);
        for (Pending &p : batch) {
            p.end += base;
            m_pendingById.insert(p.id, m_pending.size());
            m_pending.push_back(p);
        }
        full = pendingBytes() > kPendingBytes;
    }
    if (full)
        flush();
}

qsizetype ResultCache::pendingBytes() const
{
    // The values, each entry with its share of the index, and the hits to touch.
    return m_pendingValues.size() + qsizetype(m_pending.size() * (sizeof(Pending) + 32) + m_touched.size() * 8);
}

void ResultCache::flush()
{
    std::vector<Pending> pending;
    QByteArray values;
    std::vector<qint64> touched;
    {
        QMutexLocker lock(&m_pendingMutex);
        if (m_pending.empty() && m_touched.empty())
            return;
        pending.swap(m_pending);
        values.swap(m_pendingValues);
        touched.swap(m_touched);
        m_pendingById.clear();
    }
    QString error;
    Connection *c = connection(&error);
    if (!c)
        return;
    // In key order, the latest entry of each key: each page of the table is written once.
    std::vector<std::size_t> order(pending.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return pending[a].id < pending[b].id; });
    std::vector<std::size_t> rows;
    rows.reserve(order.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        if (i + 1 == order.size() || pending[order[i + 1]].id != pending[order[i]].id)
            rows.push_back(order[i]);
    QSet<qint64> jobs;
    for (const Pending &p : pending)
        jobs.insert(p.job);
    if (!c->insert) {
        c->insert = std::make_unique<QSqlQuery>(c->db);
        c->insert->prepare(QStringLiteral("INSERT OR REPLACE INTO results (id, tag, value, used) VALUES %1")
                               .arg(placeholders(kChunkRows, "(?,?,?,?)")));
    }
    QMutexLocker lock(&m_writeMutex);
    c->db.transaction();
    for (std::size_t begin = 0; begin < rows.size(); begin += kChunkRows) {
        const std::size_t end = std::min(rows.size(), begin + kChunkRows);
        for (int i = 0; i < kChunkRows; ++i) {
            const std::size_t j = rows[std::min(begin + std::size_t(i), end - 1)]; // a short chunk repeats its last row
            const qsizetype from = j == 0 ? 0 : pending[j - 1].end;
            c->insert->bindValue(4 * i, pending[j].id);
            c->insert->bindValue(4 * i + 1, pending[j].tag);
            // A view into `values`, which outlives the statement's execution.
            c->insert->bindValue(4 * i + 2, QByteArray::fromRawData(values.constData() + from, pending[j].end - from));
            c->insert->bindValue(4 * i + 3, pending[j].used);
        }
        c->insert->exec();
    }
    QSqlQuery q(c->db);
    for (const qint64 job : std::as_const(jobs)) {
        q.prepare(QStringLiteral("INSERT OR IGNORE INTO jobs (job) VALUES (?)"));
        q.addBindValue(job);
        q.exec();
    }
    // The hits' use times, in key order too.
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    if (!touched.empty() && !c->touch) {
        c->touch = std::make_unique<QSqlQuery>(c->db);
        c->touch->prepare(QStringLiteral("UPDATE results SET used = ? WHERE id IN (%1)").arg(placeholders(kChunkRows, "?")));
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (std::size_t begin = 0; begin < touched.size(); begin += kChunkRows) {
        const std::size_t end = std::min(touched.size(), begin + kChunkRows);
        c->touch->bindValue(0, now);
        for (int i = 0; i < kChunkRows; ++i)
            c->touch->bindValue(1 + i, touched[std::min(begin + std::size_t(i), end - 1)]);
        c->touch->exec();
    }
    c->db.commit();
}

qint64 ResultCache::sizeBytes()
{
    flush();
    QString error;
    Connection *c = connection(&error);
    return c ? SqliteSpace::usedBytes(c->db) : 0;
}

qint64 ResultCache::entries()
{
    flush();
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
    {
        QMutexLocker lock(&m_pendingMutex);
        m_pending.clear();
        m_pendingValues.clear();
        m_pendingById.clear();
        m_jobs.clear();
    }
    QMutexLocker lock(&m_writeMutex);
    QSqlQuery q(c->db);
    if (!q.exec(QStringLiteral("DELETE FROM results")) || !q.exec(QStringLiteral("DELETE FROM jobs"))) {
        *error = q.lastError().text();
        return false;
    }
    SqliteSpace::reclaim(c->db);
    return true;
}

void ResultCache::evict()
{
    flush();
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
