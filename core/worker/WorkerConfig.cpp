// SPDX-License-Identifier: GPL-3.0-or-later
#include "worker/WorkerConfig.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QHostAddress>
#include <QStandardPaths>
#include <QThread>

#include <cmath>

namespace fastmap {

namespace {

// One setting's value and where it came from, so a message can name the flag or the variable.
struct Source
{
    QString value;
    QString origin; // "--threads" or "FASTMAP_WORKER_THREADS"
    bool isSet = false;
};

Source pick(const QCommandLineParser &parser, const char *option, const QProcessEnvironment &env,
            const char *variable)
{
    const QString name = QLatin1String(option);
    if (parser.isSet(name))
        return {parser.value(name), QStringLiteral("--") + name, true};
    const QString var = QLatin1String(variable);
    if (env.contains(var))
        return {env.value(var), var, true};
    return {};
}

bool parseNumber(const Source &source, double minimum, double maximum, double *out, QString *error)
{
    bool ok = false;
    const double value = source.value.trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(value) || value < minimum || value > maximum) {
        *error = QStringLiteral("%1: \"%2\" is not a number from %3 to %4")
                     .arg(source.origin, source.value)
                     .arg(minimum)
                     .arg(maximum);
        return false;
    }
    *out = value;
    return true;
}

bool parseInteger(const Source &source, qint64 minimum, qint64 maximum, qint64 *out, QString *error)
{
    bool ok = false;
    const qint64 value = source.value.trimmed().toLongLong(&ok);
    if (!ok || value < minimum || value > maximum) {
        *error = QStringLiteral("%1: \"%2\" is not a whole number from %3 to %4")
                     .arg(source.origin, source.value)
                     .arg(minimum)
                     .arg(maximum);
        return false;
    }
    *out = value;
    return true;
}

bool checkDirectory(const QString &dir, const QString &origin, QString *error)
{
    const QFileInfo info(dir);
    if (!info.exists()) {
        *error = QStringLiteral("%1: plugin directory \"%2\" does not exist").arg(origin, dir);
        return false;
    }
    if (!info.isDir()) {
        *error = QStringLiteral("%1: \"%2\" is not a directory").arg(origin, dir);
        return false;
    }
    return true;
}

} // namespace

QString WorkerConfig::url(quint16 port) const
{
    const QString host =
        listenHost.contains(QLatin1Char(':')) ? QStringLiteral("[%1]").arg(listenHost) : listenHost;
    return QStringLiteral("%1://%2:%3")
        .arg(tls() ? QStringLiteral("https") : QStringLiteral("http"), host)
        .arg(port);
}

QString WorkerConfig::defaultDbPath()
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (dir.isEmpty())
        dir = QDir::homePath() + QStringLiteral("/.local/share/fastmap-worker");
    return dir + QStringLiteral("/worker.db");
}

bool WorkerConfig::parseListen(const QString &text, QString *host, quint16 *port, QString *error)
{
    const QString t = text.trimmed();
    const auto fail = [&](const QString &why) {
        *error = QStringLiteral("\"%1\": %2").arg(text, why);
        return false;
    };
    QString hostPart;
    QString portPart;
    if (t.startsWith(QLatin1Char('['))) {
        const qsizetype close = t.indexOf(QStringLiteral("]:"));
        if (close < 0)
            return fail(QStringLiteral("expected [IPV6]:PORT"));
        hostPart = t.mid(1, close - 1);
        portPart = t.mid(close + 2);
    } else {
        const qsizetype colon = t.lastIndexOf(QLatin1Char(':'));
        if (colon < 0)
            return fail(QStringLiteral("expected HOST:PORT, e.g. 127.0.0.1:8750 (port 0 picks a free one)"));
        hostPart = t.left(colon);
        portPart = t.mid(colon + 1);
        if (hostPart.contains(QLatin1Char(':')))
            return fail(QStringLiteral("write an IPv6 address in brackets, e.g. [::1]:8750"));
    }
    bool ok = false;
    const uint p = portPart.toUInt(&ok);
    if (!ok || p > 65535)
        return fail(QStringLiteral("the port must be a number from 0 to 65535"));
    if (hostPart.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        hostPart = QStringLiteral("127.0.0.1");
    QHostAddress address;
    if (hostPart.isEmpty() || !address.setAddress(hostPart))
        return fail(QStringLiteral(
            "the host must be an IP address (such as 127.0.0.1, 0.0.0.0 or [::]) or localhost"));
    *host = hostPart;
    *port = quint16(p);
    return true;
}

void WorkerConfig::addDbOption(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("db"),
                      QStringLiteral("The SQLite ledger of tokens, credits and usage (default: %1).")
                          .arg(QDir::toNativeSeparators(defaultDbPath())),
                      QStringLiteral("FILE")});
}

