// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "AppSettings.h"
#include "engine/JobTypes.h"

#include <QMainWindow>
#include <QPointer>

class QAction;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;

namespace fastmap {

class ChargesDialog;
class ColumnMappingForm;
class DatasetPanel;
class FunctionPicker;
class JobController;
class JobHistoryModel;
class JobsPanel;
class LiveView;
class ParameterForm;
class PluginCatalog;
class RunSettingsForm;
class TokenStore;
class WorkersPanel;
struct FunctionInfo;

// The desktop app's window: job setup on the left, results, live plots, errors, log and
// workers on the right. It only wires widgets to JobController and the settings.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(PluginCatalog *catalog, QWidget *parent = nullptr);
    ~MainWindow() override;

    bool openDataset(const QString &spec);
    bool selectFunction(const QString &id);
    // Starts a job from the form; false (with the reason in the status bar) when it cannot.
    bool run();
    void togglePause();
    void cancel();
    bool retryFailed();
    bool exportResults(const QString &path);
    bool exportPlots(const QString &path);
    // The job history's actions, as the Jobs tab's buttons do them (without dialogs).
    bool resumeJob(const QString &jobId);
    // Starts writing the job's bundle, with the live plots when they are that job's (this
    // session's run); jobExported() says when it is written. False when it cannot start.
    bool exportJob(const QString &jobId, const QString &path);
    // With `confirm`, asks first.
    bool removeJob(const QString &jobId, bool confirm);
    QString jobLogText(const QString &jobId) const;
    // After the next job finishes, saves a picture of the window (and one per tab) to `path`.
    void setScreenshotOnFinish(const QString &path);

    DatasetPanel *datasetPanel() const { return m_dataset; }
    FunctionPicker *functionPicker() const { return m_picker; }
    ParameterForm *parameterForm() const { return m_parameters; }
    ColumnMappingForm *mappingForm() const { return m_mapping; }
    RunSettingsForm *runSettings() const { return m_runSettings; }
    JobController *controller() const { return m_controller; }
    QTableView *resultsView() const { return m_resultsView; }
    QTableView *errorsView() const { return m_errorsView; }
    QTabWidget *tabs() const { return m_tabs; }
    LiveView *liveView() const { return m_live; }
    WorkersPanel *workersPanel() const { return m_workersPanel; }
    JobsPanel *jobsPanel() const { return m_jobsPanel; }
    JobHistoryModel *jobHistory() const { return m_history; }
    TokenStore *tokenStore() const { return m_tokens; }
    ChargesDialog *chargesDialog() const;
    QString logText() const;
    QString statusText() const;
    AppSettings &settings() { return m_settings; }
    void copySelection();

signals:
    void jobFinished(const fastmap::JobSummary &summary);
    void screenshotTaken(const QString &path);
    // `error` is empty when the bundle was written.
    void jobExported(const QString &jobId, const QString &path, const QString &error);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createActions();
    QWidget *createSetupPanel();
    void createTabs();
    void onFunctionChanged(const FunctionInfo *function);
    void onProgress(const JobProgress &progress);
    void onConfirmationNeeded(const Estimate &estimate);
    void onFinished(const JobSummary &summary);
    void onRunningChanged(bool running);
    void addLog(const QString &line);
    void writeWorkersFile(const QStringList &urls);
    QString workersFilePath() const;
    void browseDataset();
    void exportResultsDialog();
    void exportPlotsDialog();
    void exportJobDialog(const QString &jobId);
    void onJobExported(const QString &jobId, const QString &path, const QString &error);
    void showJobLog(const QString &jobId);
    void prepareResultsView();
    void showSettings();
    void takeScreenshots();

    PluginCatalog *m_catalog;
    AppSettings m_settings;
    TokenStore *m_tokens;
    JobController *m_controller;
    DatasetPanel *m_dataset;
    FunctionPicker *m_picker;
    ParameterForm *m_parameters;
    ColumnMappingForm *m_mapping;
    RunSettingsForm *m_runSettings;
    QTabWidget *m_tabs;
    QTableView *m_resultsView;
    QSortFilterProxyModel *m_sorted;
    QTableView *m_errorsView;
    QPlainTextEdit *m_log;
    LiveView *m_live;
    WorkersPanel *m_workersPanel;
    JobHistoryModel *m_history;
    JobsPanel *m_jobsPanel;
    QProgressBar *m_progressBar;
    QLabel *m_status;
    QAction *m_runAction;
    QAction *m_pauseAction;
    QAction *m_cancelAction;
    QAction *m_retryAction;
    QPointer<ChargesDialog> m_charges;
    QString m_screenshotPath;
};

} // namespace fastmap
