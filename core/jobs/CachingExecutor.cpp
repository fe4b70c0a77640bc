// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/CachingExecutor.h"

#include "plugin/PluginCatalog.h"

namespace fastmap {

CachingExecutor::CachingExecutor(std::unique_ptr<FunctionExecutor> inner, ResultCache *cache, ResultCache::Mode mode,
                                 QByteArray keyPrefix, std::vector<ColumnType> outputTypes)
    : m_inner(std::move(inner)), m_cache(cache), m_mode(mode), m_keyPrefix(std::move(keyPrefix)),
      m_outputTypes(std::move(outputTypes))
{
}

Engine::ExecutorWrapper CachingExecutor::wrapper(ResultCache *cache, ResultCache::Mode mode, PluginCatalog *catalog)
{
    if (!cache || mode == ResultCache::Mode::Off)
        return {};
    return [cache, mode, catalog](std::unique_ptr<FunctionExecutor> executor, const FunctionInfo &info,
                                  const QVariantMap &params) -> std::unique_ptr<FunctionExecutor> {
        QByteArray prefix = ResultCache::keyPrefix(info.id, info.version, catalog->pluginHash(info.id), params);
        return std::make_unique<CachingExecutor>(std::move(executor), cache, mode, std::move(prefix),
                                                 info.outputTypes());
    };
}

void CachingExecutor::sampleFinished(double secondsPerElement)
{
    // Decided once: with the cache on, hits make the measured time fall, which must not turn it off.
    m_active = m_mode == ResultCache::Mode::Refresh || secondsPerElement >= kMinSecondsPerElement;
    m_inner->sampleFinished(secondsPerElement);
}

FunctionExecutor::Status CachingExecutor::run(const Table &input, qint64 firstRow, BatchOutput &output)
{
    if (!m_active.load(std::memory_order_relaxed))
        return m_inner->run(input, firstRow, output);
    return runThroughCache(input, firstRow, output);
}

FunctionExecutor::Status CachingExecutor::runThroughCache(const Table &input, qint64 firstRow, BatchOutput &output)
{
    const int rows = input.rowCount();
    std::vector<CacheKey> keys;
    ResultCache::elementKeys(m_keyPrefix, input, &keys);
    std::vector<char> found(std::size_t(rows), 0);
    int hits = 0;
    if (m_mode == ResultCache::Mode::Use) {
        hits = m_cache->lookup(keys, m_outputTypes, &output, &found);
        // An element whose input did not convert stays failed, whatever its zeroed key found.
        for (int r = 0; r < rows && output.hasFailures(); ++r) {
            if (found[std::size_t(r)] && output.failed(r)) {
                found[std::size_t(r)] = 0;
                --hits;
            }
        }
    }
    m_hits.fetch_add(hits, std::memory_order_relaxed);
    if (hits == rows)
        return Status::Done;
    std::vector<char> computed(std::size_t(rows), 0);
    if (hits == 0) {
        const Status status = m_inner->run(input, firstRow, output);
        if (status != Status::Done)
            return status;
        computed.assign(std::size_t(rows), 1);
    } else {
        Table missing(input.types(), rows - hits);
        BatchOutput partial(m_outputTypes, rows - hits);
        std::vector<int> where;
        for (int r = 0; r < rows; ++r) {
            if (found[std::size_t(r)])
                continue;
            const int m = int(where.size());
            missing.copyRow(m, input, r);
            if (output.failed(r))
                partial.fail(m, output.error(r)); // its input did not convert
            where.push_back(r);
            computed[std::size_t(r)] = 1;
        }
        const Status status = m_inner->run(missing, firstRow, partial);
        if (status != Status::Done)
            return status;
        for (int m = 0; m < int(where.size()); ++m) {
            const int r = where[std::size_t(m)];
            if (partial.failed(m))
                output.fail(r, partial.error(m));
            else
                output.values().copyRow(r, partial.values(), m);
        }
    }
    m_cache->store(keys, output, computed);
    return Status::Done;
}

} // namespace fastmap
