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

struct RecordBlock;

// Stores every batch of a job as it is delivered, and passes it on to the result file. The
// encoding (TableCodec: a copy per column, not a value each) and its hash happen in prepare(),
// on the executor threads; consume() only appends the blob to the job's output file and
// commits its row (errors, job-log line, offset) in one transaction. Batches replayed from the store are not stored again, but their records are
// checked against the hash stored with them, so a resume never mixes results of another input.
class JobRecorder : public ResultSink
{
public:
    // Stores through its own connection to the store at `storePath`, opened in the thread that
    // delivers results (Qt SQL connections belong to one thread).
    JobRecorder(ResultSink *inner, const QString &storePath, const QString &jobId);
    ~JobRecorder() override;

    // On resume: the stored batches' input hashes (JobStore::inputHashes).
    void setStoredInputs(const QMap<qint64, qint64> &hashes) { m_storedInputs = hashes; }

    bool begin(const QStringList &datasetColumns, const QStringList &outputColumns, QString *error) override;
    bool wantsInput() const override { return m_inner->wantsInput(); }
    void prepare(BatchResult &result) override;
    bool consume(const BatchResult &result, QString *error) override;
    bool finish(bool complete, QString *error) override;

    // The records' bytes and boundaries, hashed; 0 for generated input, which has no bytes.
    static qint64 inputHash(const RecordBlock &records);
    // What the store keeps of a computed batch, as prepare() leaves it in BatchResult::stored:
    // the input hash, the outputs' hash, then their TableCodec blob. `fastmap-cli estimate`
    // makes it too, so its sample pays the store's encoding as a run's does.
    static QByteArray storedForm(const BatchResult &result);

private:
    ResultSink *m_inner;
    QString m_storePath;
    std::unique_ptr<JobStore> m_store;
    QString m_jobId;
    QMap<qint64, qint64> m_storedInputs; // read only once the job runs
};

// A job's stored batches, read back for a resume. Each thread reads through its own connection.
class JobStoreResults : public StoredResults
{
public:
    JobStoreResults(const QString &storePath, const QString &jobId, const QMap<qint64, int> &plan);
    ~JobStoreResults() override;

    int plannedRows(qint64 firstRow) const override;
    bool load(qint64 firstRow, int rows, const std::vector<ColumnType> &outputTypes, BatchOutput *output) override;

private:
    QString m_storePath;
    QString m_jobId;
    QMap<qint64, int> m_plan;
    QMutex m_mutex;
    QHash<Qt::HANDLE, std::shared_ptr<JobStore>> m_stores;
};

} // namespace fastmap
