// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "jobs/JobStore.h"

#include <QAbstractTableModel>
#include <QByteArray>
#include <QFutureWatcher>
#include <QList>
#include <QPair>
#include <QThreadPool>

namespace fastmap {

class PluginCatalog;

// The job history, newest first, from the same store as `fastmap-cli jobs`, and what can be
// done with a finished or killed job: export its bundle, read its job log, remove it. Resuming
// is JobController's. No widgets, so tests drive it directly.
class JobHistoryModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        IdColumn,
        StateColumn,
        FunctionColumn,
        InputColumn,
        ElementsColumn,
        StartedColumn,
        OutputColumn, // last: the longest, it takes the rest of the width
        ColumnCount
    };
    // The untranslated state ("running", "interrupted", ...) under this role.
    static constexpr int StateRole = Qt::UserRole + 1;

    JobHistoryModel(PluginCatalog *catalog, const QString &storePath, QObject *parent = nullptr);

    // Reads the store again. False (with lastError()) when it cannot be opened.
    bool refresh();
    QString lastError() const { return m_lastError; }

    QString jobIdAt(int row) const;
    int rowOf(const QString &jobId) const;
    bool find(const QString &jobId, JobRecord *job) const;
    // "running" jobs cannot be resumed or removed; finished ones need no resume.
    static bool canResume(const QString &state);
    static bool canRemove(const QString &state);

    // Removes the job and its stored results (the result file is kept, as `fastmap-cli rm`).
    bool remove(const QString &jobId, QString *error);
    // The job log, one line per batch, as CSV.
    QByteArray jobLog(const QString &jobId, QString *error) const;
    // Starts writing the bundle (.zip or .tar.zst) with `extraFiles` (the plots) beside the
    // results, errors, job log and manifest, on a thread of its own so that a large job does not
    // freeze the window; exportFinished() says how it went. False, with the reason, when the
    // name or the job is wrong or another export is still being written.
    bool startExport(const QString &jobId, const QString &archivePath,
                     const QList<QPair<QString, QByteArray>> &extraFiles, QString *error);
    bool isExporting() const { return !m_exportJobId.isEmpty(); }

    static QString stateText(const QString &state);

signals:
    // `error` is empty when the bundle was written.
    void exportFinished(const QString &jobId, const QString &archivePath, const QString &error);

public:
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    bool openStore(QString *error) const;

    PluginCatalog *m_catalog;
    QString m_storePath;
    mutable std::unique_ptr<JobStore> m_store;
    QList<JobRecord> m_jobs;
    QList<QString> m_states; // currentState() of each job, read once per refresh
    QString m_lastError;
    // One export at a time; the pool's destructor waits for it, so no thread outlives the model.
    QThreadPool m_exportPool;
    QFutureWatcher<QString> m_export;
    QString m_exportJobId; // set from the start until exportFinished() is sent
    QString m_exportPath;
};

} // namespace fastmap
