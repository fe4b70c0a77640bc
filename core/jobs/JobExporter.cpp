// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/JobExporter.h"

#include "engine/Engine.h"
#include "jobs/ArchiveWriter.h"
#include "jobs/JobDescription.h"
#include "jobs/JobRecorder.h"
#include "output/ValueText.h"
#include "plugin/PluginCatalog.h"
#include "util/Version.h"

#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

namespace fastmap {

QByteArray JobExporter::errorsCsv(const JobRecord &job) const
{
    QByteArray out("element,executor,message\r\n");
    m_store->forEachBatch(
        job.id,
        [&](const StoredBatch &b) {
            if (b.failures == 0)
                return true;
            const QByteArray executor = b.executor.toUtf8();
            JobStore::decodeErrors(b.errors, [&](int row, const QString &message) {
                out.append(QByteArray::number(b.firstRow + row));
                out.append(',');
                ValueText::appendCsvText(out, executor);
                out.append(',');
                ValueText::appendCsvText(out, message.toUtf8());
                out.append("\r\n");
            });
            return true;
        }); // the errors are kept apart from the outputs, which may be gone
    return out;
}

QByteArray JobExporter::jobLogCsv(const JobRecord &job) const
{
    // GNU parallel's --joblog, one line per batch.
    QByteArray out("seq,executor,start_s,duration_s,first_element,elements,bytes_in,bytes_out,failures\r\n");
    m_store->forEachBatch(
        job.id,
        [&](const StoredBatch &b) {
            out.append(QByteArray::number(b.sequence) + ',');
            ValueText::appendCsvText(out, b.executor.toUtf8());
            out.append(',' + QByteArray::number(b.startNs * 1e-9, 'f', 6) + ',' + QByteArray::number(b.durationNs * 1e-9, 'f', 6) + ','
                       + QByteArray::number(b.firstRow) + ',' + QByteArray::number(b.rows) + ',' + QByteArray::number(b.bytesIn)
                       + ',' + QByteArray::number(b.bytesOut) + ',' + QByteArray::number(b.failures) + "\r\n");
            return true;
        });
    return out;
}

QJsonObject JobExporter::manifest(const JobRecord &job) const
{
    struct Throughput
    {
        qint64 elements = 0;
        qint64 batches = 0;
        double busy = 0;
    };
    QHash<QString, Throughput> perExecutor;
    m_store->forEachBatch(
        job.id,
        [&](const StoredBatch &b) {
            Throughput &t = perExecutor[b.executor];
            t.elements += b.rows;
            ++t.batches;
            t.busy += b.durationNs * 1e-9;
            return true;
        });
    QJsonArray executors;
    for (auto it = perExecutor.cbegin(); it != perExecutor.cend(); ++it)
        executors.append(QJsonObject{{"executor", it.key()},
                                     {"elements", double(it->elements)},
                                     {"batches", double(it->batches)},
                                     {"busySeconds", it->busy},
                                     {"elementsPerBusySecond", it->busy > 0 ? it->elements / it->busy : 0.0}});
    const QJsonObject estimate = job.summary.value("estimate").toObject();
    return QJsonObject{
        {"fastmapVersion", versionString()},
        {"job", job.id},
        {"state", job.state},
        {"function", job.spec.value("function")},
        {"version", job.spec.value("version")},
        {"pluginSha256", job.spec.value("pluginSha256")},
        {"params", job.spec.value("params")},
        {"dataset", job.spec.value("dataset")},
        {"mapping", job.spec.value("mapping")},
        {"policy", job.spec.value("policy")},
        {"elements", double(job.elements)},
        {"failed", double(job.failed)},
        {"timings", QJsonObject{{"created", job.created.toUTC().toString(Qt::ISODateWithMs)},
                                {"updated", job.updated.toUTC().toString(Qt::ISODateWithMs)},
                                {"seconds", job.summary.value("seconds")}}},
        {"executors", executors},
        {"cost", QJsonObject{{"estimatedUsd", estimate.value("cost")}, {"actualUsd", job.summary.value("cost")}}},
    };
}

bool JobExporter::results(const JobRecord &job, QByteArray *bytes, QString *name, QString *missing, QString *error) const
{
    JobDescription d;
    if (!JobDescription::fromJson(job.spec, &d, error))
        return false;
    const QString extension = d.format == ResultFormat::JsonLines ? QStringLiteral("jsonl") : QStringLiteral("csv");
    *name = QStringLiteral("results.") + extension;
    bytes->clear();
    missing->clear();
    if (!job.hasStoredResults()) {
        const QJsonObject written = job.summary.value("outputFile").toObject();
        const QFileInfo file(d.output);
        if (job.isCompleted() && !written.isEmpty() && file.isFile() && file.size() == qint64(written.value("size").toDouble())
            && file.lastModified().toMSecsSinceEpoch() == qint64(written.value("modified").toDouble())) {
            QFile f(d.output);
            if (f.open(QIODevice::ReadOnly)) {
                *bytes = f.readAll();
                return true;
            }
        }
        const QString when = job.resultsDropped.toString(Qt::ISODate);
        *missing = job.isCompleted()
                       ? QStringLiteral("the stored results were dropped on %1, once the job completed, and its result "
                                        "file %2 is gone or changed since; run the job again (with --keep-results to "
                                        "keep them in the store)")
                             .arg(when, d.output)
                       : QStringLiteral("the stored results were dropped on %1 (pruned) before the job completed; "
                                        "resume it to compute them again")
                             .arg(when);
        return true;
    }
    QTemporaryDir dir;
    const QString path = dir.filePath(*name);
    // Replaying every stored batch through the engine writes exactly what the job wrote.
    qint64 storedRows = 0;
    const QMap<qint64, int> plan = m_store->batchPlan(job.id, &storedRows);
    JobStoreResults stored(m_store->path(), job.id, plan);
    std::unique_ptr<ResultWriter> writer = ResultWriter::create(d.format, path, d.writerOptions);
    JobSpec spec = d.spec;
    spec.policy = JobSpec::Policy::Local;
    spec.workers.clear();
    spec.workersFile.clear();
    spec.sampleSeconds = 0;
    spec.serialFallback = JobSpec::SerialFallback::Always;
    struct UpTo : ResultSink
    {
        ResultWriter *inner;
        bool begin(const QStringList &a, const QStringList &b, QString *e) override { return inner->begin(a, b, e); }
        bool wantsInput() const override { return inner->wantsInput(); }
        void prepare(BatchResult &r) override { inner->prepare(r); }
        bool consume(const BatchResult &r, QString *e) override
        {
            if (!r.fromStore) {
                *e = QStringLiteral("stop"); // past the stored results: nothing more to export
                return false;
            }
            return inner->consume(r, e);
        }
        bool finish(bool, QString *e) override { return inner->finish(true, e); }
    } sink;
    sink.inner = writer.get();
    Engine engine(m_catalog);
    engine.setStoredResults(&stored);
    StartError startError;
    if (!engine.start(spec, &sink, &startError)) {
        *error = QStringLiteral("cannot replay the results of job %1: %2").arg(job.id, startError.message);
        return false;
    }
    engine.wait();
    QFile file(writer->finalPath().isEmpty() ? path : writer->finalPath());
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot replay the results of job %1").arg(job.id);
        return false;
    }
    *bytes = file.readAll();
    return true;
}

