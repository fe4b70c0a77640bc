// SPDX-License-Identifier: GPL-3.0-or-later
// Tests CachingExecutor, the result cache in front of a job's executor, with a counting
// executor behind it and a real ResultCache in a temporary directory.
#include "jobs/CachingExecutor.h"

#include <QTemporaryDir>
#include <QTest>

#include <atomic>

using namespace fastmap;

namespace {

const std::vector<ColumnType> kOutputs{ColumnType::Int64};

// Doubles its input, counting the rows it was asked to run; can be told to stop.
class CountingExecutor : public FunctionExecutor
{
public:
    Status run(const Table &input, qint64, BatchOutput &output) override
    {
        ++calls;
        lastRows = input.rowCount();
        rowsRun += input.rowCount();
        if (stop)
            return Status::Stopped;
        for (int r = 0; r < input.rowCount(); ++r)
            if (!output.failed(r))
                output.values().integers(0)[std::size_t(r)] = 2 * input.integers(0)[std::size_t(r)];
        return Status::Done;
    }
    void sampleFinished(double seconds) override { sampled = seconds; }
    bool stopRunning() override { return true; }
    bool isolated() const override { return true; }
    int processesStarted() const override { return 7; }

    int calls = 0;
    int lastRows = 0;
    qint64 rowsRun = 0;
    bool stop = false;
    double sampled = -1;
};

Table inputs(qint64 first, int rows)
{
    Table t({ColumnType::Int64}, rows);
    for (int r = 0; r < rows; ++r)
        t.integers(0)[std::size_t(r)] = first + r;
    return t;
}

} // namespace

class TestCachingExecutor : public QObject
{
    Q_OBJECT
private:
    struct Fixture
    {
        explicit Fixture(const QString &path, ResultCache::Mode mode) : cache(path)
        {
            QString error;
            QVERIFY2(cache.open(&error), qPrintable(error));
            auto counting = std::make_unique<CountingExecutor>();
            inner = counting.get();
            executor = std::make_unique<CachingExecutor>(std::move(counting), &cache, mode, QByteArray("job-prefix"),
                                                         kOutputs);
        }
        FunctionExecutor::Status run(const Table &in, BatchOutput *out)
        {
            *out = BatchOutput(kOutputs, in.rowCount());
            return executor->run(in, 0, *out);
        }
        ResultCache cache;
        CountingExecutor *inner = nullptr;
        std::unique_ptr<CachingExecutor> executor;
    };

    QTemporaryDir m_dir;

private slots:
    void aWarmCacheServesWithoutRunning()
    {
        Fixture f(m_dir.filePath(QStringLiteral("warm.db")), ResultCache::Mode::Use);
        f.executor->sampleFinished(1e-3); // a slow function: worth caching
        QVERIFY(f.executor->cacheActive());
        QCOMPARE(f.inner->sampled, 1e-3); // passed on
        BatchOutput out;
        QCOMPARE(f.run(inputs(0, 100), &out), FunctionExecutor::Status::Done);
        QCOMPARE(f.inner->rowsRun, 100);
        QCOMPARE(f.executor->cacheHits(), 0);
        QCOMPARE(out.values().integers(0)[99], 198);

        QCOMPARE(f.run(inputs(0, 100), &out), FunctionExecutor::Status::Done);
        QCOMPARE(f.inner->calls, 1); // not run again
        QCOMPARE(f.executor->cacheHits(), 100);
        for (int r = 0; r < 100; ++r)
            QCOMPARE(out.values().integers(0)[std::size_t(r)], 2 * r);

        // Half known: only the other half runs, and every row comes back in its place.
        QCOMPARE(f.run(inputs(50, 100), &out), FunctionExecutor::Status::Done);
        QCOMPARE(f.inner->lastRows, 50);
        QCOMPARE(f.executor->cacheHits(), 150);
        for (int r = 0; r < 100; ++r)
            QCOMPARE(out.values().integers(0)[std::size_t(r)], 2 * (50 + r));
        // What it forwards of the executor behind it.
        QVERIFY(f.executor->isolated());
        QCOMPARE(f.executor->processesStarted(), 7);
    }

