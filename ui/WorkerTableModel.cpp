// SPDX-License-Identifier: GPL-3.0-or-later
#include "WorkerTableModel.h"

namespace fastmap {

WorkerTableModel::WorkerTableModel(QObject *parent) : QAbstractTableModel(parent)
{}

void WorkerTableModel::setConfigured(const QStringList &urls)
{
    m_configured = urls;
    rebuild();
}

void WorkerTableModel::setStats(const QList<RemoteStats> &stats)
{
    m_stats = stats;
    rebuild();
}

void WorkerTableModel::rebuild()
{
    QList<RemoteStats> rows;
    for (const QString &url : m_configured) {
        RemoteStats row;
        row.url = url;
        row.state = tr("idle");
        rows.append(row);
    }
    for (const RemoteStats &stats : m_stats) {
        bool found = false;
        for (RemoteStats &row : rows) {
            if (row.url == stats.url) {
                row = stats;
                found = true;
            }
        }
        if (!found)
            rows.append(stats);
    }
    if (rows.size() == m_rows.size()) {
        m_rows = rows;
        if (!m_rows.isEmpty())
            emit dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

QString WorkerTableModel::urlAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).url : QString();
}

int WorkerTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int WorkerTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant WorkerTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return {};
    const RemoteStats &w = m_rows.at(index.row());
    switch (index.column()) {
    case UrlColumn: return w.url;
    case StateColumn: return w.state;
    case LatencyColumn: return w.rttSeconds > 0 ? tr("%1 ms").arg(w.rttSeconds * 1000, 0, 'f', 1) : QString();
    case ElementsColumn: return w.elements;
    case BatchesColumn: return w.batches;
    case RateColumn:
        return w.busySeconds > 0 ? tr("%1/s").arg(double(w.elements) / w.busySeconds, 0, 'f', 0) : QString();
    case ChargeColumn: return QStringLiteral("$%1").arg(w.charge, 0, 'f', 4);
    case LastErrorColumn: return w.lastError;
    default: return {};
    }
}

QVariant WorkerTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole || orientation != Qt::Horizontal)
        return {};
    switch (section) {
    case UrlColumn: return tr("Worker");
    case StateColumn: return tr("State");
    case LatencyColumn: return tr("Latency");
    case ElementsColumn: return tr("Elements");
    case BatchesColumn: return tr("Batches");
    case RateColumn: return tr("Throughput");
    case ChargeColumn: return tr("Charge");
    case LastErrorColumn: return tr("Last error");
    default: return {};
    }
}

} // namespace fastmap
