// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>
#include <QTextStream>

namespace fastmap {

class PluginCatalog;
class ResultSink;
struct JobSpec;
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
    int runJob(const JobSpec &spec, ResultSink *sink, bool quiet, bool showProgress, JobSummary *summary);
    void printSummary(const JobSummary &summary);
    int usageError(const QString &message, const QString &command = {});
    void loadCatalog();

    QTextStream m_out;
    QTextStream m_err;
    PluginCatalog *m_catalog = nullptr;
};

} // namespace fastmap
