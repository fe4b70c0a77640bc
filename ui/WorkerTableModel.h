// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/RemoteStats.h"

#include <QAbstractTableModel>
#include <QList>
#include <QStringList>

namespace fastmap {

// The configured remote workers, with what each did in the current job.
class WorkerTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        UrlColumn,
        StateColumn,
        LatencyColumn,
        ElementsColumn,
        BatchesColumn,
        RateColumn,
        ChargeColumn,
        LastErrorColumn,
        ColumnCount
    };

    explicit WorkerTableModel(QObject *parent = nullptr);

    void setConfigured(const QStringList &urls);
    void setStats(const QList<RemoteStats> &stats);
    QStringList configured() const { return m_configured; }
    QString urlAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void rebuild();

    QStringList m_configured;
    QList<RemoteStats> m_stats;
    QList<RemoteStats> m_rows;
};

} // namespace fastmap
