// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "LiveData.h"
#include "engine/Engine.h"

#include <QObject>
#include <QTemporaryDir>
#include <QTimer>

#include <memory>

namespace fastmap {

class ErrorTableModel;
class GuiResultSink;
class ResultTableModel;
class WorkerTableModel;

// Runs jobs for the window: owns the engine, turns its results into the table models and the
// live data, retries failed elements and exports results. No widgets, so tests drive it directly.
class JobController : public QObject
{
    Q_OBJECT
public:
    explicit JobController(PluginCatalog *catalog, QObject *parent = nullptr);
    ~JobController() override;

    bool start(const JobSpec &spec, QString *error);
    // Runs the failed elements of the last job again, with `params` (e.g. corrected), and puts
    // their new results in place.
    bool retryFailed(const QVariantMap &params, QString *error);
    void pause();
    void resume();
    void cancel();
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

signals:
    void progressChanged(const fastmap::JobProgress &progress);
    void noteAdded(const QString &message);
    void estimateReady(const fastmap::Estimate &estimate);
    void confirmationNeeded(const fastmap::Estimate &estimate);
    void finished(const fastmap::JobSummary &summary);
    void runningChanged(bool running);
    void liveDataChanged();

private:
    bool launch(const JobSpec &spec, QString *error);
    void onBegun(const QStringList &datasetColumns, const QStringList &outputColumns);
    void onBatch(const BatchResult &result);
    void onProgress(const JobProgress &progress);
    void onFinished(const JobSummary &summary);
    void pollWorkers();

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
    QList<qint64> m_retryIndexes;
    std::unique_ptr<QTemporaryDir> m_retryDir;
};

} // namespace fastmap
