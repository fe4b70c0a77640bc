// SPDX-License-Identifier: GPL-3.0-or-later
#include "SystemInfo.h"

#include <QFile>
#include <QRegularExpression>
#include <QSysInfo>
#include <QThread>

#include <ctime>

namespace fastmap::bench {

namespace {

QString readText(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    return QString::fromUtf8(file.readAll());
}

// The value after "key:" on the first line that starts with `key`, trimmed.
QString field(const QString &text, QStringView key)
{
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (const QString &line : lines) {
        if (!line.startsWith(key))
            continue;
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        if (colon >= 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

qint64 statusKb(QStringView key)
{
    const QString value = field(readText(QStringLiteral("/proc/self/status")), key);
    bool ok = false;
    const qint64 kb = value.section(QLatin1Char(' '), 0, 0).toLongLong(&ok);
    return ok ? kb : -1;
}

} // namespace

MachineInfo machineInfo()
{
    MachineInfo info;
    const QString cpuinfo = readText(QStringLiteral("/proc/cpuinfo"));
    info.cpuModel = field(cpuinfo, u"model name");
    if (info.cpuModel.isEmpty())
        info.cpuModel = QSysInfo::currentCpuArchitecture();
    info.logicalCpus = int(cpuinfo.count(
        QRegularExpression(QStringLiteral("^processor\\s*:"), QRegularExpression::MultilineOption)));
    const QString memKb = field(readText(QStringLiteral("/proc/meminfo")), u"MemTotal");
    info.memoryBytes = memKb.section(QLatin1Char(' '), 0, 0).toLongLong() * 1024;

    const QString osRelease = readText(QStringLiteral("/etc/os-release"));
    for (const QString &line : osRelease.split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1String("PRETTY_NAME="))) {
            info.os = line.mid(12);
            info.os.remove(QLatin1Char('"'));
        }
    }
    if (info.os.isEmpty())
        info.os = QSysInfo::prettyProductName();
    info.kernel = QSysInfo::kernelType() + QLatin1Char(' ') + QSysInfo::kernelVersion();
#if defined(__clang__)
    info.compiler = QStringLiteral("Clang " __clang_version__);
#elif defined(__GNUC__)
    info.compiler = QStringLiteral("GCC " __VERSION__);
#else
    info.compiler = QStringLiteral("unknown");
#endif
    return info;
}

QString loadAverage()
{
    return readText(QStringLiteral("/proc/loadavg")).section(QLatin1Char(' '), 0, 2);
}

namespace {
// Total and idle jiffies of all CPUs (idle includes iowait).
bool cpuJiffies(double *total, double *idle)
{
    const QString line = readText(QStringLiteral("/proc/stat")).section(QLatin1Char('\n'), 0, 0);
    const QStringList f = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (f.size() < 6 || f[0] != QLatin1String("cpu"))
        return false;
    *total = 0;
    for (qsizetype i = 1; i < qMin<qsizetype>(f.size(), 9); ++i) // user .. steal; guest is in user already
        *total += f[i].toDouble();
    *idle = f[4].toDouble() + f[5].toDouble();
    return true;
}
} // namespace

double idlePercent(int milliseconds)
{
    double total0, idle0, total1, idle1;
    if (!cpuJiffies(&total0, &idle0))
        return -1;
    QThread::msleep(ulong(milliseconds));
    if (!cpuJiffies(&total1, &idle1) || total1 <= total0)
        return -1;
    return 100.0 * (idle1 - idle0) / (total1 - total0);
}

qint64 peakRssKb()
{
    return statusKb(u"VmHWM");
}

qint64 currentRssKb()
{
    return statusKb(u"VmRSS");
}

namespace {
double clockSeconds(clockid_t clock)
{
    timespec ts{};
    clock_gettime(clock, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}
} // namespace

double processCpuSeconds()
{
    return clockSeconds(CLOCK_PROCESS_CPUTIME_ID);
}

double threadCpuSeconds()
{
    return clockSeconds(CLOCK_THREAD_CPUTIME_ID);
}

} // namespace fastmap::bench
