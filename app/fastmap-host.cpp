// SPDX-License-Identifier: GPL-3.0-or-later
// fastmap-host: runs one job's batches of a function in a process of their own, so that a
// function that crashes, hangs or eats memory costs an element, never the job, the app or the
// worker. Started by the engine and by fastmap-worker, never by hand: it reads batch frames on
// stdin and answers on stdout (core/host/HostFrames.h; docs/protocol.md, "Function hosts").
#include "engine/BatchRunner.h"
#include "host/HostFrames.h"
#include "plugin/PluginCatalog.h"
#include "util/BatchCodec.h"
#include "util/Version.h"

#include <QtGlobal>

#include <QByteArray>
#include <QFile>
#include <QString>
#include <QStringList>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

using namespace fastmap;

namespace {

const char kUsage[] =
    "Usage: fastmap-host --plugin FILE [--plugin FILE ...] [--memory-limit MB] [--parent PID]\n"
    "\n"
    "Runs batches of the functions in the given plugin files: it reads batch frames on standard\n"
    "input and writes the results on standard output. fastmap, fastmap-cli and fastmap-worker\n"
    "start it, one per thread that runs batches, when isolation is \"process\" (the default);\n"
    "it is not meant to be run by hand.\n"
    "\n"
    "  --plugin FILE       a function plugin the batches may name (repeatable)\n"
    "  --memory-limit MB   fail an allocation beyond this much memory above the start-up size\n"
    "  --parent PID        exit when that process is gone\n"
    "  --version, --help\n";

double processCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

qint64 addressSpaceBytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    return statm.readAll().split(' ').value(0).toLongLong() * ::sysconf(_SC_PAGESIZE);
}

// The limit on new address space, so an allocation beyond it fails (std::bad_alloc) in the
// function instead of the machine swapping. AddressSanitizer reserves terabytes of shadow, so
// there the job's watch on the resident size is the limit.
void limitMemory(int megabytes)
{
#if defined(__SANITIZE_ADDRESS__)
    Q_UNUSED(megabytes);
#else
    const rlim_t bytes = rlim_t(addressSpaceBytes()) + (rlim_t(megabytes) << 20);
    const rlimit limit{bytes, bytes};
    ::setrlimit(RLIMIT_AS, &limit);
#endif
}

struct Loaded
{
    QString id;
    QVariantMap params;
    std::shared_ptr<const Function> function;
    std::vector<ColumnType> outputTypes;
};

// Runs one batch; false with the reason when it cannot be run at all.
bool runBatch(PluginCatalog &catalog, Loaded &loaded, const QByteArray &body, QByteArray *answer,
              QString *error)
{
    BatchRequest request;
    if (!BatchCodec::decodeRequest(body, &request, error))
        return false;
    if (!loaded.function || loaded.id != request.functionId || loaded.params != request.params) {
        const FunctionInfo *info = catalog.find(request.functionId);
        if (!info) {
            *error = QStringLiteral("the function host has no function \"%1\"").arg(request.functionId);
            return false;
        }
        loaded.function = catalog.instantiate(info->id, request.params, error);
        if (!loaded.function)
            return false;
        loaded.id = info->id;
        loaded.params = request.params;
        loaded.outputTypes = info->outputTypes();
    }
    BatchOutput output(loaded.outputTypes, request.inputs.rowCount());
    for (int row : request.failedRows)
        output.fail(row, QStringLiteral("the input did not convert"));
    const double cpuStart = processCpuSeconds();
    if (request.inputs.rowCount() > 0)
        BatchRunner::run(*loaded.function, request.inputs, output);
    const double cpu = processCpuSeconds() - cpuStart;
    request.inputs = Table();
    *answer = BatchCodec::encodeResponse(cpu, 0, -1, BatchCodec::encodeOutput(output));
    return true;
}

} // namespace

#if defined(__SANITIZE_ADDRESS__)
// Under AddressSanitizer (the CI's sanitizer build) a host must still die of the signal the
// function raised, so the job can name it ("crashed (SIGSEGV)"), not of ASan's abort.
extern "C" const char *__asan_default_options()
{
    return "handle_segv=0:handle_sigbus=0:handle_sigfpe=0:detect_leaks=0";
}
#endif

int main(int argc, char **argv)
{
    QStringList plugins;
    int memoryLimitMB = 0;
    pid_t parent = 0;
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        const bool hasValue = i + 1 < argc;
        if (arg == "--plugin" && hasValue) {
            plugins << QFile::decodeName(argv[++i]);
        } else if (arg == "--memory-limit" && hasValue) {
            memoryLimitMB = QByteArray(argv[++i]).toInt();
        } else if (arg == "--parent" && hasValue) {
            parent = pid_t(QByteArray(argv[++i]).toLongLong());
        } else if (arg == "--version") {
            std::printf("fastmap-host %s\n", qPrintable(versionString()));
            return 0;
        } else if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, stdout);
            return 0;
        } else {
            std::fprintf(stderr, "fastmap-host: unknown argument %s\n\n%s", argv[i], kUsage);
            return 2;
        }
    }
    // Die with the job: a host left behind would go on burning a core in a hung function. An
    // idle host sees its socket close; a busy one is caught by this watch. (PR_SET_PDEATHSIG
    // would fire when the *thread* that started the host ends, and hosts outlive the threads
    // that start them.)
    if (parent > 0) {
        if (::getppid() != parent)
            return 0;
        std::thread([parent] {
            while (::getppid() == parent)
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
            ::_exit(0);
        }).detach();
    }

    // The frames keep stdin and stdout to themselves; whatever the function prints goes to stderr.
    const int in = ::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
    const int out = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    const int devNull = ::open("/dev/null", O_RDONLY);
    if (in < 0 || out < 0 || devNull < 0) {
        std::fprintf(stderr, "fastmap-host: %s\n", std::strerror(errno));
        return 1;
    }
    ::dup2(devNull, STDIN_FILENO);
    ::dup2(STDERR_FILENO, STDOUT_FILENO);
    ::close(devNull);

    PluginCatalog catalog;
    for (const QString &plugin : std::as_const(plugins)) {
        if (!catalog.addFile(plugin)) {
            const QString reason =
                catalog.problems().isEmpty() ? plugin : catalog.problems().last().toString();
            HostFrames::writeFrame(out, HostFrames::Error, reason.toUtf8());
            return 1;
        }
    }
    if (!HostFrames::writeFrame(out, HostFrames::Hello, {}))
        return 1;
    if (memoryLimitMB > 0) {
        limitMemory(memoryLimitMB);
        BatchRunner::setOutOfMemoryMessage(QStringLiteral("out of memory (limit %1 MB)").arg(memoryLimitMB));
    }

    Loaded loaded;
    HostFrames::Kind kind;
    QByteArray body;
    while (HostFrames::readFrame(in, &kind, &body)) {
        if (kind != HostFrames::Batch)
            return 1;
        QByteArray answer;
        QString error;
        const bool ran = runBatch(catalog, loaded, body, &answer, &error);
        body = QByteArray();
        if (!(ran ? HostFrames::writeFrame(out, HostFrames::Result, answer)
                  : HostFrames::writeFrame(out, HostFrames::Error, error.toUtf8())))
            return 1;
    }
    return 0; // the job closed the socket: it is done with this host
}
