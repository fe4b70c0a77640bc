// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

class QCommandLineParser;

namespace fastmap {

// Everything `fastmap-worker serve` is told by its flags and FASTMAP_WORKER_* variables.
// Flags win over the environment; each value is checked, and a bad one is refused with a
// message that names the flag or variable it came from.
struct WorkerConfig
{
    static constexpr quint16 kDefaultPort = 8750;
    static constexpr qint64 kDefaultMaxRequestBytes = 64 * 1024 * 1024;
    static constexpr double kDefaultClientTimeoutSeconds = 30;
    static constexpr int kMaxThreads = 1024;
    static constexpr int kDefaultMaxCrashes = 100;
    static constexpr int kMinMemoryLimitMB = 16;

    // Where batches run: in fastmap-host processes (a crash, a hang or a memory hog costs one
    // element), or on the server's own threads (as before hosts; a crash takes the worker down).
    enum class Isolation { Process, Thread };

    QString listenHost = QStringLiteral("127.0.0.1");
    quint16 listenPort = kDefaultPort;
    int threads = 0; // resolved to the core count by parse()
    QStringList pluginDirs;
    QString dbPath; // resolved to defaultDbPath() by parse()
    double pricePerVcpuHour = 0;
    QString tokenFile;
    QString tlsCert;
    QString tlsKey;
    qint64 maxRequestBytes = kDefaultMaxRequestBytes;
    double clientTimeoutSeconds = kDefaultClientTimeoutSeconds;
    bool noAuth = false;
    Isolation isolation = Isolation::Process;
    double elementTimeoutSeconds = 0; // 0: none; process isolation only
    int memoryLimitMB = 0;            // per function host, beyond its start-up size; 0: none
    int maxCrashes = kDefaultMaxCrashes; // elements of one batch that may take their host down

    bool tls() const { return !tlsCert.isEmpty(); }
    // "process (element timeout 5 s, memory limit 512 MB)", for the start-up line.
    QString describeIsolation() const;
    // "http://127.0.0.1:8750", with the given port (the real one when listening on port 0).
    QString url(quint16 port) const;

    // AppDataLocation/worker.db.
    static QString defaultDbPath();

    // HOST:PORT, [IPv6]:PORT; HOST is an IP address or "localhost".
    static bool parseListen(const QString &text, QString *host, quint16 *port, QString *error);

    // The serve options, for `serve --help` and parsing.
    static void addServeOptions(QCommandLineParser &parser);
    // The --db option alone, for the tokens and credits commands.
    static void addDbOption(QCommandLineParser &parser);
    // Text for --help: every environment variable and what it sets.
    static QString environmentHelp();

    // Reads a parser that already parsed the arguments (with addServeOptions) and `env`.
    static bool fromParser(const QCommandLineParser &parser, const QProcessEnvironment &env,
                           WorkerConfig *config, QString *error);
    // The --db value, else FASTMAP_WORKER_DB, else defaultDbPath().
    static bool dbPathFrom(const QCommandLineParser &parser, const QProcessEnvironment &env, QString *path,
                           QString *error);
    // Parses `arguments` (program name first, as QCoreApplication::arguments()) and `env`.
    static bool parse(const QStringList &arguments, const QProcessEnvironment &env, WorkerConfig *config,
                      QString *error);
};

} // namespace fastmap
