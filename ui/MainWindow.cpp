// SPDX-License-Identifier: GPL-3.0-or-later
#include "MainWindow.h"

#include "ChargesDialog.h"
#include "ColumnMappingForm.h"
#include "DatasetPanel.h"
#include "ErrorTableModel.h"
#include "FunctionPicker.h"
#include "JobController.h"
#include "JobHistoryModel.h"
#include "JobsPanel.h"
#include "LiveView.h"
#include "ParameterForm.h"
#include "ResultTableModel.h"
#include "RunSettingsForm.h"
#include "SettingsDialog.h"
#include "TokenStore.h"
#include "WorkerTableModel.h"
#include "WorkersPanel.h"
#include "plugin/PluginCatalog.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTime>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace fastmap {

MainWindow::MainWindow(PluginCatalog *catalog, QWidget *parent)
    : QMainWindow(parent), m_catalog(catalog), m_tokens(new TokenStore(this)),
      m_controller(new JobController(catalog, this))
{
    setWindowTitle(tr("Fastmap"));
    setObjectName(QStringLiteral("mainWindow"));
    setAcceptDrops(true);
    m_history = new JobHistoryModel(catalog, m_controller->storePath(), this);
    createTabs();
    auto *splitter = new QSplitter(this);
    splitter->addWidget(createSetupPanel());
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({440, 800});
    setCentralWidget(splitter);
    createActions();

    m_progressBar = new QProgressBar(this);
    m_progressBar->setMaximumWidth(240);
    m_progressBar->setRange(0, 1000);
    m_progressBar->setValue(0);
    m_status = new QLabel(tr("Open a dataset and pick a function."), this);
    m_status->setObjectName(QStringLiteral("statusText"));
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_progressBar);

    connect(m_controller, &JobController::progressChanged, this, &MainWindow::onProgress);
    connect(m_controller, &JobController::noteAdded, this, [this](const QString &note) {
        addLog(tr("note: %1").arg(note));
        m_status->setText(note);
    });
    connect(m_controller, &JobController::estimateReady, this, [this](const Estimate &estimate) {
        addLog(tr("Estimate:\n%1").arg(estimate.toText()));
        if (!estimate.remoteHelps && !estimate.reason.isEmpty())
            m_status->setText(tr("Remote workers would not help: %1").arg(estimate.reason));
    });
    connect(m_controller, &JobController::confirmationNeeded, this, &MainWindow::onConfirmationNeeded);
    connect(m_controller, &JobController::finished, this, &MainWindow::onFinished);
    connect(m_controller, &JobController::runningChanged, this, &MainWindow::onRunningChanged);
    connect(m_controller, &JobController::jobsChanged, m_history, &JobHistoryModel::refresh);
    connect(m_history, &JobHistoryModel::exportFinished, this, &MainWindow::onJobExported);
    if (!m_history->refresh())
        addLog(tr("The job history cannot be read: %1").arg(m_history->lastError()));

    m_dataset->setRecentFiles(m_settings.recentFiles());
    m_runSettings->setPolicy(m_settings.defaultPolicy());
    m_runSettings->setThreads(m_settings.threads());
    m_controller->workers()->setConfigured(m_settings.workers());
    m_runSettings->setWorkerCount(int(m_settings.workers().size()));
    if (!restoreGeometry(m_settings.windowGeometry()))
        resize(1280, 800);
    restoreState(m_settings.windowState());
    onRunningChanged(false);
}

MainWindow::~MainWindow() = default;

