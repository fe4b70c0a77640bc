// SPDX-License-Identifier: GPL-3.0-or-later
#include "ErrorTableModel.h"

#include "ResultTableModel.h"
#include "engine/Batch.h"

namespace fastmap {

ErrorTableModel::ErrorTableModel(QObject *parent) : QAbstractTableModel(parent)
{}

void ErrorTableModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

void ErrorTableModel::appendFailures(const BatchResult &result, const QStringList &datasetColumns)
{
    if (!result.output.hasFailures())
        return;
    QList<Row> added;
    const Table &kept = result.batch.kept;
    for (int r = 0; r < result.output.rowCount(); ++r) {
        if (!result.output.failed(r))
            continue;
        QStringList parts;
        for (int c = 0; c < datasetColumns.size(); ++c) {
            const QVariant v = c < kept.columnCount() && r < kept.rowCount() ? kept.value(r, c) : QVariant();
            parts.append(datasetColumns.at(c) + QLatin1Char('=') + v.toString());
        }
        added.append({result.batch.firstRow + r, parts.join(QStringLiteral(", ")), result.output.error(r),
                      result.executor});
    }
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + added.size() - 1));
    m_rows.append(added);
    endInsertRows();
}

void ErrorTableModel::rebuild(const ResultTableModel &results)
{
    beginResetModel();
    m_rows.clear();
    for (qint64 row : results.failedRows())
        m_rows.append({row, results.inputText(row), results.error(row), results.executor(row)});
    endResetModel();
}

QList<qint64> ErrorTableModel::indexes() const
{
    QList<qint64> out;
    for (const Row &row : m_rows)
        out.append(row.index);
    return out;
}

int ErrorTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ErrorTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ErrorTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return {};
    const Row &row = m_rows.at(index.row());
    switch (index.column()) {
    case IndexColumn: return row.index;
    case InputColumn: return row.input;
    case MessageColumn: return row.message;
    case ExecutorColumn: return row.executor;
    default: return {};
    }
}

QVariant ErrorTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole || orientation != Qt::Horizontal)
        return {};
    switch (section) {
    case IndexColumn: return tr("Element");
    case InputColumn: return tr("Input");
    case MessageColumn: return tr("Message");
    case ExecutorColumn: return tr("Executor");
    default: return {};
    }
}

} // namespace fastmap