    void aCheapFunctionIsNotCached()
    {
        Fixture f(m_dir.filePath(QStringLiteral("cheap.db")), ResultCache::Mode::Use);
        BatchOutput out;
        // Before the sample nothing is cached, and after it only from kMinSecondsPerElement.
        QCOMPARE(f.run(inputs(0, 10), &out), FunctionExecutor::Status::Done);
        f.executor->sampleFinished(CachingExecutor::kMinSecondsPerElement / 2);
        QVERIFY(!f.executor->cacheActive());
        QCOMPARE(f.run(inputs(0, 10), &out), FunctionExecutor::Status::Done);
        QCOMPARE(f.inner->rowsRun, 20);
        QCOMPARE(f.executor->cacheHits(), 0);
        f.cache.flush();
        QCOMPARE(f.cache.entries(), 0);
    }

    void refreshAlwaysRunsAndWrites()
    {
        const QString path = m_dir.filePath(QStringLiteral("refresh.db"));
        {
            Fixture f(path, ResultCache::Mode::Refresh);
            f.executor->sampleFinished(1e-9); // however cheap
            BatchOutput out;
            QVERIFY(f.run(inputs(0, 20), &out) == FunctionExecutor::Status::Done);
            QVERIFY(f.run(inputs(0, 20), &out) == FunctionExecutor::Status::Done);
            QCOMPARE(f.inner->rowsRun, 40);
            QCOMPARE(f.executor->cacheHits(), 0);
        }
        Fixture f(path, ResultCache::Mode::Use);
        f.executor->sampleFinished(1);
        BatchOutput out;
        QVERIFY(f.run(inputs(0, 20), &out) == FunctionExecutor::Status::Done);
        QCOMPARE(f.inner->calls, 0);
        QCOMPARE(f.executor->cacheHits(), 20);
    }

    void aFailedInputStaysFailedAndIsNotStored()
    {
        Fixture f(m_dir.filePath(QStringLiteral("failed.db")), ResultCache::Mode::Use);
        f.executor->sampleFinished(1);
        BatchOutput out;
        QVERIFY(f.run(inputs(0, 10), &out) == FunctionExecutor::Status::Done);
        // Row 3's input did not convert this time: its message stays, whatever its key finds.
        out = BatchOutput(kOutputs, 10);
        out.fail(3, QStringLiteral("\"x\" is not a number"));
        QVERIFY(f.executor->run(inputs(0, 10), 0, out) == FunctionExecutor::Status::Done);
        QVERIFY(out.failed(3));
        QCOMPARE(out.error(3), QStringLiteral("\"x\" is not a number"));
        QCOMPARE(f.executor->cacheHits(), 9);
    }

    void aStoppedBatchIsNotRemembered()
    {
        Fixture f(m_dir.filePath(QStringLiteral("stopped.db")), ResultCache::Mode::Use);
        f.executor->sampleFinished(1);
        f.inner->stop = true;
        BatchOutput out;
        QCOMPARE(f.run(inputs(0, 10), &out), FunctionExecutor::Status::Stopped);
        f.inner->stop = false;
        QVERIFY(f.run(inputs(0, 10), &out) == FunctionExecutor::Status::Done);
        QCOMPARE(f.executor->cacheHits(), 0); // nothing was stored from the stopped run
    }

    void theWrapperIsEmptyWithoutACache()
    {
        QVERIFY(!CachingExecutor::wrapper(nullptr, ResultCache::Mode::Use, nullptr));
        ResultCache cache(m_dir.filePath(QStringLiteral("off.db")));
        QVERIFY(!CachingExecutor::wrapper(&cache, ResultCache::Mode::Off, nullptr));
    }
};

QTEST_GUILESS_MAIN(TestCachingExecutor)
#include "tst_cachingexecutor.moc"
