// SPDX-License-Identifier: GPL-3.0-or-later
// demo-work-calibrate: how many demo.work iterations make one element cost a given time on this
// machine, measured the way fastmap-bench calibrates (thread CPU time, serial, the least of 15
// short passes at 0 and at 1000 iterations), so that bench/e2e.sh can run fastmap-cli's demo.work
// at "1 us per element" without the rest of the tree. It needs only Qt Core, for the kernel header.
//
//   demo-work-calibrate US [N]        prints: iterations measured_us base_ns ns_per_iteration
//                                      (N: the range the job will run, default 10M; the elements
//                                      timed are spread over it, since the seed costs per digit)
//   demo-work-calibrate --hash ITERATIONS FIRST COUNT
//                                      prints demo.work's output for the integers FIRST.. (one a line),
//                                      to check other implementations of the kernel against it
#include "DemoWorkKernel.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace {

double threadCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

// CPU ns per element at `iterations`: the least of `passes` serial passes over `count` elements
// spread evenly over [0, range).
double nsPerElement(qint64 iterations, qint64 count, int passes, qint64 range)
{
    const qint64 stride = std::max<qint64>(1, range / count);
    double best = 1e300;
    quint64 sink = 0;
    for (int p = 0; p < passes; ++p) {
        const double start = threadCpuSeconds();
        for (qint64 i = 0; i < count; ++i)
            sink += fastmap::demo::demoWorkHash(fastmap::demo::demoWorkSeedInteger(i * stride), iterations);
        best = std::min(best, (threadCpuSeconds() - start) * 1e9 / double(count));
    }
    static std::atomic<quint64> keep;
    keep.store(sink, std::memory_order_relaxed);
    return best;
}

bool parseNumber(const char *text, double *value)
{
    char *end = nullptr;
    *value = std::strtod(text, &end);
    return end != text && *end == '\0';
}

int usage()
{
    std::fputs("usage: demo-work-calibrate US [N]\n"
               "       demo-work-calibrate --hash ITERATIONS FIRST COUNT\n",
               stderr);
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc == 5 && std::strcmp(argv[1], "--hash") == 0) {
        const qint64 iterations = std::atoll(argv[2]);
        const qint64 first = std::atoll(argv[3]);
        const qint64 count = std::atoll(argv[4]);
        for (qint64 i = first; i < first + count; ++i)
            std::printf("%s\n", qPrintable(fastmap::demo::demoWorkHex(fastmap::demo::demoWorkHash(
                                    fastmap::demo::demoWorkSeedInteger(i), iterations))));
        return 0;
    }
    double us = 0;
    double range = 1e7;
    if (argc < 2 || argc > 3 || !parseNumber(argv[1], &us) || !(us > 0) ||
        (argc == 3 && (!parseNumber(argv[2], &range) || !(range >= 1))))
        return usage();
    const qint64 n = qint64(range);

    constexpr qint64 kProbeIterations = 1000;
    const double baseNs = nsPerElement(0, 200000, 15, n);
    const double perIteration =
        (nsPerElement(kProbeIterations, 500, 15, n) - baseNs) / double(kProbeIterations);
    const qint64 iterations =
        std::max<qint64>(0, std::llround((us * 1e3 - baseNs) / std::max(perIteration, 1e-3)));
    const qint64 checkCount = std::clamp(qint64(2e3 / us), qint64(20), qint64(20000));
    const double measuredUs = nsPerElement(iterations, checkCount, 15, n) * 1e-3;
    std::printf("%lld %.4f %.2f %.4f\n", static_cast<long long>(iterations), measuredUs, baseNs,
                perIteration);
    return 0;
}
