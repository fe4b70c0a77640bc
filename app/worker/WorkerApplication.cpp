// SPDX-License-Identifier: GPL-3.0-or-later
#include "worker/WorkerApplication.h"

#include "plugin/PluginCatalog.h"
#include "util/Version.h"
#include "host/HostProcess.h"
#include "worker/BatchExecutor.h"
#include "worker/Ledger.h"
#include "worker/TokenAuthenticator.h"
#include "worker/WorkerConfig.h"
#include "worker/WorkerServer.h"

#include <QCommandLineParser>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTimer>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <unistd.h>

namespace fastmap {

namespace {

std::atomic<int> g_stopRequests{0};

const char *const kExitCodes = "Exit codes:\n"
                               "  0  success (serve: drained after SIGTERM or SIGINT)\n"
                               "  1  serve: stopped at once by a second SIGTERM or SIGINT\n"
                               "  2  usage error: bad command line, environment value or --config file\n"
                               "  3  failure: cannot start (ledger, plugins, TLS files, address, no token,\n"
                               "     no function host),\n"
                               "     or the command cannot be done (for example, an unknown token name)\n";

const char *const kMainHelp =
    "Usage: fastmap-worker [serve] [options]\n"
    "       fastmap-worker tokens add NAME [--credits USD] | tokens list | tokens remove NAME\n"
    "       fastmap-worker credits add NAME USD | credits show [NAME]\n"
    "\n"
    "A remote worker for Fastmap: serves the functions of the plugins installed on this\n"
    "machine to Fastmap clients over HTTP or HTTPS, runs their batches on its cores and\n"
    "charges the CPU time to the client's token. It only ever runs installed plugins;\n"
    "clients send data, never code.\n"
    "\n"
    "Commands:\n"
    "  serve                    run the server (the default); `fastmap-worker serve --help`\n"
    "                           lists its options and environment variables\n"
    "  tokens add NAME [--credits USD]\n"
    "                           create a token and print it, once; only its SHA-256 is stored\n"
    "  tokens list              list the tokens with their credits and usage\n"
    "  tokens remove NAME       revoke a token\n"
    "  credits add NAME USD     add credits to a token that has a credit limit\n"
    "  credits show [NAME]      show credits left and charges, for one token or all\n"
    "  help [COMMAND]           show help for a command\n"
    "\n"
    "Every command takes --db FILE (or FASTMAP_WORKER_DB), the SQLite ledger of tokens,\n"
    "credits and usage, and --config FILE (or FASTMAP_WORKER_CONFIG), a file of KEY=VALUE\n"
    "settings named like the long options, such as /etc/fastmap/worker.conf.\n"
    "\n"
    "Options:\n"
    "  -h, --help     show this help\n"
    "  -v, --version  show the version\n"
    "\n"
    "Example:\n"
    "  fastmap-worker tokens add alice --credits 5\n"
    "  fastmap-worker --listen 0.0.0.0:8750 --price-per-vcpu-hour 0.04 \\\n"
    "      --tls-cert cert.pem --tls-key key.pem\n"
    "\n";

const char *const kServeNotes =
    "\n"
    "Endpoints: GET /v1/health (no token needed), GET /v1/functions, POST /v1/batches\n"
    "(CBOR; see docs/protocol.md) and GET /metrics (Prometheus text). Clients send\n"
    "Authorization: Bearer TOKEN.\n"
    "\n"
    "On start, exactly one line goes to standard output:\n"
    "  fastmap-worker listening on http[s]://HOST:PORT\n"
    "Everything else (one line per batch: token name, function, rows, time, vCPU\n"
    "seconds, charge, status; never a token) goes to standard error.\n"
    "\n"
    "SIGTERM or SIGINT drains the worker: new batches get 503 and /v1/health says\n"
    "\"draining\"; batches already running finish and are answered; then it exits with 0.\n"
    "A second signal stops it at once.\n"
    "\n"
    "With --isolation process (the default) each batch runs in a fastmap-host process: an\n"
    "element that crashes it, runs past --element-timeout or needs more than --memory-limit\n"
    "fails alone with what happened (\"the function crashed (SIGSEGV) on this element\"), the\n"
    "rest of the batch gets its results, and a line on standard error names the batch,\n"
    "the function and the element. The CPU time charged is the hosts'.\n"
    "\n"
    "Plugins are searched in each --plugins DIR, then beside the executable\n"
    "(../lib/fastmap/plugins), in ~/.local/share/fastmap/plugins and in FASTMAP_PLUGIN_PATH.\n"
    "\n";

void setUpParser(QCommandLineParser &parser, const QString &description)
{
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.setApplicationDescription(description);
    parser.addHelpOption();
}

// QCommandLineParser names the executable's path; name the command instead.
QString helpText(const QCommandLineParser &parser, const QString &command)
{
    static const QRegularExpression program(QStringLiteral("^Usage: \\S+"));
    return parser.helpText().replace(program, QStringLiteral("Usage: fastmap-worker ") + command);
}

QString usd(double value)
{
    return QString::number(value, 'g', 10);
}

bool parseUsd(const QString &text, bool allowNegative, double *value)
{
    bool ok = false;
    const double v = text.trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(v) || (!allowNegative && v < 0) || std::fabs(v) > 1e12)
        return false;
    *value = v;
    return true;
}

QString describeUsage(const TokenRecord &r)
{
    return QStringLiteral("charged %1 USD for %2 batches (%3 elements, %4 vCPU-s)")
        .arg(usd(r.charge))
        .arg(r.batches)
        .arg(r.elements)
        .arg(usd(r.vcpuSeconds));
}

} // namespace

