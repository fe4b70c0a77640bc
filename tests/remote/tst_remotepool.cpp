// SPDX-License-Identifier: GPL-3.0-or-later
// The client's remote executors without the engine: a scheduler over a real dataset, the
// executors' own parsing and encoding off the network thread, and FakeWorkers that misbehave.
#include "FakeWorker.h"

#include "dataset/Dataset.h"
#include "engine/BatchHandOver.h"
#include "engine/BatchParser.h"
#include "engine/BatchRunner.h"
#include "engine/BatchScheduler.h"
#include "engine/ReorderBuffer.h"
#include "engine/ResultSink.h"
#include "remote/RemotePool.h"
#include "engine/SpendingMeter.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace fastmap;

namespace {

// Doubles x, as test.control does, and says it ran here: what the executors use for the rows
// before a malformed record.
class LocalDoubler : public Function
{
public:
    void process(const Table &input, BatchOutput &output) const override
    {
        for (int r = 0; r < input.rowCount(); ++r) {
            if (output.failed(r))
                continue;
            output.values().integers(0)[std::size_t(r)] = 2 * input.integers(0)[std::size_t(r)];
            output.values().setText(1, r, std::string_view("local"));
        }
    }
};

struct Seen
{
    qint64 index;
    qint64 value;
    QString thread;
    QString error;
};

// What the engine would do around the executors: schedule, deliver in order, stop at an input error.
class Harness
{
public:
    explicit Harness(const QString &input)
    {
        InputError error;
        reader = Dataset::open(input, &error);
        if (!reader)
            qFatal("cannot open %s: %s", qPrintable(input), qPrintable(error.toString()));
        scheduler = std::make_unique<BatchScheduler>(reader.get(), 64);
        parser = BatchParser(reader->parser(), {FieldTarget{0, ColumnType::Int64, QStringLiteral("x")}}, kOutputs, {});
        clock.start();
        context.scheduler = scheduler.get();
        handOver = std::make_unique<BatchHandOver>(&sink, &reorder, scheduler.get());
        context.handOver = handOver.get();
        context.spending = &spending;
        context.clock = &clock;
        context.parser = &parser;
        context.runLocally = [this](const Table &input, qint64, BatchOutput &output) {
            BatchRunner::run(local, input, output);
            return true;
        };
        context.outputTypes = kOutputs;
        context.secondsPerElement = 1e-5;
        context.maxBatchRows = 500;
        context.batchTargetSeconds = 0.01;
        context.requestTimeoutSeconds = 2;
        context.token = "secret";
        BatchRequest &t = context.requestTemplate;
        t.functionId = QStringLiteral("test.control");
        t.functionVersion = QStringLiteral("1.0.0");
        t.pluginSha256 = QString(64, QLatin1Char('a'));
        t.columns = {QStringLiteral("x")};
        pool = std::make_unique<RemotePool>(&context);
    }
    ~Harness() { pool->shutdown(); }

    void start(const QStringList &urls)
    {
        QList<QUrl> list;
        for (const QString &u : urls)
            list << QUrl(u);
        pool->add(list);
        pool->waitForProbes(5000);
        pool->activateReady(true);
    }

    // Delivers in order until the input is done (or an input error, or the timeout).
    bool deliver(int timeoutMs = 30000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            while (auto result = reorder.popNext(20)) {
                const Table &out = result->output.values();
                for (int r = 0; r < result->batch.size(); ++r)
                    seen.push_back(Seen{result->batch.firstRow + r, out.integers(0)[std::size_t(r)], out.string(1, r),
                                        result->output.error(r)});
                scheduler->emitted(result->batch.sequence);
                if (result->inputError) {
                    inputError = result->inputError;
                    scheduler->cancel();
                    return true;
                }
            }
            if (scheduler->isDrained() && reorder.size() == 0)
                return true;
            if (pool->allFinished() && !pool->anyUsable())
                return false;
        }
        return false;
    }

    bool inOrderAndDoubled(qint64 rows) const
    {
        if (qint64(seen.size()) != rows)
            return false;
        for (std::size_t i = 0; i < seen.size(); ++i)
            if (seen[i].index != qint64(i) || (seen[i].error.isEmpty() && seen[i].value != 2 * qint64(i)))
                return false;
        return true;
    }

    class NullSink : public ResultSink
    {
    public:
        bool consume(const BatchResult &, QString *) override { return true; }
    };

    static inline const std::vector<ColumnType> kOutputs{ColumnType::Int64, ColumnType::Text};
    std::unique_ptr<DatasetReader> reader;
    std::unique_ptr<BatchScheduler> scheduler;
    ReorderBuffer reorder;
    std::unique_ptr<BatchHandOver> handOver;
    NullSink sink;
    SpendingMeter spending;
    QElapsedTimer clock;
    BatchParser parser;
    LocalDoubler local;
    RemoteJobContext context;
    std::unique_ptr<RemotePool> pool;
    std::vector<Seen> seen;
    std::optional<InputError> inputError;
};

const QString kSha(64, QLatin1Char('a'));

