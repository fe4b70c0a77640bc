// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/CostModel.h"

#include <QStringList>
#include <QThread>
#include <QUrl>

#include <algorithm>
#include <cmath>

namespace fastmap {

namespace {

QString seconds(double s)
{
    if (s < 1)
        return QStringLiteral("%1 ms").arg(s * 1e3, 0, 'f', 0);
    if (s < 120)
        return QStringLiteral("%1 s").arg(s, 0, 'f', 1);
    if (s < 7200)
        return QStringLiteral("%1 min").arg(s / 60, 0, 'f', 1);
    return QStringLiteral("%1 h").arg(s / 3600, 0, 'f', 1);
}

QString perElement(double s)
{
    if (s < 1e-6)
        return QStringLiteral("%1 ns").arg(s * 1e9, 0, 'f', 0);
    if (s < 1e-3)
        return QStringLiteral("%1 µs").arg(s * 1e6, 0, 'f', 1);
    return QStringLiteral("%1 ms").arg(s * 1e3, 0, 'f', 2);
}

QString count(int n, const char *one, const char *many)
{
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
}

// "127.0.0.1:8750", "[::1]:8750", "localhost"
QString hostOf(const QString &url)
{
    return QUrl(url).authority();
}

} // namespace

int CostModel::machineCores(const Input &input)
{
    return input.machineCores > 0 ? input.machineCores : std::max(1, QThread::idealThreadCount());
}

QList<int> CostModel::countedThreads(const Input &input)
{
    int free = std::max(0, machineCores(input) - (input.localUsed ? input.localThreads : 0));
    QList<int> counted;
    for (const WorkerProbe &w : input.workers) {
        int n = w.usable ? std::max(0, w.threads) : 0;
        if (w.sameMachine) {
            n = std::min(n, free);
            free -= n;
        }
        counted << n;
    }
    return counted;
}

double CostModel::workerRate(const WorkerProbe &worker, const Input &input)
{
    const int threads = worker.countedThreads >= 0 ? worker.countedThreads : worker.threads;
    if (!worker.usable || threads <= 0 || input.secondsPerElement <= 0)
        return 0;
    // Assume a remote core is as fast as a local one; the running job corrects this as it measures.
    const double cpuRate = threads / input.secondsPerElement;
    const double bytes = input.bytesInPerElement + input.bytesOutPerElement;
    const double link = worker.bytesPerSecond > 0 ? worker.bytesPerSecond : input.assumedBytesPerSecond;
    const double linkRate = bytes > 0 ? link / bytes : cpuRate;
    return std::min(cpuRate, linkRate);
}

Estimate CostModel::estimate(const Input &input)
{
    Estimate e;
    e.elements = input.remainingElements;
    e.elementsEstimated = input.elementsEstimated;
    e.secondsPerElement = input.secondsPerElement;
    e.bytesInPerElement = input.bytesInPerElement;
    e.bytesOutPerElement = input.bytesOutPerElement;
    e.localThreads = input.localThreads;
    e.localUsed = input.localUsed;
    e.machineCores = machineCores(input);
    e.workers = input.workers;
    const QList<int> counted = countedThreads(input);
    for (qsizetype i = 0; i < e.workers.size(); ++i)
        e.workers[i].countedThreads = counted.value(i);

    const double n = input.remainingElements >= 0 ? double(input.remainingElements) : 0;
    const double localRate = input.localThreads > 0 && input.secondsPerElement > 0
                                 ? input.localThreads / input.secondsPerElement
                                 : 0;
    e.localOnlySeconds = localRate > 0 ? n / localRate : 0;

    double remoteRate = 0;
    double worstRtt = 0;
    for (const WorkerProbe &w : std::as_const(e.workers)) {
        const double rate = workerRate(w, input);
        if (rate <= 0)
            continue;
        remoteRate += rate;
        worstRtt = std::max(worstRtt, w.rttSeconds);
        e.maxPricePerVcpuHour = std::max(e.maxPricePerVcpuHour, w.pricePerVcpuHour);
    }
    const double usedLocalRate = input.localUsed ? localRate : 0;
    const double total = usedLocalRate + remoteRate;
    if (remoteRate <= 0) {
        e.withRemoteSeconds = e.localOnlySeconds;
        // Usable, but on this machine, whose cores the local threads already take.
        QStringList shared;
        bool otherUsable = false;
        for (const WorkerProbe &w : std::as_const(e.workers)) {
            if (w.usable && w.sameMachine && w.countedThreads == 0)
                shared << hostOf(w.url);
            else if (w.usable)
                otherUsable = true;
        }
        if (input.workers.isEmpty())
            e.reason = QStringLiteral("no remote workers are configured");
        else if (!shared.isEmpty() && !otherUsable)
            e.reason =
                QStringLiteral("%1 %2 this machine's %3 with the %4, so %5 not speed this job up")
                    .arg(shared.size() == 1
                             ? QStringLiteral("the worker on ") + shared.first()
                             : QStringLiteral("the workers on ") + shared.join(QStringLiteral(" and ")),
                         shared.size() == 1 ? QStringLiteral("shares") : QStringLiteral("share"),
                         count(e.machineCores, "core", "cores"),
                         count(e.localThreads, "local thread", "local threads"),
                         shared.size() == 1 ? QStringLiteral("it would") : QStringLiteral("they would"));
        else
            e.reason = QStringLiteral("no remote worker is usable");
        return e;
    }
    // Remote results arrive at least one round trip (and one batch) late.
    e.withRemoteSeconds = n / total + worstRtt;
    e.remoteShare = remoteRate / total;
    double costUsd = 0;
    for (const WorkerProbe &w : std::as_const(e.workers)) {
        const double rate = workerRate(w, input);
        if (rate <= 0)
            continue;
        const double vcpuSeconds = n * (rate / total) * input.secondsPerElement;
        e.remoteVcpuHours += vcpuSeconds / 3600.0;
        costUsd += vcpuSeconds / 3600.0 * w.pricePerVcpuHour;
    }
    e.cost = costUsd;
    if (!input.localUsed) {
        e.remoteHelps = true;
    } else if (input.remainingElements < 0) {
        e.remoteHelps = true; // an unknown length: extra cores can only help
    } else {
        e.remoteHelps = e.withRemoteSeconds < 0.95 * e.localOnlySeconds;
        if (!e.remoteHelps)
            e.reason = QStringLiteral("remote workers would not speed this job up (about %1 locally, %2 with them)")
                           .arg(seconds(e.localOnlySeconds), seconds(e.withRemoteSeconds));
    }
    return e;
}

QString Estimate::sharedCoresReason() const
{
    const int local = localUsed ? localThreads : 0;
    QString reason =
        QStringLiteral("it shares this machine's %1 with the %2")
            .arg(count(machineCores, "core", "cores"), count(local, "local thread", "local threads"));
    if (local < machineCores)
        reason += QStringLiteral(" and the workers on this machine listed before it");
    return reason;
}

QString Estimate::toText() const
{
    QStringList lines;
    lines << QStringLiteral("Elements left:       %1%2")
                 .arg(elements >= 0 ? QString::number(elements) : QStringLiteral("unknown"))
                 .arg(elementsEstimated ? QStringLiteral(" (estimated from the file size)") : QString());
    lines << QStringLiteral("Time per element:    %1 (measured on a local sample)").arg(perElement(secondsPerElement));
    lines << QStringLiteral("Bytes per element:   %1 in, %2 out")
                 .arg(bytesInPerElement, 0, 'f', 0)
                 .arg(bytesOutPerElement, 0, 'f', 0);
    lines << QStringLiteral("Local only:          %1 on %2 threads").arg(seconds(localOnlySeconds)).arg(localThreads);
    for (const WorkerProbe &w : workers) {
        QString threads = QString::number(w.threads);
        if (w.sameMachine && w.countedThreads >= 0 && w.countedThreads < w.threads)
            threads = QStringLiteral("%1 of its %2 threads counted (on this machine, beside %3)")
                          .arg(w.countedThreads)
                          .arg(w.threads)
                          .arg(count(localUsed ? localThreads : 0, "local thread", "local threads"));
        else if (w.sameMachine)
            threads += QStringLiteral(" threads on this machine");
        else
            threads += QStringLiteral(" threads");
        if (w.usable && w.sameMachine && w.countedThreads == 0)
            lines << QStringLiteral("Worker %1: not used: %2").arg(w.url, sharedCoresReason());
        else if (w.usable)
            lines << QStringLiteral("Worker %1: %2, %3 round trip, $%4 per vCPU-hour%5")
                         .arg(w.url)
                         .arg(threads)
                         .arg(seconds(w.rttSeconds))
                         .arg(w.pricePerVcpuHour, 0, 'f', 4)
                         .arg(w.creditsLeft >= 0
                                  ? QStringLiteral(", $%1 credits left").arg(w.creditsLeft, 0, 'f', 4)
                                  : QString());
        else
            lines << QStringLiteral("Worker %1: not used: %2").arg(w.url, w.reason);
    }
    if (remoteShare > 0) {
        lines << QStringLiteral("With remote workers: %1 (remote share %2%)")
                     .arg(seconds(withRemoteSeconds))
                     .arg(remoteShare * 100, 0, 'f', 0);
        lines << QStringLiteral("Remote vCPU-hours:   %1").arg(remoteVcpuHours, 0, 'f', 4);
        lines << QStringLiteral("Estimated cost:      $%1").arg(cost, 0, 'f', 4);
    }
    if (!reason.isEmpty())
        lines << QStringLiteral("Note: %1").arg(reason);
    return lines.join(QLatin1Char('\n'));
}

} // namespace fastmap
