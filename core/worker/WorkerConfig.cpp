// SPDX-License-Identifier: GPL-3.0-or-later
#include "worker/WorkerConfig.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QHostAddress>
#include <QStandardPaths>
#include <QThread>

#include <cmath>

namespace fastmap {

namespace {

// One setting's value and where it came from, so a message can name the flag, the variable or
// the file and line.
struct Source
{
    QString value;
    QString origin; // "--threads", "FASTMAP_WORKER_THREADS" or "/etc/fastmap/worker.conf:3: threads"
    bool isSet = false;
    QString baseDir = {}; // for a value from a file: relative paths are relative to the file
};

// The lines of a --config file: KEY=VALUE, KEY being a serve option's long name.
struct ConfigFile
{
    struct Entry
    {
        QString value;
        int line = 0;
    };
    QString path;
    QString dir;
    QHash<QString, QList<Entry>> entries;

    Source source(const QString &key) const
    {
        const auto it = entries.constFind(key);
        if (it == entries.constEnd())
            return {};
        const Entry &e = it->constLast();
        return {e.value, QStringLiteral("%1:%2: %3").arg(path).arg(e.line).arg(key), true, dir};
    }
};

// Keys a config file may set; "config" itself is not one (no includes).
const QStringList &configKeys()
{
    static const QStringList keys = {QStringLiteral("listen"),
                                     QStringLiteral("threads"),
                                     QStringLiteral("plugins"),
                                     QStringLiteral("db"),
                                     QStringLiteral("price-per-vcpu-hour"),
                                     QStringLiteral("token-file"),
                                     QStringLiteral("tls-cert"),
                                     QStringLiteral("tls-key"),
                                     QStringLiteral("max-request-bytes"),
                                     QStringLiteral("client-timeout"),
                                     QStringLiteral("no-auth"),
                                     QStringLiteral("isolation"),
                                     QStringLiteral("element-timeout"),
                                     QStringLiteral("memory-limit"),
                                     QStringLiteral("max-crashes")};
    return keys;
}

bool readConfigFile(const QString &path, const QString &origin, ConfigFile *config, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = QStringLiteral("%1: cannot read \"%2\": %3").arg(origin, path, file.errorString());
        return false;
    }
    config->path = path;
    config->dir = QFileInfo(path).absolutePath();
    int number = 0;
    while (!file.atEnd()) {
        ++number;
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')) || line.startsWith(QLatin1Char(';')))
            continue;
        const auto fail = [&](const QString &why) {
            *error = QStringLiteral("%1:%2: %3").arg(path).arg(number).arg(why);
            return false;
        };
        const qsizetype equals = line.indexOf(QLatin1Char('='));
        if (equals < 0)
            return fail(QStringLiteral("expected KEY=VALUE, e.g. listen=127.0.0.1:8750"));
        const QString key = line.left(equals).trimmed();
        const QString value = line.mid(equals + 1).trimmed();
        if (!configKeys().contains(key))
            return fail(QStringLiteral("unknown key \"%1\" (known keys: %2)")
                            .arg(key, configKeys().join(QStringLiteral(", "))));
        if (config->entries.contains(key) && key != QLatin1String("plugins"))
            return fail(QStringLiteral("\"%1\" is already set on line %2")
                            .arg(key)
                            .arg(config->entries[key].constLast().line));
        config->entries[key].append({value, number});
    }
    return true;
}

// The config file named by --config or FASTMAP_WORKER_CONFIG, if any.
bool loadConfigFile(const QCommandLineParser &parser, const QProcessEnvironment &env, ConfigFile *config,
                    QString *error)
{
    if (parser.isSet(QStringLiteral("config")))
        return readConfigFile(parser.value(QStringLiteral("config")), QStringLiteral("--config"), config,
                              error);
    if (env.contains(QStringLiteral("FASTMAP_WORKER_CONFIG")))
        return readConfigFile(env.value(QStringLiteral("FASTMAP_WORKER_CONFIG")),
                              QStringLiteral("FASTMAP_WORKER_CONFIG"), config, error);
    return true;
}

// The flag, else the variable, else the config file.
Source pick(const QCommandLineParser &parser, const char *option, const QProcessEnvironment &env,
            const char *variable, const ConfigFile &file)
{
    const QString name = QLatin1String(option);
    if (parser.isSet(name))
        return {parser.value(name), QStringLiteral("--") + name, true};
    const QString var = QLatin1String(variable);
    if (env.contains(var))
        return {env.value(var), var, true};
    return file.source(name);
}

// A file name as given, or relative to the config file it came from.
QString pathOf(const Source &source)
{
    const QString path = source.value.trimmed();
    if (source.baseDir.isEmpty() || path.isEmpty() || QDir::isAbsolutePath(path))
        return path;
    return QDir(source.baseDir).filePath(path);
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

QString WorkerConfig::describeIsolation() const
{
    if (isolation == Isolation::Thread)
        return QStringLiteral("thread (a crashing function takes the worker down)");
    QStringList limits;
    if (elementTimeoutSeconds > 0)
        limits << QStringLiteral("element timeout %1 s").arg(elementTimeoutSeconds);
    if (memoryLimitMB > 0)
        limits << QStringLiteral("memory limit %1 MB").arg(memoryLimitMB);
    limits << QStringLiteral("at most %1 crashed elements per batch").arg(maxCrashes);
    return QStringLiteral("process (%1)").arg(limits.join(QStringLiteral(", ")));
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
    parser.addOption(
        {QStringLiteral("config"),
         QStringLiteral("Read settings from FILE, one KEY=VALUE per line, KEY being a long option name "
                        "(listen=0.0.0.0:8750). Flags and variables win over it."),
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
                                     "One more batch per thread waits for it; a batch beyond that gets 503 with "
                                     "Retry-After.")
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
                        "one of its batches is running, or whose request still arrives after this "
                        "long at less than 16 KiB a second (default %1).")
             .arg(kDefaultClientTimeoutSeconds),
         QStringLiteral("SECONDS")});
    parser.addOption(
        {QStringLiteral("isolation"),
         QStringLiteral("process (default) or thread. process runs each batch in a fastmap-host process, "
                        "one per thread, so an element that crashes, hangs or runs out of memory fails "
                        "alone and the worker stays up; thread runs batches on the worker's own threads, "
                        "where a crashing function takes the worker down."),
         QStringLiteral("MODE")});
    parser.addOption(
        {QStringLiteral("element-timeout"),
         QStringLiteral("Fail an element that runs longer than this many seconds (\"timed out after S s\"), "
                        "whatever the client asks; process isolation only (default 0: no limit)."),
         QStringLiteral("SECONDS")});
    parser.addOption(
        {QStringLiteral("memory-limit"),
         QStringLiteral("Memory each function host may use beyond its start-up size, in MB (%1 or more); an "
                        "element that needs more fails (\"out of memory (limit MB MB)\"). Process isolation "
                        "only (default 0: no limit).")
             .arg(kMinMemoryLimitMB),
         QStringLiteral("MB")});
    parser.addOption(
        {QStringLiteral("max-crashes"),
         QStringLiteral("Elements of one batch that may take their function host down before the rest of "
                        "the batch fails unrun (default %1; a function that crashes on each of the first 3 "
                        "elements tried and succeeds on none fails the batch at once).")
             .arg(kDefaultMaxCrashes),
         QStringLiteral("N")});
    parser.addOption(
        {QStringLiteral("no-auth"),
         QStringLiteral("Serve anyone, with no token. Without it, the worker refuses to start until a "
                        "token is configured (tokens add, or --token-file).")});
}

