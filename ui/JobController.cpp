// SPDX-License-Identifier: GPL-3.0-or-later
#include "JobController.h"

#include "ErrorTableModel.h"
#include "GuiResultSink.h"
#include "ResultTableModel.h"
#include "WorkerTableModel.h"
#include "jobs/CachingExecutor.h"
#include "remote/RemoteCoordinator.h"
#include "jobs/JobDescription.h"
#include "jobs/JobStore.h"
#include "jobs/RecordedRun.h"
#include "output/ResultWriter.h"
#include "output/ValueText.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace fastmap {

namespace {
constexpr int kWorkerPollMs = 500;
}

JobController::JobController(PluginCatalog *catalog, QObject *parent)
    : QObject(parent), m_catalog(catalog), m_engine(catalog), m_sink(std::make_unique<GuiResultSink>()),
      m_results(new ResultTableModel(this)), m_errors(new ErrorTableModel(this)),
      m_workers(new WorkerTableModel(this)), m_storePath(JobStore::defaultPath())
{
    m_engine.setRemoteFactory(RemoteCoordinator::factory(catalog));
    connect(m_sink.get(), &GuiResultSink::begun, this, &JobController::onBegun, Qt::QueuedConnection);
    connect(m_sink.get(), &GuiResultSink::batchReady, this, &JobController::onBatch, Qt::QueuedConnection);
    connect(&m_engine, &Engine::progressChanged, this, &JobController::onProgress);
    connect(&m_engine, &Engine::note, this, &JobController::noteAdded);
    connect(&m_engine, &Engine::estimateReady, this, [this](const Estimate &estimate) {
        m_live.setEstimatedCost(estimate.cost);
        emit estimateReady(estimate);
    });
    connect(&m_engine, &Engine::confirmationNeeded, this, &JobController::confirmationNeeded);
    connect(&m_engine, &Engine::finished, this, &JobController::onFinished);
    m_workerPoll.setInterval(kWorkerPollMs);
    connect(&m_workerPoll, &QTimer::timeout, this, &JobController::pollWorkers);
}

JobController::~JobController()
{
    if (m_engine.isRunning()) {
        cancel();
        const JobSummary summary = m_engine.wait();
        if (m_run) // the finished signal will not come: record the cancel now
            m_run->finish(summary);
    }
    m_engine.setStoredResults(nullptr);
}

QString JobController::resultsFolder() const
{
    return QFileInfo(m_storePath).absolutePath() + QStringLiteral("/results");
}

bool JobController::start(const JobSpec &spec, QString *error)
{
    if (m_engine.isRunning()) {
        *error = tr("A job is already running.");
        return false;
    }
    // As the app's Export results writes them: input columns, then outputs, then error.
    JobDescription description;
    description.spec = spec;
    // A resume may come from another working directory (fastmap-cli, or the app started elsewhere).
    if (QFileInfo::exists(spec.input))
        description.spec.input = QFileInfo(spec.input).absoluteFilePath();
    description.format = ResultFormat::Csv;
    description.writerOptions.keepInput = true;
    return launchRecorded(description, QString(), error);
}

bool JobController::resumeJob(const QString &jobId, const QByteArray &token, bool chargesConfirmed,
                              QString *error)
{
    if (m_engine.isRunning()) {
        *error = tr("A job is already running.");
        return false;
    }
    JobDescription description;
    {
        JobStore store(m_storePath);
        JobRecord job;
        if (!store.open(error) || !store.find(jobId, &job, error) ||
            !RecordedRun::loadForResume(job, &description, error))
            return false;
    }
    description.spec.token = token;
    description.spec.chargesConfirmed = chargesConfirmed;
    if (!launchRecorded(description, jobId, error))
        return false;
    if (!description.resumeNote.isEmpty()) // e.g. a thread-isolated run that died resumes in hosts
        emit noteAdded(tr("Job %1: %2.").arg(jobId, description.resumeNote));
    return true;
}

