// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/Batch.h"
#include "engine/BatchSizer.h"
#include "util/BatchCodec.h"
#include "engine/CostModel.h"
#include "remote/HttpConnection.h"
#include "engine/RemoteStats.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QObject>
#include <QTimer>
#include <QUrl>
#include <QWaitCondition>

#include <atomic>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

class QThreadPool;

namespace fastmap {

class BatchHandOver;
class BatchParser;
class BatchScheduler;
class Function;
class ReorderBuffer;
class ResultSink;
class SpendingMeter;

// What every remote executor of one job shares. All pointers outlive the executors.
struct RemoteJobContext
{
    BatchScheduler *scheduler = nullptr; // where the batches come from and go back to after a fault
    const BatchHandOver *handOver = nullptr; // where they go when finished
    SpendingMeter *spending = nullptr;
    const QElapsedTimer *clock = nullptr;
    // Turns a pulled batch's raw records into typed inputs (and the kept columns), on a codec thread.
    const BatchParser *parser = nullptr;
    // Runs the rows before a malformed record here rather than on a worker (see RemoteExecutor),
    // as the job runs its local batches (in a function host or on this thread). Returns false
    // when it could not (the job stopped). Without it, such rows fail "not computed".
    std::function<bool(const Table &input, qint64 firstRow, BatchOutput &output)> runLocally;
    BatchRequest requestTemplate; // function, version, hash, params, columns; inputs empty
    std::vector<ColumnType> outputTypes;
    double secondsPerElement = 0;
    int maxBatchRows = 16384;
    double batchTargetSeconds = 0.2;
    int maxAttemptsPerBatch = 3;        // then its elements fail instead of going round forever
    int maxConsecutiveFailures = 4;     // then the worker is given up for this job
    double requestTimeoutSeconds = 60;  // no byte for this long: the worker is hung
    QByteArray token;
    QString caCertificatesFile;         // extra CAs to trust, e.g. a self-signed worker certificate
};

// Feeds one fastmap-worker from the job's scheduler: probes it, then keeps kBatchesPerThread
// batches per worker thread in flight, so that transfers overlap compute. A fault sends the
// batch back to the queue and backs the worker off; a worker that keeps failing, refuses the
// token or runs out of credits is given up.
// Lives in the engine's network thread, which only moves bytes: parsing a batch and encoding its
// request, and decoding the answer and preparing its result, run on the codec pool. A batch cut
// at a malformed record is not sent; its rows before that record run here, with the local
// function, and it is handed over with its input error like a local batch.
// The accessors are thread-safe.
class RemoteExecutor : public QObject
{
    Q_OBJECT
public:
    enum class State { New, Probing, Ready, Active, BackingOff, Retired, Gone };

    // `codecPool` runs the parsing and the encoding (the global pool when null).
    RemoteExecutor(const QUrl &url, RemoteJobContext *context, QThreadPool *codecPool = nullptr,
                   QObject *parent = nullptr);
    ~RemoteExecutor() override;

    QUrl url() const { return m_url; }
    State state() const;
    bool isFinished() const; // Retired or Gone, holding no batch
    // Batches this executor holds: being encoded, on the wire, or being decoded.
    int inFlight() const { return m_held.load(); }
    WorkerProbe probeResult() const;
    RemoteStats stats() const;

public slots:
    void probe();
    void activate();
    // Stops taking batches; those in flight still complete.
    void retire(const QString &reason);
    // The job is over: abort whatever is in flight (its batches are not needed any more).
    void shutdown();
    // At most `batches` at once from now on: a worker on this machine may use only the cores
    // the local threads leave it, whatever its thread count.
    void limitConcurrency(int batches);

signals:
    void probeFinished();
    void stateChanged();

private:
    // One batch while this executor holds it.
    struct Job
    {
        Batch batch;
        std::vector<std::pair<int, QString>> inputFailures; // rows whose input did not convert, and why
        QByteArray body;     // the encoded request; then the answer
        qint64 startNs = 0;  // when it was sent
    };
    using JobPtr = std::shared_ptr<Job>;
    enum class FaultKind { Transient, Busy, Fatal };

    void pull();
    // On the codec pool: parse and encode; a batch cut at a malformed record is handed over.
    bool prepare(Job &job);
    void onPrepared(const JobPtr &job);
    void send(const JobPtr &job);
    // An idle connection to the worker, opened when none is: one per batch on the wire.
    HttpConnection *spareConnection();
    void onBatchReply(HttpConnection *connection, const HttpReply &reply);
    // On the codec pool: decode the answer and hand the result over.
    void finish(const JobPtr &job);
    void fault(const JobPtr &job, FaultKind kind, const QString &message, double retryAfterSeconds = 0);
    // Names this worker as the batch's executor and hands it over the job's one way.
    void handOver(BatchResult &&result);
    void giveBack(const JobPtr &job); // to the scheduler, not counted as an attempt
    // Runs `task` on the codec pool; shutdown() waits for every task it started.
    void runTask(std::function<void()> task);
    template<typename F> void post(F &&f) { QMetaObject::invokeMethod(this, std::forward<F>(f), Qt::QueuedConnection); }

    void setState(State state, const QString &error = {});
    // GETs `path` on the probe's connection, then calls `then` with the answer.
    void get(const QString &path, bool authorised, std::function<void(const HttpReply &)> then);
    void finishProbe(bool usable, const QString &reason);

    QUrl m_url;
    RemoteJobContext *m_context;
    QThreadPool *m_codecPool;
    QList<QSslCertificate> m_extraCas; // from the context's caCertificatesFile
    HttpConnection *m_probeConnection = nullptr;
    std::vector<HttpConnection *> m_connections; // children; idle ones are reused
    QTimer m_pullTimer;
    QTimer m_backoffTimer;
    std::unique_ptr<BatchSizer> m_sizer;
    QHash<HttpConnection *, JobPtr> m_inFlight; // on the wire
    int m_preparing = 0;                       // being parsed and encoded
    int m_slots = 1;
    int m_slotCap = 0; // 0: no cap beyond the worker's threads
    int m_consecutiveFailures = 0;
    bool m_shutDown = false;
    std::atomic<int> m_held{0};

    QMutex m_tasksMutex;
    QWaitCondition m_tasksDone;
    int m_tasks = 0;

    mutable QMutex m_mutex; // guards what the accessors read
    State m_state = State::New;
    WorkerProbe m_probe;
    RemoteStats m_stats;
};

} // namespace fastmap