void WorkerConfig::addServeOptions(QCommandLineParser &parser)
{
    parser.addOption(
        {QStringLiteral("listen"),
         QStringLiteral("Address and port to serve on (default 127.0.0.1:%1; port 0 picks a free one). "
                        "Use 0.0.0.0:PORT to accept other machines, preferably with TLS.")
             .arg(kDefaultPort),
         QStringLiteral("HOST:PORT")});
    parser.addOption({QStringLiteral("threads"),
                      QStringLiteral("Batches run at once, one per thread (default: one per core, here %1). "
                                     "A batch that finds every thread busy gets 503 with Retry-After.")
                          .arg(QThread::idealThreadCount()),
                      QStringLiteral("N")});
    parser.addOption(
        {QStringLiteral("plugins"),
         QStringLiteral("Also serve the function plugins in DIR, before the default places (repeatable). "
                        "Only installed plugins ever run; clients never send code."),
         QStringLiteral("DIR")});
    addDbOption(parser);
    parser.addOption(
        {QStringLiteral("price-per-vcpu-hour"),
         QStringLiteral("What a vCPU-hour of batch work costs, in USD (default 0: free). Each batch is "
                        "charged its thread CPU time at this price and debited from its token's credits."),
         QStringLiteral("USD")});
    parser.addOption(
        {QStringLiteral("token-file"),
         QStringLiteral("A file holding one access token (its text, surrounding white space ignored). "
                        "It is accepted as the token \"token-file\", with no credit limit; only its "
                        "SHA-256 is kept in memory."),
         QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("tls-cert"),
                      QStringLiteral("Serve HTTPS with this PEM certificate (needs --tls-key)."),
                      QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("tls-key"),
                      QStringLiteral("The PEM private key of --tls-cert (unencrypted)."),
                      QStringLiteral("FILE")});
    parser.addOption(
        {QStringLiteral("max-request-bytes"),
         QStringLiteral("Largest batch body accepted; a larger one gets 413 (default %1, 64 MiB).")
             .arg(kDefaultMaxRequestBytes),
         QStringLiteral("N")});
    parser.addOption(
        {QStringLiteral("client-timeout"),
         QStringLiteral("Close a connection that sends and receives nothing for this long, unless "
                        "one of its batches is running (default %1).")
             .arg(kDefaultClientTimeoutSeconds),
         QStringLiteral("SECONDS")});
    parser.addOption(
        {QStringLiteral("no-auth"),
         QStringLiteral("Serve anyone, with no token. Without it, the worker refuses to start until a "
                        "token is configured (tokens add, or --token-file).")});
}

QString WorkerConfig::environmentHelp()
{
    return QStringLiteral(
        "Environment (a flag given on the command line wins over its variable):\n"
        "  FASTMAP_WORKER_LISTEN               --listen\n"
        "  FASTMAP_WORKER_THREADS              --threads\n"
        "  FASTMAP_WORKER_PLUGINS              --plugins, colon-separated directories\n"
        "  FASTMAP_WORKER_DB                   --db\n"
        "  FASTMAP_WORKER_PRICE_PER_VCPU_HOUR  --price-per-vcpu-hour\n"
        "  FASTMAP_WORKER_TOKEN_FILE           --token-file\n"
        "  FASTMAP_WORKER_TLS_CERT             --tls-cert\n"
        "  FASTMAP_WORKER_TLS_KEY              --tls-key\n"
        "  FASTMAP_WORKER_MAX_REQUEST_BYTES    --max-request-bytes\n"
        "  FASTMAP_WORKER_CLIENT_TIMEOUT       --client-timeout\n"
        "  FASTMAP_PLUGIN_PATH                 more plugin directories, colon-separated (searched after the\n"
        "                                      executable's own plugin dir and "
        "~/.local/share/fastmap/plugins)\n");
}

bool WorkerConfig::dbPathFrom(const QCommandLineParser &parser, const QProcessEnvironment &env, QString *path,
                              QString *error)
{
    const Source db = pick(parser, "db", env, "FASTMAP_WORKER_DB");
    if (db.isSet && db.value.trimmed().isEmpty()) {
        *error = QStringLiteral("%1: the ledger file name is empty").arg(db.origin);
        return false;
    }
    *path = db.isSet ? db.value.trimmed() : defaultDbPath();
    return true;
}

