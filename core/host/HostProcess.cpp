// SPDX-License-Identifier: GPL-3.0-or-later
#include "host/HostProcess.h"

#include "host/HostFrames.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace fastmap {

namespace {

// How often a waiting job looks at the deadline, the abort flag and the host's memory.
constexpr int kPollMs = 10;

double seconds(const timeval &t)
{
    return double(t.tv_sec) + double(t.tv_usec) * 1e-6;
}

// The CPU time a live process has used so far, from /proc/PID/stat (utime and stime, the 14th
// and 15th fields, after the command name in parentheses); 0 when it cannot be read.
double processCpuSeconds(pid_t pid)
{
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", int(pid));
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    char text[1024];
    const ssize_t n = ::read(fd, text, sizeof text - 1);
    ::close(fd);
    if (n <= 0)
        return 0;
    text[n] = 0;
    const char *at = std::strrchr(text, ')');
    if (!at)
        return 0;
    unsigned long long utime = 0, stime = 0;
    // After ") ": state, then fields 4..13, then utime (14) and stime (15).
    if (std::sscanf(at + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
        return 0;
    return double(utime + stime) / double(::sysconf(_SC_CLK_TCK));
}

} // namespace

QString HostProcess::defaultProgram()
{
    const QString fromEnv = qEnvironmentVariable("FASTMAP_HOST");
    if (!fromEnv.isEmpty())
        return fromEnv;
    const QString dir = QCoreApplication::applicationDirPath();
    for (const char *relative : {"fastmap-host", "../bin/fastmap-host", "../libexec/fastmap/fastmap-host"}) {
        const QString path = QDir::cleanPath(dir + QLatin1Char('/') + QLatin1String(relative));
        if (QFileInfo(path).isExecutable())
            return path;
    }
    return QStringLiteral("fastmap-host"); // let the start fail with a clear message
}

QString HostProcess::signalName(int signal)
{
    const char *abbreviation = ::sigabbrev_np(signal);
    return abbreviation ? QStringLiteral("SIG") + QLatin1String(abbreviation) : QString::number(signal);
}

std::unique_ptr<HostProcess> HostProcess::start(const Options &options, QString *error)
{
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        *error = QStringLiteral("cannot make a socket for a function host: %1")
                     .arg(QString::fromLocal8Bit(std::strerror(errno)));
        return nullptr;
    }
    // Room for a whole batch in flight either way keeps the copies in large steps.
    const int buffer = 4 << 20;
    for (int fd : fds) {
        ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    }

    QList<QByteArray> args{QFile::encodeName(options.program)};
    for (const QString &plugin : options.plugins)
        args << "--plugin" << QFile::encodeName(plugin);
    if (options.memoryLimitMB > 0)
        args << "--memory-limit" << QByteArray::number(options.memoryLimitMB);
    args << "--parent" << QByteArray::number(::getpid());
    std::vector<char *> argv;
    for (QByteArray &a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    // Its own process group: a Ctrl-C in the terminal stops the job, which then stops the hosts
    // after its grace period, instead of killing every host at once mid-batch.
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setflags(&attributes,
                             POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    pid_t pid = -1;
    const int spawned = ::posix_spawn(&pid, argv[0], &actions, &attributes, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    ::close(fds[1]);
    if (spawned != 0) {
        ::close(fds[0]);
        *error = QStringLiteral("cannot start the function host %1: %2")
                     .arg(options.program, QString::fromLocal8Bit(std::strerror(spawned)));
        return nullptr;
    }
    std::unique_ptr<HostProcess> host(new HostProcess);
    host->m_fd = fds[0];
    host->m_pid = pid;
    ::fcntl(host->m_fd, F_SETFL, ::fcntl(host->m_fd, F_GETFL) | O_NONBLOCK);
    if (!host->waitForHello(options.startTimeoutSeconds, error))
        return nullptr;
    if (options.memoryLimitMB > 0) {
        host->m_memoryLimitBytes = qint64(options.memoryLimitMB) << 20;
        host->m_baselineRss = host->residentBytes();
    }
    return host;
}

HostProcess::~HostProcess()
{
    if (m_fd >= 0)
        ::close(m_fd);
    if (m_pid > 0) {
        double unused = 0;
        reap(true, &unused);
    }
}

bool HostProcess::waitForHello(double timeoutSeconds, QString *error)
{
    // The host is blocking-free at start, so a plain poll on the socket suffices.
    QElapsedTimer clock;
    clock.start();
    QByteArray received;
    for (;;) {
        pollfd p{m_fd, POLLIN, 0};
        const int left = int(timeoutSeconds * 1000) - int(clock.elapsed());
        if (left <= 0) {
            double unused = 0;
            reap(true, &unused);
            *error = QStringLiteral("the function host did not start within %1 s").arg(timeoutSeconds);
            return false;
        }
        if (::poll(&p, 1, left) < 0 && errno != EINTR)
            break;
        char chunk[4096];
        const ssize_t n = ::read(m_fd, chunk, sizeof chunk);
        if (n > 0) {
            received.append(chunk, n);
            if (received.size() >= 5) {
                const auto length = qsizetype(quint8(received[0]) | quint8(received[1]) << 8 |
                                              quint8(received[2]) << 16 | quint32(quint8(received[3])) << 24);
                if (received.size() >= 4 + length) {
                    const char kind = received[4];
                    if (kind == HostFrames::Hello)
                        return true;
                    double unused = 0;
                    reap(true, &unused);
                    *error = kind == HostFrames::Error
                                 ? QString::fromUtf8(received.mid(5, length - 1))
                                 : QStringLiteral("the function host answered nonsense at start");
                    return false;
                }
            }
            continue;
        }
        if (n == 0 || (errno != EAGAIN && errno != EINTR))
            break;
    }
    double unused = 0;
    *error = QStringLiteral("the function host %1 before it was ready").arg(reap(false, &unused));
    return false;
}

qint64 HostProcess::residentBytes() const
{
    QFile statm(QStringLiteral("/proc/%1/statm").arg(m_pid));
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.size() > 1 ? fields[1].toLongLong() * ::sysconf(_SC_PAGESIZE) : 0;
}

QString HostProcess::reap(bool kill, double *cpuSeconds)
{
    if (m_pid <= 0)
        return {};
    if (kill)
        ::kill(m_pid, SIGKILL);
    int status = 0;
    rusage usage{};
    pid_t waited;
    do {
        waited = ::wait4(m_pid, &status, 0, &usage);
    } while (waited < 0 && errno == EINTR);
    m_pid = -1;
    if (waited < 0)
        return QStringLiteral("ended");
    // Only what it used since the batch it died on began: its earlier batches were counted
    // (and charged) with their own answers.
    *cpuSeconds = std::max(0.0, seconds(usage.ru_utime) + seconds(usage.ru_stime) - m_cpuBeforeRun);
    if (WIFSIGNALED(status)) {
        const int sig = WTERMSIG(status);
        if (sig == SIGKILL)
            return QStringLiteral("was killed (SIGKILL; perhaps by the system's out-of-memory killer)");
        return QStringLiteral("crashed (%1)").arg(signalName(sig));
    }
    if (WIFEXITED(status))
        return QStringLiteral("ended its process (exit code %1)").arg(WEXITSTATUS(status));
    return QStringLiteral("ended");
}

HostOutcome HostProcess::run(const QByteArray &request, double timeoutSeconds, const std::atomic<bool> *abort)
{
    HostOutcome outcome;
    m_cpuBeforeRun = processCpuSeconds(m_pid);
    const QByteArray head = HostFrames::header(HostFrames::Batch, request.size());
    qint64 written = 0;
    const qint64 toWrite = head.size() + request.size();
    QByteArray reply;
    qint64 replyLength = -1; // the frame's length once its header is in
    QElapsedTimer clock;
    clock.start();
    QElapsedTimer sinceMemoryCheck;
    sinceMemoryCheck.start();
    const auto lose = [&](HostOutcome::Kind kind, bool kill) {
        outcome.kind = kind;
        const QString how = reap(kill, &outcome.cpuSeconds);
        if (kind == HostOutcome::Kind::Died)
            outcome.reason = how;
        ::close(m_fd);
        m_fd = -1;
        return outcome;
    };
    for (;;) {
        if (abort && abort->load(std::memory_order_relaxed))
            return lose(HostOutcome::Kind::Aborted, true);
        if (timeoutSeconds > 0 && clock.elapsed() > qint64(timeoutSeconds * 1000))
            return lose(HostOutcome::Kind::TimedOut, true);
        if (m_memoryLimitBytes > 0 && sinceMemoryCheck.elapsed() >= kPollMs) {
            sinceMemoryCheck.restart();
            if (residentBytes() - m_baselineRss > m_memoryLimitBytes)
                return lose(HostOutcome::Kind::OutOfMemory, true);
        }
        pollfd p{m_fd, short(written < toWrite ? POLLIN | POLLOUT : POLLIN), 0};
        if (::poll(&p, 1, kPollMs) < 0 && errno != EINTR)
            return lose(HostOutcome::Kind::Died, true);
        if (written < toWrite && (p.revents & POLLOUT)) {
            const bool inHead = written < head.size();
            const char *data =
                inHead ? head.constData() + written : request.constData() + (written - head.size());
            const qint64 size = inHead ? head.size() - written : toWrite - written;
            const ssize_t n = ::send(m_fd, data, std::size_t(size), MSG_NOSIGNAL);
            if (n > 0)
                written += n;
            else if (n < 0 && errno != EAGAIN && errno != EINTR)
                return lose(HostOutcome::Kind::Died, false);
        }
        if (!(p.revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        for (;;) {
            const qint64 want = replyLength < 0 ? 5 - reply.size() : 4 + replyLength - reply.size();
            if (want <= 0)
                break;
            const qsizetype at = reply.size();
            reply.resize(at + qsizetype(want));
            const ssize_t n = ::read(m_fd, reply.data() + at, std::size_t(want));
            reply.resize(at + qsizetype(qMax<ssize_t>(n, 0)));
            if (n == 0)
                return lose(HostOutcome::Kind::Died, false);
            if (n < 0) {
                if (errno == EAGAIN || errno == EINTR)
                    break;
                return lose(HostOutcome::Kind::Died, false);
            }
            if (replyLength < 0 && reply.size() == 5) {
                replyLength = qint64(quint8(reply[0]) | quint8(reply[1]) << 8 | quint8(reply[2]) << 16 |
                                     quint32(quint8(reply[3])) << 24);
                if (replyLength < 1 || replyLength > HostFrames::kMaxFrameBytes)
                    return lose(HostOutcome::Kind::Died, true);
                reply.reserve(qsizetype(4 + replyLength));
            }
        }
        if (replyLength >= 0 && reply.size() == 4 + replyLength) {
            const char kind = reply[4];
            outcome.payload = reply.mid(5);
            if (kind == HostFrames::Result) {
                outcome.kind = HostOutcome::Kind::Answered;
            } else if (kind == HostFrames::Error) {
                outcome.kind = HostOutcome::Kind::Error;
            } else {
                outcome.payload.clear();
                return lose(HostOutcome::Kind::Died, true);
            }
            return outcome;
        }
    }
}

} // namespace fastmap
