// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/Engine.h"
#include "engine/FunctionExecutor.h"
#include "jobs/ResultCache.h"

#include <atomic>
#include <memory>
#include <vector>

namespace fastmap {

class PluginCatalog;

// Serves a job's elements from the persistent ResultCache and runs only the others, through
// the executor it wraps (threads or hosts), remembering what they computed. The engine knows
// nothing of the cache: it runs whatever executor it is given.
// Under Mode::Use it turns itself on after the sample only for functions of kMinSecondsPerElement
// or more; Refresh always writes. Thread-safe as its inner executor is.
class CachingExecutor final : public FunctionExecutor
{
public:
    // A cold cache costs about 2 us an element (hashing, and SQLite's insert); below ten times
    // that the cache would cost more than 10% of the function, so cheaper functions just run.
    static constexpr double kMinSecondsPerElement = 25e-6;

    CachingExecutor(std::unique_ptr<FunctionExecutor> inner, ResultCache *cache, ResultCache::Mode mode,
                    QByteArray keyPrefix, std::vector<ColumnType> outputTypes);

    // What Engine::setExecutorWrapper() takes to put every job's executor behind `cache`; an
    // empty wrapper when there is no cache or the mode is Off.
    static Engine::ExecutorWrapper wrapper(ResultCache *cache, ResultCache::Mode mode, PluginCatalog *catalog);

    Status run(const Table &input, qint64 firstRow, BatchOutput &output) override;
    void setSecondsPerElement(double seconds) override { m_inner->setSecondsPerElement(seconds); }
    void sampleFinished(double secondsPerElement) override;
    bool stopRunning() override { return m_inner->stopRunning(); }
    bool isolated() const override { return m_inner->isolated(); }
    QString fatalMessage() const override { return m_inner->fatalMessage(); }
    qint64 isolatedElements() const override { return m_inner->isolatedElements(); }
    int processesStarted() const override { return m_inner->processesStarted(); }
    qint64 cacheHits() const override { return m_hits.load(std::memory_order_relaxed); }
    bool cacheActive() const { return m_active.load(); }

private:
    Status runThroughCache(const Table &input, qint64 firstRow, BatchOutput &output);

    std::unique_ptr<FunctionExecutor> m_inner;
    ResultCache *m_cache;
    ResultCache::Mode m_mode;
    QByteArray m_keyPrefix;
    std::vector<ColumnType> m_outputTypes;
    std::atomic<bool> m_active{false};
    std::atomic<qint64> m_hits{0};
};

} // namespace fastmap