WorkerApplication::WorkerApplication() : m_out(stdout), m_err(stderr)
{}

void WorkerApplication::requestStop()
{
    g_stopRequests.fetch_add(1);
}

int WorkerApplication::usageError(const QString &message, const QString &command)
{
    m_err << "fastmap-worker: " << message << '\n';
    m_err << "Try 'fastmap-worker " << (command.isEmpty() ? QString() : command + QLatin1Char(' '))
          << "--help' for more information.\n";
    m_err.flush();
    return ExitUsage;
}

int WorkerApplication::failure(const QString &message)
{
    m_err << "fastmap-worker: " << message << '\n';
    m_err.flush();
    return ExitFailure;
}

int WorkerApplication::exec(const QStringList &arguments)
{
    g_stopRequests = 0;
    const QString program = arguments.isEmpty() ? QStringLiteral("fastmap-worker") : arguments.first();
    const QStringList rest = arguments.mid(1);
    const QString command = rest.isEmpty() ? QString() : rest.first();
    if (command == QLatin1String("-h") || command == QLatin1String("--help") ||
        command == QLatin1String("help")) {
        if (command == QLatin1String("help") && rest.size() > 1)
            return exec({program, rest.at(1), QStringLiteral("--help")});
        m_out << kMainHelp << kExitCodes;
        m_out.flush();
        return ExitSuccess;
    }
    if (command == QLatin1String("-v") || command == QLatin1String("--version")) {
        m_out << "fastmap-worker " << versionString() << " (protocol " << BatchCodec::kProtocolVersion
              << ")\n";
        m_out.flush();
        return ExitSuccess;
    }
    if (command == QLatin1String("tokens"))
        return runTokens(QStringList{QStringLiteral("fastmap-worker tokens")} + rest.mid(1));
    if (command == QLatin1String("credits"))
        return runCredits(QStringList{QStringLiteral("fastmap-worker credits")} + rest.mid(1));
    if (command == QLatin1String("serve"))
        return runServe(QStringList{QStringLiteral("fastmap-worker serve")} + rest.mid(1));
    if (command.isEmpty() || command.startsWith(QLatin1Char('-')))
        return runServe(QStringList{QStringLiteral("fastmap-worker serve")} + rest);
    return usageError(QStringLiteral("unknown command \"%1\"").arg(command));
}

bool WorkerApplication::openLedger(const QCommandLineParser &parser, const QString &command, Ledger *ledger,
                                   int *exitCode)
{
    QString path;
    QString error;
    if (!WorkerConfig::dbPathFrom(parser, QProcessEnvironment::systemEnvironment(), &path, &error)) {
        *exitCode = usageError(error, command);
        return false;
    }
    if (!ledger->open(path, &error)) {
        *exitCode = failure(error);
        return false;
    }
    return true;
}