QWidget *MainWindow::createSetupPanel()
{
    auto *panel = new QWidget;
    m_dataset = new DatasetPanel(panel);
    m_picker = new FunctionPicker(m_catalog, panel);
    m_parameters = new ParameterForm(panel);
    m_mapping = new ColumnMappingForm(panel);
    m_runSettings = new RunSettingsForm(panel);
    auto *runButton = new QPushButton(tr("Run"), panel);
    runButton->setObjectName(QStringLiteral("runButton"));
    auto *layout = new QVBoxLayout(panel);
    layout->addWidget(m_dataset, 2);
    layout->addWidget(m_picker, 3);
    layout->addWidget(m_parameters);
    layout->addWidget(m_mapping);
    layout->addWidget(m_runSettings);
    layout->addWidget(runButton);
    connect(runButton, &QPushButton::clicked, this, &MainWindow::run);
    connect(m_dataset, &DatasetPanel::openRequested, this, &MainWindow::browseDataset);
    connect(m_dataset, &DatasetPanel::opened, this, [this](const QString &spec, const QStringList &columns) {
        m_mapping->setColumns(columns);
        if (QFileInfo::exists(spec)) {
            m_settings.addRecentFile(QFileInfo(spec).absoluteFilePath());
            m_dataset->setRecentFiles(m_settings.recentFiles());
        }
        m_status->setText(tr("Dataset %1 opened.").arg(QFileInfo(spec).fileName()));
    });
    connect(m_picker, &FunctionPicker::functionChanged, this, &MainWindow::onFunctionChanged);
    auto *scroll = new QScrollArea;
    scroll->setWidget(panel);
    scroll->setWidgetResizable(true);
    scroll->setMinimumWidth(380);
    return scroll;
}

void MainWindow::createTabs()
{
    m_tabs = new QTabWidget;
    m_resultsView = new QTableView;
    m_resultsView->setObjectName(QStringLiteral("resultsView"));
    // While a job runs the view shows the streaming model itself; the sorting proxy takes over
    // once it is done, so inserts never pay for the proxy's mapping.
    m_sorted = new QSortFilterProxyModel(this);
    m_sorted->setDynamicSortFilter(false);
    m_sorted->setSortRole(ResultTableModel::ValueRole); // numbers as numbers, not as their display text
    m_resultsView->setModel(m_controller->results());
    m_resultsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_resultsView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_resultsView->verticalHeader()->setDefaultSectionSize(m_resultsView->fontMetrics().height() + 6);
    m_live = new LiveView(m_controller);
    auto *errors = new QWidget;
    m_errorsView = new QTableView(errors);
    m_errorsView->setObjectName(QStringLiteral("errorsView"));
    m_errorsView->setModel(m_controller->errors());
    m_errorsView->horizontalHeader()->setStretchLastSection(true);
    auto *retry = new QPushButton(tr("Retry failed"), errors);
    retry->setObjectName(QStringLiteral("retryButton"));
    connect(retry, &QPushButton::clicked, this, &MainWindow::retryFailed);
    auto *errorsLayout = new QVBoxLayout(errors);
    errorsLayout->addWidget(m_errorsView, 1);
    errorsLayout->addWidget(retry, 0, Qt::AlignLeft);
    m_log = new QPlainTextEdit;
    m_log->setReadOnly(true);
    m_log->setObjectName(QStringLiteral("log"));
    m_workersPanel = new WorkersPanel(m_controller->workers());
    connect(m_workersPanel, &WorkersPanel::workersChanged, this, [this](const QStringList &urls) {
        m_settings.setWorkers(urls);
        m_runSettings->setWorkerCount(int(urls.size()));
        writeWorkersFile(urls);
    });
    connect(m_workersPanel, &WorkersPanel::tokenRequested, this, &MainWindow::showSettings);
    m_tabs->addTab(m_resultsView, tr("Results"));
    m_tabs->addTab(m_live, tr("Live"));
    m_tabs->addTab(errors, tr("Errors"));
    m_tabs->addTab(m_log, tr("Log"));
    m_tabs->addTab(m_workersPanel, tr("Workers"));
    m_jobsPanel = new JobsPanel(m_history);
    connect(m_jobsPanel, &JobsPanel::resumeRequested, this, &MainWindow::resumeJob);
    connect(m_jobsPanel, &JobsPanel::exportRequested, this, &MainWindow::exportJobDialog);
    connect(m_jobsPanel, &JobsPanel::removeRequested, this,
            [this](const QString &id) { removeJob(id, true); });
    connect(m_jobsPanel, &JobsPanel::logRequested, this, &MainWindow::showJobLog);
    m_tabs->addTab(m_jobsPanel, tr("Jobs"));
    // A job killed elsewhere turns from running to interrupted: look again when shown, and
    // every two seconds while it is shown (a running job's elements go up).
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (m_tabs->widget(index) == m_jobsPanel)
            m_history->refresh();
    });
    auto *historyPoll = new QTimer(this);
    historyPoll->setInterval(2000);
    connect(historyPoll, &QTimer::timeout, this, [this] {
        if (m_jobsPanel->isVisible())
            m_history->refresh();
    });
    historyPoll->start();
}

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open dataset…"), this, &MainWindow::browseDataset);
    open->setShortcut(QKeySequence::Open);
    QAction *exportResults = file->addAction(tr("&Export results…"), this, &MainWindow::exportResultsDialog);
    exportResults->setShortcut(QKeySequence(tr("Ctrl+E")));
    QAction *exportPlots = file->addAction(tr("Export &plots…"), this, &MainWindow::exportPlotsDialog);
    file->addSeparator();
    file->addAction(tr("&Settings…"), this, &MainWindow::showSettings);
    file->addSeparator();
    file->addAction(tr("&Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);

    QMenu *job = menuBar()->addMenu(tr("&Job"));
    m_runAction = job->addAction(tr("&Run"), this, &MainWindow::run);
    m_runAction->setShortcut(QKeySequence(tr("Ctrl+R")));
    m_pauseAction = job->addAction(tr("&Pause"), this, &MainWindow::togglePause);
    m_pauseAction->setShortcut(QKeySequence(tr("Ctrl+P")));
    m_cancelAction = job->addAction(tr("&Cancel"), this, &MainWindow::cancel);
    m_cancelAction->setShortcut(QKeySequence(Qt::Key_Escape));
    m_retryAction = job->addAction(tr("Re&try failed"), this, &MainWindow::retryFailed);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *copy = edit->addAction(tr("&Copy rows"), this, &MainWindow::copySelection);
    copy->setShortcut(QKeySequence::Copy);

    QToolBar *bar = addToolBar(tr("Job"));
    bar->setObjectName(QStringLiteral("jobToolBar"));
    bar->addAction(open);
    bar->addSeparator();
    bar->addAction(m_runAction);
    bar->addAction(m_pauseAction);
    bar->addAction(m_cancelAction);
    bar->addSeparator();
    bar->addAction(exportResults);
    bar->addAction(exportPlots);
}

void MainWindow::onFunctionChanged(const FunctionInfo *function)
{
    m_parameters->setFunction(function);
    m_mapping->setFunction(function);
}

bool MainWindow::openDataset(const QString &spec)
{
    return m_dataset->open(spec);
}

bool MainWindow::selectFunction(const QString &id)
{
    return m_picker->select(id);
}

QString MainWindow::workersFilePath() const
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) +
           QStringLiteral("/workers.txt");
}