bool JobExporter::exportJob(const JobRecord &job, const QString &archivePath, QString *error,
                            const QList<QPair<QString, QByteArray>> &extraFiles, QString *note)
{
    QByteArray resultBytes;
    QString resultName;
    QString missing;
    if (!results(job, &resultBytes, &resultName, &missing, error))
        return false;
    QJsonObject manifestJson = manifest(job);
    if (!missing.isEmpty())
        manifestJson.insert("results", QJsonObject{{"included", false}, {"missing", missing}});
    if (note)
        *note = missing;
    ArchiveWriter archive;
    if (!archive.open(archivePath, error))
        return false;
    const QString root = QStringLiteral("fastmap-job-") + job.id + QLatin1Char('/');
    bool ok = (!missing.isEmpty() || archive.add(root + resultName, resultBytes, error))
              && archive.add(root + QStringLiteral("errors.csv"), errorsCsv(job), error)
              && archive.add(root + QStringLiteral("joblog.csv"), jobLogCsv(job), error)
              && archive.add(root + QStringLiteral("manifest.json"), QJsonDocument(manifestJson).toJson(QJsonDocument::Indented), error);
    for (const auto &[name, data] : extraFiles)
        ok = ok && archive.add(root + name, data, error);
    return ok && archive.close(error);
}

} // namespace fastmap
