// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "LiveData.h"
#include "engine/Engine.h"
#include "jobs/JobStore.h"
#include "jobs/ResultCache.h"

#include <QObject>
#include <QTemporaryDir>
#include <QTimer>

#include <memory>

namespace fastmap {

class ErrorTableModel;
struct JobDescription;
class GuiResultSink;
class RecordedRun;
class ResultTableModel;
class ResultWriter;
class WorkerTableModel;

// Runs jobs for the window: owns the engine, turns its results into the table models and the
// live data, retries failed elements and exports results. Every run is a durable job in the job
// store (RecordedRun, as fastmap-cli's), with its results also written to a file in the app's
// data folder, so a killed app's job resumes from the history or with `fastmap-cli resume`.
// No widgets, so tests drive it directly.
class JobController : public QObject
{
    Q_OBJECT
public:
    explicit JobController(PluginCatalog *catalog, QObject *parent = nullptr);
    ~JobController() override;

    // Where jobs are recorded; the default is fastmap-cli's store.
    void setStorePath(const QString &path) { m_storePath = path; }
    QString storePath() const { return m_storePath; }
    void setCacheMode(ResultCache::Mode mode) { m_cacheMode = mode; }
    // The job store's size cap for the app's runs, in bytes; < 0: none (Settings, run/storeLimit).
    void setStoreLimit(qint64 bytes) { m_storeLimit = bytes; }
    // The folder of the result files of the app's jobs: beside the job store.
    QString resultsFolder() const;

    bool start(const JobSpec &spec, QString *error);
    // Finishes a stopped, interrupted or killed job from the store: only what is unfinished is
    // computed, and the result file is rewritten byte for byte as an uninterrupted run writes it.
    // `token` and `chargesConfirmed` are this session's, as a new run's.
    bool resumeJob(const QString &jobId, const QByteArray &token, bool chargesConfirmed, QString *error);
    // Runs the failed elements of the last job again, with `params` (e.g. corrected), and puts
    // their new results in place.
    bool retryFailed(const QVariantMap &params, QString *error);
    void pause();
    void resume();
    // Stops handing out work; running batches get the spec's grace period (stopGraceSeconds), then
    // their function hosts are killed (process isolation) or their threads left behind.
    void cancel();
    // The same without the grace period (a second Cancel).
    void stopNow();
    // cancel() was called on the running job.
    bool isCancelling() const { return m_cancelling && isRunning(); }
    void confirmCharges(bool accepted);
    bool isRunning() const;
    bool isPaused() const;
    bool isRetrying() const { return m_retrying; }

    // Writes the results as CSV or JSON Lines (by extension), input columns included.
    bool exportResults(const QString &path, QString *error) const;

    ResultTableModel *results() const { return m_results; }
    ErrorTableModel *errors() const { return m_errors; }
    WorkerTableModel *workers() const { return m_workers; }
    LiveData &live() { return m_live; }
    const JobSpec &lastSpec() const { return m_spec; }
    const JobSummary &lastSummary() const { return m_summary; }
    // The job whose results, errors and live data the models hold (empty when none was recorded).
    QString currentJobId() const { return m_jobId; }
    QString lastOutputPath() const { return m_outputPath; }

signals:
    void progressChanged(const fastmap::JobProgress &progress);
    void noteAdded(const QString &message);
    void estimateReady(const fastmap::Estimate &estimate);
    void confirmationNeeded(const fastmap::Estimate &estimate);
    void finished(const fastmap::JobSummary &summary);
    void runningChanged(bool running);
    void liveDataChanged();
    // A job was recorded, resumed or ended: the job history changed.
    void jobsChanged();

private:
    bool launch(const JobSpec &spec, ResultSink *sink, QString *error);
    bool launchRecorded(JobDescription &description, const QString &resumeId, QString *error);
    void onBegun(const QStringList &datasetColumns, const QStringList &outputColumns);
    void onBatch(const BatchResult &result);
    void onProgress(const JobProgress &progress);
    void onFinished(const JobSummary &summary);
    void pollWorkers();

    PluginCatalog *m_catalog;
    Engine m_engine;
    std::unique_ptr<GuiResultSink> m_sink;
    ResultTableModel *m_results;
    ErrorTableModel *m_errors;
    WorkerTableModel *m_workers;
    LiveData m_live;
    QTimer m_workerPoll;
    JobSpec m_spec;
    JobSummary m_summary;
    bool m_retrying = false;
    bool m_cancelling = false;
    QList<qint64> m_retryIndexes;
    std::unique_ptr<QTemporaryDir> m_retryDir;
    QString m_storePath;
    ResultCache::Mode m_cacheMode = ResultCache::Mode::Use;
    qint64 m_storeLimit = JobStore::kDefaultLimitBytes;
    std::unique_ptr<RecordedRun> m_run; // the recorded job while it runs
    std::unique_ptr<ResultWriter> m_writer;
    QString m_jobId;
    QString m_outputPath;
};

} // namespace fastmap