QString WorkerConfig::environmentHelp()
{
    return QStringLiteral(
        "Environment (a flag given on the command line wins over its variable, which wins over\n"
        "the --config file):\n"
        "  FASTMAP_WORKER_CONFIG               --config\n"
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
        "  FASTMAP_WORKER_ISOLATION            --isolation\n"
        "  FASTMAP_WORKER_ELEMENT_TIMEOUT      --element-timeout\n"
        "  FASTMAP_WORKER_MEMORY_LIMIT         --memory-limit\n"
        "  FASTMAP_WORKER_MAX_CRASHES          --max-crashes\n"
        "  FASTMAP_HOST                        the fastmap-host executable (default: beside this one,\n"
        "                                      or ../libexec/fastmap/fastmap-host)\n"
        "  FASTMAP_PLUGIN_PATH                 more plugin directories, colon-separated (searched after the\n"
        "                                      executable's own plugin dir and "
        "~/.local/share/fastmap/plugins)\n");
}

bool WorkerConfig::dbPathFrom(const QCommandLineParser &parser, const QProcessEnvironment &env, QString *path,
                              QString *error)
{
    ConfigFile file;
    if (!loadConfigFile(parser, env, &file, error))
        return false;
    const Source db = pick(parser, "db", env, "FASTMAP_WORKER_DB", file);
    if (db.isSet && db.value.trimmed().isEmpty()) {
        *error = QStringLiteral("%1: the ledger file name is empty").arg(db.origin);
        return false;
    }
    *path = db.isSet ? pathOf(db) : defaultDbPath();
    return true;
}

