// SPDX-License-Identifier: GPL-3.0-or-later
#include "worker/BatchExecutor.h"

#include "engine/BatchRunner.h"
#include "plugin/ParameterBinder.h"
#include "plugin/PluginCatalog.h"

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

} // namespace

BatchExecutor::BatchExecutor(PluginCatalog *catalog, QHash<QString, QString> hashes, double pricePerVcpuHour)
    : m_catalog(catalog), m_hashes(std::move(hashes)), m_pricePerVcpuHour(pricePerVcpuHour)
{}

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
    if (!ParameterBinder::bind(*info, request.params, &bound, &error))
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

    const double cpuStart = threadCpuSeconds();
    std::shared_ptr<const Function> function;
    {
        QMutexLocker lock(&m_instantiateMutex);
        function = m_catalog->instantiate(info->id, bound, &error);
    }
    if (!function) {
        // A plugin that cannot be loaded is this worker's fault; one that refuses its parameters is the
        // batch's.
        const bool loadFailure = error.startsWith(info->filePath);
        return refuse(outcome, loadFailure ? 500 : 400, error);
    }
    BatchOutput output(info->outputTypes(), request.inputs.rowCount());
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

} // namespace fastmap
