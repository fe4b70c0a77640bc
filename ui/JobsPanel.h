// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QPushButton;
class QTableView;

namespace fastmap {

class JobHistoryModel;

// The Jobs tab: the job history with Resume, Export…, Remove and Show log for the selected
// job. It only asks; MainWindow does.
class JobsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit JobsPanel(JobHistoryModel *model, QWidget *parent = nullptr);

    QString selectedJobId() const;
    void selectJob(const QString &jobId);
    QTableView *view() const { return m_table; }
    // Whether the job ran by the window is running: then nothing can be resumed.
    void setJobRunning(bool running);

signals:
    void resumeRequested(const QString &jobId);
    void exportRequested(const QString &jobId);
    void removeRequested(const QString &jobId);
    void logRequested(const QString &jobId);

private:
    void updateButtons();

    JobHistoryModel *m_model;
    QTableView *m_table;
    QPushButton *m_resume;
    QPushButton *m_export;
    QPushButton *m_remove;
    QPushButton *m_log;
    bool m_jobRunning = false;
    QString m_keptSelection;
};

} // namespace fastmap
