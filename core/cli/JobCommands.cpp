// SPDX-License-Identifier: GPL-3.0-or-later
// fastmap-cli's job commands: every run is a job in the store, which can be listed, shown,
// resumed after a crash, exported and removed.
#include "cli/CliApplication.h"

#include "cli/ExitCode.h"
#include "cli/ProgressBar.h"
#include "engine/Engine.h"
#include "jobs/ArchiveWriter.h"
#include "jobs/JobDescription.h"
#include "jobs/JobExporter.h"
#include "jobs/JobStore.h"
#include "jobs/RecordedRun.h"
#include "jobs/ResultCache.h"
#include "plugin/PluginCatalog.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <unistd.h>

namespace fastmap {

namespace {

QJsonObject jobToJson(const JobRecord &job)
{
    return QJsonObject{{"id", job.id},
                       {"state", job.currentState()},
                       {"created", job.created.toUTC().toString(Qt::ISODate)},
                       {"updated", job.updated.toUTC().toString(Qt::ISODate)},
                       {"function", job.functionId()},
                       {"input", job.input()},
                       {"output", job.output()},
                       {"elementsStored", double(job.elements)},
                       {"failed", double(job.failed)},
                       {"spec", job.spec},
                       {"summary", job.summary}};
}

} // namespace

bool CliApplication::openStore(JobStore *store)
{
    QString error;
    if (store->open(&error))
        return true;
    m_err << "fastmap-cli: " << error << '\n';
    m_err.flush();
    return false;
}

int CliApplication::runRecorded(JobDescription &d, const QString &resumeId, bool quiet, bool showProgress,
                                ResultCache::Mode cacheMode)
{
    loadCatalog();
    RecordedRun run(m_catalog);
    QString error;
    switch (run.prepare(d, resumeId, &error)) {
    case RecordedRun::Refusal::None: break;
    case RecordedRun::Refusal::NoFunction:
        m_err << "fastmap-cli: " << error << " (see `fastmap-cli functions`)\n";
        return ExitInput;
    case RecordedRun::Refusal::Input: m_err << "fastmap-cli: " << error << '\n'; return ExitInput;
    case RecordedRun::Refusal::Store: m_err << "fastmap-cli: " << error << '\n'; return ExitOutput;
    }
    for (const QString &warning : run.warnings())
        m_err << "warning: " << warning << '\n';
    const QString jobId = run.jobId();
    const bool recording = run.recording();
    if (recording) {
        if (run.resuming() && !quiet)
            m_err << "Resuming job " << jobId << ": " << run.storedRows()
                  << " elements are stored; computing the rest.\n";
        if (!quiet)
            m_err << "Job " << jobId << '\n';
    }
    QString cacheWarning;
    if (!run.openCache(cacheMode, &cacheWarning))
        m_err << "warning: " << cacheWarning << '\n';

    const std::unique_ptr<ResultWriter> writer = ResultWriter::create(d.format, d.output, d.writerOptions);
    JobSummary summary;
    const int started = runJob(d.spec, run.sink(writer.get()), quiet, showProgress, &summary,
                               run.storedResults(), run.cache(), run.cacheMode());
    if (started != ExitSuccess) {
        run.abandon();
        return started;
    }
    run.finish(summary);

    const bool completed = summary.status == JobStatus::Completed || summary.status == JobStatus::CompletedWithFailures;
    if (!quiet || !completed) {
        printSummary(summary);
        if (summary.cacheHits > 0)
            m_err << "  " << summary.cacheHits << " elements came from the cache\n";
        if (writer->path() != QLatin1String("-") && !writer->finalPath().isEmpty())
            m_err << "Results: " << writer->finalPath() << " (" << writer->rowsWritten() << " rows)\n";
        if (recording && !completed && summary.status != JobStatus::OutputFailed)
            m_err << "Finish it later with: fastmap-cli resume " << jobId << '\n';
        m_err.flush();
    }
    return summary.status == JobStatus::Completed ? ExitSuccess
           : summary.status == JobStatus::CompletedWithFailures || summary.status == JobStatus::StoppedOnError ? ExitElementsFailed
           : summary.status == JobStatus::Cancelled ? ExitInterrupted
           : summary.status == JobStatus::OutputFailed ? ExitOutput
           : summary.status == JobStatus::ExecutorsFailed ? ExitWorkers
                                                             : ExitInput;
}

int CliApplication::runJobs(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.setApplicationDescription(QStringLiteral("Lists the recorded jobs, newest first: id, state, function, input, output."));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    parser.addOption(json);
    if (!parser.parse(arguments))
        return usageError(parser.errorText(), QStringLiteral("jobs"));
    if (parser.isSet(QStringLiteral("help"))) {
        m_out << parser.helpText();
        return ExitSuccess;
    }
    JobStore store;
    if (!openStore(&store))
        return ExitOutput;
    const QList<JobRecord> jobs = store.jobs();
    if (parser.isSet(json)) {
        QJsonArray array;
        for (const JobRecord &job : jobs)
            array.append(jobToJson(job));
        m_out << QJsonDocument(QJsonObject{{"jobs", array}}).toJson(QJsonDocument::Indented);
        m_out.flush();
        return ExitSuccess;
    }
    if (jobs.isEmpty())
        m_out << "No jobs yet.\n";
    for (const JobRecord &job : jobs)
        m_out << job.id << "  " << job.currentState().leftJustified(24) << job.functionId() << "  "
              << job.input() << " -> " << job.output() << "  (" << job.elements << " elements"
              << (job.failed ? QStringLiteral(", %1 failed").arg(job.failed) : QString()) << ")\n";
    m_out.flush();
    return ExitSuccess;
}

int CliApplication::openJobFromArguments(QCommandLineParser &parser, const QStringList &arguments, const QString &command,
                                         const QString &usage, JobStore *store, JobRecord *job,
                                         const std::function<bool()> &missingOption)
{
    if (!parser.parse(arguments))
        return usageError(parser.errorText(), command);
    if (parser.isSet(QStringLiteral("help"))) {
        m_out << parser.helpText();
        return ExitSuccess;
    }
    if (parser.positionalArguments().size() != 1 || (missingOption && missingOption()))
        return usageError(usage, command);
    if (!openStore(store))
        return ExitOutput;
    QString error;
    if (!store->find(parser.positionalArguments().first(), job, &error)) {
        m_err << "fastmap-cli: " << error << '\n';
        return ExitInput;
    }
    return -1;
}

int CliApplication::runShow(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.setApplicationDescription(QStringLiteral("Shows one job: its spec, state, summary and job log (one line per batch)."));
    parser.addPositionalArgument(QStringLiteral("JOB"), QStringLiteral("A job id, or a unique prefix of one."));
    JobStore store;
    JobRecord job;
    QString error;
    if (const int exit = openJobFromArguments(parser, arguments, QStringLiteral("show"), QStringLiteral("show needs one JOB"), &store, &job); exit >= 0)
        return exit;
    QJsonObject o = jobToJson(job);
    m_out << QJsonDocument(o).toJson(QJsonDocument::Indented);
    JobExporter exporter(&store, m_catalog);
    m_out << "\nJob log:\n" << QString::fromUtf8(exporter.jobLogCsv(job)).replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    m_out.flush();
    return ExitSuccess;
}

int CliApplication::runRm(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.setApplicationDescription(QStringLiteral("Removes a job and its stored results. The result file is left alone."));
    parser.addPositionalArgument(QStringLiteral("JOB"), QStringLiteral("A job id, or a unique prefix of one."));
    JobStore store;
    JobRecord job;
    QString error;
    if (const int exit = openJobFromArguments(parser, arguments, QStringLiteral("rm"), QStringLiteral("rm needs one JOB"), &store, &job); exit >= 0)
        return exit;
    if (job.currentState() == QLatin1String("running")) {
        m_err << "fastmap-cli: job " << job.id << " is running (process " << qint64(job.spec.value("pid").toDouble()) << "); stop it first\n";
        return ExitInput;
    }
    if (!store.remove(job.id, &error)) {
        m_err << "fastmap-cli: " << error << '\n';
        return ExitOutput;
    }
    m_out << "Removed job " << job.id << '\n';
    m_out.flush();
    return ExitSuccess;
}

int CliApplication::runResume(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.setApplicationDescription(QStringLiteral(
        "Finishes a job that was stopped, interrupted or killed. Only what was unfinished is computed;\n"
        "the result file is written again from the stored results and the new ones, byte for byte what\n"
        "an uninterrupted run writes. Refuses when the dataset or the plugin changed since."));
    parser.addPositionalArgument(QStringLiteral("JOB"), QStringLiteral("A job id, or a unique prefix of one."));
    const QCommandLineOption tokenFile(QStringLiteral("token-file"), QStringLiteral("The workers' token, if the job uses workers."), QStringLiteral("FILE"));
    const QCommandLineOption yes(QStringList{QStringLiteral("y"), QStringLiteral("yes")}, QStringLiteral("Accept the estimated charges without asking."));
    const QCommandLineOption quiet(QStringList{QStringLiteral("q"), QStringLiteral("quiet")}, QStringLiteral("No progress and no summary; errors only."));
    parser.addOptions({tokenFile, yes, quiet});
    JobStore store;
    JobRecord job;
    QString error;
    if (const int exit = openJobFromArguments(parser, arguments, QStringLiteral("resume"), QStringLiteral("resume needs one JOB"), &store, &job); exit >= 0)
        return exit;
    JobDescription d;
    if (!RecordedRun::loadForResume(job, &d, &error)) {
        m_err << "fastmap-cli: " << error << '\n';
        return ExitInput;
    }
    if (parser.isSet(tokenFile)) {
        QFile file(parser.value(tokenFile));
        if (!file.open(QIODevice::ReadOnly))
            return usageError(QStringLiteral("--token-file %1: %2").arg(file.fileName(), file.errorString()), QStringLiteral("resume"));
        d.spec.token = file.readAll().trimmed();
    }
    d.spec.chargesConfirmed = parser.isSet(yes);
    const bool quietMode = parser.isSet(quiet);
    // The cache could serve different bytes than the store for a refreshed entry; the store is the truth.
    return runRecorded(d, job.id, quietMode, !quietMode && ::isatty(STDERR_FILENO) == 1, ResultCache::Mode::Off);
}

int CliApplication::runExport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.setApplicationDescription(QStringLiteral(
        "Writes one archive with the job's results, errors.csv, joblog.csv and manifest.json (function,\n"
        "version, plugin hash, parameters, the dataset's fingerprint, timings, per-executor throughput,\n"
        "and the estimated beside the actual cost). The format follows the name: .zip or .tar.zst."));
    parser.addPositionalArgument(QStringLiteral("JOB"), QStringLiteral("A job id, or a unique prefix of one."));
    const QCommandLineOption output(QStringList{QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("The archive: FILE.zip or FILE.tar.zst."), QStringLiteral("FILE"));
    parser.addOption(output);
    if (!parser.parse(arguments))
        return usageError(parser.errorText(), QStringLiteral("export"));
    if (parser.isSet(QStringLiteral("help"))) {
        m_out << parser.helpText();
        return ExitSuccess;
    }
    if (parser.positionalArguments().size() != 1 || !parser.isSet(output))
        return usageError(QStringLiteral("export needs one JOB and --output FILE.zip|FILE.tar.zst"), QStringLiteral("export"));
    if (!ArchiveWriter::formatSupported(parser.value(output)))
        return usageError(QStringLiteral("--output %1: name the archive .zip or .tar.zst").arg(parser.value(output)), QStringLiteral("export"));
    JobStore store;
    if (!openStore(&store))
        return ExitOutput;
    JobRecord job;
    QString error;
    if (!store.find(parser.positionalArguments().first(), &job, &error)) {
        m_err << "fastmap-cli: " << error << '\n';
        return ExitInput;
    }
    loadCatalog();
    JobExporter exporter(&store, m_catalog);
    if (!exporter.exportJob(job, parser.value(output), &error)) {
        m_err << "fastmap-cli: " << error << '\n';
        return ExitOutput;
    }
    m_err << "Exported job " << job.id << " to " << parser.value(output) << '\n';
    return ExitSuccess;
}

int CliApplication::runCache(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.setApplicationDescription(QStringLiteral(
        "Shows the persistent result cache (where it is, how many entries, how big), or clears it.\n"
        "Entries are keyed by function id, version, plugin hash, parameters and the element's values;\n"
        "failures are never cached; beyond 1 GiB the least recently used entries are dropped."));
    const QCommandLineOption clear(QStringLiteral("clear"), QStringLiteral("Remove every entry."));
    parser.addOption(clear);
    if (!parser.parse(arguments))
        return usageError(parser.errorText(), QStringLiteral("cache"));
    if (parser.isSet(QStringLiteral("help"))) {
        m_out << parser.helpText();
        return ExitSuccess;
    }
    ResultCache cache(ResultCache::defaultPath());
    QString error;
    if (!cache.open(&error) || (parser.isSet(clear) && !cache.clear(&error))) {
        m_err << "fastmap-cli: " << error << '\n';
        return ExitOutput;
    }
    m_out << "Cache: " << cache.path() << '\n'
          << "Entries: " << cache.entries() << '\n'
          << "Size: " << QString::number(cache.sizeBytes() / 1048576.0, 'f', 2) << " MiB (limit "
          << ResultCache::kDefaultLimitBytes / 1048576 << " MiB)\n";
    m_out.flush();
    return ExitSuccess;
}

} // namespace fastmap