void MainWindow::writeWorkersFile(const QStringList &urls)
{
    QDir().mkpath(QFileInfo(workersFilePath()).absolutePath());
    QFile file(workersFilePath());
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        file.write(QStringLiteral("# written by fastmap; edit the workers in the app\n%1\n")
                       .arg(urls.join(QLatin1Char('\n')))
                       .toUtf8());
}

bool MainWindow::run()
{
    if (m_controller->isRunning())
        return false;
    QString error;
    if (m_dataset->spec().isEmpty())
        error = tr("Open a dataset first.");
    else if (m_picker->currentId().isEmpty())
        error = tr("Pick a function first.");
    else
        m_parameters->validate(&error);
    if (!error.isEmpty()) {
        m_status->setText(error);
        return false;
    }
    JobSpec spec;
    spec.functionId = m_picker->currentId();
    spec.params = m_parameters->values();
    spec.input = m_dataset->spec();
    spec.mapping = m_mapping->mapping();
    spec.threads = m_runSettings->threads();
    spec.policy = m_runSettings->policy();
    spec.batchTargetSeconds = m_settings.batchSeconds();
    spec.maxCost = m_settings.spendCap();
    spec.chargesConfirmed = !m_settings.confirmCharges();
    m_settings.applyIsolation(&spec); // process by default: a crashing function never takes the window
    const QStringList workers = m_settings.workers();
    if (spec.policy != JobSpec::Policy::Local) {
        // Always through the file, even empty: the engine re-reads it, so workers added or
        // removed in the Workers tab join or leave the running job.
        writeWorkersFile(workers);
        spec.workersFile = workersFilePath();
        spec.token = m_tokens->load();
        if (!workers.isEmpty() && m_tokens->usedFallback())
            addLog(m_tokens->warning());
    }
    m_controller->setCacheMode(m_settings.cacheMode());
    m_controller->setStoreLimit(m_settings.storeLimit());
    prepareResultsView();
    if (!m_controller->start(spec, &error)) {
        m_status->setText(tr("Cannot start: %1").arg(error));
        addLog(tr("Cannot start: %1").arg(error));
        return false;
    }
    const FunctionInfo *function = m_catalog->find(spec.functionId);
    m_live->setOutputColumns(function ? function->outputs : QList<ColumnSpec>());
    m_live->clearRedrawStats();
    addLog(tr("Started %1 on %2.").arg(spec.functionId, spec.input));
    addLog(tr("Job %1; results go to %2.")
               .arg(m_controller->currentJobId(), QDir::toNativeSeparators(m_controller->lastOutputPath())));
    m_status->setText(tr("Running…"));
    return true;
}

