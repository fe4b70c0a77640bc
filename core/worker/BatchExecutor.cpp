// SPDX-License-Identifier: GPL-3.0-or-later
#include "worker/BatchExecutor.h"

#include "engine/BatchRunner.h"
#include "host/ContainedRunner.h"
#include "host/HostPool.h"
#include "plugin/ParameterBinder.h"
#include "plugin/PluginCatalog.h"

#include <QElapsedTimer>

#include <cstdio>
#include <ctime>

namespace fastmap {

namespace {

// Client-supplied text quoted in an answer or a log line: one line, and not too long.
QString quoted(const QString &text, int maximum = 120)
{
    QString line = text.left(maximum);
    for (QChar &c : line)
        if (c.category() == QChar::Other_Control)
            c = QLatin1Char('?');
    return text.size() > maximum ? line + QStringLiteral("...") : line;
}

BatchOutcome refuse(BatchOutcome outcome, int status, const QString &reason)
{
    outcome.status = status;
    outcome.reason = reason;
    return outcome;
}

// "x (integer), y (number)", as the metadata names the types.
QString typedColumns(const QStringList &names, const std::vector<ColumnType> &types)
{
    QStringList parts;
    for (std::size_t i = 0; i < types.size(); ++i) {
        const char *type = "string";
        switch (types[i]) {
        case ColumnType::Float64: type = "number"; break;
        case ColumnType::Int64: type = "integer"; break;
        case ColumnType::Bool: type = "boolean"; break;
        case ColumnType::Text: type = "string"; break;
        }
        const QString name = i < std::size_t(names.size()) ? names[qsizetype(i)] : QStringLiteral("?");
        parts << QStringLiteral("%1 (%2)").arg(name, QLatin1String(type));
    }
    return parts.join(QStringLiteral(", "));
}

// How long a zero-row batch that only loads the function in a host may take.
constexpr double kLoadTimeoutSeconds = 60;

void logLine(const QString &line)
{
    std::fputs((line + QLatin1Char('\n')).toUtf8().constData(), stderr);
    std::fflush(stderr);
}

} // namespace

BatchExecutor::BatchExecutor(PluginCatalog *catalog, QHash<QString, QString> hashes, const WorkerConfig &config)
    : m_catalog(catalog), m_config(config), m_hashes(std::move(hashes)), m_pricePerVcpuHour(config.pricePerVcpuHour)
{
    if (config.isolation == WorkerConfig::Isolation::Process)
        m_hosts = std::make_unique<HostPool>(hostOptions(*catalog, config));
}

BatchExecutor::~BatchExecutor() = default;

HostProcess::Options BatchExecutor::hostOptions(PluginCatalog &catalog, const WorkerConfig &config)
{
    HostProcess::Options options;
    options.program = HostProcess::defaultProgram();
    for (const FunctionInfo &f : catalog.functions())
        if (!options.plugins.contains(f.filePath))
            options.plugins << f.filePath;
    options.memoryLimitMB = config.memoryLimitMB;
    return options;
}

double BatchExecutor::secondsPerElement(const QString &functionId) const
{
    QMutexLocker lock(&m_timingMutex);
    return m_secondsPerElement.value(functionId);
}

void BatchExecutor::recordSecondsPerElement(const QString &functionId, double seconds) const
{
    QMutexLocker lock(&m_timingMutex);
    double &estimate = m_secondsPerElement[functionId];
    // Smoothed, but quick to follow a slower function: a deadline too short costs a split.
    estimate = estimate <= 0 || seconds > estimate ? seconds : 0.8 * estimate + 0.2 * seconds;
}

double BatchExecutor::threadCpuSeconds()
{
    timespec ts{};
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

BatchOutcome BatchExecutor::execute(const QByteArray &body, const TokenIdentity &identity) const
{
    BatchOutcome outcome;
    BatchRequest request;
    QString error;
    if (!BatchCodec::decodeRequest(body, &request, &error))
        return refuse(outcome, 400, QStringLiteral("cannot decode the batch: ") + error);
    outcome.functionId = quoted(request.functionId);
    outcome.rows = request.inputs.rowCount();

    const FunctionInfo *info = m_catalog->find(request.functionId);
    if (!info)
        return refuse(
            outcome, 404,
            QStringLiteral("function \"%1\" is not installed on this worker (GET /v1/functions lists them)")
                .arg(outcome.functionId));
    const QString hash = m_hashes.value(info->id);
    if (request.functionVersion != info->version ||
        request.pluginSha256.compare(hash, Qt::CaseInsensitive) != 0)
        return refuse(
            outcome, 409,
            QStringLiteral(
                "function \"%1\": the client has version %2 (plugin sha256 %3) but this worker has "
                "version %4 (plugin sha256 %5); both sides need the same plugin build")
                .arg(info->id,
                     request.functionVersion.isEmpty() ? QStringLiteral("(none)")
                                                       : quoted(request.functionVersion),
                     request.pluginSha256.isEmpty() ? QStringLiteral("(none)") : quoted(request.pluginSha256),
                     info->version, hash));

    QVariantMap bound;
    if (!ParameterBinder::bindTyped(*info, request.params, &bound, &error)) // typed: nothing parsed from text
        return refuse(outcome, 400, QStringLiteral("bad parameters: ") + quoted(error, 400));
    const QStringList inputs = info->inputNames();
    if (request.columns != inputs)
        return refuse(outcome, 400,
                      QStringLiteral("function \"%1\" takes the columns [%2], but the batch has [%3]")
                          .arg(info->id, inputs.join(QStringLiteral(", ")),
                               quoted(request.columns.join(QStringLiteral(", ")), 400)));
    const std::vector<ColumnType> inputTypes = info->inputTypes();
    if (request.inputs.types() != inputTypes)
        return refuse(outcome, 400,
                      QStringLiteral("function \"%1\" takes [%2], but the batch's columns are [%3]")
                          .arg(info->id, typedColumns(inputs, inputTypes),
                               typedColumns(inputs, request.inputs.types())));
    if (m_pricePerVcpuHour > 0 && identity.credits && *identity.credits <= 0)
        return refuse(
            outcome, 402,
            QStringLiteral("token \"%1\" has no credits left (%2 USD); ask the worker's operator for more")
                .arg(identity.name)
                .arg(*identity.credits));

    return m_hosts ? runInHosts(std::move(outcome), *info, bound, request, identity)
                   : runInThread(std::move(outcome), *info, bound, request);
}

BatchOutcome BatchExecutor::runInThread(BatchOutcome outcome, const FunctionInfo &info, const QVariantMap &bound,
                                        BatchRequest &request) const
{
    QString error;
    const double cpuStart = threadCpuSeconds();
    std::shared_ptr<const Function> function;
    {
        QMutexLocker lock(&m_instantiateMutex);
        function = m_catalog->instantiate(info.id, bound, &error);
    }
    if (!function) {
        // A plugin that cannot be loaded is this worker's fault; one that refuses its parameters is the
        // batch's.
        const bool loadFailure = error.startsWith(info.filePath);
        return refuse(outcome, loadFailure ? 500 : 400, error);
    }
    BatchOutput output(info.outputTypes(), request.inputs.rowCount());
    // Their input did not convert on the client, which keeps its own message for them.
    for (int row : request.failedRows)
        output.fail(row, QStringLiteral("the input did not convert"));
    BatchRunner::run(*function, request.inputs, output);
    const double vcpu = std::max(0.0, threadCpuSeconds() - cpuStart);
    request.inputs = Table(); // before the outputs are encoded: the peak is one copy of each

    outcome.failed = output.failedCount();
    outcome.vcpuSeconds = vcpu;
    outcome.charge = vcpu / 3600.0 * m_pricePerVcpuHour;
    outcome.output = BatchCodec::encodeOutput(output);
    return outcome;
}

BatchOutcome BatchExecutor::runInHosts(BatchOutcome outcome, const FunctionInfo &info, const QVariantMap &bound,
                                       BatchRequest &request, const TokenIdentity &identity) const
{
    BatchRequest functionRequest;
    functionRequest.functionId = info.id;
    functionRequest.functionVersion = request.functionVersion;
    functionRequest.pluginSha256 = request.pluginSha256;
    functionRequest.params = bound;
    functionRequest.columns = request.columns;

    // A zero-row batch first: a plugin that cannot load (this worker's fault, 500) or refuses its
    // parameters (the batch's, 400) is refused as such rather than failing every element. The host
    // keeps the function loaded for the batch itself.
    QString error;
    switch (m_hosts->loadFunction(functionRequest, info.inputTypes(), kLoadTimeoutSeconds, &error)) {
    case HostPool::Load::Loaded: break;
    case HostPool::Load::Unstarted:
        return refuse(outcome, 500, QStringLiteral("the worker cannot start a function host: ") + error);
    case HostPool::Load::Refused: return refuse(outcome, error.startsWith(info.filePath) ? 500 : 400, error);
    case HostPool::Load::Died:
        return refuse(outcome, 500, QStringLiteral("the function host %1 while it loaded %2").arg(error, info.id));
    }

    ContainmentLimits limits;
    limits.elementTimeoutSeconds = m_config.elementTimeoutSeconds;
    limits.memoryLimitMB = m_config.memoryLimitMB;
    limits.maxCrashes = m_config.maxCrashes;
    ContainedRunner runner(m_hosts.get(), std::move(functionRequest), info.outputTypes(), limits);
    runner.setSecondsPerElement(secondsPerElement(info.id));
    const qint64 firstRow = request.firstRow;
    const qint64 rows = request.inputs.rowCount();
    const QString batch = QStringLiteral("token=%1 function=%2 first-row=%3 rows=%4")
                              .arg(identity.name, info.id)
                              .arg(firstRow)
                              .arg(rows);
    runner.setIsolatedCallback([&batch](qint64 row, const QString &message) {
        logLine(QStringLiteral("fastmap-worker: element failed alone: %1 element=%2: %3").arg(batch).arg(row).arg(message));
    });

    BatchOutput output(info.outputTypes(), request.inputs.rowCount());
    // Their input did not convert on the client, which keeps its own message for them.
    for (int row : request.failedRows)
        output.fail(row, QStringLiteral("the input did not convert"));
    QElapsedTimer clock;
    clock.start();
    const ContainedRunner::Outcome ran = runner.run(request.inputs, firstRow, output);
    const double seconds = clock.nsecsElapsed() * 1e-9;
    request.inputs = Table(); // before the outputs are encoded: the peak is one copy of each

    switch (ran.status) {
    case ContainedRunner::Outcome::Status::Done:
        if (ran.isolated == 0 && rows > 0)
            recordSecondsPerElement(info.id, seconds / double(rows));
        break;
    case ContainedRunner::Outcome::Status::Aborted:
        return refuse(outcome, 503, QStringLiteral("the worker is stopping; send the batch elsewhere"));
    case ContainedRunner::Outcome::Status::Fatal:
        // Without a host nothing ran, which is this worker's fault; a function that keeps crashing
        // is the batch's, and its elements say so.
        if (ran.isolated == 0)
            return refuse(outcome, 500, QStringLiteral("the worker cannot run the batch: ") + runner.fatalMessage());
        break;
    }

    outcome.failed = output.failedCount();
    outcome.isolated = ran.isolated;
    outcome.vcpuSeconds = ran.cpuSeconds;
    outcome.charge = ran.cpuSeconds / 3600.0 * m_pricePerVcpuHour;
    if (ran.status == ContainedRunner::Outcome::Status::Fatal)
        outcome.reason = QStringLiteral("%1 of %2 elements took their function host down; the rest were not run: %3")
                             .arg(ran.isolated)
                             .arg(rows)
                             .arg(runner.fatalMessage());
    else if (ran.isolated > 0)
        outcome.reason = ran.isolated == 1 ? QStringLiteral("1 element took its function host down")
                                           : QStringLiteral("%1 elements took their function host down").arg(ran.isolated);
    outcome.output = BatchCodec::encodeOutput(output);
    return outcome;
}

} // namespace fastmap