bool WorkerConfig::fromParser(const QCommandLineParser &parser, const QProcessEnvironment &env,
                              WorkerConfig *config, QString *error)
{
    WorkerConfig c;
    QString reason;

    const Source listen = pick(parser, "listen", env, "FASTMAP_WORKER_LISTEN");
    if (listen.isSet && !parseListen(listen.value, &c.listenHost, &c.listenPort, &reason)) {
        *error = QStringLiteral("%1 %2").arg(listen.origin, reason);
        return false;
    }

    c.threads = QThread::idealThreadCount();
    const Source threads = pick(parser, "threads", env, "FASTMAP_WORKER_THREADS");
    if (threads.isSet) {
        qint64 n = 0;
        if (!parseInteger(threads, 1, kMaxThreads, &n, error))
            return false;
        c.threads = int(n);
    }

    if (parser.isSet(QStringLiteral("plugins"))) {
        for (const QString &dir : parser.values(QStringLiteral("plugins"))) {
            if (!checkDirectory(dir, QStringLiteral("--plugins"), error))
                return false;
            c.pluginDirs << dir;
        }
    } else if (env.contains(QStringLiteral("FASTMAP_WORKER_PLUGINS"))) {
        const QStringList dirs =
            env.value(QStringLiteral("FASTMAP_WORKER_PLUGINS")).split(QLatin1Char(':'), Qt::SkipEmptyParts);
        for (const QString &dir : dirs) {
            if (!checkDirectory(dir, QStringLiteral("FASTMAP_WORKER_PLUGINS"), error))
                return false;
            c.pluginDirs << dir;
        }
    }

    if (!dbPathFrom(parser, env, &c.dbPath, error))
        return false;

    const Source price = pick(parser, "price-per-vcpu-hour", env, "FASTMAP_WORKER_PRICE_PER_VCPU_HOUR");
    if (price.isSet && !parseNumber(price, 0, 1e9, &c.pricePerVcpuHour, error))
        return false;

    const Source tokenFile = pick(parser, "token-file", env, "FASTMAP_WORKER_TOKEN_FILE");
    if (tokenFile.isSet) {
        if (tokenFile.value.trimmed().isEmpty()) {
            *error = QStringLiteral("%1: the token file name is empty").arg(tokenFile.origin);
            return false;
        }
        c.tokenFile = tokenFile.value.trimmed();
    }

    const Source cert = pick(parser, "tls-cert", env, "FASTMAP_WORKER_TLS_CERT");
    const Source key = pick(parser, "tls-key", env, "FASTMAP_WORKER_TLS_KEY");
    if (cert.isSet != key.isSet || (cert.isSet && (cert.value.isEmpty() || key.value.isEmpty()))) {
        *error = cert.isSet && !cert.value.isEmpty()
                     ? QStringLiteral("%1 needs --tls-key (or FASTMAP_WORKER_TLS_KEY) too").arg(cert.origin)
                     : QStringLiteral("%1 needs --tls-cert (or FASTMAP_WORKER_TLS_CERT) too")
                           .arg(key.isSet ? key.origin : cert.origin);
        return false;
    }
    c.tlsCert = cert.value;
    c.tlsKey = key.value;

    const Source maxBytes = pick(parser, "max-request-bytes", env, "FASTMAP_WORKER_MAX_REQUEST_BYTES");
    if (maxBytes.isSet && !parseInteger(maxBytes, 1, qint64(1) << 31, &c.maxRequestBytes, error))
        return false;

    const Source timeout = pick(parser, "client-timeout", env, "FASTMAP_WORKER_CLIENT_TIMEOUT");
    if (timeout.isSet && !parseNumber(timeout, 0.05, 86400, &c.clientTimeoutSeconds, error))
        return false;

    c.noAuth = parser.isSet(QStringLiteral("no-auth"));
    *config = c;
    return true;
}

bool WorkerConfig::parse(const QStringList &arguments, const QProcessEnvironment &env, WorkerConfig *config,
                         QString *error)
{
    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    addServeOptions(parser);
    if (!parser.parse(arguments)) {
        *error = parser.errorText();
        return false;
    }
    if (!parser.positionalArguments().isEmpty()) {
        *error = QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments().first());
        return false;
    }
    return fromParser(parser, env, config, error);
}

} // namespace fastmap