int WorkerApplication::runServe(const QStringList &arguments)
{
    const QString cmd = QStringLiteral("serve");
    QCommandLineParser parser;
    setUpParser(parser, QStringLiteral("Runs the worker server until SIGTERM or SIGINT."));
    WorkerConfig::addServeOptions(parser);
    if (!parser.parse(arguments))
        return usageError(parser.errorText(), cmd);
    if (parser.isSet(QStringLiteral("help"))) {
        m_out << helpText(parser, cmd) << kServeNotes << WorkerConfig::environmentHelp() << '\n'
              << kExitCodes;
        m_out.flush();
        return ExitSuccess;
    }
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("serve takes no arguments, got \"%1\"")
                              .arg(parser.positionalArguments().join(QLatin1Char(' '))),
                          cmd);
    WorkerConfig config;
    QString error;
    if (!WorkerConfig::fromParser(parser, QProcessEnvironment::systemEnvironment(), &config, &error))
        return usageError(error, cmd);

    Ledger ledger;
    if (!ledger.open(config.dbPath, &error))
        return failure(error);
    TokenAuthenticator authenticator;
    if (!config.tokenFile.isEmpty()) {
        if (!authenticator.loadTokenFile(config.tokenFile, &error))
            return failure(error);
        const QFileInfo info(config.tokenFile);
        if (info.permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup))
            m_err << "fastmap-worker: warning: the token file " << config.tokenFile
                  << " can be read by other users; chmod 600 it\n";
    }
    bool anyTokens = false;
    if (!ledger.hasTokens(&anyTokens, &error))
        return failure(error);
    if (!config.noAuth && !authenticator.hasTokenFile() && !anyTokens)
        return failure(
            QStringLiteral("no access token is configured, so no client could use this worker. Either\n"
                           "  add one:            fastmap-worker tokens add NAME --db %1\n"
                           "  or pass a file:     --token-file FILE\n"
                           "  or serve anyone:    --no-auth")
                .arg(QDir::toNativeSeparators(config.dbPath)));

    PluginCatalog catalog;
    catalog.scan(config.pluginDirs + PluginCatalog::defaultSearchPaths());
    for (const PluginProblem &problem : catalog.problems())
        m_err << "fastmap-worker: warning: skipped plugin " << problem.toString() << '\n';
    if (catalog.functions().isEmpty())
        m_err << "fastmap-worker: warning: no function plugins found; searched:\n  "
              << (config.pluginDirs + PluginCatalog::defaultSearchPaths()).join(QStringLiteral("\n  "))
              << '\n';
    m_err.flush();

    if (config.isolation == WorkerConfig::Isolation::Process) {
        // Batches run in function hosts: one that cannot start would fail every batch, so say so now.
        const std::unique_ptr<HostProcess> host =
            HostProcess::start(BatchExecutor::hostOptions(catalog, config), &error);
        if (!host)
            return failure(QStringLiteral("cannot start a function host (isolation process): %1\n"
                                          "Install fastmap-host beside fastmap-worker or in ../libexec/fastmap, "
                                          "point FASTMAP_HOST at it, or use --isolation thread")
                               .arg(error));
    }

    WorkerServer server(config, &catalog, &ledger, &authenticator);
    if (!server.start(&error))
        return failure(error);
    m_out << "fastmap-worker listening on " << server.url() << '\n';
    m_out.flush();
    QString auth;
    if (config.noAuth)
        auth = QStringLiteral("none (--no-auth)");
    else
        auth = QStringLiteral("bearer tokens (%1%2)")
                   .arg(anyTokens ? QStringLiteral("ledger") : QString(),
                        authenticator.hasTokenFile() ? (anyTokens ? QStringLiteral(" and --token-file")
                                                                  : QStringLiteral("--token-file"))
                                                     : QString());
    m_err << "fastmap-worker " << versionString() << ": serving " << server.functionCount()
          << " functions on " << config.threads << " threads at " << usd(config.pricePerVcpuHour)
          << " USD per vCPU-hour; auth: " << auth << "; isolation: " << config.describeIsolation()
          << "; ledger: " << QDir::toNativeSeparators(ledger.path()) << '\n';
    m_err.flush();

    QEventLoop loop;
    QObject::connect(&server, &WorkerServer::drained, &loop, &QEventLoop::quit);
    QTimer stopPoll;
    int stopsSeen = 0;
    QObject::connect(&stopPoll, &QTimer::timeout, &loop, [&] {
        const int stops = g_stopRequests.load();
        if (stops <= stopsSeen)
            return;
        stopsSeen = stops;
        if (stops == 1) {
            server.beginDrain();
        } else {
            std::fputs("fastmap-worker: stopping at once; batches in flight are not answered\n", stderr);
            std::fflush(stderr);
            ::_exit(ExitStoppedAtOnce);
        }
    });
    stopPoll.start(50);
    loop.exec();
    m_err << "fastmap-worker: drained and stopped after " << server.metrics().batches() << " batches\n";
    m_err.flush();
    return ExitSuccess;
}

