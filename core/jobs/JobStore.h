// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/Batch.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>

namespace fastmap {

// A job as stored: what was asked, where it stands, and what it produced.
struct JobRecord
{
    QString id;
    QDateTime created;
    QDateTime updated;
    QString state; // running, completed, completed with failures, cancelled, ...
    QJsonObject spec; // function, version, pluginSha256, params, input, dataset fingerprint, mapping, policy, output...
    QJsonObject summary;
    qint64 elements = 0; // rows stored
    qint64 failed = 0;

    QString functionId() const { return spec.value("function").toString(); }
    QString input() const { return spec.value("input").toString(); }
    QString output() const { return spec.value("output").toString(); }
    // The stored state, but "interrupted" for a running job whose process is gone (killed).
    QString currentState() const;
    // How many elements the job has in all, or -1 while nobody knows.
    qint64 totalElements() const;
};

// One stored batch: its place, its job-log line, and its outputs.
struct StoredBatch
{
    qint64 sequence = 0;
    qint64 firstRow = 0;
    int rows = 0;
    QString executor;
    qint64 startNs = 0;
    qint64 durationNs = 0;
    qint64 bytesIn = 0;
    qint64 bytesOut = 0;
    int failures = 0;
    QByteArray outputs; // ResultCodec::encodeOutput
};

// Every job, its batches and its results, in one SQLite database in WAL mode. A batch is stored
// in its own transaction as it is delivered in order, so a job killed at any moment keeps a
// consistent prefix of its results. One instance per thread.
class JobStore
{
public:
    explicit JobStore(const QString &path = defaultPath());
    ~JobStore();
    JobStore(const JobStore &) = delete;
    JobStore &operator=(const JobStore &) = delete;

    static QString defaultPath();
    static QString newJobId();

    bool open(QString *error);
    QString path() const { return m_path; }

    bool create(const JobRecord &job, QString *error);
    bool setState(const QString &id, const QString &state, const QJsonObject &summary, QString *error);
    bool setSpec(const QString &id, const QJsonObject &spec, QString *error);
    bool appendBatch(const QString &id, const StoredBatch &batch, QString *error);

    // Newest first.
    QList<JobRecord> jobs() const;
    // By id or a unique prefix of one.
    bool find(const QString &idOrPrefix, JobRecord *job, QString *error) const;
    bool remove(const QString &id, QString *error);
    // Calls `visit` for each stored batch in order; stops when it returns false.
    bool forEachBatch(const QString &id, const std::function<bool(const StoredBatch &)> &visit, bool withOutputs = true) const;
    // The stored batches' boundaries, first row -> rows, and how many rows are stored in all.
    QMap<qint64, int> batchPlan(const QString &id, qint64 *storedRows) const;
    bool readBatchOutputs(const QString &id, qint64 firstRow, QByteArray *outputs) const;

private:
    QString m_path;
    QString m_connection;
};

} // namespace fastmap