QString writeCsv(const QTemporaryDir &dir, int rows, const QMap<int, QByteArray> &replaced)
{
    const QString path = dir.filePath(QStringLiteral("x.csv"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    file.write("x\n");
    for (int i = 0; i < rows; ++i)
        file.write(replaced.value(i, QByteArray::number(i)) + '\n');
    return path;
}

} // namespace

class TestRemotePool : public QObject
{
    Q_OBJECT

private slots:
    void batchesComeBackInOrder()
    {
        FakeWorker worker(kSha);
        Harness h(QStringLiteral("range:5000"));
        h.start({worker.url()});
        QVERIFY(h.deliver());
        QVERIFY(h.inOrderAndDoubled(5000));
        QCOMPARE(h.seen[4999].thread, QStringLiteral("fake"));
        QCOMPARE(h.pool->stats().value(0).elements, qint64(5000));
        QVERIFY(worker.batchesServed() >= 10);
    }

    void twoBatchesPerWorkerThreadAreInFlight()
    {
        FakeWorker worker(kSha, 0, 4);
        worker.setMode(FakeWorker::Mode::Hang);
        Harness h(QStringLiteral("range:100000"));
        h.context.requestTimeoutSeconds = 30;
        h.start({worker.url()});
        QTRY_COMPARE_WITH_TIMEOUT(worker.hanging(), 8, 8000);
        QTest::qWait(300);
        QCOMPARE(worker.requests(), 8);
        QCOMPARE(h.pool->stats().value(0).batches, qint64(0));
        QElapsedTimer timer;
        timer.start();
        h.pool->shutdown(); // aborts what hangs; waits for the codec pool
        QVERIFY(timer.elapsed() < 5000);
    }

    void aBadWorkerLosesNothing_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<QString>("needle");
        QTest::newRow("garbage") << int(FakeWorker::Mode::Garbage) << "garbled";
        QTest::newRow("truncated") << int(FakeWorker::Mode::Truncated) << "garbled";
        QTest::newRow("lying row count") << int(FakeWorker::Mode::Lie) << "expected";
        QTest::newRow("wrong column type") << int(FakeWorker::Mode::WrongType) << "the column is float64";
        QTest::newRow("a version-1 answer") << int(FakeWorker::Mode::VersionOne) << "upgrade the worker";
        QTest::newRow("5xx") << int(FakeWorker::Mode::ServerError) << "HTTP 500";
    }

    void aBadWorkerLosesNothing()
    {
        QFETCH(int, mode);
        QFETCH(QString, needle);
        FakeWorker good(kSha), bad(kSha);
        bad.setMode(FakeWorker::Mode(mode), 2);
        Harness h(QStringLiteral("range:8000"));
        h.start({good.url(), bad.url()});
        QVERIFY(h.deliver());
        QVERIFY(h.inOrderAndDoubled(8000));
        for (const Seen &s : h.seen)
            QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
        const QList<RemoteStats> stats = h.pool->stats();
        QVERIFY2(stats.value(1).failures >= 1 && stats.value(1).lastError.contains(needle), qPrintable(stats.value(1).lastError));
        QCOMPARE(stats.value(0).elements + stats.value(1).elements, qint64(8000));
    }

    void aWorkerOfAnotherProtocolIsRefusedAtTheProbe()
    {
        FakeWorker old(kSha, 0, 2, 1);
        Harness h(QStringLiteral("range:100"));
        h.start({old.url()});
        const WorkerProbe probe = h.pool->probes().value(0);
        QVERIFY(!probe.usable);
        QCOMPARE(probe.reason, QStringLiteral("it speaks protocol 1; this client speaks 2 — upgrade the worker"));
        QCOMPARE(old.requests(), 0);
    }

    void valuesThatDoNotConvertKeepTheClientsMessage()
    {
        QTemporaryDir dir;
        Harness h(writeCsv(dir, 3000, {{1500, "fifteen hundred"}, {2999, "12abc"}}));
        FakeWorker worker(kSha); // fails those rows with its own message
        h.start({worker.url()});
        QVERIFY(h.deliver());
        QVERIFY(h.inOrderAndDoubled(3000));
        QCOMPARE(h.seen[1500].error, QStringLiteral("input 'x' is not an integer: 'fifteen hundred'"));
        QCOMPARE(h.seen[2999].error, QStringLiteral("input 'x' is not an integer: '12abc'"));
        QCOMPARE(h.seen[1499].thread, QStringLiteral("fake"));
        int failed = 0;
        for (const Seen &s : h.seen)
            failed += !s.error.isEmpty();
        QCOMPARE(failed, 2);
    }

    void aMalformedRecordIsNotSentAndStopsTheJob()
    {
        // Batches of 500 rows: record 2113 (line 2115) cuts the fifth one after 113 rows.
        QTemporaryDir dir;
        Harness h(writeCsv(dir, 3000, {{2113, "5,6"}}));
        FakeWorker worker(kSha);
        h.start({worker.url()});
        QVERIFY(h.deliver());
        QVERIFY(h.inputError);
        QVERIFY2(h.inputError->toString().contains(QStringLiteral("x.csv:2115")), qPrintable(h.inputError->toString()));
        QVERIFY(h.inOrderAndDoubled(2113));
        // The rows of the cut batch ran here, with the local function, not on the worker.
        QCOMPARE(h.seen.back().thread, QStringLiteral("local"));
        QCOMPARE(h.seen.front().thread, QStringLiteral("fake"));
    }

    void shuttingDownMidJobIsClean()
    {
        FakeWorker worker(kSha, 0, 4);
        Harness h(QStringLiteral("range:1000000"));
        h.start({worker.url()});
        QTRY_VERIFY_WITH_TIMEOUT(worker.batchesServed() >= 5, 10000);
        h.pool->shutdown();
        QVERIFY(h.pool->allFinished());
    }
};

QTEST_GUILESS_MAIN(TestRemotePool)
#include "tst_remotepool.moc"
