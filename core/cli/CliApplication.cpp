// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/CliApplication.h"

#include "cli/ExitCode.h"
#include "cli/ProgressBar.h"
#include "dataset/Dataset.h"
#include "engine/Engine.h"
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
    "                            run a function over a dataset\n"
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
            ValueText::appendCsv(out, table.at(r, c));
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

int CliApplication::runRun(const QStringList &arguments)
{
    QCommandLineParser parser;
    installParserHelp(parser);
    parser.setApplicationDescription(QString::fromLatin1(
        "Runs FUNCTION_ID over every element of INPUT and writes one output row per input row,\n"
        "in input order. A short serial sample sizes the batches; jobs too light to gain from\n"
        "threads run in-process. A failed element gets empty outputs and its message in the\n"
        "error column; the job goes on unless --stop-on-error.\n\n") + QString::fromLatin1(kExitCodes));
    parser.addPositionalArgument(QStringLiteral("FUNCTION_ID"), QStringLiteral("The function to run (see `fastmap-cli functions`)."));
    const QCommandLineOption input(QStringList{QStringLiteral("i"), QStringLiteral("input")}, QStringLiteral("The dataset: a .csv/.tsv, .jsonl/.ndjson or .txt file, or range:N."), QStringLiteral("INPUT"));
    const QCommandLineOption output(QStringList{QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("The result file, or - for standard output."), QStringLiteral("FILE"));
    const QCommandLineOption format(QStringLiteral("format"), QStringLiteral("csv or jsonl (default: from the output's extension, else csv)."), QStringLiteral("FORMAT"));
    const QCommandLineOption inputFormat(QStringLiteral("input-format"), QStringLiteral("csv, jsonl or text, when the extension does not tell."), QStringLiteral("FORMAT"));
    const QCommandLineOption param(QStringList{QStringLiteral("p"), QStringLiteral("param")}, QStringLiteral("Set a function parameter (repeatable)."), QStringLiteral("NAME=VALUE"));
    const QCommandLineOption map(QStringList{QStringLiteral("m"), QStringLiteral("map")}, QStringLiteral("Feed a function input from a dataset column (repeatable). Inputs otherwise match columns by name; a one-input function takes a one-column dataset as is."), QStringLiteral("INPUT=COLUMN"));
    const QCommandLineOption threads(QStringList{QStringLiteral("j"), QStringLiteral("threads")}, QStringLiteral("Local threads (default: one per core)."), QStringLiteral("N"));
    const QCommandLineOption keepInput(QStringLiteral("keep-input"), QStringLiteral("Write the input columns beside the outputs."));
    const QCommandLineOption stopOnError(QStringLiteral("stop-on-error"), QStringLiteral("Stop at the first failed element; rows so far go to OUTPUT.partial."));
    const QCommandLineOption batchSeconds(QStringLiteral("batch-seconds"), QStringLiteral("Target duration of one batch (default 0.2)."), QStringLiteral("S"));
    const QCommandLineOption progress(QStringLiteral("progress"), QStringLiteral("Show progress on stderr even when it is not a terminal."));
    const QCommandLineOption quiet(QStringList{QStringLiteral("q"), QStringLiteral("quiet")}, QStringLiteral("No progress and no summary; errors only."));
    parser.addOptions({input, output, format, inputFormat, param, map, threads, keepInput, stopOnError, batchSeconds, progress, quiet});
    if (!parser.parse(arguments))
        return usageError(parser.errorText(), QStringLiteral("run"));
    if (parser.isSet(QStringLiteral("help"))) {
        m_out << parser.helpText();
        m_out.flush();
        return ExitSuccess;
    }
    const QString cmd = QStringLiteral("run");
    if (parser.positionalArguments().size() != 1)
        return usageError(parser.positionalArguments().isEmpty() ? QStringLiteral("run needs a FUNCTION_ID")
                                                                 : QStringLiteral("run takes one FUNCTION_ID, got: %1").arg(parser.positionalArguments().join(QLatin1Char(' '))), cmd);
    if (!parser.isSet(input))
        return usageError(QStringLiteral("run needs --input FILE or --input range:N"), cmd);
    if (!parser.isSet(output))
        return usageError(QStringLiteral("run needs --output FILE (or --output - for standard output)"), cmd);
    if (parser.isSet(progress) && parser.isSet(quiet))
        return usageError(QStringLiteral("--progress and --quiet contradict each other"), cmd);

    JobSpec spec;
    spec.functionId = parser.positionalArguments().first();
    spec.input = parser.value(input);
    spec.stopOnError = parser.isSet(stopOnError);
    QString error;
    QMap<QString, QString> params;
    if (!parseAssignments(parser.values(param), "param", &params, &error) || !parseAssignments(parser.values(map), "map", &spec.mapping, &error))
        return usageError(error, cmd);
    for (auto it = params.cbegin(); it != params.cend(); ++it)
        spec.params.insert(it.key(), it.value());
    if (parser.isSet(threads)) {
        bool ok = false;
        spec.threads = parser.value(threads).toInt(&ok);
        if (!ok || spec.threads < 1 || spec.threads > 1024)
            return usageError(QStringLiteral("--threads needs a number from 1 to 1024, not \"%1\"").arg(parser.value(threads)), cmd);
    }
    if (parser.isSet(batchSeconds)) {
        bool ok = false;
        spec.batchTargetSeconds = parser.value(batchSeconds).toDouble(&ok);
        if (!ok || spec.batchTargetSeconds <= 0 || spec.batchTargetSeconds > 3600)
            return usageError(QStringLiteral("--batch-seconds needs a positive number of seconds"), cmd);
    }
    if (parser.isSet(inputFormat)) {
        bool ok = false;
        spec.datasetOptions.format = Dataset::formatFromName(parser.value(inputFormat), &ok);
        if (!ok)
            return usageError(QStringLiteral("--input-format: unknown format \"%1\" (use csv, jsonl or text)").arg(parser.value(inputFormat)), cmd);
    }
    ResultFormat resultFormat;
    if (!ResultWriter::formatFor(parser.value(format), parser.value(output), &resultFormat, &error))
        return usageError(error, cmd);
    ResultWriterOptions writerOptions;
    writerOptions.keepInput = parser.isSet(keepInput);
    const std::unique_ptr<ResultWriter> writer = ResultWriter::create(resultFormat, parser.value(output), writerOptions);

    loadCatalog();
    if (!m_catalog->find(spec.functionId)) {
        for (const PluginProblem &problem : m_catalog->problems())
            m_err << "warning: skipped plugin " << problem.toString() << '\n';
    }
    const bool quietMode = parser.isSet(quiet);
    const bool terminal = ::isatty(STDERR_FILENO) == 1;
    const bool showProgress = !quietMode && (parser.isSet(progress) || terminal);

    Engine engine(m_catalog);
    StartError startError;
    if (!engine.start(spec, writer.get(), &startError)) {
        m_err << "fastmap-cli: " << startError.message << '\n';
        m_err.flush();
        return startError.kind == StartError::Output ? ExitOutput : ExitInput;
    }

    QEventLoop loop;
    JobSummary summary;
    QElapsedTimer sinceLine;
    sinceLine.start();
    QObject::connect(&engine, &Engine::note, &loop, [&](const QString &message) {
        if (!quietMode) {
            m_err << (terminal ? "\r\033[K" : "") << "note: " << message << '\n';
            m_err.flush();
        }
    });
    QObject::connect(&engine, &Engine::progressChanged, &loop, [&](const JobProgress &p) {
        if (!showProgress)
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
    QObject::connect(&engine, &Engine::finished, &loop, [&](const JobSummary &s) {
        summary = s;
        loop.quit();
    });
    QTimer interruptPoll;
    int interruptsSeen = 0;
    QObject::connect(&interruptPoll, &QTimer::timeout, &loop, [&] {
        const int interrupts = g_interrupts.load();
        if (interrupts > interruptsSeen) {
            interruptsSeen = interrupts;
            if (interrupts == 1) {
                m_err << (terminal ? "\r\033[K" : "") << "Stopping; finished rows are kept (Ctrl-C again to quit at once)\n";
                m_err.flush();
                engine.cancel();
            } else {
                ::_exit(ExitInterrupted);
            }
        }
    });
    interruptPoll.start(50);
    loop.exec();
    if (showProgress && terminal)
        m_err << '\n';

    const QString where = writer->finalPath().isEmpty() ? writer->path() : writer->finalPath();
    const double rate = summary.seconds > 0 ? double(summary.elements) / summary.seconds : 0;
    if (!quietMode || (summary.status != JobStatus::Completed && summary.status != JobStatus::CompletedWithFailures)) {
        m_err << jobStatusName(summary.status).left(1).toUpper() << jobStatusName(summary.status).mid(1) << ": "
              << summary.elements << " elements in " << QString::number(summary.seconds, 'f', 2) << " s ("
              << ProgressBar::formatCount(rate) << "/s, " << summary.threads << (summary.threads == 1 ? " thread" : " threads")
              << ")";
        if (summary.failed > 0)
            m_err << "; " << summary.failed << " failed, the first at element " << summary.firstFailedIndex << ": " << summary.firstFailure;
        m_err << '\n';
        if (!summary.message.isEmpty() && summary.status != JobStatus::Completed && summary.status != JobStatus::CompletedWithFailures)
            m_err << "fastmap-cli: " << summary.message << '\n';
        if (writer->path() != QLatin1String("-") && !writer->finalPath().isEmpty())
            m_err << "Results: " << where << " (" << writer->rowsWritten() << " rows)\n";
        m_err.flush();
    }
    switch (summary.status) {
    case JobStatus::Completed: return ExitSuccess;
    case JobStatus::CompletedWithFailures:
    case JobStatus::StoppedOnError: return ExitElementsFailed;
    case JobStatus::Cancelled: return ExitInterrupted;
    case JobStatus::InputFailed: return ExitInput;
    case JobStatus::OutputFailed: return ExitOutput;
    default: return ExitInput;
    }
}

} // namespace fastmap