bool WorkerConfig::fromParser(const QCommandLineParser &parser, const QProcessEnvironment &env,
                              WorkerConfig *config, QString *error)
{
    WorkerConfig c;
    QString reason;
    ConfigFile file;
    if (!loadConfigFile(parser, env, &file, error))
        return false;

    const Source listen = pick(parser, "listen", env, "FASTMAP_WORKER_LISTEN", file);
    if (listen.isSet && !parseListen(listen.value, &c.listenHost, &c.listenPort, &reason)) {
        *error = QStringLiteral("%1 %2").arg(listen.origin, reason);
        return false;
    }

    c.threads = QThread::idealThreadCount();
    const Source threads = pick(parser, "threads", env, "FASTMAP_WORKER_THREADS", file);
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
    } else if (file.entries.contains(QStringLiteral("plugins"))) {
        // One directory per line, or colon-separated, like the variable.
        for (const ConfigFile::Entry &entry : file.entries.value(QStringLiteral("plugins"))) {
            const QString origin = QStringLiteral("%1:%2: plugins").arg(file.path).arg(entry.line);
            for (const QString &dir : entry.value.split(QLatin1Char(':'), Qt::SkipEmptyParts)) {
                const QString path = pathOf({dir, origin, true, file.dir});
                if (!checkDirectory(path, origin, error))
                    return false;
                c.pluginDirs << path;
            }
        }
    }

    if (!dbPathFrom(parser, env, &c.dbPath, error))
        return false;

    const Source price = pick(parser, "price-per-vcpu-hour", env, "FASTMAP_WORKER_PRICE_PER_VCPU_HOUR", file);
    if (price.isSet && !parseNumber(price, 0, 1e9, &c.pricePerVcpuHour, error))
        return false;

    const Source tokenFile = pick(parser, "token-file", env, "FASTMAP_WORKER_TOKEN_FILE", file);
    if (tokenFile.isSet) {
        if (tokenFile.value.trimmed().isEmpty()) {
            *error = QStringLiteral("%1: the token file name is empty").arg(tokenFile.origin);
            return false;
        }
        c.tokenFile = pathOf(tokenFile);
    }

    const Source cert = pick(parser, "tls-cert", env, "FASTMAP_WORKER_TLS_CERT", file);
    const Source key = pick(parser, "tls-key", env, "FASTMAP_WORKER_TLS_KEY", file);
    if (cert.isSet != key.isSet || (cert.isSet && (cert.value.isEmpty() || key.value.isEmpty()))) {
        *error = cert.isSet && !cert.value.isEmpty()
                     ? QStringLiteral("%1 needs --tls-key (or FASTMAP_WORKER_TLS_KEY) too").arg(cert.origin)
                     : QStringLiteral("%1 needs --tls-cert (or FASTMAP_WORKER_TLS_CERT) too")
                           .arg(key.isSet ? key.origin : cert.origin);
        return false;
    }
    c.tlsCert = pathOf(cert);
    c.tlsKey = pathOf(key);

    const Source maxBytes = pick(parser, "max-request-bytes", env, "FASTMAP_WORKER_MAX_REQUEST_BYTES", file);
    if (maxBytes.isSet && !parseInteger(maxBytes, 1, qint64(1) << 31, &c.maxRequestBytes, error))
        return false;

    const Source timeout = pick(parser, "client-timeout", env, "FASTMAP_WORKER_CLIENT_TIMEOUT", file);
    if (timeout.isSet && !parseNumber(timeout, 0.05, 86400, &c.clientTimeoutSeconds, error))
        return false;

    const Source isolation = pick(parser, "isolation", env, "FASTMAP_WORKER_ISOLATION", file);
    if (isolation.isSet) {
        const QString mode = isolation.value.trimmed().toLower();
        if (mode == QLatin1String("process"))
            c.isolation = Isolation::Process;
        else if (mode == QLatin1String("thread"))
            c.isolation = Isolation::Thread;
        else {
            *error = QStringLiteral("%1: \"%2\" is not process or thread").arg(isolation.origin, isolation.value);
            return false;
        }
    }
    const bool inThreads = c.isolation == Isolation::Thread;
    const Source elementTimeout = pick(parser, "element-timeout", env, "FASTMAP_WORKER_ELEMENT_TIMEOUT", file);
    if (elementTimeout.isSet) {
        if (!parseNumber(elementTimeout, 0, 7 * 86400, &c.elementTimeoutSeconds, error))
            return false;
        if (inThreads && c.elementTimeoutSeconds > 0) {
            *error = QStringLiteral("%1 needs isolation process (%2 says thread): a thread cannot be stopped")
                         .arg(elementTimeout.origin, isolation.origin);
            return false;
        }
    }
    const Source memoryLimit = pick(parser, "memory-limit", env, "FASTMAP_WORKER_MEMORY_LIMIT", file);
    if (memoryLimit.isSet) {
        qint64 mb = 0;
        if (!parseInteger(memoryLimit, 0, 1 << 30, &mb, error))
            return false;
        if (mb > 0 && mb < kMinMemoryLimitMB) {
            *error = QStringLiteral("%1: \"%2\" MB is too little for a function host; give 0 (no limit) or %3 "
                                    "or more")
                         .arg(memoryLimit.origin, memoryLimit.value)
                         .arg(kMinMemoryLimitMB);
            return false;
        }
        if (inThreads && mb > 0) {
            *error = QStringLiteral("%1 needs isolation process (%2 says thread): threads share the worker's "
                                    "memory")
                         .arg(memoryLimit.origin, isolation.origin);
            return false;
        }
        c.memoryLimitMB = int(mb);
    }
    const Source maxCrashes = pick(parser, "max-crashes", env, "FASTMAP_WORKER_MAX_CRASHES", file);
    if (maxCrashes.isSet) {
        qint64 n = 0;
        if (!parseInteger(maxCrashes, 1, 1000000, &n, error))
            return false;
        c.maxCrashes = int(n);
    }

    c.noAuth = parser.isSet(QStringLiteral("no-auth"));
    const Source noAuth = file.source(QStringLiteral("no-auth"));
    if (!c.noAuth && noAuth.isSet) {
        const QString v = noAuth.value.toLower();
        if (v == QLatin1String("true") || v == QLatin1String("yes") || v == QLatin1String("1"))
            c.noAuth = true;
        else if (v != QLatin1String("false") && v != QLatin1String("no") && v != QLatin1String("0")) {
            *error = QStringLiteral("%1: \"%2\" is not true or false").arg(noAuth.origin, noAuth.value);
            return false;
        }
    }
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
