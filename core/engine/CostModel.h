// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QMetaType>
#include <QString>

namespace fastmap {

// What a probe learned about one worker.
struct WorkerProbe
{
    QString url;
    bool usable = false;
    QString reason;           // why it is not usable
    int threads = 0;
    // The URL names this machine (loopback, localhost, one of its addresses or its host name):
    // the worker's threads run on the cores the local threads use.
    bool sameMachine = false;
    // Set in Estimate::workers: the threads the estimate counts. All of them on another
    // machine; on this one only the cores the local threads leave free. -1: not estimated.
    int countedThreads = -1;
    double rttSeconds = 0;
    double bytesPerSecond = 0; // 0: not measured
    double pricePerVcpuHour = 0;
    double creditsLeft = -1;   // -1: unknown or unlimited
};

// The numbers behind "run locally, remotely or both", from the local sample and the probes.
struct Estimate
{
    qint64 elements = -1; // total; -1 unknown
    bool elementsEstimated = false;
    double secondsPerElement = 0;
    double bytesInPerElement = 0;
    double bytesOutPerElement = 0;
    int localThreads = 0;
    bool localUsed = true;
    int machineCores = 0; // this machine's, which the local threads and the workers on it share
    double localOnlySeconds = 0;
    double withRemoteSeconds = 0;
    double remoteShare = 0;       // of the elements, taken by remote workers
    double remoteVcpuHours = 0;
    double cost = 0;              // USD
    double maxPricePerVcpuHour = 0;
    bool remoteHelps = false;
    QString reason;               // why remote would not help, when it would not
    QList<WorkerProbe> workers;

    bool paid() const { return cost > 0; }
    // Why a usable worker on this machine is counted with no thread: "it shares this machine's
    // 2 cores with the 2 local threads".
    QString sharedCoresReason() const;
    QString toText() const;
};

// Fastmap charged its estimate as if all the work went remote. This model splits the work in
// proportion to each side's throughput and charges only the remote share.
class CostModel
{
public:
    struct Input
    {
        qint64 remainingElements = -1;
        bool elementsEstimated = false;
        double secondsPerElement = 0;
        double bytesInPerElement = 0;
        double bytesOutPerElement = 0;
        int localThreads = 1;
        bool localUsed = true; // false under the remote-only policy
        int machineCores = 0;  // this machine's cores; 0: QThread::idealThreadCount()
        double assumedBytesPerSecond = 50e6; // when a probe could not measure bandwidth
        QList<WorkerProbe> workers;
    };

    static Estimate estimate(const Input &input);
    // Elements per second one worker can take: its counted threads (else all of them), capped
    // by its network link.
    static double workerRate(const WorkerProbe &worker, const Input &input);
    // The threads of each usable worker that the estimate counts, in the order of
    // input.workers. A worker on another machine brings its own cores. The workers on this
    // machine share its cores with the local threads: together they count only
    // max(0, cores - local threads), each up to its own threads, the first listed first.
    static QList<int> countedThreads(const Input &input);
    static int machineCores(const Input &input);
};

} // namespace fastmap

Q_DECLARE_METATYPE(fastmap::Estimate)
