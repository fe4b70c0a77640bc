// SPDX-License-Identifier: GPL-3.0-or-later
// TBB first: its headers use `emit` as an identifier, which Qt's headers define as a macro.
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include "Peers.h"

#include "BenchWork.h"
#include "SystemInfo.h"

#include <QElapsedTimer>
#include <QList>
#include <QThreadPool>
#include <QtConcurrent>

#include <numeric>
#include <thread>

namespace fastmap::bench {

namespace {

// Wall and CPU time together.
struct Stopwatch
{
    Stopwatch() { timer.start(); }
    QElapsedTimer timer;
    double cpuStart = processCpuSeconds();
};

void computeRange(qint64 first, qint64 end, qint64 iterations, quint64 *results)
{
    for (qint64 i = first; i < end; ++i)
        results[i] = elementHash(i, iterations);
}

MethodResult finish(const Stopwatch &clock, qint64 n, const quint64 *results)
{
    MethodResult r;
    r.seconds = double(clock.timer.nsecsElapsed()) * 1e-9;
    r.cpuSeconds = processCpuSeconds() - clock.cpuStart;
    r.elements = n;
    r.checksum = checksumOf(results, std::size_t(n));
    return r;
}

} // namespace

MethodResult runSerial(qint64 n, qint64 iterations, std::vector<quint64> &results)
{
    const Stopwatch clock;
    computeRange(0, n, iterations, results.data());
    return finish(clock, n, results.data());
}

MethodResult runStdThreads(qint64 n, qint64 iterations, int threads, std::vector<quint64> &results)
{
    const Stopwatch clock;
    std::vector<std::thread> workers;
    workers.reserve(std::size_t(threads));
    for (int t = 0; t < threads; ++t) {
        const qint64 first = n * t / threads;
        const qint64 end = n * (t + 1) / threads;
        workers.emplace_back(computeRange, first, end, iterations, results.data());
    }
    for (std::thread &w : workers)
        w.join();
    return finish(clock, n, results.data());
}

MethodResult runTbb(qint64 n, qint64 iterations, int threads, std::vector<quint64> &results)
{
    tbb::task_arena arena(threads);
    arena.initialize(); // so that the timed part does not include creating the arena
    quint64 *out = results.data();
    const Stopwatch clock;
    arena.execute([&] {
        tbb::parallel_for(tbb::blocked_range<qint64>(0, n), [&](const tbb::blocked_range<qint64> &range) {
            computeRange(range.begin(), range.end(), iterations, out);
        });
    });
    return finish(clock, n, out);
}

MethodResult runQtConcurrent(qint64 n, qint64 iterations, int threads)
{
    QThreadPool::globalInstance()->setMaxThreadCount(threads);
    QList<qint64> indices(n);
    std::iota(indices.begin(), indices.end(), qint64(0));

    const Stopwatch clock;
    const QList<quint64> hashes =
        QtConcurrent::blockingMapped(indices, [iterations](qint64 i) { return elementHash(i, iterations); });
    if (hashes.size() != n) {
        MethodResult r;
        r.ok = false;
        r.note = QStringLiteral("blockingMapped returned %1 results instead of %2").arg(hashes.size()).arg(n);
        return r;
    }
    return finish(clock, n, hashes.constData());
}

} // namespace fastmap::bench
