// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/JobRecorder.h"

#include "dataset/RecordBlock.h"
#include "jobs/RowHash.h"
#include "util/TableCodec.h"

#include <QThread>
#include <QtEndian>

namespace fastmap {

namespace {

// What prepare() leaves in BatchResult::stored for consume(): the input hash, the blob's hash
// (both computed here, in parallel, rather than on the delivering thread), then the blob.
constexpr qsizetype kHashBytes = 16;

} // namespace

qint64 JobRecorder::inputHash(const RecordBlock &records)
{
    if (records.bytes.isEmpty() || records.ends.size() < std::size_t(records.count))
        return 0;
    // The records' bytes (not what lies past the last one, when a batch was cut short) and
    // their boundaries, each hashed whole: a few nanoseconds a record.
    const std::size_t size =
        records.count > 0 ? std::min<std::size_t>(records.end(records.count - 1), std::size_t(records.bytes.size())) : 0;
    const std::uint64_t bytes = RowHash::buffer(records.bytes.constData(), size, 0);
    const std::uint64_t ends = RowHash::buffer(reinterpret_cast<const char *>(records.ends.data()),
                                               std::size_t(records.count) * sizeof(std::uint32_t), bytes);
    const auto hash = qint64(ends);
    return hash != 0 ? hash : 1;
}

JobRecorder::JobRecorder(ResultSink *inner, const QString &storePath, const QString &jobId)
    : m_inner(inner), m_storePath(storePath), m_jobId(jobId)
{
}

JobRecorder::~JobRecorder() = default;

bool JobRecorder::begin(const QStringList &datasetColumns, const QStringList &outputColumns, QString *error)
{
    return m_inner->begin(datasetColumns, outputColumns, error);
}

QByteArray JobRecorder::storedForm(const BatchResult &result)
{
    const QByteArray blob = TableCodec::encode(result.output);
    QByteArray stored(kHashBytes, Qt::Uninitialized);
    qToLittleEndian(inputHash(result.batch.records), stored.data());
    qToLittleEndian(JobOutputFiles::hash(blob), stored.data() + 8);
    stored.append(blob);
    return stored;
}

void JobRecorder::prepare(BatchResult &result)
{
    m_inner->prepare(result);
    if (result.fromStore) {
        // A replayed batch whose records are not the ones it was computed from: consume() stops.
        const qint64 hash = inputHash(result.batch.records);
        const auto it = m_storedInputs.constFind(result.batch.firstRow);
        if (hash != 0 && it != m_storedInputs.cend() && *it != hash)
            result.stored = QByteArrayLiteral("changed");
        return;
    }
    result.stored = storedForm(result);
}

bool JobRecorder::consume(const BatchResult &result, QString *error)
{
    if (result.fromStore) {
        if (!result.stored.isEmpty()) {
            *error = QStringLiteral("the dataset changed since the job stopped: its records from element %1 on are "
                                    "not the ones the stored results were computed from. Run it again as a new job.")
                         .arg(result.batch.firstRow);
            return false;
        }
        return m_inner->consume(result, error);
    }
    if (!m_inner->consume(result, error))
        return false;
    StoredBatch b;
    b.sequence = result.batch.sequence;
    b.firstRow = result.batch.firstRow;
    b.rows = result.batch.size();
    b.executor = result.executor;
    b.startNs = result.startNs;
    b.durationNs = result.durationNs;
    const RecordBlock &records = result.batch.records;
    // The raw records and a line break each; a generated element counts as its 8-byte integer.
    b.bytesIn = records.bytes.isEmpty() ? 8 * qint64(b.rows) : records.bytes.size() + records.count;
    QByteArray encoded;
    if (result.stored.size() > kHashBytes) {
        b.inputHash = qFromLittleEndian<qint64>(result.stored.constData());
        b.outputsHash = qFromLittleEndian<qint64>(result.stored.constData() + 8);
        // A view: `result` outlives the write.
        b.outputs = QByteArray::fromRawData(result.stored.constData() + kHashBytes, result.stored.size() - kHashBytes);
    } else {
        b.inputHash = inputHash(records); // prepare() was not called
        b.outputs = TableCodec::encode(result.output);
    }
    b.bytesOut = b.outputs.size();
    b.failures = result.output.failedCount();
    b.errors = JobStore::encodeErrors(result.output);
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

bool JobStoreResults::load(qint64 firstRow, int rows, const std::vector<ColumnType> &outputTypes, BatchOutput *output)
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
    QString error;
    // A blob of another shape (another output type, a damaged row) is refused: the batch is computed again.
    return store->readBatchOutputs(m_jobId, firstRow, &blob) && TableCodec::decode(blob, outputTypes, rows, output, &error);
}

} // namespace fastmap