bool JobController::launchRecorded(JobDescription &description, const QString &resumeId, QString *error)
{
    auto run = std::make_unique<RecordedRun>(m_catalog, m_storePath);
    run->setStoreLimit(m_storeLimit);
    if (resumeId.isEmpty())
        description.output = QDir(resultsFolder()).filePath(run->jobId() + QStringLiteral(".csv"));
    // The app's own folder may have been cleaned up since; a folder the user chose is left alone.
    if (QFileInfo(description.output).absolutePath() == resultsFolder())
        QDir().mkpath(resultsFolder());
    if (run->prepare(description, resumeId, error) != RecordedRun::Refusal::None)
        return false; // refused: the last job's results stay on screen
    // The models are the new job's from here on.
    m_retrying = false;
    m_retryIndexes.clear();
    m_results->reset({}, {});
    m_errors->clear();
    m_live.clear();
    m_jobId.clear();
    m_outputPath.clear();
    for (const QString &warning : run->warnings())
        emit noteAdded(warning);
    // A resume takes the store's results, never the cache's: the store is the truth (as the CLI).
    QString warning;
    if (!run->openCache(resumeId.isEmpty() ? m_cacheMode : ResultCache::Mode::Off, &warning))
        emit noteAdded(warning);
    m_writer = ResultWriter::create(description.format, description.output, description.writerOptions);
    m_sink->setFile(m_writer.get());
    m_sink->setWantsInput(m_results->showsInput());
    ResultSink *sink = run->sink(m_sink.get());
    m_engine.setStoredResults(run->storedResults());
    m_engine.setExecutorWrapper(CachingExecutor::wrapper(run->cache(), run->cacheMode(), m_catalog));
    m_run = std::move(run);
    if (!launch(description.spec, sink, error)) {
        m_run->abandon();
        m_run.reset();
        m_sink->setFile(nullptr);
        m_writer.reset();
        return false;
    }
    m_jobId = m_run->jobId();
    m_outputPath = description.output;
    if (m_run->resuming())
        emit noteAdded(tr("Resuming job %1: %L2 elements are stored; computing the rest.")
                           .arg(m_jobId)
                           .arg(m_run->storedRows()));
    emit jobsChanged();
    return true;
}

bool JobController::launch(const JobSpec &spec, ResultSink *sink, QString *error)
{
    if (m_engine.isRunning()) {
        *error = tr("A job is already running.");
        return false;
    }
    StartError startError;
    const bool started = m_engine.start(spec, sink, &startError);
    // Stored results and the cache are for one start only.
    m_engine.setStoredResults(nullptr);
    m_engine.setExecutorWrapper({});
    if (!started) {
        *error = startError.message;
        return false;
    }
    if (!m_retrying)
        m_spec = spec;
    m_summary = {};
    m_cancelling = false;
    m_workerPoll.start();
    emit runningChanged(true);
    return true;
}

bool JobController::retryFailed(const QVariantMap &params, QString *error)
{
    const QList<qint64> failed = m_results->failedRows();
    if (failed.isEmpty()) {
        *error = tr("No element failed.");
        return false;
    }
    if (m_engine.isRunning()) {
        *error = tr("A job is already running.");
        return false;
    }
    // The failed elements' inputs become a small CSV dataset of their own.
    m_retryDir = std::make_unique<QTemporaryDir>();
    QFile file(m_retryDir->filePath(QStringLiteral("retry.csv")));
    if (!m_retryDir->isValid() || !file.open(QIODevice::WriteOnly)) {
        *error = tr("Cannot write the elements to retry: %1").arg(file.errorString());
        return false;
    }
    const QStringList columns = m_results->datasetColumns();
    QByteArray bytes;
    for (int c = 0; c < columns.size(); ++c) {
        if (c)
            bytes.append(',');
        ValueText::appendCsvText(bytes, columns.at(c).toUtf8());
    }
    bytes.append("\r\n");
    for (qint64 row : failed) {
        for (int c = 0; c < columns.size(); ++c) {
            if (c)
                bytes.append(',');
            // The field as the dataset spelled it, so the retry converts it exactly as the job did;
            // an empty one quoted, or a one-column file would have a blank line the reader skips.
            const std::string_view field = m_results->inputField(row, c);
            if (field.empty())
                bytes.append("\"\"");
            else
                ValueText::appendCsvText(bytes, field);
        }
        bytes.append("\r\n");
    }
    file.write(bytes);
    file.close();
    JobSpec spec = m_spec;
    spec.params = params;
    spec.input = file.fileName();
    spec.datasetOptions.format = DatasetFormat::Csv;
    spec.datasetOptions.csvDelimiter = ',';
    m_retrying = true;
    m_retryIndexes = failed;
    m_sink->setFile(nullptr);     // a retry is not a job of its own: it patches the table
    m_sink->setWantsInput(false); // ... with its outputs only
    if (!launch(spec, m_sink.get(), error)) {
        m_retrying = false;
        return false;
    }
    return true;
}

