// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <fastmap/Function.h>

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QString>

#include <memory>
#include <vector>

namespace fastmap {

// One element's key: 128 bits of RowHash over the job's prefix and the element's typed inputs.
// `id` is the SQLite rowid, `tag` is checked on every hit, so a 64-bit clash is a miss, not a
// wrong result.
struct CacheKey
{
    qint64 id = 0;
    qint64 tag = 0;
};

// A persistent cache of element results, in SQLite. The key holds the function's id, version
// and plugin hash, its parameters and the element's values, so an edited function never serves
// a stale result (mppfc keyed on arguments alone). Failures are never cached. Least recently
// used entries are evicted beyond a size limit.
//
// Cheap enough to run cold on any function it caches (about a microsecond an element): keys are
// a fast hash of the typed values, not SHA-256 of CBOR; a batch is looked up and stored a few
// hundred rows per SQL statement through statements prepared once per thread; each value is a few
// raw bytes. Thread-safe: each thread uses its own connection, writers take turns.
class ResultCache
{
public:
    enum class Mode { Use, Refresh, Off };

    explicit ResultCache(const QString &path, qint64 limitBytes = kDefaultLimitBytes);
    ~ResultCache();
    ResultCache(const ResultCache &) = delete;
    ResultCache &operator=(const ResultCache &) = delete;

    static constexpr qint64 kDefaultLimitBytes = 1024ll * 1024 * 1024;
    static QString defaultPath();
    static bool modeFromName(const QString &name, Mode *mode);

    bool open(QString *error);
    QString path() const { return m_path; }
    qint64 limitBytes() const { return m_limitBytes; }

    // The part of every key that is the same for a whole job: a SHA-256 of the function's
    // identity and its canonical parameters, computed once per job.
    static QByteArray keyPrefix(const QString &functionId, const QString &version, const QString &pluginSha256,
                                const QVariantMap &params);
    // The key of row `row` of `inputs` (the function's typed inputs).
    static CacheKey elementKey(const QByteArray &prefix, const Table &inputs, int row);
    // Every row's key at once, column by column: the same keys, faster.
    static void elementKeys(const QByteArray &prefix, const Table &inputs, std::vector<CacheKey> *keys);

    // Fills the rows of `output` (sized keys.size() rows, typed `outputTypes`) that it knows;
    // `found[r]` tells which. Returns how many.
    int lookup(const std::vector<CacheKey> &keys, const std::vector<ColumnType> &outputTypes, BatchOutput *output,
               std::vector<char> *found);
    // Remembers the successful rows whose `computed[r]` is set, in one transaction.
    void store(const std::vector<CacheKey> &keys, const BatchOutput &output, const std::vector<char> &computed);

    // The pages in use, in bytes: what the limit is compared with.
    qint64 sizeBytes() const;
    qint64 entries() const;
    bool clear(QString *error);
    // Drops least recently used entries until the cache is under 90% of its limit, and gives the
    // space back to the file system.
    void evict();

    // One statement looks up or stores this many rows.
    static constexpr int kChunkRows = 256;

private:
    struct Connection;
    Connection *connection(QString *error) const;

    QString m_path;
    qint64 m_limitBytes;
    mutable QMutex m_mutex; // guards m_connections
    mutable QHash<quint64, std::shared_ptr<Connection>> m_connections; // by thread
    QMutex m_writeMutex; // one writer at a time, so none sleeps in SQLite's busy handler
};

} // namespace fastmap