void MainWindow::prepareResultsView()
{
    m_resultsView->setSortingEnabled(false);
    m_resultsView->setModel(m_controller->results());
    m_sorted->setSourceModel(nullptr);
}

bool MainWindow::resumeJob(const QString &jobId)
{
    if (jobId.isEmpty() || m_controller->isRunning())
        return false;
    JobRecord job;
    const bool remote =
        m_history->find(jobId, &job) && job.spec.value("policy").toString() != QLatin1String("local");
    const QByteArray token = remote ? m_tokens->load() : QByteArray();
    prepareResultsView();
    QString error;
    if (!m_controller->resumeJob(jobId, token, !m_settings.confirmCharges(), &error)) {
        m_status->setText(tr("Cannot resume: %1").arg(error));
        addLog(tr("Cannot resume: %1").arg(error));
        return false;
    }
    const FunctionInfo *function = m_catalog->find(m_controller->lastSpec().functionId);
    m_live->setOutputColumns(function ? function->outputs : QList<ColumnSpec>());
    m_live->clearRedrawStats();
    addLog(tr("Resumed job %1; results go to %2.")
               .arg(jobId, QDir::toNativeSeparators(m_controller->lastOutputPath())));
    m_status->setText(tr("Running…"));
    return true;
}

bool MainWindow::exportJob(const QString &jobId, const QString &path)
{
    if (jobId.isEmpty())
        return false;
    // The plots are this session's live data: only the job that produced them gets them.
    QList<QPair<QString, QByteArray>> plots;
    if (jobId == m_controller->currentJobId() && !m_controller->isRunning())
        plots = m_live->plotImages();
    else
        addLog(tr("Job %1: the bundle has no plots, as the live plots are not of this job (it ran in an "
                  "earlier session or before the last job).")
                   .arg(jobId));
    QString error;
    if (!m_history->startExport(jobId, path, plots, &error)) {
        m_status->setText(tr("Export failed: %1").arg(error));
        addLog(m_status->text());
        return false;
    }
    m_status->setText(tr("Writing job %1 to %2…").arg(jobId, QDir::toNativeSeparators(path)));
    return true;
}

void MainWindow::onJobExported(const QString &jobId, const QString &path, const QString &error)
{
    if (error.isEmpty())
        m_status->setText(tr("Job %1 written to %2.").arg(jobId, QDir::toNativeSeparators(path)));
    else
        m_status->setText(tr("Export failed: %1").arg(error));
    addLog(m_status->text());
    emit jobExported(jobId, path, error);
}

