// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/JobDescription.h"

#include <QJsonArray>

namespace fastmap {

namespace {

QString policyName(JobSpec::Policy p)
{
    switch (p) {
    case JobSpec::Policy::Local: return QStringLiteral("local");
    case JobSpec::Policy::Remote: return QStringLiteral("remote");
    case JobSpec::Policy::Adaptive: return QStringLiteral("adaptive");
    }
    return {};
}

} // namespace

QJsonObject JobDescription::toJson() const
{
    QJsonObject mapping;
    for (auto it = spec.mapping.cbegin(); it != spec.mapping.cend(); ++it)
        mapping.insert(it.key(), it.value());
    return QJsonObject{
        {"function", spec.functionId},
        {"version", functionVersion},
        {"pluginSha256", pluginSha256},
        {"params", QJsonObject::fromVariantMap(spec.params)},
        {"input", spec.input},
        {"inputFormat", Dataset::formatName(spec.datasetOptions.format)},
        {"dataset", dataset.toJson()},
        {"mapping", mapping},
        {"policy", policyName(spec.policy)},
        {"workers", QJsonArray::fromStringList(spec.workers)},
        {"workersFile", spec.workersFile},
        {"threads", spec.threads},
        {"stopOnError", spec.stopOnError},
        {"batchSeconds", spec.batchTargetSeconds},
        {"maxCost", spec.maxCost},
        {"output", output},
        {"format", format == ResultFormat::JsonLines ? QStringLiteral("jsonl") : QStringLiteral("csv")},
        {"keepInput", writerOptions.keepInput},
        {"pid", double(pid)},
        {"keepResults", keepResults},
        {"isolation", spec.isolation == JobSpec::Isolation::Thread ? QStringLiteral("thread") : QStringLiteral("process")},
        {"elementTimeout", spec.elementTimeoutSeconds},
        {"memoryLimit", spec.memoryLimitMB},
        {"maxCrashes", spec.maxCrashes},
        {"stopGrace", spec.stopGraceSeconds},
    };
}

bool JobDescription::fromJson(const QJsonObject &o, JobDescription *d, QString *error)
{
    JobDescription r;
    r.spec.functionId = o.value("function").toString();
    r.spec.input = o.value("input").toString();
    if (r.spec.functionId.isEmpty() || r.spec.input.isEmpty()) {
        *error = QStringLiteral("the job record is damaged: it names no function or input");
        return false;
    }
    r.functionVersion = o.value("version").toString();
    r.pluginSha256 = o.value("pluginSha256").toString();
    r.spec.params = o.value("params").toObject().toVariantMap();
    bool ok = true;
    r.spec.datasetOptions.format = Dataset::formatFromName(o.value("inputFormat").toString(QStringLiteral("auto")), &ok);
    r.dataset = DatasetFingerprint::fromJson(o.value("dataset").toObject());
    const QJsonObject mapping = o.value("mapping").toObject();
    for (auto it = mapping.constBegin(); it != mapping.constEnd(); ++it)
        r.spec.mapping.insert(it.key(), it.value().toString());
    const QString policy = o.value("policy").toString();
    r.spec.policy = policy == QLatin1String("local")    ? JobSpec::Policy::Local
                    : policy == QLatin1String("remote") ? JobSpec::Policy::Remote
                                                        : JobSpec::Policy::Adaptive;
    for (const QJsonValue &w : o.value("workers").toArray())
        r.spec.workers << w.toString();
    r.spec.workersFile = o.value("workersFile").toString();
    r.spec.threads = o.value("threads").toInt();
    r.spec.stopOnError = o.value("stopOnError").toBool();
    r.spec.batchTargetSeconds = o.value("batchSeconds").toDouble(0.2);
    r.spec.maxCost = o.value("maxCost").toDouble(-1);
    r.output = o.value("output").toString();
    r.format = o.value("format").toString() == QLatin1String("jsonl") ? ResultFormat::JsonLines : ResultFormat::Csv;
    r.writerOptions.keepInput = o.value("keepInput").toBool();
    r.pid = qint64(o.value("pid").toDouble());
    r.keepResults = o.value("keepResults").toBool();
    r.spec.isolation = o.value("isolation").toString() == QLatin1String("thread") ? JobSpec::Isolation::Thread
                                                                                 : JobSpec::Isolation::Process;
    r.spec.elementTimeoutSeconds = o.value("elementTimeout").toDouble(0);
    r.spec.memoryLimitMB = o.value("memoryLimit").toInt(0);
    r.spec.maxCrashes = o.value("maxCrashes").toInt(100);
    r.spec.stopGraceSeconds = o.value("stopGrace").toDouble(5);
    *d = r;
    return true;
}

} // namespace fastmap
