// SPDX-License-Identifier: GPL-3.0-or-later
#include "JobsPanel.h"

#include "JobHistoryModel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace fastmap {

JobsPanel::JobsPanel(JobHistoryModel *model, QWidget *parent)
    : QWidget(parent), m_model(model), m_table(new QTableView(this)),
      m_resume(new QPushButton(tr("Resume"), this)), m_export(new QPushButton(tr("Export…"), this)),
      m_remove(new QPushButton(tr("Remove"), this)), m_log(new QPushButton(tr("Show log"), this))
{
    m_table->setObjectName(QStringLiteral("jobsView"));
    m_table->setModel(model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_resume->setObjectName(QStringLiteral("resumeJobButton"));
    m_resume->setToolTip(tr("Finish a stopped or interrupted job: only what is unfinished is computed."));
    m_export->setObjectName(QStringLiteral("exportJobButton"));
    m_export->setToolTip(tr("Write the results, errors, job log, manifest and plots to a .zip or .tar.zst."));
    m_remove->setObjectName(QStringLiteral("removeJobButton"));
    m_remove->setToolTip(tr("Remove the job and its stored results; the result file is kept."));
    m_log->setObjectName(QStringLiteral("jobLogButton"));
    m_log->setToolTip(tr("The job log: one line per batch."));

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_resume);
    buttons->addWidget(m_export);
    buttons->addWidget(m_log);
    buttons->addStretch(1);
    buttons->addWidget(m_remove);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);

    connect(m_resume, &QPushButton::clicked, this, [this] { emit resumeRequested(selectedJobId()); });
    connect(m_export, &QPushButton::clicked, this, [this] {
        emit exportRequested(selectedJobId());
        updateButtons(); // one export at a time
    });
    connect(model, &JobHistoryModel::exportFinished, this, &JobsPanel::updateButtons);
    connect(m_remove, &QPushButton::clicked, this, [this] { emit removeRequested(selectedJobId()); });
    connect(m_log, &QPushButton::clicked, this, [this] { emit logRequested(selectedJobId()); });
    connect(m_table, &QTableView::doubleClicked, this, [this] { emit logRequested(selectedJobId()); });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &JobsPanel::updateButtons);
    connect(model, &QAbstractItemModel::dataChanged, this, &JobsPanel::updateButtons); // a state changed
    // A refresh keeps the selected job selected.
    connect(model, &QAbstractItemModel::modelAboutToBeReset, this,
            [this] { m_keptSelection = selectedJobId(); });
    connect(model, &QAbstractItemModel::modelReset, this, [this] {
        m_table->resizeColumnsToContents();
        selectJob(m_keptSelection);
    });
    updateButtons();
}

QString JobsPanel::selectedJobId() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : m_model->jobIdAt(rows.first().row());
}

void JobsPanel::selectJob(const QString &jobId)
{
    const int row = m_model->rowOf(jobId);
    if (row >= 0)
        m_table->selectRow(row);
    else
        m_table->clearSelection();
    updateButtons();
}

void JobsPanel::setJobRunning(bool running)
{
    m_jobRunning = running;
    updateButtons();
}

void JobsPanel::updateButtons()
{
    const QString id = selectedJobId();
    const int row = m_model->rowOf(id);
    const QString state =
        row >= 0 ? m_model->index(row, 0).data(JobHistoryModel::StateRole).toString() : QString();
    m_resume->setEnabled(row >= 0 && !m_jobRunning && JobHistoryModel::canResume(state));
    m_export->setEnabled(row >= 0 && state != QLatin1String("running") && !m_model->isExporting());
    m_remove->setEnabled(row >= 0 && JobHistoryModel::canRemove(state));
    m_log->setEnabled(row >= 0);
}

} // namespace fastmap
