// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QTableView;

namespace fastmap {

class WorkerTableModel;

// The remote workers: their state in the running job, and adding or removing them. Changes
// go to the workers file the engine re-reads, so they apply while a job runs.
class WorkersPanel : public QWidget
{
    Q_OBJECT
public:
    WorkersPanel(WorkerTableModel *model, QWidget *parent = nullptr);

    bool addWorker(const QString &url);
    void removeSelected();

signals:
    void workersChanged(const QStringList &urls);
    void tokenRequested();

private:
    WorkerTableModel *m_model;
    QTableView *m_table;
    QLineEdit *m_url;
    QLabel *m_problem;
};

} // namespace fastmap
