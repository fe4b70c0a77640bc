// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/CliApplication.h"

#include "cli/ExitCode.h"
#include "cli/ProgressBar.h"
#include "dataset/Dataset.h"
#include "engine/Engine.h"
#include "jobs/CachingExecutor.h"
#include "remote/RemoteCoordinator.h"
#include "jobs/JobDescription.h"
#include "jobs/ResultCache.h"
#include "jobs/SampleSink.h"
#include "output/ResultWriter.h"
#include "output/ValueText.h"
#include "plugin/PluginCatalog.h"
#include "util/Version.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QFile>
#include <QFileInfo>
#include <QSocketNotifier>
#include <QTimer>

#include <atomic>
#include <cstdio>
#include <unistd.h>

namespace fastmap {

namespace {

std::atomic<int> g_interrupts{0};

const char *const kExitCodes = "Exit codes:\n"
                               "  0    success: every element succeeded\n"
                               "  1    the job ran, but some elements failed (see the error column)\n"
                               "  2    usage error: bad command line\n"
                               "  3    input error: the dataset, function, parameters or mapping cannot be used\n"
                               "  4    output error: the result file cannot be written\n"
                               "  5    every worker died (remote policy); finished rows are kept in OUTPUT.partial\n"
                               "  130  interrupted (Ctrl-C or SIGTERM); finished rows are kept in OUTPUT.partial\n";

const char *const kMainHelp =
    "Usage: fastmap-cli COMMAND [options]\n"
    "\n"
    "Runs a function from a plugin over every element of a dataset, on all of this\n"
    "machine's cores, and writes the results in input order.\n"
    "\n"
    "Commands:\n"
    "  functions [ID] [--json]   list the installed functions, or describe one\n"
    "  preview INPUT             show a dataset's columns and first rows\n"
    "  run FUNCTION_ID --input INPUT --output FILE [options]\n"
    "                            run a function over a dataset, locally and on workers\n"
    "  estimate FUNCTION_ID --input INPUT [options]\n"
    "                            time a sample and print the time and cost estimate\n"
    "  jobs [--json]             list jobs, newest first\n"
    "  jobs prune [--all|--older-than AGE]\n"
    "                            drop the stored results of finished jobs\n"
    "  show JOB                  show one job, with its job log\n"
    "  resume JOB                finish a job that was stopped or killed\n"
    "  export JOB --output FILE.zip|FILE.tar.zst\n"
    "                            write results, errors, job log and manifest to an archive\n"
    "  rm JOB                    remove a job and its stored results\n"
    "  cache [--clear]           show or clear the persistent result cache\n"
    "  help [COMMAND]            show help for a command\n"
    "\n"
    "INPUT is a .csv/.tsv, .jsonl/.ndjson or .txt file, or range:N for the integers 0..N-1\n"
    "in a column named x.\n"
    "\n"
    "Plugins are searched beside the executable (../lib/fastmap/plugins), in\n"
    "~/.local/share/fastmap/plugins and in the colon-separated FASTMAP_PLUGIN_PATH.\n"
    "\n"
    "Options:\n"
    "  -h, --help     show this help\n"
    "  -v, --version  show the version\n"
    "\n"
    "Example:\n"
    "  fastmap-cli run demo.work --input range:1000000 --param iterations=500 --output out.csv\n"
    "\n";

bool parseAssignments(const QStringList &values, const char *option, QMap<QString, QString> *out, QString *error)
{
    for (const QString &value : values) {
        const int eq = int(value.indexOf(QLatin1Char('=')));
        if (eq <= 0) {
            *error = QStringLiteral("--%1 %2: expected NAME=VALUE").arg(QLatin1String(option), value);
            return false;
        }
        out->insert(value.left(eq), value.mid(eq + 1));
    }
    return true;
}

void installParserHelp(QCommandLineParser &parser)
{
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.addHelpOption();
}

} // namespace

CliApplication::CliApplication() : m_out(stdout), m_err(stderr) {}

CliApplication::~CliApplication()
{
    delete m_catalog;
}

void CliApplication::requestInterrupt()
{
    g_interrupts.fetch_add(1);
}

void CliApplication::loadCatalog()
{
    if (m_catalog)
        return;
    m_catalog = new PluginCatalog;
    m_catalog->scan(PluginCatalog::defaultSearchPaths());
}

int CliApplication::usageError(const QString &message, const QString &command)
{
    m_err << "fastmap-cli: " << message << '\n';
    m_err << "Try 'fastmap-cli " << (command.isEmpty() ? QString() : QStringLiteral("help ") + command + QLatin1Char(' '))
          << (command.isEmpty() ? "--help" : "") << "' for more information.\n";
    m_err.flush();
    return ExitUsage;
}

int CliApplication::exec(const QStringList &arguments)
{
    g_interrupts = 0;
    const QStringList rest = arguments.mid(1);
    if (rest.isEmpty())
        return usageError(QStringLiteral("no command given"));
    const QString command = rest.first();
    if (command == QLatin1String("-h") || command == QLatin1String("--help") || command == QLatin1String("help")) {
        if (command == QLatin1String("help") && rest.size() > 1)
            return exec({arguments.first(), rest.at(1), QStringLiteral("--help")});
        m_out << kMainHelp << kExitCodes;
        m_out.flush();
        return ExitSuccess;
    }
    if (command == QLatin1String("-v") || command == QLatin1String("--version")) {
        m_out << "fastmap-cli " << versionString() << '\n';
        m_out.flush();
        return ExitSuccess;
    }
    const QStringList subArguments = QStringList{QStringLiteral("fastmap-cli ") + command} + rest.mid(1);
    if (command == QLatin1String("functions"))
        return runFunctions(subArguments);
    if (command == QLatin1String("run"))
        return runRun(subArguments);
    if (command == QLatin1String("preview"))
        return runPreview(subArguments);
    if (command == QLatin1String("estimate"))
        return runEstimate(subArguments);
    if (command == QLatin1String("jobs"))
        return runJobs(subArguments);
    if (command == QLatin1String("show"))
        return runShow(subArguments);
    if (command == QLatin1String("rm"))
        return runRm(subArguments);
    if (command == QLatin1String("resume"))
        return runResume(subArguments);
    if (command == QLatin1String("export"))
        return runExport(subArguments);
    if (command == QLatin1String("cache"))
        return runCache(subArguments);
    return usageError(QStringLiteral("unknown command \"%1\"").arg(command));
}

int CliApplication::runFunctions(const QStringList &arguments)
{
    QCommandLineParser parser;
    installParserHelp(parser);
    parser.setApplicationDescription(QStringLiteral("Lists the installed functions, or describes the one named by ID.\n"
                                                    "Plugins that could not be loaded are reported with the reason."));
    parser.addPositionalArgument(QStringLiteral("ID"), QStringLiteral("A function id, to describe just that function."), QStringLiteral("[ID]"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON instead of a table."));
    parser.addOption(json);
    if (!parser.parse(arguments))
        return usageError(parser.errorText(), QStringLiteral("functions"));
    if (parser.isSet(QStringLiteral("help"))) {
        m_out << parser.helpText();
        return ExitSuccess;
    }
    if (parser.positionalArguments().size() > 1)
        return usageError(QStringLiteral("functions takes at most one function id"), QStringLiteral("functions"));
    loadCatalog();
    for (const PluginProblem &problem : m_catalog->problems())
        m_err << "warning: skipped plugin " << problem.toString() << '\n';
    m_err.flush();

    QList<FunctionInfo> functions = m_catalog->functions();
    if (!parser.positionalArguments().isEmpty()) {
        const FunctionInfo *info = m_catalog->find(parser.positionalArguments().first());
        if (!info) {
            m_err << "fastmap-cli: no function \"" << parser.positionalArguments().first()
                  << "\" is installed; `fastmap-cli functions` lists them\n";
            return ExitInput;
        }
        functions = {*info};
    }
    std::sort(functions.begin(), functions.end(), [](const FunctionInfo &a, const FunctionInfo &b) { return a.id < b.id; });
    if (parser.isSet(json)) {
        QJsonArray array;
        for (const FunctionInfo &f : functions)
            array.append(f.toJson());
        QJsonObject root{{"functions", array}};
        QJsonArray problems;
        for (const PluginProblem &p : m_catalog->problems())
            problems.append(QJsonObject{{"file", p.file}, {"reason", p.reason}});
        root.insert("problems", problems);
        m_out << QJsonDocument(root).toJson(QJsonDocument::Indented);
        m_out.flush();
        return ExitSuccess;
    }
    if (functions.isEmpty())
        m_out << "No functions are installed. Plugins are searched in:\n  "
              << PluginCatalog::defaultSearchPaths().join(QStringLiteral("\n  ")) << '\n';
    const bool detailed = !parser.positionalArguments().isEmpty();
    for (const FunctionInfo &f : functions) {
        m_out << f.id << ' ' << f.version << "  " << f.title << '\n';
        m_out << "    " << f.description << '\n';
        m_out << "    inputs: " << f.inputNames().join(QStringLiteral(", ")) << "   outputs: "
              << f.outputNames().join(QStringLiteral(", ")) << '\n';
        for (const ParameterSpec &p : f.parameters) {
            m_out << "    --param " << p.name << '=' << p.defaultValue.toString() << "  (" << p.type;
            if (p.minimum.isValid())
                m_out << ", min " << p.minimum.toString();
            if (p.maximum.isValid())
                m_out << ", max " << p.maximum.toString();
            if (!p.choices.isEmpty())
                m_out << ", one of " << p.choices.join(QLatin1Char('|'));
            m_out << ")";
            if (detailed && !p.help.isEmpty())
                m_out << "  " << p.help;
            m_out << '\n';
        }
        if (detailed) {
            for (const ColumnSpec &c : f.inputs)
                m_out << "    input " << c.name << " (" << c.type << ")" << (c.help.isEmpty() ? QString() : QStringLiteral(": ") + c.help) << '\n';
            for (const ColumnSpec &c : f.outputs)
                m_out << "    output " << c.name << " (" << c.type << ")" << (c.help.isEmpty() ? QString() : QStringLiteral(": ") + c.help) << '\n';
            m_out << "    cost hint: about " << f.costNsPerElement << " ns per element"
                  << (f.costNote.isEmpty() ? QString() : QStringLiteral(" (") + f.costNote + QLatin1Char(')')) << '\n';
            m_out << "    plugin: " << f.filePath << '\n';
        }
    }
    m_out.flush();
    return ExitSuccess;
}

int CliApplication::runPreview(const QStringList &arguments)
{
    QCommandLineParser parser;
    installParserHelp(parser);
    parser.setApplicationDescription(QStringLiteral("Shows a dataset's columns and its first rows."));
    parser.addPositionalArgument(QStringLiteral("INPUT"), QStringLiteral("A file or range:N."));
    const QCommandLineOption rows(QStringList{QStringLiteral("n"), QStringLiteral("rows")}, QStringLiteral("How many rows to show (default 10)."), QStringLiteral("N"), QStringLiteral("10"));
    const QCommandLineOption inputFormat(QStringLiteral("input-format"), QStringLiteral("csv, jsonl or text, when the extension does not tell."), QStringLiteral("FORMAT"));
    parser.addOptions({rows, inputFormat});
    if (!parser.parse(arguments))
        return usageError(parser.errorText(), QStringLiteral("preview"));
    if (parser.isSet(QStringLiteral("help"))) {
        m_out << parser.helpText();
        return ExitSuccess;
    }
    if (parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("preview needs exactly one INPUT"), QStringLiteral("preview"));
    DatasetOptions options;
    if (parser.isSet(inputFormat)) {
        bool ok = false;
        options.format = Dataset::formatFromName(parser.value(inputFormat), &ok);
        if (!ok)
            return usageError(QStringLiteral("--input-format: unknown format \"%1\" (use csv, jsonl or text)").arg(parser.value(inputFormat)), QStringLiteral("preview"));
    }
    bool ok = false;
    const int n = parser.value(rows).toInt(&ok);
    if (!ok || n < 0)
        return usageError(QStringLiteral("--rows needs a non-negative number"), QStringLiteral("preview"));
    QStringList columns;
    InputError error;
    const Table table = Dataset::preview(parser.positionalArguments().first(), n, &columns, &error, options);
    if (columns.isEmpty() && error.isSet()) {
        m_err << "fastmap-cli: " << error.toString() << '\n';
        return ExitInput;
    }
    QByteArray out;
    for (int c = 0; c < columns.size(); ++c) {
        if (c)
            out.append(',');
        ValueText::appendCsvText(out, columns[c].toUtf8());
    }
    out.append('\n');
    for (int r = 0; r < table.rowCount(); ++r) {
        for (int c = 0; c < table.columnCount(); ++c) {
            if (c)
                out.append(',');
            ValueText::appendCsvCell(out, table, c, r);
        }
        out.append('\n');
    }
    m_out << QString::fromUtf8(out);
    m_out.flush();
    if (error.isSet()) {
        m_err << "fastmap-cli: " << error.toString() << '\n';
        return ExitInput;
    }
    return ExitSuccess;
}

namespace {

// The options `run` and `estimate` share.
struct JobOptions
{
    QCommandLineOption input{QStringList{QStringLiteral("i"), QStringLiteral("input")}, QStringLiteral("The dataset: a .csv/.tsv, .jsonl/.ndjson or .txt file, or range:N."), QStringLiteral("INPUT")};
    QCommandLineOption inputFormat{QStringLiteral("input-format"), QStringLiteral("csv, jsonl or text, when the extension does not tell."), QStringLiteral("FORMAT")};
    QCommandLineOption param{QStringList{QStringLiteral("p"), QStringLiteral("param")}, QStringLiteral("Set a function parameter (repeatable)."), QStringLiteral("NAME=VALUE")};
    QCommandLineOption map{QStringList{QStringLiteral("m"), QStringLiteral("map")}, QStringLiteral("Feed a function input from a dataset column (repeatable). Inputs otherwise match columns by name; a one-input function takes a one-column dataset as is."), QStringLiteral("INPUT=COLUMN")};
    QCommandLineOption threads{QStringList{QStringLiteral("j"), QStringLiteral("threads")}, QStringLiteral("Local threads (default: one per core)."), QStringLiteral("N")};
    QCommandLineOption batchSeconds{QStringLiteral("batch-seconds"), QStringLiteral("Target duration of one batch (default 0.2)."), QStringLiteral("S")};
    QCommandLineOption policy{QStringLiteral("policy"), QStringLiteral("local, remote or adaptive (default): adaptive adds the workers only when they make the job faster."), QStringLiteral("POLICY"), QStringLiteral("adaptive")};
    QCommandLineOption worker{QStringLiteral("worker"), QStringLiteral("A fastmap-worker base URL, e.g. https://host:8750 (repeatable)."), QStringLiteral("URL")};
    QCommandLineOption workersFile{QStringLiteral("workers-file"), QStringLiteral("A file with one worker URL per line ('#' comments); re-read while the job runs, so workers can be added or removed."), QStringLiteral("FILE")};
    QCommandLineOption tokenFile{QStringLiteral("token-file"), QStringLiteral("A file holding the bearer token for the workers."), QStringLiteral("FILE")};
    QCommandLineOption caCert{QStringLiteral("ca-cert"), QStringLiteral("Also trust this PEM certificate for https workers (e.g. a self-signed one)."), QStringLiteral("FILE")};
    QCommandLineOption insecure{QStringLiteral("insecure"), QStringLiteral("Allow plain http:// to workers that are not on this machine.")};
    QCommandLineOption maxCost{QStringLiteral("max-cost"), QStringLiteral("Accept charges up to this many USD; paid workers stop taking batches when it is reached."), QStringLiteral("USD")};
    QCommandLineOption yes{QStringList{QStringLiteral("y"), QStringLiteral("yes")}, QStringLiteral("Accept the estimated charges without asking.")};
    QCommandLineOption remoteTimeout{QStringLiteral("remote-timeout"), QStringLiteral("Seconds without an answer after which a worker counts as hung (default 60)."), QStringLiteral("S")};
    QCommandLineOption isolation{QStringLiteral("isolation"), QStringLiteral("process (default) or thread. process runs the function in fastmap-host processes, so an element that crashes, hangs or runs out of memory fails alone and the job goes on; thread runs it on threads of this process, where a crash ends the job (resume finishes it in processes)."), QStringLiteral("MODE"), QStringLiteral("process")};
    QCommandLineOption elementTimeout{QStringLiteral("element-timeout"), QStringLiteral("Fail an element that runs longer than this many seconds (\"timed out after S s\"); process isolation only. Default: no limit."), QStringLiteral("S")};
    QCommandLineOption memoryLimit{QStringLiteral("memory-limit"), QStringLiteral("Memory per function host in MB beyond its start-up size; an element that needs more fails (\"out of memory (limit MB MB)\"). Process isolation only. Default: no limit."), QStringLiteral("MB")};
    QCommandLineOption maxCrashes{QStringLiteral("max-crashes"), QStringLiteral("Stop the job once this many elements have crashed or overrun their host (default 100). A function that crashes on each of the first 3 elements tried stops the job at once."), QStringLiteral("N")};
    QCommandLineOption stopGrace{QStringLiteral("stop-grace"), QStringLiteral("On Ctrl-C or SIGTERM, seconds that running batches get to finish before their hosts are killed (default 5); a second Ctrl-C stops at once."), QStringLiteral("S")};

    void addTo(QCommandLineParser &parser) const
    {
        parser.addOptions({input, inputFormat, param, map, threads, batchSeconds, policy, worker, workersFile, tokenFile, caCert, insecure, maxCost, yes, remoteTimeout,
                           isolation, elementTimeout, memoryLimit, maxCrashes, stopGrace});
    }

    // Fills `spec` from the parsed options; returns an error message for the user, or empty.
    QString toSpec(const QCommandLineParser &parser, JobSpec *spec) const
    {
        if (parser.positionalArguments().size() != 1)
            return parser.positionalArguments().isEmpty() ? QStringLiteral("a FUNCTION_ID is needed")
                                                          : QStringLiteral("one FUNCTION_ID, please; got: %1").arg(parser.positionalArguments().join(QLatin1Char(' ')));
        if (!parser.isSet(input))
            return QStringLiteral("--input FILE or --input range:N is needed");
        spec->functionId = parser.positionalArguments().first();
        spec->input = parser.value(input);
        QString error;
        QMap<QString, QString> params;
        if (!parseAssignments(parser.values(param), "param", &params, &error) || !parseAssignments(parser.values(map), "map", &spec->mapping, &error))
            return error;
        for (auto it = params.cbegin(); it != params.cend(); ++it)
            spec->params.insert(it.key(), it.value());
        bool ok = true;
        if (parser.isSet(threads)) {
            spec->threads = parser.value(threads).toInt(&ok);
            if (!ok || spec->threads < 1 || spec->threads > 1024)
                return QStringLiteral("--threads needs a number from 1 to 1024, not \"%1\"").arg(parser.value(threads));
        }
        if (parser.isSet(batchSeconds)) {
            spec->batchTargetSeconds = parser.value(batchSeconds).toDouble(&ok);
            if (!ok || spec->batchTargetSeconds <= 0 || spec->batchTargetSeconds > 3600)
                return QStringLiteral("--batch-seconds needs a positive number of seconds");
        }
        if (parser.isSet(inputFormat)) {
            spec->datasetOptions.format = Dataset::formatFromName(parser.value(inputFormat), &ok);
            if (!ok)
                return QStringLiteral("--input-format: unknown format \"%1\" (use csv, jsonl or text)").arg(parser.value(inputFormat));
        }
        const QString p = parser.value(policy).toLower();
        if (p == QLatin1String("local"))
            spec->policy = JobSpec::Policy::Local;
        else if (p == QLatin1String("remote"))
            spec->policy = JobSpec::Policy::Remote;
        else if (p == QLatin1String("adaptive"))
            spec->policy = JobSpec::Policy::Adaptive;
        else
            return QStringLiteral("--policy: \"%1\" is not local, remote or adaptive").arg(parser.value(policy));
        spec->workers = parser.values(worker);
        spec->workersFile = parser.value(workersFile);
        spec->insecure = parser.isSet(insecure);
        spec->caCertificatesFile = parser.value(caCert);
        if (!spec->caCertificatesFile.isEmpty() && !QFileInfo(spec->caCertificatesFile).isReadable())
            return QStringLiteral("--ca-cert %1: cannot read the file").arg(spec->caCertificatesFile);
        if (parser.isSet(tokenFile)) {
            QFile file(parser.value(tokenFile));
            if (!file.open(QIODevice::ReadOnly))
                return QStringLiteral("--token-file %1: %2").arg(file.fileName(), file.errorString());
            spec->token = file.readAll().trimmed();
            if (spec->token.isEmpty() || spec->token.contains('\n'))
                return QStringLiteral("--token-file %1: the file must hold one token on one line").arg(file.fileName());
        }
        if (parser.isSet(maxCost)) {
            spec->maxCost = parser.value(maxCost).toDouble(&ok);
            if (!ok || spec->maxCost < 0)
                return QStringLiteral("--max-cost needs a non-negative amount in USD");
        }
        if (parser.isSet(remoteTimeout)) {
            spec->remoteTimeoutSeconds = parser.value(remoteTimeout).toDouble(&ok);
            if (!ok || spec->remoteTimeoutSeconds <= 0)
                return QStringLiteral("--remote-timeout needs a positive number of seconds");
        }
        spec->chargesConfirmed = parser.isSet(yes);
        return isolationToSpec(parser, spec);
    }

    QString isolationToSpec(const QCommandLineParser &parser, JobSpec *spec) const
    {
        const QString mode = parser.value(isolation).toLower();
        if (mode == QLatin1String("process"))
            spec->isolation = JobSpec::Isolation::Process;
        else if (mode == QLatin1String("thread"))
            spec->isolation = JobSpec::Isolation::Thread;
        else
            return QStringLiteral("--isolation: \"%1\" is not process or thread").arg(parser.value(isolation));
        bool ok = true;
        const bool threads = spec->isolation == JobSpec::Isolation::Thread;
        if (parser.isSet(elementTimeout)) {
            spec->elementTimeoutSeconds = parser.value(elementTimeout).toDouble(&ok);
            if (!ok || spec->elementTimeoutSeconds <= 0)
                return QStringLiteral("--element-timeout needs a positive number of seconds, not \"%1\"").arg(parser.value(elementTimeout));
            if (threads)
                return QStringLiteral("--element-timeout needs --isolation process: a thread cannot be stopped");
        }
        if (parser.isSet(memoryLimit)) {
            spec->memoryLimitMB = parser.value(memoryLimit).toInt(&ok);
            if (!ok || spec->memoryLimitMB < 16)
                return QStringLiteral("--memory-limit needs a number of MB, 16 or more, not \"%1\"").arg(parser.value(memoryLimit));
            if (threads)
                return QStringLiteral("--memory-limit needs --isolation process: threads share this process's memory");
        }
        if (parser.isSet(maxCrashes)) {
            spec->maxCrashes = parser.value(maxCrashes).toInt(&ok);
            if (!ok || spec->maxCrashes < 1)
                return QStringLiteral("--max-crashes needs a positive number, not \"%1\"").arg(parser.value(maxCrashes));
        }
        if (parser.isSet(stopGrace)) {
            spec->stopGraceSeconds = parser.value(stopGrace).toDouble(&ok);
            if (!ok || spec->stopGraceSeconds < 0)
                return QStringLiteral("--stop-grace needs a number of seconds, 0 or more, not \"%1\"").arg(parser.value(stopGrace));
        }
        return {};
    }
};

// How a run writes and records its results. `estimate` takes the same options, so that its
// sample formats and encodes as that run would (and writes nothing).
struct OutputOptions
{
    explicit OutputOptions(bool estimate)
        : output(QStringList{QStringLiteral("o"), QStringLiteral("output")},
                 estimate ? QStringLiteral("The result file the run would write; only its extension counts "
                                           "(the format). Nothing is written.")
                          : QStringLiteral("The result file, or - for standard output."),
                 QStringLiteral("FILE")),
          noRecord(QStringLiteral("no-record"),
                   estimate
                       ? QStringLiteral("Sample as a run with --no-record: without the job store's encoding.")
                       : QStringLiteral("Run without the job store: no job is recorded and nothing is "
                                        "stored, so the job cannot be resumed, shown or exported."))
    {}

    QCommandLineOption output;
    QCommandLineOption format{
        QStringLiteral("format"),
        QStringLiteral("csv or jsonl (default: from the output's extension, else csv)."),
        QStringLiteral("FORMAT")};
    QCommandLineOption keepInput{QStringLiteral("keep-input"),
                                 QStringLiteral("Write the input columns beside the outputs.")};
    QCommandLineOption noRecord;

    // The result format (--format, else the output's extension) and the writer's options.
    bool toWriter(const QCommandLineParser &parser, ResultFormat *resultFormat, ResultWriterOptions *options,
                  QString *error) const
    {
        if (!ResultWriter::formatFor(parser.value(format), parser.value(output), resultFormat, error))
            return false;
        options->keepInput = parser.isSet(keepInput);
        return true;
    }
};

int exitCodeFor(JobStatus status)
{
    switch (status) {
    case JobStatus::Completed:
    case JobStatus::Estimated: return ExitSuccess;
    case JobStatus::CompletedWithFailures:
    case JobStatus::StoppedOnError: return ExitElementsFailed;
    case JobStatus::Cancelled: return ExitInterrupted;
    case JobStatus::OutputFailed: return ExitOutput;
    case JobStatus::ExecutorsFailed: return ExitWorkers;
    default: return ExitInput;
    }
}

int exitCodeFor(const StartError &error)
{
    switch (error.kind) {
    case StartError::Output: return ExitOutput;
    case StartError::Workers: return ExitUsage;
    default: return ExitInput;
    }
}

const char *const kRemoteHelp =
    "Remote workers: give --worker URL (repeatable) or --workers-file FILE, and --token-file.\n"
    "Under --policy adaptive the workers are used only when the estimate says they make the\n"
    "job faster. Before any charge the estimate is shown and, on a terminal, you are asked;\n"
    "local threads keep working meanwhile. Without a terminal paid workers are not used\n"
    "unless --yes or --max-cost is given. Plain http:// is refused for hosts other than this\n"
    "machine unless --insecure.\n\n";

} // namespace

int CliApplication::runRun(const QStringList &arguments)
{
    QCommandLineParser parser;
    installParserHelp(parser);
    parser.setApplicationDescription(QString::fromLatin1(
        "Runs FUNCTION_ID over every element of INPUT and writes one output row per input row,\n"
        "in input order. A short serial sample sizes the batches; jobs too light to gain from\n"
        "threads run in-process. A failed element gets empty outputs and its message in the\n"
        "error column; the job goes on unless --stop-on-error.\n\n") + QString::fromLatin1(kRemoteHelp) + QString::fromLatin1(kExitCodes));
    parser.addPositionalArgument(QStringLiteral("FUNCTION_ID"), QStringLiteral("The function to run (see `fastmap-cli functions`)."));
    const JobOptions job;
    job.addTo(parser);
    const OutputOptions out(false);
    const QCommandLineOption &output = out.output;
    const QCommandLineOption &noRecord = out.noRecord;
    const QCommandLineOption stopOnError(QStringLiteral("stop-on-error"), QStringLiteral("Stop at the first failed element; rows so far go to OUTPUT.partial."));
    const QCommandLineOption progress(QStringLiteral("progress"), QStringLiteral("Show progress on stderr even when it is not a terminal."));
    const QCommandLineOption quiet(QStringList{QStringLiteral("q"), QStringLiteral("quiet")}, QStringLiteral("No progress and no summary; errors only."));
    const QCommandLineOption cache(QStringLiteral("cache"), QStringLiteral("use (default), refresh or off: the persistent result cache. use takes cached results and computes only what is missing; refresh computes everything and stores it; off leaves the cache alone."), QStringLiteral("MODE"), QStringLiteral("use"));
    const QCommandLineOption keepResults(
        QStringLiteral("keep-results"),
        QStringLiteral("Keep the job's stored results after it completes; by default they are dropped once "
                       "the result file is in place (the job log, the errors and the summary stay)."));
    const QCommandLineOption storeLimit(QStringLiteral("store-limit"), QStringLiteral("The job store's size cap, e.g. 500M or 4G (default 2G), or none; beyond it the oldest finished jobs' stored results are dropped after the run."), QStringLiteral("SIZE"));
    parser.addOptions({output, out.format, out.keepInput, stopOnError, progress, quiet, cache, keepResults,
                       noRecord, storeLimit});
    if (!parser.parse(arguments))
        return usageError(parser.errorText(), QStringLiteral("run"));
    if (parser.isSet(QStringLiteral("help"))) {
        m_out << parser.helpText();
        m_out.flush();
        return ExitSuccess;
    }
    const QString cmd = QStringLiteral("run");
    JobSpec spec;
    QString error = job.toSpec(parser, &spec);
    if (!error.isEmpty())
        return usageError(QStringLiteral("run: ") + error, cmd);
    if (!parser.isSet(output))
        return usageError(QStringLiteral("run needs --output FILE (or --output - for standard output)"), cmd);
    if (parser.isSet(progress) && parser.isSet(quiet))
        return usageError(QStringLiteral("--progress and --quiet contradict each other"), cmd);
    spec.stopOnError = parser.isSet(stopOnError);
    ResultFormat resultFormat;
    ResultWriterOptions writerOptions;
    if (!out.toWriter(parser, &resultFormat, &writerOptions, &error))
        return usageError(error, cmd);

    ResultCache::Mode cacheMode = ResultCache::Mode::Use;
    if (!ResultCache::modeFromName(parser.value(cache), &cacheMode))
        return usageError(QStringLiteral("--cache: \"%1\" is not use, refresh or off").arg(parser.value(cache)), cmd);
    RecordOptions recordOptions;
    recordOptions.record = !parser.isSet(noRecord);
    if (parser.isSet(storeLimit) && !parseSize(parser.value(storeLimit), &recordOptions.storeLimit))
        return usageError(QStringLiteral("--store-limit: \"%1\" is not a size such as 500M, 4G or none").arg(parser.value(storeLimit)), cmd);
    if (parser.isSet(noRecord) && (parser.isSet(keepResults) || parser.isSet(storeLimit)))
        return usageError(QStringLiteral("--no-record stores nothing: it takes neither --keep-results nor --store-limit"), cmd);
    JobDescription description;
    description.spec = spec;
    description.output = parser.value(output) == QLatin1String("-") ? QStringLiteral("-") : QFileInfo(parser.value(output)).absoluteFilePath();
    description.format = resultFormat;
    description.writerOptions = writerOptions;
    description.keepResults = parser.isSet(keepResults);
    const bool quietMode = parser.isSet(quiet);
    return runRecorded(description, QString(), quietMode, !quietMode && (parser.isSet(progress) || ::isatty(STDERR_FILENO) == 1), cacheMode,
                       recordOptions);
}

int CliApplication::runEstimate(const QStringList &arguments)
{
    QCommandLineParser parser;
    installParserHelp(parser);
    parser.setApplicationDescription(
        QString::fromLatin1(
            "Times a short local sample of FUNCTION_ID on INPUT, probes the workers, and prints the\n"
            "estimate: elements, time per element, time locally and with the workers, remote\n"
            "vCPU-hours and cost. Nothing else runs and nothing is charged. The sample formats and\n"
            "encodes its results as the run with the same options would (--output, --format,\n"
            "--keep-input, --no-record), so its time per element includes them; nothing is written.\n\n") +
        QString::fromLatin1(kRemoteHelp));
    parser.addPositionalArgument(QStringLiteral("FUNCTION_ID"), QStringLiteral("The function (see `fastmap-cli functions`)."));
    const JobOptions job;
    job.addTo(parser);
    const OutputOptions out(true);
    parser.addOptions({out.output, out.format, out.keepInput, out.noRecord});
    if (!parser.parse(arguments))
        return usageError(parser.errorText(), QStringLiteral("estimate"));
    if (parser.isSet(QStringLiteral("help"))) {
        m_out << parser.helpText();
        m_out.flush();
        return ExitSuccess;
    }
    JobSpec spec;
    QString error = job.toSpec(parser, &spec);
    if (!error.isEmpty())
        return usageError(QStringLiteral("estimate: ") + error, QStringLiteral("estimate"));
    ResultFormat resultFormat;
    ResultWriterOptions writerOptions;
    if (!out.toWriter(parser, &resultFormat, &writerOptions, &error))
        return usageError(error, QStringLiteral("estimate"));
    spec.estimateOnly = true;
    SampleSink sink(resultFormat, writerOptions, !parser.isSet(out.noRecord));
    JobSummary summary;
    const int started = runJob(spec, &sink, false, false, &summary);
    if (started != ExitSuccess)
        return started;
    if (!summary.estimated) {
        m_out << "The whole job ran within the sample: " << summary.elements << " elements in "
              << QString::number(summary.seconds, 'f', 3) << " s. There is nothing left to estimate.\n";
        m_out.flush();
        return exitCodeFor(summary.status == JobStatus::Completed ? JobStatus::Estimated : summary.status);
    }
    QStringList lines = summary.estimate.toText().split(QLatin1Char('\n'));
    qsizetype local = 0;
    while (local < lines.size() && !lines[local].startsWith(QLatin1String("Local only:")))
        ++local;
    lines.insert(local, sink.summary()); // beside the time per element it explains
    m_out << lines.join(QLatin1Char('\n')) << '\n';
    m_out.flush();
    if (summary.status != JobStatus::Estimated) {
        printSummary(summary);
        return exitCodeFor(summary.status);
    }
    return ExitSuccess;
}

void CliApplication::printSummary(const JobSummary &summary)
{
    const double rate = summary.seconds > 0 ? double(summary.elements) / summary.seconds : 0;
    QString status = jobStatusName(summary.status);
    // A worker that ran out of credits did not die: say what stopped the job.
    bool outOfCredits = summary.status == JobStatus::ExecutorsFailed && !summary.workers.isEmpty();
    for (const RemoteStats &w : summary.workers)
        outOfCredits = outOfCredits && (w.creditsExhausted || w.state != QLatin1String("gone"));
    if (outOfCredits)
        status = QStringLiteral("stopped, the workers' credits are exhausted");
    m_err << status.left(1).toUpper() << status.mid(1) << ": " << summary.elements << " elements in "
          << QString::number(summary.seconds, 'f', 2) << " s (" << ProgressBar::formatCount(rate) << "/s, "
          << summary.threads << (summary.threads == 1 ? " thread" : " threads") << ")";
    if (summary.failed > 0)
        m_err << "; " << summary.failed << " failed, the first at element " << summary.firstFailedIndex << ": " << summary.firstFailure;
    m_err << '\n';
    if (summary.remoteUsed || !summary.workers.isEmpty()) {
        m_err << "  local: " << summary.localElements << " elements in " << summary.localBatches << " batches\n";
        for (const RemoteStats &w : summary.workers) {
            m_err << "  " << w.url << ": " << w.elements << " elements in " << w.batches << " batches, "
                  << QString::number(w.vcpuSeconds, 'f', 2) << " vCPU-s, $" << QString::number(w.charge, 'f', 4);
            if (w.failures > 0)
                m_err << ", " << w.failures << " faults (last: " << w.lastError << ")";
            m_err << " [" << w.state << (w.creditsExhausted ? ": out of credits" : "") << "]\n";
        }
        m_err << "  remote cost: $" << QString::number(summary.cost, 'f', 4);
        if (summary.estimated)
            m_err << " (estimated $" << QString::number(summary.estimate.cost, 'f', 4) << ")";
        m_err << '\n';
    }
    const bool completed = summary.status == JobStatus::Completed || summary.status == JobStatus::CompletedWithFailures;
    if (!summary.message.isEmpty() && !completed && summary.status != JobStatus::Estimated)
        m_err << "fastmap-cli: " << summary.message << '\n';
    m_err.flush();
}

int CliApplication::runJob(const JobSpec &spec, ResultSink *sink, bool quiet, bool showProgress, JobSummary *summary,
                           StoredResults *stored, ResultCache *cache, ResultCache::Mode cacheMode)
{
    loadCatalog();
    if (!m_catalog->find(spec.functionId)) {
        for (const PluginProblem &problem : m_catalog->problems())
            m_err << "warning: skipped plugin " << problem.toString() << '\n';
    }
    const bool terminal = ::isatty(STDERR_FILENO) == 1;
    Engine engine(m_catalog);
    engine.setRemoteFactory(RemoteCoordinator::factory(m_catalog));
    engine.setStoredResults(stored);
    engine.setExecutorWrapper(CachingExecutor::wrapper(cache, cacheMode, m_catalog));
    StartError startError;
    if (!engine.start(spec, sink, &startError)) {
        m_err << "fastmap-cli: " << startError.message << '\n';
        m_err.flush();
        return exitCodeFor(startError);
    }

    QEventLoop loop;
    QElapsedTimer sinceLine;
    sinceLine.start();
    bool asking = false; // while the charges question is on screen, progress stays quiet
    const auto say = [&](const QString &text) {
        m_err << (terminal && showProgress ? "\r\033[K" : "") << text << '\n';
        m_err.flush();
    };
    QObject::connect(&engine, &Engine::note, &loop, [&](const QString &message) {
        if (!quiet)
            say(QStringLiteral("note: ") + message);
    });
    QObject::connect(&engine, &Engine::progressChanged, &loop, [&](const JobProgress &p) {
        if (!showProgress || asking)
            return;
        if (terminal) {
            m_err << '\r' << ProgressBar::render(p, 100) << "\033[K";
            m_err.flush();
        } else if (sinceLine.elapsed() >= 1000) {
            sinceLine.restart();
            m_err << ProgressBar::render(p, 100) << '\n';
            m_err.flush();
        }
    });
    QObject::connect(&engine, &Engine::estimateReady, &loop, [&](const Estimate &estimate) {
        if (!quiet && !spec.estimateOnly)
            say(QStringLiteral("Estimate:\n") + estimate.toText());
    });
    std::unique_ptr<QSocketNotifier> answer;
    QObject::connect(&engine, &Engine::confirmationNeeded, &loop, [&](const Estimate &estimate) {
        if (::isatty(STDIN_FILENO) != 1 || !terminal) {
            say(QStringLiteral("note: not using the paid workers (about $%1): there is no terminal to confirm the charges; "
                               "pass --yes or --max-cost USD to accept them. Going on locally.")
                    .arg(estimate.cost, 0, 'f', 4));
            engine.confirmCharges(false);
            return;
        }
        asking = true;
        m_err << (showProgress ? "\r\033[K" : "") << "Use the paid remote workers for about $" << QString::number(estimate.cost, 'f', 4)
              << "? Local threads keep working meanwhile. [y/N] ";
        m_err.flush();
        answer = std::make_unique<QSocketNotifier>(STDIN_FILENO, QSocketNotifier::Read);
        QObject::connect(answer.get(), &QSocketNotifier::activated, &loop, [&] {
            char buffer[256];
            const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer - 1);
            const QString reply = n > 0 ? QString::fromLocal8Bit(buffer, int(n)).trimmed().toLower() : QString();
            const bool accepted = reply == QLatin1String("y") || reply == QLatin1String("yes");
            answer->setEnabled(false);
            asking = false;
            say(accepted ? QStringLiteral("Using the remote workers.") : QStringLiteral("Going on with local threads only."));
            engine.confirmCharges(accepted);
        });
    });
    QObject::connect(&engine, &Engine::finished, &loop, [&](const JobSummary &s) {
        *summary = s;
        loop.quit();
    });
    QTimer interruptPoll;
    int interruptsSeen = 0;
    QObject::connect(&interruptPoll, &QTimer::timeout, &loop, [&] {
        const int interrupts = g_interrupts.load();
        if (interrupts > interruptsSeen) {
            interruptsSeen = interrupts;
            if (interrupts == 1) {
                say(QStringLiteral("Stopping; finished rows are kept. Running batches get %1 s to finish "
                                   "(Ctrl-C again to stop them now)")
                        .arg(spec.stopGraceSeconds));
                engine.cancel();
            } else if (interrupts == 2) {
                say(QStringLiteral("Stopping now; finished rows are kept (Ctrl-C again to quit at once, losing them)"));
                engine.stopNow();
            } else {
                ::_exit(ExitInterrupted);
            }
        }
    });
    interruptPoll.start(50);
    loop.exec();
    if (showProgress && terminal)
        m_err << '\n';
    return ExitSuccess;
}

} // namespace fastmap
