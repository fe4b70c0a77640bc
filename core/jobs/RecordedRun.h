// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "jobs/JobRecorder.h"
#include "jobs/JobStore.h"
#include "jobs/ResultCache.h"

#include <QJsonObject>
#include <QStringList>

#include <memory>

namespace fastmap {

class PluginCatalog;
struct JobDescription;
struct JobSummary;

// Everything that makes one run of the engine a durable job, for fastmap-cli and the desktop
// app alike: it completes the description (plugin hash, dataset fingerprint, typed params, this
// process), refuses a resume whose plugin or dataset changed, creates or reopens the job's row,
// wraps the caller's sink in a JobRecorder, opens the cache and records the final state. Once a
// job completed and its result file is in place, its stored results are dropped (unless it keeps
// them), and the store is held under its size cap. Printing, progress and the charges question
// stay with the caller. One instance per run, used from one thread.
class RecordedRun
{
public:
    enum class Refusal {
        None,
        NoFunction, // the job's function is not installed
        Input,      // the dataset cannot be read, or the plugin or dataset changed since (resume)
        Store,      // the job's row cannot be written
    };

    explicit RecordedRun(PluginCatalog *catalog, const QString &storePath = JobStore::defaultPath());
    ~RecordedRun();
    RecordedRun(const RecordedRun &) = delete;
    RecordedRun &operator=(const RecordedRun &) = delete;

    // A new job's id, chosen up front so that a caller can name files after it.
    QString jobId() const { return m_jobId; }

    // --no-record: the job runs without the store at all: no job row, nothing to resume. Call
    // before prepare().
    void setRecord(bool record) { m_record = record; }
    // The store's size cap (JobStore::enforceLimit after the run); < 0: none.
    void setStoreLimit(qint64 bytes) { m_storeLimit = bytes; }
    qint64 storeLimit() const { return m_storeLimit; }

    // Gets ready to run `description` as a new job, or with `resumeId` to finish that job.
    // Returns Refusal::None, or why not with a message in `error`. When the store cannot be
    // opened the run goes on unrecorded and warnings() says so.
    Refusal prepare(JobDescription &description, const QString &resumeId, QString *error);
    // Opens the persistent cache for `mode`; false (with a warning) when it cannot, and the
    // run goes on without it.
    bool openCache(ResultCache::Mode mode, QString *warning);

    bool recording() const { return m_recording; }
    bool resuming() const { return !m_resumeId.isEmpty(); }
    qint64 storedRows() const { return m_storedRows; }
    QStringList warnings() const { return m_warnings; }

    // What to hand to the engine: `file` behind the recorder when recording.
    ResultSink *sink(ResultSink *file);
    StoredResults *storedResults() const { return m_stored.get(); }
    ResultCache *cache() const { return m_cache.get(); }
    ResultCache::Mode cacheMode() const { return m_cacheMode; }

    // The total number of elements, once the engine knows it, for the job history.
    void recordTotal(qint64 total);
    // The engine refused to start: a new job that never ran is removed again.
    void abandon();
    // The engine finished: evicts the cache, stores the job's final state and summary, drops the
    // stored results of a completed job whose result file is in place (unless --keep-results)
    // and prunes older jobs beyond the size cap.
    void finish(const JobSummary &summary);
    // After finish(): whether this job's results were dropped, and which older jobs' were pruned.
    bool resultsDropped() const { return m_resultsDropped; }
    QList<JobRecord> pruned() const { return m_pruned; }

    static QJsonObject summaryToJson(const JobSummary &summary);

    // Checks that the stored job can be resumed and reads its description. The killed run's
    // half-written temporary result file is removed: the output is rewritten whole.
    static bool loadForResume(const JobRecord &job, JobDescription *description, QString *error);

private:
    void applyRetention(const JobSummary &summary);

    PluginCatalog *m_catalog;
    JobStore m_store;
    QString m_jobId;
    QString m_resumeId;
    bool m_record = true;
    qint64 m_storeLimit = JobStore::kDefaultLimitBytes;
    bool m_recording = false;
    bool m_resultsDropped = false;
    QList<JobRecord> m_pruned;
    QString m_output;
    bool m_keepResults = false;
    QMap<qint64, qint64> m_storedInputs;
    qint64 m_storedRows = 0;
    qint64 m_total = -1;
    QStringList m_warnings;
    std::unique_ptr<JobStoreResults> m_stored;
    std::unique_ptr<ResultCache> m_cache;
    ResultCache::Mode m_cacheMode = ResultCache::Mode::Off;
    std::unique_ptr<JobRecorder> m_recorder;
};

} // namespace fastmap
