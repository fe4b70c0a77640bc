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
                       {"resultsStored", job.hasStoredResults()},
                       {"storedBytes", double(job.storedBytes)},
                       {"resultsDropped", job.resultsDropped.isValid() ? job.resultsDropped.toUTC().toString(Qt::ISODate) : QString()},
                       {"spec", job.spec},
                       {"summary", job.summary}};
}

} // namespace

bool CliApplication::parseSize(const QString &text, qint64 *bytes)
{
    const QString t = text.trimmed().toLower();
    if (t == QLatin1String("none")) {
        *bytes = -1;
        return true;
    }
    qsizetype digits = 0;
    while (digits < t.size() && (t.at(digits).isDigit() || t.at(digits) == QLatin1Char('.')))
        ++digits;
    bool ok = false;
    const double number = t.left(digits).toDouble(&ok);
    QString unit = t.mid(digits).trimmed();
    if (unit.endsWith(QLatin1String("ib")))
        unit.chop(2);
    else if (unit.endsWith(QLatin1Char('b')))
        unit.chop(1);
    static const QString units = QStringLiteral("kmgt");
    const qsizetype power = unit.isEmpty() ? -1 : units.indexOf(unit);
    if (!ok || number < 0 || unit.size() > 1 || (!unit.isEmpty() && power < 0))
        return false;
    double value = number;
    for (qsizetype i = 0; i <= power; ++i)
        value *= 1024;
    if (value > 9e18)
        return false;
    *bytes = qint64(value);
    return true;
}

bool CliApplication::parseAge(const QString &text, qint64 *seconds)
{
    const QString t = text.trimmed().toLower();
    if (t.isEmpty())
        return false;
    static const QList<QPair<QChar, qint64>> units{{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 7 * 86400}};
    qint64 scale = 86400;
    QString number = t;
    for (const auto &[unit, factor] : units) {
        if (t.endsWith(unit)) {
            scale = factor;
            number.chop(1);
        }
    }
    bool ok = false;
    const double value = number.toDouble(&ok);
    if (!ok || value < 0)
        return false;
    *seconds = qint64(value * double(scale));
    return true;
}

QString CliApplication::formatSize(qint64 bytes)
{
    return QString::number(double(bytes) / 1048576.0, 'f', 2) + QStringLiteral(" MiB");
}

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
                                ResultCache::Mode cacheMode, const RecordOptions &recordOptions)
{
    loadCatalog();
    RecordedRun run(m_catalog);
    run.setRecord(recordOptions.record);
    run.setStoreLimit(recordOptions.storeLimit);
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
    // Out now: if a function kills this process (thread isolation), the id is what resumes it.
    m_err.flush();
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
        if (summary.crashedElements > 0)
            m_err << "  " << summary.crashedElements
                  << (summary.crashedElements == 1 ? " element" : " elements")
                  << " took the function's host process down and failed alone (see the error column)\n";
        if (writer->path() != QLatin1String("-") && !writer->finalPath().isEmpty())
            m_err << "Results: " << writer->finalPath() << " (" << writer->rowsWritten() << " rows)\n";
        if (recording && !completed && summary.status != JobStatus::OutputFailed)
            m_err << "Finish it later with: fastmap-cli resume " << jobId << '\n';
        m_err.flush();
    }
    if (!quiet && !run.pruned().isEmpty()) {
        m_err << "note: the job store was over its limit of " << formatSize(run.storeLimit())
              << ": dropped the stored results of " << run.pruned().size()
              << (run.pruned().size() == 1 ? " older job" : " older jobs") << " (fastmap-cli jobs prune)\n";
        m_err.flush();
    }
    const int exitCode = summary.status == JobStatus::Completed ? ExitSuccess
                         : summary.status == JobStatus::CompletedWithFailures || summary.status == JobStatus::StoppedOnError ? ExitElementsFailed
                         : summary.status == JobStatus::Cancelled ? ExitInterrupted
                         : summary.status == JobStatus::OutputFailed ? ExitOutput
                         : summary.status == JobStatus::ExecutorsFailed ? ExitWorkers
                                                                           : ExitInput;
    if (summary.abandonedThreads > 0) {
        // Those threads are still inside the function and cannot be stopped; the results are
        // written and the job recorded, so exit without waiting for them.
        m_err << "note: " << summary.abandonedThreads
              << (summary.abandonedThreads == 1 ? " thread was" : " threads were")
              << " still in the function when the grace period ended; exiting without them "
                 "(--isolation process can stop a hung function)\n";
        m_err.flush();
        m_out.flush();
        ::_exit(exitCode);
    }
    return exitCode;
}

const char *const kPruneHelp =
    "Drops the stored results of finished jobs (their job log, errors and summary stay). A job\n"
    "that completed has its results in its result file; one that stopped or was killed can still\n"
    "be resumed, but computes everything again. Running jobs are never touched.\n"
    "\n"
    "  fastmap-cli jobs prune                    down to the store's size cap (--store-limit)\n"
    "  fastmap-cli jobs prune --all              every finished job\n"
    "  fastmap-cli jobs prune --older-than AGE   jobs last updated more than AGE ago\n"
    "\n"
    "Options:\n"
    "  --all                every finished job's stored results\n"
    "  --older-than AGE     e.g. 30d, 12h, 90m (a plain number is days)\n"
    "  --store-limit SIZE   the cap, e.g. 500M or 4G (default 2G): the oldest finished jobs go\n"
    "                       first, those run with --keep-results last\n";

