// SPDX-License-Identifier: GPL-3.0-or-later
#include "PreviewModel.h"

namespace fastmap {

PreviewModel::PreviewModel(QObject *parent) : QAbstractTableModel(parent)
{}

void PreviewModel::setPreview(const QStringList &columns, const Table &rows)
{
    beginResetModel();
    m_columns = columns;
    m_rows = rows;
    endResetModel();
}

int PreviewModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows.rowCount();
}

int PreviewModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_columns.size());
}

QVariant PreviewModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || role != Qt::DisplayRole || index.column() >= m_rows.columnCount())
        return {};
    return m_rows.value(index.row(), index.column());
}

QVariant PreviewModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    return orientation == Qt::Horizontal ? QVariant(m_columns.value(section)) : QVariant(section);
}

} // namespace fastmap