bool MainWindow::removeJob(const QString &jobId, bool confirm)
{
    if (jobId.isEmpty())
        return false;
    if (confirm &&
        QMessageBox::question(this, tr("Remove job"),
                              tr("Remove job %1 and its stored results? It cannot be resumed or exported "
                                 "afterwards. Its result file is kept.")
                                  .arg(jobId)) != QMessageBox::Yes)
        return false;
    QString error;
    if (!m_history->remove(jobId, &error)) {
        m_status->setText(tr("Cannot remove: %1").arg(error));
        return false;
    }
    m_status->setText(tr("Job %1 removed.").arg(jobId));
    addLog(m_status->text());
    return true;
}

QString MainWindow::jobLogText(const QString &jobId) const
{
    QString error;
    const QByteArray csv = m_history->jobLog(jobId, &error);
    if (!error.isEmpty())
        return error;
    // Aligned columns read better than CSV.
    QList<QStringList> rows;
    QList<int> widths;
    for (const QByteArray &line : csv.split('\n')) {
        const QString text = QString::fromUtf8(line).trimmed();
        if (text.isEmpty())
            continue;
        const QStringList cells = text.split(QLatin1Char(','));
        for (int c = 0; c < cells.size(); ++c) {
            if (c >= widths.size())
                widths.append(0);
            widths[c] = qMax(widths[c], int(cells[c].size()));
        }
        rows.append(cells);
    }
    QString out;
    for (const QStringList &cells : std::as_const(rows)) {
        for (int c = 0; c < cells.size(); ++c)
            out += (c == 0 ? cells[c].leftJustified(widths[c])
                           : QStringLiteral("  ") + cells[c].rightJustified(widths[c]));
        out += QLatin1Char('\n');
    }
    return out;
}

void MainWindow::showJobLog(const QString &jobId)
{
    if (jobId.isEmpty())
        return;
    auto *dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("jobLogDialog"));
    dialog->setWindowTitle(tr("Job log of %1").arg(jobId));
    auto *text = new QPlainTextEdit(dialog);
    text->setReadOnly(true);
    text->setLineWrapMode(QPlainTextEdit::NoWrap);
    text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    text->setPlainText(jobLogText(jobId));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto *layout = new QVBoxLayout(dialog);
    layout->addWidget(text, 1);
    layout->addWidget(buttons);
    dialog->resize(820, 480);
    dialog->open();
}

void MainWindow::exportJobDialog(const QString &jobId)
{
    if (jobId.isEmpty())
        return;
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export job"), QStringLiteral("fastmap-job-%1.zip").arg(jobId),
                                     tr("Zip archive (*.zip);;Zstandard tar archive (*.tar.zst)"));
    if (!path.isEmpty())
        exportJob(jobId, path);
}

void MainWindow::togglePause()
{
    if (!m_controller->isRunning())
        return;
    if (m_controller->isPaused()) {
        m_controller->resume();
        m_pauseAction->setText(tr("&Pause"));
    } else {
        m_controller->pause();
        m_pauseAction->setText(tr("Res&ume"));
    }
}

void MainWindow::cancel()
{
    if (!m_controller->isRunning())
        return;
    if (m_controller->isCancelling()) { // a second Cancel: no more waiting
        m_controller->stopNow();
        addLog(tr("Stopping now; finished rows are kept."));
        return;
    }
    m_controller->cancel();
    const double grace = m_controller->lastSpec().stopGraceSeconds;
    const QString line =
        grace > 0 ? tr("Stopping: running batches get %1 s to finish, then the function is stopped; finished "
                       "rows are kept. Cancel again to stop at once.")
                        .arg(grace)
                  : tr("Stopping now; finished rows are kept.");
    m_status->setText(line);
    addLog(line);
}

bool MainWindow::retryFailed()
{
    QString error;
    if (!m_parameters->validate(&error) || !m_controller->retryFailed(m_parameters->values(), &error)) {
        m_status->setText(error);
        return false;
    }
    addLog(tr("Retrying %n failed element(s).", nullptr, int(m_controller->errors()->rowCount())));
    return true;
}

