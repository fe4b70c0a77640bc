// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractTableModel>
#include <QList>

namespace fastmap {

struct BatchResult;
class ResultTableModel;

// The failed elements of a job: index, input, message and the executor that ran it.
class ErrorTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    struct Row
    {
        qint64 index = 0;
        QString input;
        QString message;
        QString executor;
    };
    enum Column { IndexColumn, InputColumn, MessageColumn, ExecutorColumn, ColumnCount };

    explicit ErrorTableModel(QObject *parent = nullptr);

    void clear();
    void appendFailures(const BatchResult &result, const QStringList &datasetColumns);
    // Rebuilds the list from the results, e.g. after a retry.
    void rebuild(const ResultTableModel &results);

    const QList<Row> &rows() const { return m_rows; }
    QList<qint64> indexes() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<Row> m_rows;
};

} // namespace fastmap
