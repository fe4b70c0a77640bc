// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/JobRecorder.h"

#include "jobs/ResultCodec.h"

#include <QThread>

namespace fastmap {

namespace {

// About what the batch's inputs take in CBOR: enough for a job log, without encoding them again.
qint64 approximateBytes(const Table &table)
{
    qint64 bytes = 0;
    for (int r = 0; r < table.rowCount(); ++r) {
        const QVariant *row = table.rowData(r);
        for (int c = 0; c < table.columnCount(); ++c)
            bytes += row[c].typeId() == QMetaType::QString ? 1 + row[c].toString().size() : 9;
    }
    return bytes;
}

} // namespace

JobRecorder::JobRecorder(ResultSink *inner, const QString &storePath, const QString &jobId)
    : m_inner(inner), m_storePath(storePath), m_jobId(jobId)
{
}

JobRecorder::~JobRecorder() = default;

bool JobRecorder::begin(const QStringList &datasetColumns, const QStringList &outputColumns, QString *error)
{
    return m_inner->begin(datasetColumns, outputColumns, error);
}

void JobRecorder::prepare(BatchResult &result)
{
    m_inner->prepare(result);
    if (!result.fromStore)
        result.stored = ResultCodec::encodeOutput(result.output);
}

bool JobRecorder::consume(const BatchResult &result, QString *error)
{
    if (!m_inner->consume(result, error))
        return false;
    if (result.fromStore)
        return true;
    StoredBatch b;
    b.sequence = result.batch.sequence;
    b.firstRow = result.batch.firstRow;
    b.rows = result.batch.size();
    b.executor = result.executor;
    b.startNs = result.startNs;
    b.durationNs = result.durationNs;
    b.bytesIn = approximateBytes(result.batch.rows);
    b.outputs = result.stored.isEmpty() ? ResultCodec::encodeOutput(result.output) : result.stored;
    b.bytesOut = b.outputs.size();
    b.failures = result.output.failedCount();
    if (!m_store) {
        m_store = std::make_unique<JobStore>(m_storePath);
        if (!m_store->open(error))
            return false;
    }
    return m_store->appendBatch(m_jobId, b, error);
}

bool JobRecorder::finish(bool complete, QString *error)
{
    m_store.reset(); // closed in the thread that used it
    return m_inner->finish(complete, error);
}

JobStoreResults::JobStoreResults(const QString &storePath, const QString &jobId, const QMap<qint64, int> &plan)
    : m_storePath(storePath), m_jobId(jobId), m_plan(plan)
{
}

JobStoreResults::~JobStoreResults() = default;

int JobStoreResults::plannedRows(qint64 firstRow) const
{
    return m_plan.value(firstRow, 0);
}

bool JobStoreResults::load(qint64 firstRow, int rows, int outputColumns, BatchOutput *output)
{
    if (m_plan.value(firstRow, 0) != rows)
        return false;
    std::shared_ptr<JobStore> store;
    {
        QMutexLocker lock(&m_mutex);
        store = m_stores.value(QThread::currentThreadId());
        if (!store) {
            store = std::make_shared<JobStore>(m_storePath);
            QString error;
            if (!store->open(&error))
                return false;
            m_stores.insert(QThread::currentThreadId(), store);
        }
    }
    QByteArray blob;
    return store->readBatchOutputs(m_jobId, firstRow, &blob) && ResultCodec::decodeOutput(blob, rows, outputColumns, output);
}

} // namespace fastmap
