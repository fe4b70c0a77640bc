// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "jobs/JobStore.h"
#include "jobs/ResultCache.h"

#include <QStringList>

#include <functional>

class QCommandLineParser;
#include <QTextStream>

namespace fastmap {

class PluginCatalog;
class ResultSink;
class StoredResults;
struct JobSpec;
struct JobDescription;
struct JobSummary;

// fastmap-cli: every subcommand, kept out of main() so tests can drive it in-process.
class CliApplication
{
public:
    CliApplication();
    ~CliApplication();

    // `arguments` includes the program name, as QCoreApplication::arguments() does.
    int exec(const QStringList &arguments);

    // Asks a running job to stop, keeping what it has (used by the SIGINT handler).
    static void requestInterrupt();

private:
    int runFunctions(const QStringList &arguments);
    int runRun(const QStringList &arguments);
    int runPreview(const QStringList &arguments);
    int runEstimate(const QStringList &arguments);
    // Runs a job to its end, with progress, notes and the charges question. Returns a start error's
    // exit code, or ExitSuccess with `summary` filled.
    int runJob(const JobSpec &spec, ResultSink *sink, bool quiet, bool showProgress, JobSummary *summary,
               StoredResults *stored = nullptr, ResultCache *cache = nullptr, ResultCache::Mode cacheMode = ResultCache::Mode::Off);
    void printSummary(const JobSummary &summary);

    // Jobs (JobCommands.cpp).
    int runJobs(const QStringList &arguments);
    int runShow(const QStringList &arguments);
    int runRm(const QStringList &arguments);
    int runResume(const QStringList &arguments);
    int runExport(const QStringList &arguments);
    int runCache(const QStringList &arguments);
    // How a run uses the job store: --no-record, --store-limit.
    struct RecordOptions
    {
        bool record = true;
        qint64 storeLimit = JobStore::kDefaultLimitBytes;
    };
    // Runs a job and records it in the job store; with `resumeId`, finishes that job instead.
    int runRecorded(JobDescription &description, const QString &resumeId, bool quiet, bool showProgress, ResultCache::Mode cacheMode,
                    const RecordOptions &recordOptions);
    int runPrune(const QStringList &arguments);
    bool openStore(JobStore *store);
    // Parses a command that names one job, opens the store and finds the job. Returns -1 to go on,
    // else the exit code (help shown, usage error, no such job).
    int openJobFromArguments(QCommandLineParser &parser, const QStringList &arguments, const QString &command,
                             const QString &usage, JobStore *store, JobRecord *job,
                             const std::function<bool()> &missingOption = {});
    int usageError(const QString &message, const QString &command = {});
    // "500M", "4G", "2GiB", "1048576" (bytes; K, M, G and T are powers of 1024), or "none" (-1).
    static bool parseSize(const QString &text, qint64 *bytes);
    // "30d", "12h", "90m", "45s"; a plain number is days.
    static bool parseAge(const QString &text, qint64 *seconds);
    static QString formatSize(qint64 bytes);
    void loadCatalog();

    QTextStream m_out;
    QTextStream m_err;
    PluginCatalog *m_catalog = nullptr;
};

} // namespace fastmap
