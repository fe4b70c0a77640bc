// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/RecordedRun.h"

#include "engine/JobTypes.h"
#include "jobs/JobDescription.h"
#include "plugin/ParameterBinder.h"
#include "plugin/PluginCatalog.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>

namespace fastmap {

RecordedRun::RecordedRun(PluginCatalog *catalog, const QString &storePath)
    : m_catalog(catalog), m_store(storePath), m_jobId(JobStore::newJobId())
{}

RecordedRun::~RecordedRun() = default;

RecordedRun::Refusal RecordedRun::prepare(JobDescription &d, const QString &resumeId, QString *error)
{
    const FunctionInfo *info = m_catalog->find(d.spec.functionId);
    if (!info) {
        *error = QStringLiteral("no function \"%1\" is installed").arg(d.spec.functionId);
        return Refusal::NoFunction;
    }
    QVariantMap bound;
    QString bindError;
    if (ParameterBinder::bind(*info, d.spec.params, &bound, &bindError))
        d.spec.params = bound; // typed, so the record and the manifest say 100, not "100"
    d.pid = QCoreApplication::applicationPid();
    m_output = d.output;
    m_keepResults = d.keepResults;
    if (!m_record && resumeId.isEmpty())
        return Refusal::None; // nothing is stored, so nothing needs the fingerprint

    DatasetFingerprint fingerprint;
    if (!DatasetFingerprint::of(d.spec.input, &fingerprint, error))
        return Refusal::Input;
    const QString pluginSha = m_catalog->pluginHash(info->id);
    if (!resumeId.isEmpty()) {
        // GNU parallel's rule: a resumed job must be the same job.
        if (info->version != d.functionVersion || pluginSha != d.pluginSha256) {
            *error = QStringLiteral(
                         "cannot resume job %1: the plugin of %2 changed (version %3, SHA-256 %4… then; "
                         "version %5, SHA-256 %6… now). Run it again as a new job.")
                         .arg(resumeId, info->id, d.functionVersion, d.pluginSha256.left(12), info->version,
                              pluginSha.left(12));
            return Refusal::Input;
        }
        const QString changed = fingerprint.differenceFrom(d.dataset);
        if (!changed.isEmpty()) {
            *error =
                QStringLiteral("cannot resume job %1: the dataset %2 changed: %3. Run it again as a new job.")
                    .arg(resumeId, d.spec.input, changed);
            return Refusal::Input;
        }
    }
    d.functionVersion = info->version;
    d.pluginSha256 = pluginSha;
    d.dataset = fingerprint;

    QString storeError;
    m_recording = m_store.open(&storeError);
    if (!m_recording)
        m_warnings << storeError + QStringLiteral("; this job is not recorded and cannot be resumed");
    if (!resumeId.isEmpty())
        m_jobId = resumeId;
    m_resumeId = resumeId;
    if (!m_recording)
        return Refusal::None;
    if (resumeId.isEmpty()) {
        JobRecord record;
        record.id = m_jobId;
        record.state = QStringLiteral("running");
        record.spec = d.toJson();
        if (!m_store.create(record, error))
            return Refusal::Store;
    } else {
        const QMap<qint64, int> plan = m_store.batchPlan(m_jobId, &m_storedRows);
        // Batches past the replayable prefix (dropped, or after a gap) are computed again.
        m_store.truncateBatches(m_jobId, m_storedRows, &storeError);
        m_storedInputs = m_store.inputHashes(m_jobId);
        m_stored = std::make_unique<JobStoreResults>(m_store.path(), m_jobId, plan);
        m_store.setState(m_jobId, QStringLiteral("running"), {}, &storeError);
        m_store.setSpec(m_jobId, d.toJson(), &storeError); // it names this process now
    }
    return Refusal::None;
}

bool RecordedRun::openCache(ResultCache::Mode mode, QString *warning)
{
    m_cacheMode = mode;
    if (mode == ResultCache::Mode::Off)
        return true;
    m_cache = std::make_unique<ResultCache>(ResultCache::defaultPath());
    QString error;
    if (!m_cache->open(&error)) {
        *warning = error + QStringLiteral("; running without the cache");
        m_cache.reset();
        return false;
    }
    return true;
}

ResultSink *RecordedRun::sink(ResultSink *file)
{
    if (!m_recording)
        return file;
    m_recorder = std::make_unique<JobRecorder>(file, m_store.path(), m_jobId);
    m_recorder->setStoredInputs(m_storedInputs);
    return m_recorder.get();
}

void RecordedRun::recordTotal(qint64 total)
{
    if (!m_recording || total < 0 || total == m_total)
        return;
    m_total = total;
    QString error;
    m_store.setState(m_jobId, QStringLiteral("running"), QJsonObject{{"total", double(total)}}, &error);
}

void RecordedRun::abandon()
{
    QString error;
    if (m_recording && m_resumeId.isEmpty())
        m_store.remove(m_jobId, &error); // nothing ran: no job to keep
}

void RecordedRun::finish(const JobSummary &summary)
{
    if (m_cache)
        m_cache->evict();
    if (!m_recording)
        return;
    QString error;
    QJsonObject recorded = summaryToJson(summary);
    if (m_total >= 0)
        recorded.insert("total", double(m_total));
    const bool completed = summary.status == JobStatus::Completed || summary.status == JobStatus::CompletedWithFailures;
    const QFileInfo output(m_output);
    const bool inPlace = completed && m_output != QLatin1String("-") && output.isFile();
    if (inPlace) // export bundles this file once the stored results are gone, if it is still this one
        recorded.insert("outputFile", QJsonObject{{"size", double(output.size())},
                                                  {"modified", double(output.lastModified().toMSecsSinceEpoch())}});
    m_store.setState(m_jobId, jobStatusName(summary.status), recorded, &error);
    applyRetention(summary);
}

void RecordedRun::applyRetention(const JobSummary &summary)
{
    QString error;
    const bool completed = summary.status == JobStatus::Completed || summary.status == JobStatus::CompletedWithFailures;
    // Written to standard output, the store holds the only copy: it stays (under the cap).
    if (completed && !m_keepResults && m_output != QLatin1String("-") && QFileInfo(m_output).isFile())
        m_resultsDropped = m_store.dropResults({m_jobId}, &error);
    if (m_storeLimit >= 0)
        m_pruned = m_store.enforceLimit(m_storeLimit, &error, m_jobId); // this job is not pruned by its own run
}

QJsonObject RecordedRun::summaryToJson(const JobSummary &s)
{
    QJsonArray workers;
    for (const RemoteStats &w : s.workers)
        workers.append(QJsonObject{{"url", w.url},
                                   {"elements", double(w.elements)},
                                   {"batches", double(w.batches)},
                                   {"charge", w.charge},
                                   {"vcpuSeconds", w.vcpuSeconds},
                                   {"faults", double(w.failures)},
                                   {"state", w.state},
                                   {"lastError", w.lastError}});
    QJsonObject o{{"status", jobStatusName(s.status)},
                  {"elements", double(s.elements)},
                  {"failed", double(s.failed)},
                  {"seconds", s.seconds},
                  {"secondsPerElement", s.sampleSecondsPerElement},
                  {"threads", s.threads},
                  {"message", s.message},
                  {"localElements", double(s.localElements)},
                  {"cost", s.cost},
                  {"cacheHits", double(s.cacheHits)},
                  {"storedElements", double(s.storedElements)},
                  {"workers", workers}};
    if (s.estimated)
        o.insert("estimate", QJsonObject{{"cost", s.estimate.cost},
                                         {"localOnlySeconds", s.estimate.localOnlySeconds},
                                         {"withRemoteSeconds", s.estimate.withRemoteSeconds}});
    return o;
}

bool RecordedRun::loadForResume(const JobRecord &job, JobDescription *d, QString *error)
{
    const QString state = job.currentState();
    if (state == QLatin1String("running")) {
        *error = QStringLiteral("job %1 is still running (process %2)")
                     .arg(job.id)
                     .arg(qint64(job.spec.value("pid").toDouble()));
        return false;
    }
    if (state == QLatin1String("completed") || state == QLatin1String("completed with failures")) {
        *error =
            QStringLiteral("job %1 is already %2; its results are in %3").arg(job.id, state, job.output());
        return false;
    }
    if (!JobDescription::fromJson(job.spec, d, error)) {
        *error = QStringLiteral("job %1: %2").arg(job.id, *error);
        return false;
    }
    if (d->output == QLatin1String("-")) {
        *error = QStringLiteral("job %1 wrote to standard output; export it instead (fastmap-cli export)")
                     .arg(job.id);
        return false;
    }
    // A thread-isolated run that died may have been killed by its function: the rest runs in
    // function hosts, where such an element fails alone, so the job can always be finished.
    if (state == QLatin1String("interrupted") && d->spec.isolation == JobSpec::Isolation::Thread) {
        d->spec.isolation = JobSpec::Isolation::Process;
        d->resumeNote = QStringLiteral("the last run (thread isolation) ended without finishing, perhaps killed "
                                       "by the function; the rest runs in function hosts (process isolation)");
    }
    // The killed run's half-written temporary file is of no use: the output is rewritten whole.
    const QFileInfo out(d->output);
    QFile::remove(out.absoluteDir().filePath(QStringLiteral(".%1.%2.tmp").arg(out.fileName()).arg(d->pid)));
    return true;
}

} // namespace fastmap
