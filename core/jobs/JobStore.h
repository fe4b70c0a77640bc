// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/Batch.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <functional>

class QSqlDatabase;

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
    qint64 elements = 0; // rows in the job log
    qint64 failed = 0;
    QDateTime resultsDropped; // when its stored results were dropped; invalid while they are kept
    qint64 storedBytes = 0;   // what its stored results take

    QString functionId() const { return spec.value("function").toString(); }
    QString input() const { return spec.value("input").toString(); }
    QString output() const { return spec.value("output").toString(); }
    // Asked with --keep-results: the stored results stay after the job completes.
    bool keepResults() const { return spec.value("keepResults").toBool(); }
    bool hasStoredResults() const { return !resultsDropped.isValid(); }
    // The stored state, but "interrupted" for a running job whose process is gone (killed).
    QString currentState() const;
    bool isCompleted() const;
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
    QByteArray outputs;     // TableCodec::encode of the batch's BatchOutput; empty once dropped
    QByteArray errors;      // JobStore::encodeErrors; empty without failures. Kept when outputs are dropped.
    qint64 inputHash = 0;   // RowHash of the batch's raw records, to check them on resume; 0: none
    qint64 storedBytes = 0; // the size of `outputs` as stored (also when `outputs` was not read)
};

// Every job, its batches and its results, in one SQLite database in WAL mode. A batch is stored
// in its own transaction as it is delivered in order, so a job killed at any moment keeps a
// consistent prefix of its results. A completed job's outputs are dropped once its result file
// is in place (JobRecorder); the job log, the errors and the summary stay. One instance per thread.
class JobStore
{
public:
    explicit JobStore(const QString &path = defaultPath());
    ~JobStore();
    JobStore(const JobStore &) = delete;
    JobStore &operator=(const JobStore &) = delete;

    // The size cap's default: beyond it, the oldest finished jobs' stored results are dropped.
    static constexpr qint64 kDefaultLimitBytes = 2048ll * 1024 * 1024;
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
    // The boundaries of the batches whose outputs are stored, first row -> rows (the contiguous
    // prefix from row 0 only), and how many rows that prefix holds.
    QMap<qint64, int> batchPlan(const QString &id, qint64 *storedRows) const;
    // The same batches' input hashes, first row -> hash.
    QMap<qint64, qint64> inputHashes(const QString &id) const;
    bool readBatchOutputs(const QString &id, qint64 firstRow, QByteArray *outputs) const;
    // Forgets the batches from `firstRow` on (a resume recomputes them), and the job's results
    // count as stored again.
    bool truncateBatches(const QString &id, qint64 firstRow, QString *error);

    // Retention. Drops the stored outputs of `ids` (job log, errors and summary stay) in one
    // transaction and gives the space back to the file system.
    bool dropResults(const QStringList &ids, QString *error);
    // Drops the oldest finished jobs' stored results (those without --keep-results first) until
    // the store is under `limitBytes`. Running jobs and `except` are never touched. Returns the
    // jobs whose results were dropped.
    QList<JobRecord> enforceLimit(qint64 limitBytes, QString *error, const QString &except = {});
    // Drops the stored results of every finished job last updated before `updatedBefore` (of
    // every finished job when it is invalid). Returns the jobs whose results were dropped.
    QList<JobRecord> pruneFinished(const QDateTime &updatedBefore, QString *error);
    // The pages in use, in bytes: what the cap is compared with.
    qint64 usedBytes() const;
    // What jobs.db and its write-ahead log take on disk.
    qint64 fileBytes() const;

    // A batch's failures, [[row, message]...] in CBOR; empty without any.
    static QByteArray encodeErrors(const BatchOutput &output);
    // Calls `visit(row, message)` for each; false on a damaged blob.
    static bool decodeErrors(const QByteArray &blob, const std::function<void(int, const QString &)> &visit);

private:
    bool migrate(QString *error);
    bool upgrade(QSqlDatabase &db, QString *error);

    QString m_path;
    QString m_connection;
};

} // namespace fastmap
