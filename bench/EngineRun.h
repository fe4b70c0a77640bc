// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Peers.h"

#include "engine/JobSpec.h"
#include "engine/JobTypes.h"

namespace fastmap {
class PluginCatalog;
}

namespace fastmap::bench {

// Runs demo.work over range:n through the engine, as the CLI would, with a sink that parses each
// 16-hex-digit output back into its hash and folds it into the checksum, holding nothing.
// The time runs from Engine::start() to the end of Engine::wait(), so it includes the engine's
// serial sample, the sink's parsing and the ordered delivery.
// `sampleSeconds` < 0 keeps the engine's default serial sample. `isolation`: threads in this
// process, or fastmap-host processes (one per thread).
MethodResult runEngine(PluginCatalog &catalog, qint64 n, qint64 iterations, int threads,
                       double sampleSeconds = -1, JobSummary *summary = nullptr,
                       JobSpec::Isolation isolation = JobSpec::Isolation::Thread);

// Serial CPU nanoseconds per element of each step one batch takes through the engine, with the
// engine's own parts: the range reader, the loaded plugin's process(), this benchmark's sink and the
// batch's destruction; and of the bare kernel on the same elements. The fastest of `batches`
// batches of `rows`, timed with the thread's CPU clock.
struct Breakdown
{
    double readNs = 0;    // cutting the records (the scheduler) and parsing them (the executor)
    double processNs = 0; // Function::process into a fresh BatchOutput, as Engine's execute does
    double prepareNs = 0; // the checksum sink's prepare(): parse the hex strings, sum
    double freeNs = 0;    // destroying the BatchResult: the rows, the output strings
    double kernelNs = 0;  // demoWorkHash(demoWorkSeedInteger(i)) alone
    bool ok = true;
    QString error;
};
Breakdown measureBreakdown(PluginCatalog &catalog, qint64 iterations, int rows, int batches);

} // namespace fastmap::bench
