// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <fastmap/Table.h>

#include <QAbstractTableModel>
#include <QStringList>

namespace fastmap {

// The first rows of a dataset, for the preview table.
class PreviewModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    explicit PreviewModel(QObject *parent = nullptr);

    void setPreview(const QStringList &columns, const Table &rows);
    QStringList columns() const { return m_columns; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QStringList m_columns;
    Table m_rows;
};

} // namespace fastmap
