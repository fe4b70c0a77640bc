// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/ResultCache.h"

#include "jobs/ResultCodec.h"

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
#include <QThread>
#include <QVariant>

namespace fastmap {

ResultCache::ResultCache(const QString &path, qint64 limitBytes) : m_path(path), m_limitBytes(limitBytes) {}

ResultCache::~ResultCache()
{
    QMutexLocker lock(&m_mutex);
    for (const QString &name : std::as_const(m_connections))
        QSqlDatabase::removeDatabase(name);
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

QString ResultCache::connectionName() const
{
    return QStringLiteral("fastmap-cache-%1-%2").arg(quintptr(this), 0, 16).arg(quintptr(QThread::currentThreadId()), 0, 16);
}

bool ResultCache::ensureConnection(QString *error) const
{
    const QString name = connectionName();
    QMutexLocker lock(&m_mutex);
    if (m_connections.contains(name))
        return true;
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(m_path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
    if (!db.open()) {
        *error = QStringLiteral("cannot open the cache %1: %2").arg(m_path, db.lastError().text());
        QSqlDatabase::removeDatabase(name);
        return false;
    }
    QSqlQuery q(db);
    q.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
    q.exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
    m_connections << name;
    return true;
}

bool ResultCache::open(QString *error)
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    if (!ensureConnection(error))
        return false;
    QSqlQuery q(QSqlDatabase::database(connectionName()));
    if (!q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS cache (key BLOB PRIMARY KEY, value BLOB NOT NULL, "
                               "size INTEGER NOT NULL, used INTEGER NOT NULL)"))
        || !q.exec(QStringLiteral("CREATE INDEX IF NOT EXISTS cache_used ON cache(used)"))) {
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
    return functionId.toUtf8() + '\0' + version.toUtf8() + '\0' + pluginSha256.toUtf8() + '\0' + canonical + '\0';
}

QByteArray ResultCache::elementKey(const QByteArray &prefix, const QVariant *inputs, int columns)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(prefix);
    hash.addData(ResultCodec::encodeInputs(inputs, columns));
    return hash.result();
}

int ResultCache::lookup(const std::vector<QByteArray> &keys, int outputColumns, BatchOutput *output,
                        std::vector<char> *found)
{
    found->assign(keys.size(), 0);
    QString error;
    if (!ensureConnection(&error))
        return 0;
    QSqlDatabase db = QSqlDatabase::database(connectionName());
    QSqlQuery select(db);
    select.prepare(QStringLiteral("SELECT value FROM cache WHERE key = ?"));
    int hits = 0;
    for (std::size_t r = 0; r < keys.size(); ++r) {
        select.bindValue(0, keys[r]);
        if (select.exec() && select.next()
            && ResultCodec::decodeRow(select.value(0).toByteArray(), outputColumns, output->values().rowData(int(r)))) {
            (*found)[r] = 1;
            ++hits;
        }
    }
    if (hits > 0) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QMutexLocker lock(&m_mutex);
        db.transaction();
        QSqlQuery touch(db);
        touch.prepare(QStringLiteral("UPDATE cache SET used = ? WHERE key = ?"));
        for (std::size_t r = 0; r < keys.size(); ++r) {
            if (!(*found)[r])
                continue;
            touch.bindValue(0, now);
            touch.bindValue(1, keys[r]);
            touch.exec();
        }
        db.commit();
    }
    return hits;
}

void ResultCache::store(const std::vector<QByteArray> &keys, const BatchOutput &output, const std::vector<char> &computed)
{
    QString error;
    if (!ensureConnection(&error))
        return;
    QSqlDatabase db = QSqlDatabase::database(connectionName());
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QMutexLocker lock(&m_mutex);
    db.transaction();
    QSqlQuery insert(db);
    insert.prepare(QStringLiteral("INSERT OR REPLACE INTO cache (key, value, size, used) VALUES (?, ?, ?, ?)"));
    const Table &values = output.values();
    for (std::size_t r = 0; r < keys.size(); ++r) {
        if (!computed[r] || output.failed(int(r)))
            continue; // failures are not cached: they may be transient
        const QByteArray value = ResultCodec::encodeRow(values.rowData(int(r)), values.columnCount());
        insert.bindValue(0, keys[r]);
        insert.bindValue(1, value);
        insert.bindValue(2, qint64(value.size() + keys[r].size() + 16));
        insert.bindValue(3, now);
        insert.exec();
    }
    db.commit();
}

qint64 ResultCache::sizeBytes() const
{
    QString error;
    if (!ensureConnection(&error))
        return 0;
    QSqlQuery q(QSqlDatabase::database(connectionName()));
    return q.exec(QStringLiteral("SELECT COALESCE(SUM(size), 0) FROM cache")) && q.next() ? q.value(0).toLongLong() : 0;
}

qint64 ResultCache::entries() const
{
    QString error;
    if (!ensureConnection(&error))
        return 0;
    QSqlQuery q(QSqlDatabase::database(connectionName()));
    return q.exec(QStringLiteral("SELECT COUNT(*) FROM cache")) && q.next() ? q.value(0).toLongLong() : 0;
}

bool ResultCache::clear(QString *error)
{
    if (!ensureConnection(error))
        return false;
    QSqlQuery q(QSqlDatabase::database(connectionName()));
    if (!q.exec(QStringLiteral("DELETE FROM cache"))) {
        *error = q.lastError().text();
        return false;
    }
    q.exec(QStringLiteral("VACUUM"));
    return true;
}

void ResultCache::evict()
{
    qint64 size = sizeBytes();
    if (size <= m_limitBytes)
        return;
    QSqlDatabase db = QSqlDatabase::database(connectionName());
    QMutexLocker lock(&m_mutex);
    QSqlQuery q(db);
    // Down to 90% of the limit, so that eviction does not run after every batch.
    const qint64 target = m_limitBytes * 9 / 10;
    q.prepare(QStringLiteral("SELECT key, size FROM cache ORDER BY used ASC"));
    if (!q.exec())
        return;
    QList<QByteArray> victims;
    while (size > target && q.next()) {
        victims << q.value(0).toByteArray();
        size -= q.value(1).toLongLong();
    }
    q.finish();
    db.transaction();
    QSqlQuery remove(db);
    remove.prepare(QStringLiteral("DELETE FROM cache WHERE key = ?"));
    for (const QByteArray &key : std::as_const(victims)) {
        remove.bindValue(0, key);
        remove.exec();
    }
    db.commit();
}

} // namespace fastmap