void MainWindow::onProgress(const JobProgress &p)
{
    if (p.total > 0)
        m_progressBar->setValue(int(1000.0 * double(p.done) / double(p.total)));
    QString text = p.total > 0 ? tr("%L1 of %L2").arg(p.done).arg(p.total) : tr("%L1 done").arg(p.done);
    text += QStringLiteral(" · ") + tr("%L1/s").arg(p.rate, 0, 'f', 0);
    if (p.etaSeconds >= 0)
        text += QStringLiteral(" · ") + tr("ETA %1").arg(ChargesDialog::formatDuration(p.etaSeconds));
    if (p.cost > 0)
        text += QStringLiteral(" · ") + tr("cost $%1").arg(p.cost, 0, 'f', 4);
    if (p.failed > 0)
        text += QStringLiteral(" · ") + tr("%n failed", nullptr, int(p.failed));
    if (p.paused)
        text += QStringLiteral(" · ") + tr("paused");
    m_status->setText(text);
}

void MainWindow::onConfirmationNeeded(const Estimate &estimate)
{
    addLog(tr("Paid remote workers would cost about $%1; asking.").arg(estimate.cost, 0, 'f', 4));
    m_charges = new ChargesDialog(estimate, m_settings.spendCap(), this);
    m_charges->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_charges, &ChargesDialog::answered, this, [this](ChargesDialog::Answer answer) {
        if (m_charges)
            m_settings.setSpendCap(m_charges->spendCap());
        switch (answer) {
        case ChargesDialog::RunRemote:
            addLog(tr("Using the remote workers."));
            m_controller->confirmCharges(true);
            break;
        case ChargesDialog::RunLocal:
            addLog(tr("Going on with local threads only."));
            m_controller->confirmCharges(false);
            break;
        case ChargesDialog::CancelJob:
            m_controller->confirmCharges(false);
            m_controller->cancel();
            break;
        }
    });
    m_charges->open();
    if (!m_screenshotPath.isEmpty()) // screenshots: a picture of the dialog, then accept
        QTimer::singleShot(500, this, [this] {
            if (!m_charges)
                return;
            const QFileInfo info(m_screenshotPath);
            m_charges->grab().save(info.absolutePath() + QLatin1Char('/') + info.completeBaseName() +
                                   QStringLiteral("-charges.png"));
            m_charges->button(ChargesDialog::RunRemote)->click();
        });
}

void MainWindow::onFinished(const JobSummary &summary)
{
    if (m_charges)
        m_charges->close();
    const QString status = jobStatusName(summary.status);
    QString line = tr("Finished (%1): %L2 elements in %3 s")
                       .arg(status)
                       .arg(summary.elements)
                       .arg(summary.seconds, 0, 'f', 2);
    if (summary.failed > 0)
        line += QStringLiteral("; ") + tr("%n failed", nullptr, int(summary.failed));
    if (summary.remoteUsed || summary.cost > 0)
        line += QStringLiteral("; ") + tr("remote cost $%1").arg(summary.cost, 0, 'f', 4);
    if (summary.crashedElements > 0)
        line += QStringLiteral("; ") +
                tr("%n element(s) crashed the function and failed alone", nullptr, int(summary.crashedElements));
    addLog(line);
    if (!summary.message.isEmpty())
        addLog(summary.message);
    if (summary.crashedElements > 0)
        addLog(tr("The function took its host process down on %n element(s); each was found and failed on "
                  "its own (see the Errors tab), and every other element has its result.",
                  nullptr, int(summary.crashedElements)));
    if (summary.abandonedThreads > 0)
        addLog(tr("%n thread(s) were still inside the function when the job stopped; they are left to it "
                  "until the app quits. Process isolation (Settings) stops such a function for good.",
                  nullptr, summary.abandonedThreads));
    m_status->setText(line);
    if (summary.status == JobStatus::Completed || summary.status == JobStatus::CompletedWithFailures)
        m_progressBar->setValue(1000);
    // Sortable now that every row is in; keep the input order until the user picks a column.
    m_sorted->setSourceModel(m_controller->results());
    m_sorted->sort(-1);
    m_resultsView->setModel(m_sorted);
    m_resultsView->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_resultsView->setSortingEnabled(true);
    m_resultsView->resizeColumnsToContents();
    m_live->redraw();
    addLog(tr("Live view: %n redraw(s), %1 ms in all.", nullptr, m_live->redrawCount())
               .arg(m_live->redrawSeconds() * 1000, 0, 'f', 1));
    emit jobFinished(summary);
    if (!m_screenshotPath.isEmpty())
        QTimer::singleShot(300, this, &MainWindow::takeScreenshots);
}