void JobController::pause()
{
    m_engine.pause();
}

void JobController::resume()
{
    m_engine.resume();
}

void JobController::cancel()
{
    // A job waiting for the charges answer (remote policy: nothing else runs) would wait on;
    // declining first lets the cancel through.
    m_engine.confirmCharges(false);
    m_engine.cancel(); // grace, then the hosts are killed: a hung function cannot keep the job
    m_cancelling = true;
}

void JobController::stopNow()
{
    m_engine.confirmCharges(false);
    m_engine.stopNow();
    m_cancelling = true;
}

void JobController::confirmCharges(bool accepted)
{
    m_engine.confirmCharges(accepted);
}

bool JobController::isRunning() const
{
    return m_engine.isRunning();
}

bool JobController::isPaused() const
{
    return m_engine.isPaused();
}

bool JobController::exportResults(const QString &path, QString *error) const
{
    ResultFormat format;
    if (!ResultWriter::formatFor(QString(), path, &format, error))
        return false;
    ResultWriterOptions options;
    options.keepInput = true;
    const std::unique_ptr<ResultWriter> writer = ResultWriter::create(format, path, options);
    return m_results->writeTo(writer.get(), error);
}

void JobController::onBegun(const QStringList &datasetColumns, const QStringList &outputColumns)
{
    if (!m_retrying)
        m_results->reset(datasetColumns, outputColumns);
}

void JobController::onBatch(const BatchResult &result)
{
    if (!m_retrying) {
        m_results->appendBatch(result);
        m_errors->appendFailures(result, m_results->datasetColumns());
        m_live.addBatch(result);
        emit liveDataChanged();
        return;
    }
    const Table &out = result.output.values();
    for (int r = 0; r < result.output.rowCount(); ++r) {
        const qint64 k = result.batch.firstRow + r;
        if (k < 0 || k >= m_retryIndexes.size())
            continue;
        m_results->replaceElement(m_retryIndexes.at(k), out, r,
                                  result.output.failed(r) ? result.output.error(r) : QString());
    }
}

void JobController::onProgress(const JobProgress &progress)
{
    if (m_run && progress.total >= 0)
        m_run->recordTotal(progress.total);
    if (!m_retrying) {
        m_live.addProgress(progress.elapsedSeconds, progress.done, progress.total, progress.cost);
        emit liveDataChanged();
    }
    emit progressChanged(progress);
}

void JobController::pollWorkers()
{
    m_workers->setStats(m_engine.workerStats());
}

void JobController::onFinished(const JobSummary &summary)
{
    m_workerPoll.stop();
    m_summary = summary;
    const bool recorded = m_run != nullptr;
    if (m_run) {
        m_run->finish(summary);
        m_run.reset();
    }
    m_sink->setFile(nullptr);
    m_writer.reset();
    if (!summary.workers.isEmpty())
        m_workers->setStats(summary.workers);
    if (m_retrying) {
        m_errors->rebuild(*m_results);
        m_retrying = false;
    }
    emit liveDataChanged();
    emit runningChanged(false);
    if (recorded)
        emit jobsChanged();
    emit finished(summary);
}

} // namespace fastmap
