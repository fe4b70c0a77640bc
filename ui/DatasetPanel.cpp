// SPDX-License-Identifier: GPL-3.0-or-later
#include "DatasetPanel.h"

#include "PreviewModel.h"
#include "dataset/Dataset.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace fastmap {

namespace {
constexpr int kPreviewRows = 20;
}

DatasetPanel::DatasetPanel(QWidget *parent)
    : QGroupBox(tr("Dataset"), parent), m_path(new QLineEdit(this)), m_recent(new QMenu(this)),
      m_table(new QTableView(this)), m_status(new QLabel(this)), m_preview(new PreviewModel(this))
{
    m_path->setPlaceholderText(tr("A CSV, JSON Lines or text file, or range:N"));
    m_path->setObjectName(QStringLiteral("datasetPath"));
    auto *browse = new QPushButton(tr("Open…"), this);
    auto *recent = new QToolButton(this);
    recent->setText(tr("Recent"));
    recent->setMenu(m_recent);
    recent->setPopupMode(QToolButton::InstantPopup);
    m_table->setModel(m_preview);
    m_table->setObjectName(QStringLiteral("previewTable"));
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->setMinimumHeight(120);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_status->setWordWrap(true);

    auto *row = new QHBoxLayout;
    row->addWidget(m_path, 1);
    row->addWidget(browse);
    row->addWidget(recent);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(row);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_status);

    connect(browse, &QPushButton::clicked, this, &DatasetPanel::openRequested);
    connect(m_path, &QLineEdit::returnPressed, this, [this] { open(m_path->text().trimmed()); });
}

bool DatasetPanel::open(const QString &spec)
{
    QStringList columns;
    InputError error;
    const Table rows = Dataset::preview(spec, kPreviewRows, &columns, &error);
    m_path->setText(spec);
    if (columns.isEmpty()) {
        m_error = error.toString();
        m_status->setText(tr("Cannot open the dataset: %1").arg(m_error));
        m_preview->setPreview({}, {});
        m_spec.clear();
        return false;
    }
    m_error.clear();
    m_spec = spec;
    m_preview->setPreview(columns, rows);
    m_status->setText(
        error.isSet() ? tr("%1 columns; reading stopped early: %2").arg(columns.size()).arg(error.toString())
                      : tr("%n column(s); the first rows are shown.", nullptr, int(columns.size())));
    emit opened(spec, columns);
    return true;
}

QStringList DatasetPanel::columns() const
{
    return m_preview->columns();
}

void DatasetPanel::setRecentFiles(const QStringList &files)
{
    m_recent->clear();
    for (const QString &file : files) {
        QAction *action = m_recent->addAction(QFileInfo(file).fileName());
        action->setToolTip(file);
        connect(action, &QAction::triggered, this, [this, file] { open(file); });
    }
    m_recent->setEnabled(!files.isEmpty());
}

} // namespace fastmap
