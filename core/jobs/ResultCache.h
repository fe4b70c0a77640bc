// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <fastmap/Function.h>

#include <QByteArray>
#include <QMutex>
#include <QString>

#include <vector>

namespace fastmap {

// A persistent cache of element results, in SQLite. The key holds the function's id, version
// and plugin hash, its parameters and the element's values, so an edited function never serves
// a stale result (mppfc keyed on arguments alone). Failures are never cached. Least recently
// used entries are evicted beyond a size limit. Thread-safe: each thread uses its own connection.
class ResultCache
{
public:
    enum class Mode { Use, Refresh, Off };

    explicit ResultCache(const QString &path, qint64 limitBytes = kDefaultLimitBytes);
    ~ResultCache();

    static constexpr qint64 kDefaultLimitBytes = 1024ll * 1024 * 1024;
    static QString defaultPath();
    static bool modeFromName(const QString &name, Mode *mode);

    bool open(QString *error);
    QString path() const { return m_path; }

    // The part of every key that is the same for a whole job.
    static QByteArray keyPrefix(const QString &functionId, const QString &version, const QString &pluginSha256,
                                const QVariantMap &params);
    static QByteArray elementKey(const QByteArray &prefix, const QVariant *inputs, int columns);

    // Fills the rows it knows; `found[r]` tells which. Returns how many.
    int lookup(const std::vector<QByteArray> &keys, int outputColumns, BatchOutput *output, std::vector<char> *found);
    // Remembers the successful rows whose `computed[r]` is set.
    void store(const std::vector<QByteArray> &keys, const BatchOutput &output, const std::vector<char> &computed);

    qint64 sizeBytes() const;
    qint64 entries() const;
    bool clear(QString *error);
    // Drops least recently used entries until the cache is under its limit.
    void evict();

private:
    QString connectionName() const;
    bool ensureConnection(QString *error) const;

    QString m_path;
    qint64 m_limitBytes;
    mutable QMutex m_mutex; // guards m_connections and serialises writers
    mutable QStringList m_connections;
};

} // namespace fastmap