int WorkerApplication::runTokens(const QStringList &arguments)
{
    const QString cmd = QStringLiteral("tokens");
    QCommandLineParser parser;
    setUpParser(
        parser,
        QStringLiteral(
            "Manages the access tokens of the ledger.\n\n"
            "  tokens add NAME [--credits USD]  creates a random token (32 bytes, base64url) and\n"
            "                                   prints it on standard output, once: only its SHA-256\n"
            "                                   is stored. Without --credits it has no limit.\n"
            "  tokens list                      names, credits left and usage; never hashes\n"
            "  tokens remove NAME               revokes the token at once, even for a running worker\n\n"
            "NAME: 1 to 64 letters, digits, '.', '_' or '-'. Clients send the token as\n"
            "Authorization: Bearer TOKEN. The ledger is --db, else FASTMAP_WORKER_DB, else the db of\n"
            "the --config file, else the default."));
    parser.addPositionalArgument(QStringLiteral("ACTION"), QStringLiteral("add, list or remove"));
    parser.addPositionalArgument(QStringLiteral("NAME"), QStringLiteral("the token's name"),
                                 QStringLiteral("[NAME]"));
    const QCommandLineOption credits(
        QStringLiteral("credits"),
        QStringLiteral("With add: the token's balance in USD; each batch is debited from "
                       "it and the worker answers 402 once it is used up."),
        QStringLiteral("USD"));
    parser.addOption(credits);
    WorkerConfig::addDbOption(parser);
    if (!parser.parse(arguments))
        return usageError(parser.errorText(), cmd);
    if (parser.isSet(QStringLiteral("help"))) {
        m_out << helpText(parser, cmd);
        m_out.flush();
        return ExitSuccess;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return usageError(QStringLiteral("tokens needs an action: add, list or remove"), cmd);
    const QString action = positional.first();
    QString error;
    int exitCode = ExitSuccess;
    if (action == QLatin1String("add")) {
        if (positional.size() != 2)
            return usageError(QStringLiteral("tokens add needs exactly one NAME"), cmd);
        const QString name = positional.at(1);
        if (!Ledger::isValidName(name, &error))
            return usageError(error, cmd);
        std::optional<double> balance;
        if (parser.isSet(credits)) {
            double value = 0;
            if (!parseUsd(parser.value(credits), false, &value))
                return usageError(QStringLiteral("--credits: \"%1\" is not a non-negative number of USD")
                                      .arg(parser.value(credits)),
                                  cmd);
            balance = value;
        }
        Ledger ledger;
        if (!openLedger(parser, cmd, &ledger, &exitCode))
            return exitCode;
        const QByteArray token = TokenAuthenticator::generateToken();
        if (!ledger.addToken(name, TokenAuthenticator::hashToken(token), balance, &error))
            return failure(error);
        m_out << QString::fromLatin1(token) << '\n';
        m_out.flush();
        m_err << "Added token \"" << name << "\" ("
              << (balance ? QStringLiteral("%1 USD of credits").arg(usd(*balance))
                          : QStringLiteral("no credit limit"))
              << ") to " << QDir::toNativeSeparators(ledger.path())
              << ".\nKeep the token above now: it is not shown again (only its SHA-256 is stored).\n";
        m_err.flush();
        return ExitSuccess;
    }
    if (parser.isSet(credits))
        return usageError(QStringLiteral("--credits goes with tokens add only"), cmd);
    if (action == QLatin1String("list")) {
        if (positional.size() != 1)
            return usageError(QStringLiteral("tokens list takes no NAME"), cmd);
        Ledger ledger;
        if (!openLedger(parser, cmd, &ledger, &exitCode))
            return exitCode;
        QList<TokenRecord> records;
        if (!ledger.tokens(&records, &error))
            return failure(error);
        if (records.isEmpty()) {
            m_out << "No tokens in " << QDir::toNativeSeparators(ledger.path())
                  << ". Add one with `fastmap-worker tokens add NAME`.\n";
            m_out.flush();
            return ExitSuccess;
        }
        int width = 4;
        for (const TokenRecord &r : records)
            width = std::max(width, int(r.name.size()));
        const auto row = [&](const QString &name, const QString &credit, const QString &batches,
                             const QString &elements, const QString &vcpu, const QString &charged,
                             const QString &created) {
            m_out << name.leftJustified(width + 2) << credit.leftJustified(14) << batches.leftJustified(10)
                  << elements.leftJustified(12) << vcpu.leftJustified(14) << charged.leftJustified(14)
                  << created << '\n';
        };
        row(QStringLiteral("NAME"), QStringLiteral("CREDITS_USD"), QStringLiteral("BATCHES"),
            QStringLiteral("ELEMENTS"), QStringLiteral("VCPU_SECONDS"), QStringLiteral("CHARGED_USD"),
            QStringLiteral("CREATED"));
        for (const TokenRecord &r : records) {
            const bool isToken = !r.sha256.isEmpty();
            row(r.name,
                !isToken    ? QStringLiteral("-")
                : r.credits ? usd(*r.credits)
                            : QStringLiteral("unlimited"),
                QString::number(r.batches), QString::number(r.elements), usd(r.vcpuSeconds), usd(r.charge),
                isToken ? r.created.toString(Qt::ISODate) : QStringLiteral("(usage only)"));
        }
        m_out.flush();
        return ExitSuccess;
    }
    if (action == QLatin1String("remove")) {
        if (positional.size() != 2)
            return usageError(QStringLiteral("tokens remove needs exactly one NAME"), cmd);
        Ledger ledger;
        if (!openLedger(parser, cmd, &ledger, &exitCode))
            return exitCode;
        if (!ledger.removeToken(positional.at(1), &error))
            return failure(error);
        m_err << "Removed token \"" << positional.at(1) << "\"; it is refused from now on.\n";
        m_err.flush();
        return ExitSuccess;
    }
    return usageError(QStringLiteral("unknown tokens action \"%1\" (use add, list or remove)").arg(action),
                      cmd);
}

int WorkerApplication::runCredits(const QStringList &arguments)
{
    const QString cmd = QStringLiteral("credits");
    QCommandLineParser parser;
    setUpParser(parser,
                QStringLiteral(
                    "Manages the credit balances of tokens, in USD.\n\n"
                    "  credits add NAME USD   adds USD (negative to take some back) to a token added with\n"
                    "                         --credits; tokens without a limit have no balance\n"
                    "  credits show [NAME]    credits left and what was charged, for NAME or every token\n\n"
                    "A batch is charged its thread CPU time at --price-per-vcpu-hour. A token whose\n"
                    "balance is 0 or less gets 402 from a worker with a price."));
    parser.addPositionalArgument(QStringLiteral("ACTION"), QStringLiteral("add or show"));
    parser.addPositionalArgument(QStringLiteral("NAME"), QStringLiteral("the token's name"),
                                 QStringLiteral("[NAME]"));
    parser.addPositionalArgument(QStringLiteral("USD"), QStringLiteral("with add: the amount"),
                                 QStringLiteral("[USD]"));
    WorkerConfig::addDbOption(parser);
    if (!parser.parse(arguments))
        return usageError(parser.errorText(), cmd);
    if (parser.isSet(QStringLiteral("help"))) {
        m_out << helpText(parser, cmd);
        m_out.flush();
        return ExitSuccess;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return usageError(QStringLiteral("credits needs an action: add or show"), cmd);
    const QString action = positional.first();
    QString error;
    int exitCode = ExitSuccess;
    if (action == QLatin1String("add")) {
        if (positional.size() != 3)
            return usageError(QStringLiteral("credits add needs NAME and USD"), cmd);
        double amount = 0;
        if (!parseUsd(positional.at(2), true, &amount))
            return usageError(
                QStringLiteral("credits add: \"%1\" is not a number of USD").arg(positional.at(2)), cmd);
        Ledger ledger;
        if (!openLedger(parser, cmd, &ledger, &exitCode))
            return exitCode;
        double balance = 0;
        if (!ledger.addCredits(positional.at(1), amount, &balance, &error))
            return failure(error);
        m_out << positional.at(1) << ": " << usd(balance) << " USD left\n";
        m_out.flush();
        return ExitSuccess;
    }
    if (action == QLatin1String("show")) {
        if (positional.size() > 2)
            return usageError(QStringLiteral("credits show takes at most one NAME"), cmd);
        Ledger ledger;
        if (!openLedger(parser, cmd, &ledger, &exitCode))
            return exitCode;
        QList<TokenRecord> records;
        if (positional.size() == 2) {
            TokenRecord record;
            if (!ledger.token(positional.at(1), &record, &error))
                return failure(error);
            records << record;
        } else if (!ledger.tokens(&records, &error)) {
            return failure(error);
        }
        if (records.isEmpty())
            m_out << "No tokens in " << QDir::toNativeSeparators(ledger.path()) << ".\n";
        for (const TokenRecord &r : records) {
            const QString left = r.sha256.isEmpty() ? QStringLiteral("no balance (usage only)")
                                 : r.credits        ? QStringLiteral("%1 USD left").arg(usd(*r.credits))
                                                    : QStringLiteral("no credit limit");
            m_out << r.name << ": " << left << "; " << describeUsage(r) << '\n';
        }
        m_out.flush();
        return ExitSuccess;
    }
    return usageError(QStringLiteral("unknown credits action \"%1\" (use add or show)").arg(action), cmd);
}

} // namespace fastmap
