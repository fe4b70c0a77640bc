// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>
#include <sys/types.h>

namespace fastmap {

// How one batch sent to a host ended.
struct HostOutcome
{
    enum class Kind {
        Answered,    // payload: the BatchCodec response
        Error,       // payload: why the host could not run the batch at all (it is still usable)
        Died,        // the host ended while it ran the batch: a crash, exit() or a foreign kill
        TimedOut,    // it overran the batch's deadline and was killed
        OutOfMemory, // it grew past the memory limit and was killed
        Aborted,     // the job stopped it (cancel after the grace period)
    };
    Kind kind = Kind::Died;
    QByteArray payload;
    QString reason;        // Died: what happened, e.g. "crashed (SIGSEGV)"
    double cpuSeconds = 0; // of a host that ended: the CPU time it used on this batch, from the kernel
    bool hostLost() const { return kind != Kind::Answered && kind != Kind::Error; }
};

// One fastmap-host child process, connected by a local stream socket on its stdin and stdout.
// It runs one batch at a time; run() blocks the calling thread until the answer, the host's end,
// the deadline, the memory limit or an abort.
class HostProcess
{
public:
    struct Options
    {
        QString program;       // the fastmap-host executable
        QStringList plugins;   // plugin files the host may load functions from
        int memoryLimitMB = 0; // 0: none; else address space and resident size beyond start-up
        double startTimeoutSeconds = 60;
    };

    // Where fastmap-host is: $FASTMAP_HOST, beside this executable, ../bin (tests) or the
    // installed ../libexec/fastmap.
    static QString defaultProgram();

    // Starts a host and waits for its hello; null with the reason when it cannot start.
    static std::unique_ptr<HostProcess> start(const Options &options, QString *error);
    ~HostProcess();
    HostProcess(const HostProcess &) = delete;
    HostProcess &operator=(const HostProcess &) = delete;

    // `timeoutSeconds` <= 0: no deadline. `abort` is polled; when it turns true the host is killed.
    HostOutcome run(const QByteArray &request, double timeoutSeconds, const std::atomic<bool> *abort);

    pid_t pid() const { return m_pid; }
    bool alive() const { return m_pid > 0; }

    // "SIGSEGV" for 11; the number for an unknown one.
    static QString signalName(int signal);

private:
    HostProcess() = default;
    bool waitForHello(double timeoutSeconds, QString *error);
    qint64 residentBytes() const;
    // Kills (when still running) and reaps the child; the description of how it ended.
    QString reap(bool kill, double *cpuSeconds);

    int m_fd = -1;
    pid_t m_pid = -1;
    qint64 m_memoryLimitBytes = 0;
    qint64 m_baselineRss = 0;
    double m_cpuBeforeRun = 0; // its CPU time when the current batch was sent
};

} // namespace fastmap