int CliApplication::runJobs(const QStringList &arguments)
{
    if (arguments.size() > 1 && arguments.at(1) == QLatin1String("prune"))
        return runPrune(QStringList{QStringLiteral("fastmap-cli jobs prune")} + arguments.mid(2));
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.setApplicationDescription(QStringLiteral("Lists the recorded jobs, newest first: id, state, function, input, output.\n\n"
                                                    "fastmap-cli jobs prune [--all|--older-than AGE|--store-limit SIZE]\n")
                                     + QString::fromLatin1(kPruneHelp));
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

int CliApplication::runPrune(const QStringList &arguments)
{
    const QString cmd = QStringLiteral("jobs");
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.setApplicationDescription(QString::fromLatin1(kPruneHelp));
    const QCommandLineOption all(QStringLiteral("all"), QStringLiteral("Every finished job's stored results."));
    const QCommandLineOption olderThan(QStringLiteral("older-than"), QStringLiteral("Jobs last updated more than AGE ago."), QStringLiteral("AGE"));
    const QCommandLineOption storeLimit(QStringLiteral("store-limit"), QStringLiteral("The size cap (default 2G)."), QStringLiteral("SIZE"));
    parser.addOptions({all, olderThan, storeLimit});
    if (!parser.parse(arguments))
        return usageError(parser.errorText(), cmd);
    if (parser.isSet(QStringLiteral("help"))) {
        m_out << parser.helpText();
        return ExitSuccess;
    }
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("jobs prune takes no JOB; see `fastmap-cli rm JOB`"), cmd);
    if (int(parser.isSet(all)) + int(parser.isSet(olderThan)) + int(parser.isSet(storeLimit)) > 1)
        return usageError(QStringLiteral("jobs prune takes one of --all, --older-than and --store-limit"), cmd);
    qint64 limit = JobStore::kDefaultLimitBytes;
    if (parser.isSet(storeLimit) && !parseSize(parser.value(storeLimit), &limit))
        return usageError(QStringLiteral("--store-limit: \"%1\" is not a size such as 500M, 4G or none").arg(parser.value(storeLimit)), cmd);
    qint64 age = 0;
    if (parser.isSet(olderThan) && !parseAge(parser.value(olderThan), &age))
        return usageError(QStringLiteral("--older-than: \"%1\" is not an age such as 30d, 12h or 90m").arg(parser.value(olderThan)), cmd);
    JobStore store;
    if (!openStore(&store))
        return ExitOutput;
    QString error;
    QList<JobRecord> dropped;
    if (parser.isSet(all) || parser.isSet(olderThan)) {
        dropped = store.pruneFinished(parser.isSet(all) ? QDateTime() : QDateTime::currentDateTime().addSecs(-age), &error);
    } else {
        dropped = store.enforceLimit(limit, &error);
    }
    if (!error.isEmpty()) {
        m_err << "fastmap-cli: " << error << '\n';
        return ExitOutput;
    }
    qint64 freed = 0;
    for (const JobRecord &job : std::as_const(dropped)) {
        m_out << "Dropped the stored results of job " << job.id << " (" << formatSize(job.storedBytes) << ")\n";
        freed += job.storedBytes;
    }
    if (dropped.isEmpty())
        m_out << "Nothing to prune.\n";
    m_out << "Job store: " << store.path() << ", " << formatSize(store.fileBytes()) << " on disk";
    if (!parser.isSet(all) && !parser.isSet(olderThan))
        m_out << " (limit " << (limit < 0 ? QStringLiteral("none") : formatSize(limit)) << ")";
    m_out << '\n';
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
    if (!job.hasStoredResults())
        m_out << "\nStored results: dropped on " << job.resultsDropped.toString(Qt::ISODate)
              << (job.isCompleted() ? QStringLiteral("; the results are in ") + job.output()
                                    : QStringLiteral("; a resume computes them again"))
              << '\n';
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
    if (!d.resumeNote.isEmpty() && !quietMode)
        m_err << "note: " << d.resumeNote << '\n';
    // The cache could serve different bytes than the store for a refreshed entry; the store is the truth.
    return runRecorded(d, job.id, quietMode, !quietMode && ::isatty(STDERR_FILENO) == 1, ResultCache::Mode::Off,
                       RecordOptions());
}

int CliApplication::runExport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.setApplicationDescription(QStringLiteral(
        "Writes one archive with the job's results, errors.csv, joblog.csv and manifest.json (function,\n"
        "version, plugin hash, parameters, the dataset's fingerprint, timings, per-executor throughput,\n"
        "and the estimated beside the actual cost). The format follows the name: .zip or .tar.zst.\n"
        "The results are replayed from the store; once a completed job's stored results are dropped,\n"
        "its result file is bundled instead, if it is still the one the job wrote."));
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
    QString missing;
    if (!exporter.exportJob(job, parser.value(output), &error, {}, &missing)) {
        m_err << "fastmap-cli: " << error << '\n';
        return ExitOutput;
    }
    if (!missing.isEmpty())
        m_err << "warning: the bundle has no results: " << missing << '\n';
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
