// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <vector>

namespace fastmap::bench {

// What one timed run of one method produced.
struct MethodResult
{
    double seconds = 0;    // wall time of the timed part only
    double cpuSeconds = 0; // CPU time of every thread of the process over the same part
    quint64 checksum = 0;  // of all N results, computed after the clock stopped
    qint64 elements = 0;
    bool ok = true;
    QString note; // details worth printing under the row
};

// The peers the engine is measured against. Each computes hash_i for every i in [0, n) and
// keeps the results in input order: the first three write into `results` (preallocated, at
// least n long, so that no allocation or first-touch page fault lands in the timed part);
// QtConcurrent builds its own result list, as blockingMapped does. The checksum is taken
// after the clock stops, so the peers pay nothing to be checked.
MethodResult runSerial(qint64 n, qint64 iterations, std::vector<quint64> &results);
// The practical limit: `threads` std::threads, each given one contiguous n / threads share.
MethodResult runStdThreads(qint64 n, qint64 iterations, int threads, std::vector<quint64> &results);
// tbb::parallel_for over a blocked_range with the default partitioner, in an arena of `threads`.
MethodResult runTbb(qint64 n, qint64 iterations, int threads, std::vector<quint64> &results);
// QtConcurrent::blockingMapped over a QList of the n indices, on the global pool of `threads`.
// Building the index list is not timed: a Qt program would already hold its data in one.
MethodResult runQtConcurrent(qint64 n, qint64 iterations, int threads);

} // namespace fastmap::bench
