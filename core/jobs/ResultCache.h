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
// wrong result. `job` names the prefix (its first 8 bytes), so that a job whose function and
// parameters the cache has never seen skips the lookups.
struct CacheKey
{
    qint64 id = 0;
    qint64 tag = 0;
    qint64 job = 0;
};

// A persistent cache of element results, in SQLite. The key holds the function's id, version
// and plugin hash, its parameters and the element's values, so an edited function never serves
// a stale result (mppfc keyed on arguments alone). Failures are never cached. Least recently
// used entries are evicted beyond a size limit.
//
// Cheap enough to run cold on any function it caches (about a microsecond an element, where it
// was 5-9): keys are a fast hash of the typed values, not SHA-256 of CBOR; each value is a few
// raw bytes; a job the cache has never seen does no lookups at all; and new entries are held
// in memory (up to kPendingBytes) and written sorted by key in one transaction, because random
// keys written a batch at a time rewrite nearly every page of the table for every batch (about
// 15 us an element at 10,000 elements a batch). They are written when the buffer is full, on
// evict() (at the end of a run) and on destruction; a crash before that loses them, which for
// a cache is only a miss. Lookups take a few hundred keys per statement. Use one instance per run.
// Thread-safe: each thread uses its own connection, writers take turns.
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

    // Writes the entries held in memory.
    void flush();
    // The pages in use, in bytes: what the limit is compared with (after a flush).
    qint64 sizeBytes();
    qint64 entries();
    bool clear(QString *error);
    // Writes what is held in memory, drops least recently used entries until the cache is under
    // 90% of its limit, and gives the space back to the file system.
    void evict();

    // One statement looks up or stores this many rows.
    static constexpr int kChunkRows = 256;
    // New entries held in memory before they are written.
    static constexpr qsizetype kPendingBytes = 64 * 1024 * 1024;
    // A hit on an entry used longer ago than this writes its new use time.
    static constexpr qint64 kTouchAfterMs = 3600 * 1000;

private:
    struct Connection;
    struct Pending
    {
        qint64 id;
        qint64 tag;
        qint64 job;
        qint64 used;
        qsizetype end; // in m_pendingValues
    };
    Connection *connection(QString *error) const;
    bool jobHasEntries(Connection *c, qint64 job);
    int lookupPending(const std::vector<CacheKey> &keys, Table &values, std::vector<char> *found);
    qsizetype pendingBytes() const; // under m_pendingMutex

    QString m_path;
    qint64 m_limitBytes;
    mutable QMutex m_mutex; // guards m_connections
    mutable QHash<quint64, std::shared_ptr<Connection>> m_connections; // by thread
    QMutex m_writeMutex; // one writer at a time, so none sleeps in SQLite's busy handler
    QMutex m_pendingMutex; // guards the members below
    std::vector<Pending> m_pending;
    QByteArray m_pendingValues;
    QHash<qint64, std::size_t> m_pendingById; // the latest entry of each id
    // Whether the file had entries of a job when it was first looked up. One it had none of stays
    // so for this instance's life (a run): its lookups read only what it holds in memory, so a
    // cold run costs no lookups in the file, even after a flush.
    QHash<qint64, bool> m_jobs;
    std::vector<qint64> m_touched; // hits whose use time is written with the next flush
};

} // namespace fastmap
