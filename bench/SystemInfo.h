// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace fastmap::bench {

// What the figures were measured on, read from /proc and /etc/os-release.
struct MachineInfo
{
    QString cpuModel;
    int logicalCpus = 0;
    qint64 memoryBytes = 0;
    QString os;
    QString kernel;
    QString compiler;
};

MachineInfo machineInfo();
// The first three fields of /proc/loadavg: other work on the machine skews every figure.
QString loadAverage();
// How idle all CPUs were over the next `milliseconds`, from /proc/stat; -1 when unreadable.
double idlePercent(int milliseconds);
// VmHWM and VmRSS of this process from /proc/self/status, in kB; -1 when unreadable.
qint64 peakRssKb();
qint64 currentRssKb();
// CPU time used so far by every thread of this process, and by the calling thread alone.
double processCpuSeconds();
double threadCpuSeconds();

} // namespace fastmap::bench
