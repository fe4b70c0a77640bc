// SPDX-License-Identifier: GPL-3.0-or-later
#include "WorkersPanel.h"

#include "WorkerTableModel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QUrl>
#include <QVBoxLayout>

namespace fastmap {

WorkersPanel::WorkersPanel(WorkerTableModel *model, QWidget *parent)
    : QWidget(parent), m_model(model), m_table(new QTableView(this)), m_url(new QLineEdit(this)),
      m_problem(new QLabel(this))
{
    m_table->setModel(model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_url->setPlaceholderText(tr("https://host:8750"));
    m_url->setObjectName(QStringLiteral("workerUrl"));
    auto *add = new QPushButton(tr("Add worker"), this);
    auto *remove = new QPushButton(tr("Remove selected"), this);
    auto *token = new QPushButton(tr("Set token…"), this);
    auto *row = new QHBoxLayout;
    row->addWidget(m_url, 1);
    row->addWidget(add);
    row->addWidget(remove);
    row->addWidget(token);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addLayout(row);
    layout->addWidget(m_problem);
    connect(add, &QPushButton::clicked, this, [this] {
        if (addWorker(m_url->text().trimmed()))
            m_url->clear();
    });
    connect(m_url, &QLineEdit::returnPressed, add, &QPushButton::click);
    connect(remove, &QPushButton::clicked, this, &WorkersPanel::removeSelected);
    connect(token, &QPushButton::clicked, this, &WorkersPanel::tokenRequested);
}

bool WorkersPanel::addWorker(const QString &text)
{
    const QUrl url(text);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) ||
        url.host().isEmpty()) {
        m_problem->setText(tr("\"%1\" is not an http:// or https:// URL.").arg(text));
        return false;
    }
    QStringList urls = m_model->configured();
    if (!urls.contains(text))
        urls.append(text);
    m_problem->clear();
    m_model->setConfigured(urls);
    emit workersChanged(urls);
    return true;
}

void WorkersPanel::removeSelected()
{
    QStringList urls = m_model->configured();
    const auto rows = m_table->selectionModel()->selectedRows();
    for (const QModelIndex &index : rows)
        urls.removeAll(m_model->urlAt(index.row()));
    m_model->setConfigured(urls);
    emit workersChanged(urls);
}

} // namespace fastmap
