// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/Batch.h"
#include "jobs/JobOutputFiles.h"

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

// One stored batch: its place, its job-log line, and where its outputs are.
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
    QByteArray outputs;     // to appendBatch(): TableCodec::encode of the batch's BatchOutput
    qint64 outputsHash = 0; // to appendBatch(): JobOutputFiles::hash(outputs), or 0 to have it computed
    QByteArray errors;      // JobStore::encodeErrors; empty without failures. Kept when outputs are dropped.
    qint64 inputHash = 0;   // RowHash of the batch's raw records, to check them on resume; 0: none
    qint64 outputsAt = 0;   // where the outputs start in the job's output file
    qint64 storedBytes = 0; // their length there; 0 once dropped
};

// Every job and its batches in one SQLite database in WAL mode, each job's batch outputs in a
// file of its own beside it (JobOutputFiles). A batch's outputs are written to that file, then
// its row (job-log line, errors, offset and length) is committed in its own transaction, as it
// is delivered in order: a job killed at any moment keeps a consistent prefix of its results,
// and a row whose bytes are not all in the file does not count as stored. A completed job's
// outputs are dropped once its result file is in place (JobRecorder): its file is deleted, and
// the job log, the errors and the summary stay. One instance per thread.
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
    // Where the jobs' output files are: `path` + "-results".
    static QString outputsDirectory(const QString &path);
    QString outputsPath(const QString &id) const { return m_outputs.path(id); }

    bool create(const JobRecord &job, QString *error);
    bool setState(const QString &id, const QString &state, const QJsonObject &summary, QString *error);
    bool setSpec(const QString &id, const QJsonObject &spec, QString *error);
    bool appendBatch(const QString &id, const StoredBatch &batch, QString *error);

    // Newest first.
    QList<JobRecord> jobs() const;
    // By id or a unique prefix of one.
    bool find(const QString &idOrPrefix, JobRecord *job, QString *error) const;
    // The job, its batches and its output file.
    bool remove(const QString &id, QString *error);
    // Calls `visit` for each stored batch in order (without its outputs); stops when it returns false.
    bool forEachBatch(const QString &id, const std::function<bool(const StoredBatch &)> &visit) const;
    // The boundaries of the batches whose outputs are stored, first row -> rows (the contiguous
    // prefix from row 0 only, whose bytes are all in the job's file), and how many rows that
    // prefix holds.
    QMap<qint64, int> batchPlan(const QString &id, qint64 *storedRows) const;
    // The same batches' input hashes, first row -> hash.
    QMap<qint64, qint64> inputHashes(const QString &id) const;
    // False when they are not stored, or their bytes are missing or not those written.
    bool readBatchOutputs(const QString &id, qint64 firstRow, QByteArray *outputs) const;
    // Forgets the batches from `firstRow` on (a resume recomputes them) and cuts the job's file
    // after the rest, and the job's results count as stored again.
    bool truncateBatches(const QString &id, qint64 firstRow, QString *error);

    // Retention. Drops the stored outputs of `ids` (job log, errors and summary stay) in one
    // transaction, then deletes their files.
    bool dropResults(const QStringList &ids, QString *error);
    // Drops the oldest finished jobs' stored results (those without --keep-results first) until
    // the store (fileBytes()) is under `limitBytes`. Running jobs and `except` are never touched.
    // Returns the jobs whose results were dropped.
    QList<JobRecord> enforceLimit(qint64 limitBytes, QString *error, const QString &except = {});
    // Drops the stored results of every finished job last updated before `updatedBefore` (of
    // every finished job when it is invalid). Returns the jobs whose results were dropped.
    QList<JobRecord> pruneFinished(const QDateTime &updatedBefore, QString *error);
    // What the store takes on disk: jobs.db, its write-ahead log and the output files. What the
    // cap is compared with and what Settings and `jobs prune` show.
    qint64 fileBytes() const;

    // A batch's failures, [[row, message]...] in CBOR; empty without any.
    static QByteArray encodeErrors(const BatchOutput &output);
    // Calls `visit(row, message)` for each; false on a damaged blob.
    static bool decodeErrors(const QByteArray &blob, const std::function<void(int, const QString &)> &visit);

private:
    bool migrate(QString *error);
    bool upgrade(QSqlDatabase &db, QString *error);
    bool convertSdk1Errors(QSqlDatabase &db, QString *error);
    bool moveOutputsToFiles(QSqlDatabase &db, QString *error);
    // Deletes the output files of jobs that are gone or whose results were dropped (a crash
    // between the commit and the delete).
    void removeStrayOutputs();

    QString m_path;
    QString m_connection;
    JobOutputFiles m_outputs;
};

} // namespace fastmap
