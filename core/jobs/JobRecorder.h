// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/ResultSink.h"
#include "engine/StoredResults.h"
#include "jobs/JobStore.h"

#include <QHash>
#include <QMap>
#include <QMutex>

#include <memory>

namespace fastmap {

// Stores every batch of a job as it is delivered (in order, one transaction each), and passes
// it on to the result file. Batches replayed from the store are not stored again.
class JobRecorder : public ResultSink
{
public:
    // Stores through its own connection to the store at `storePath`, opened in the thread that
    // delivers results (Qt SQL connections belong to one thread).
    JobRecorder(ResultSink *inner, const QString &storePath, const QString &jobId);
    ~JobRecorder() override;

    bool begin(const QStringList &datasetColumns, const QStringList &outputColumns, QString *error) override;
    void prepare(BatchResult &result) override;
    bool consume(const BatchResult &result, QString *error) override;
    bool finish(bool complete, QString *error) override;

private:
    ResultSink *m_inner;
    QString m_storePath;
    std::unique_ptr<JobStore> m_store;
    QString m_jobId;
};

// A job's stored batches, read back for a resume. Each thread reads through its own connection.
class JobStoreResults : public StoredResults
{
public:
    JobStoreResults(const QString &storePath, const QString &jobId, const QMap<qint64, int> &plan);
    ~JobStoreResults() override;

    int plannedRows(qint64 firstRow) const override;
    bool load(qint64 firstRow, int rows, int outputColumns, BatchOutput *output) override;

private:
    QString m_storePath;
    QString m_jobId;
    QMap<qint64, int> m_plan;
    QMutex m_mutex;
    QHash<Qt::HANDLE, std::shared_ptr<JobStore>> m_stores;
};

} // namespace fastmap
