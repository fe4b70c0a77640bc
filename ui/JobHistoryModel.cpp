// SPDX-License-Identifier: GPL-3.0-or-later
#include "JobHistoryModel.h"

#include "jobs/ArchiveWriter.h"
#include "jobs/JobExporter.h"

#include <QColor>
#include <QFileInfo>
#include <QLocale>
#include <QtConcurrent/QtConcurrentRun>

#include <utility>

namespace fastmap {

JobHistoryModel::JobHistoryModel(PluginCatalog *catalog, const QString &storePath, QObject *parent)
    : QAbstractTableModel(parent), m_catalog(catalog), m_storePath(storePath)
{
    m_exportPool.setMaxThreadCount(1);
    connect(&m_export, &QFutureWatcher<QString>::finished, this, [this] {
        const QString jobId = std::exchange(m_exportJobId, QString());
        emit exportFinished(jobId, m_exportPath, m_export.result());
    });
}

bool JobHistoryModel::openStore(QString *error) const
{
    if (m_store)
        return true;
    auto store = std::make_unique<JobStore>(m_storePath);
    if (!store->open(error))
        return false;
    m_store = std::move(store);
    return true;
}

bool JobHistoryModel::refresh()
{
    QList<JobRecord> jobs;
    m_lastError.clear();
    const bool ok = openStore(&m_lastError);
    if (ok)
        jobs = m_store->jobs();
    QList<QString> states;
    for (const JobRecord &job : std::as_const(jobs))
        states.append(job.currentState());
    // The same jobs (a running one's progress): changed in place, so selection and scrolling stay.
    bool sameJobs = jobs.size() == m_jobs.size();
    for (int row = 0; sameJobs && row < jobs.size(); ++row)
        sameJobs = jobs.at(row).id == m_jobs.at(row).id;
    if (sameJobs) {
        m_jobs = jobs;
        m_states = states;
        if (!m_jobs.isEmpty())
            emit dataChanged(index(0, 0), index(int(m_jobs.size()) - 1, ColumnCount - 1));
        return ok;
    }
    beginResetModel();
    m_jobs = jobs;
    m_states = states;
    endResetModel();
    return ok;
}

QString JobHistoryModel::jobIdAt(int row) const
{
    return row >= 0 && row < m_jobs.size() ? m_jobs.at(row).id : QString();
}

int JobHistoryModel::rowOf(const QString &jobId) const
{
    for (int row = 0; row < m_jobs.size(); ++row) {
        if (m_jobs.at(row).id == jobId)
            return row;
    }
    return -1;
}

bool JobHistoryModel::find(const QString &jobId, JobRecord *job) const
{
    QString error;
    return openStore(&error) && m_store->find(jobId, job, &error) && job->id == jobId;
}

bool JobHistoryModel::canResume(const QString &state)
{
    return state != QLatin1String("running") && state != QLatin1String("completed") &&
           state != QLatin1String("completed with failures");
}

bool JobHistoryModel::canRemove(const QString &state)
{
    return state != QLatin1String("running");
}

bool JobHistoryModel::remove(const QString &jobId, QString *error)
{
    JobRecord job;
    if (!find(jobId, &job)) {
        *error = tr("There is no job %1.").arg(jobId);
        return false;
    }
    if (!canRemove(job.currentState())) {
        *error = tr("Job %1 is running; stop it first.").arg(jobId);
        return false;
    }
    if (isExporting() && jobId == m_exportJobId) {
        *error = tr("Job %1 is still being exported; wait for it to finish.").arg(jobId);
        return false;
    }
    if (!m_store->remove(jobId, error))
        return false;
    refresh();
    return true;
}

QByteArray JobHistoryModel::jobLog(const QString &jobId, QString *error) const
{
    JobRecord job;
    if (!find(jobId, &job)) {
        *error = tr("There is no job %1.").arg(jobId);
        return {};
    }
    return JobExporter(m_store.get(), m_catalog).jobLogCsv(job);
}

bool JobHistoryModel::startExport(const QString &jobId, const QString &archivePath,
                                  const QList<QPair<QString, QByteArray>> &extraFiles, QString *error)
{
    if (isExporting()) {
        *error = tr("Job %1 is still being exported; wait for it to finish.").arg(m_exportJobId);
        return false;
    }
    if (!ArchiveWriter::formatSupported(archivePath)) {
        *error = tr("%1: name the bundle .zip or .tar.zst.").arg(archivePath);
        return false;
    }
    JobRecord job;
    if (!find(jobId, &job)) {
        *error = tr("There is no job %1.").arg(jobId);
        return false;
    }
    m_exportJobId = jobId;
    m_exportPath = archivePath;
    // Qt SQL connections belong to one thread: the export opens the store again in its own.
    m_export.setFuture(QtConcurrent::run(
        &m_exportPool, [catalog = m_catalog, storePath = m_storePath, job, archivePath, extraFiles] {
            QString error;
            JobStore store(storePath);
            if (!store.open(&error) ||
                !JobExporter(&store, catalog).exportJob(job, archivePath, &error, extraFiles))
                return error.isEmpty() ? tr("%1 could not be written.").arg(archivePath) : error;
            return QString();
        }));
    return true;
}

QString JobHistoryModel::stateText(const QString &state)
{
    if (state == QLatin1String("running"))
        return tr("running");
    if (state == QLatin1String("interrupted"))
        return tr("interrupted");
    if (state == QLatin1String("completed"))
        return tr("completed");
    if (state == QLatin1String("completed with failures"))
        return tr("completed with failures");
    if (state == QLatin1String("cancelled"))
        return tr("cancelled");
    if (state == QLatin1String("stopped on error"))
        return tr("stopped on error");
    if (state == QLatin1String("input failed"))
        return tr("input failed");
    if (state == QLatin1String("output failed"))
        return tr("output failed");
    if (state == QLatin1String("every worker died"))
        return tr("every worker died");
    return state; // a state a newer fastmap-cli wrote: shown as it is
}

int JobHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_jobs.size());
}

int JobHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant JobHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_jobs.size())
        return {};
    const JobRecord &job = m_jobs.at(index.row());
    const QString &state = m_states.at(index.row());
    if (role == StateRole)
        return state;
    if (role == Qt::ToolTipRole) {
        if (index.column() == OutputColumn || index.column() == InputColumn)
            return index.column() == OutputColumn ? job.output() : job.input();
        const QString message = job.summary.value("message").toString();
        return message.isEmpty() ? QVariant() : message;
    }
    if (role == Qt::TextAlignmentRole && index.column() == ElementsColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && index.column() == StateColumn) {
        // What needs a look stands out: unfinished jobs amber, failed ones red.
        if (state == QLatin1String("completed") || state == QLatin1String("running"))
            return {};
        if (canResume(state) && state != QLatin1String("input failed") &&
            state != QLatin1String("output failed") && state != QLatin1String("every worker died"))
            return QColor(0xa0, 0x5a, 0x00);
        return QColor(0xb0, 0x20, 0x20);
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case IdColumn: return job.id;
    case StateColumn: return stateText(state);
    case FunctionColumn: return job.functionId();
    case InputColumn:
        return QFileInfo(job.input()).fileName().isEmpty() ? job.input() : QFileInfo(job.input()).fileName();
    case OutputColumn: return QFileInfo(job.output()).fileName();
    case StartedColumn: return QLocale().toString(job.created.toLocalTime(), QLocale::ShortFormat);
    case ElementsColumn: {
        const qint64 total = job.totalElements();
        return total >= 0 ? tr("%L1 / %L2").arg(job.elements).arg(total) : tr("%L1 / ?").arg(job.elements);
    }
    default: return {};
    }
}

QVariant JobHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case IdColumn: return tr("Job");
    case StateColumn: return tr("State");
    case FunctionColumn: return tr("Function");
    case InputColumn: return tr("Input");
    case OutputColumn: return tr("Output");
    case StartedColumn: return tr("Started");
    case ElementsColumn: return tr("Elements");
    default: return {};
    }
}

} // namespace fastmap