void MainWindow::onRunningChanged(bool running)
{
    m_runAction->setEnabled(!running);
    m_pauseAction->setEnabled(running);
    m_cancelAction->setEnabled(running);
    m_retryAction->setEnabled(!running);
    m_jobsPanel->setJobRunning(running);
    if (!running)
        m_pauseAction->setText(tr("&Pause"));
}

void MainWindow::addLog(const QString &line)
{
    m_log->appendPlainText(
        QStringLiteral("[%1] %2").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), line));
}

ChargesDialog *MainWindow::chargesDialog() const
{
    return m_charges;
}

QString MainWindow::logText() const
{
    return m_log->toPlainText();
}

QString MainWindow::statusText() const
{
    return m_status->text();
}

void MainWindow::copySelection()
{
    QList<int> rows;
    const auto selected = m_resultsView->selectionModel()->selectedRows();
    for (const QModelIndex &index : selected)
        rows.append(m_resultsView->model() == m_sorted ? m_sorted->mapToSource(index).row() : index.row());
    std::sort(rows.begin(), rows.end());
    QApplication::clipboard()->setText(m_controller->results()->toTsv(rows));
}

bool MainWindow::exportResults(const QString &path)
{
    QString error;
    if (!m_controller->exportResults(path, &error)) {
        m_status->setText(tr("Export failed: %1").arg(error));
        return false;
    }
    m_status->setText(tr("Results written to %1.").arg(QDir::toNativeSeparators(path)));
    return true;
}

bool MainWindow::exportPlots(const QString &path)
{
    QString error;
    if (!m_live->exportTo(path, &error)) {
        m_status->setText(error);
        return false;
    }
    m_status->setText(tr("Plots written to %1.").arg(QDir::toNativeSeparators(path)));
    return true;
}

void MainWindow::browseDataset()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open dataset"), QString(),
                                     tr("Datasets (*.csv *.tsv *.jsonl *.ndjson *.txt);;All files (*)"));
    if (!path.isEmpty())
        openDataset(path);
}

void MainWindow::exportResultsDialog()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export results"), QStringLiteral("results.csv"), tr("CSV (*.csv);;JSON Lines (*.jsonl)"));
    if (!path.isEmpty())
        exportResults(path);
}

void MainWindow::exportPlotsDialog()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export plots"), QStringLiteral("plots.png"),
                                                      tr("PNG (*.png);;SVG (*.svg)"));
    if (!path.isEmpty())
        exportPlots(path);
}

void MainWindow::showSettings()
{
    SettingsDialog dialog(&m_settings, m_tokens, this);
    if (dialog.exec() == QDialog::Accepted) {
        m_runSettings->setPolicy(m_settings.defaultPolicy());
        m_runSettings->setThreads(m_settings.threads());
    }
}

void MainWindow::setScreenshotOnFinish(const QString &path)
{
    m_screenshotPath = path;
}

void MainWindow::takeScreenshots()
{
    const QString base = m_screenshotPath;
    m_screenshotPath.clear();
    const QFileInfo info(base);
    const QString stem = info.absolutePath() + QLatin1Char('/') + info.completeBaseName();
    m_tabs->setCurrentWidget(m_live);
    m_live->redraw();
    QApplication::processEvents();
    grab().save(stem + QStringLiteral("-live.png"));
    m_tabs->setCurrentWidget(m_resultsView);
    QApplication::processEvents();
    grab().save(base);
    emit screenshotTaken(base);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_settings.setWindow(saveGeometry(), saveState());
    if (m_controller->isRunning())
        m_controller->cancel();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls() && event->mimeData()->urls().first().isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile()) {
        openDataset(urls.first().toLocalFile());
        event->acceptProposedAction();
    }
}

} // namespace fastmap
