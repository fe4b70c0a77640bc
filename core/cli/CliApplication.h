// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

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
class JobStore;
struct JobRecord;
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
    // Runs a job and records it in the job store; with `resumeId`, finishes that job instead.
    int runRecorded(JobDescription &description, const QString &resumeId, bool quiet, bool showProgress, ResultCache::Mode cacheMode);
    bool openStore(JobStore *store);
    // Parses a command that names one job, opens the store and finds the job. Returns -1 to go on,
    // else the exit code (help shown, usage error, no such job).
    int openJobFromArguments(QCommandLineParser &parser, const QStringList &arguments, const QString &command,
                             const QString &usage, JobStore *store, JobRecord *job,
                             const std::function<bool()> &missingOption = {});
    int usageError(const QString &message, const QString &command = {});
    void loadCatalog();

    QTextStream m_out;
    QTextStream m_err;
    PluginCatalog *m_catalog = nullptr;
};

} // namespace fastmap
