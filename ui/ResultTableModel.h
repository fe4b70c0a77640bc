// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/Batch.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QStringList>

#include <vector>

namespace fastmap {

class ResultSink;

// The results of one job as they stream in: dataset columns, output columns, then "error".
// Rows are kept as the engine's batches, so appending costs one insert per batch.
class ResultTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    explicit ResultTableModel(QObject *parent = nullptr);

    void reset(const QStringList &datasetColumns, const QStringList &outputColumns);
    void appendBatch(const BatchResult &result);
    // Replaces one element's outputs (a retried element); an empty `error` marks it a success.
    void replaceElement(qint64 index, const QVariantList &outputs, const QString &error);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    QStringList datasetColumns() const { return m_datasetColumns; }
    QStringList outputColumns() const { return m_outputColumns; }
    qint64 elementCount() const { return m_rows; }
    // Element `row`'s value in output column `column`, or its dataset column when `input`.
    QVariant value(qint64 row, int column, bool input) const;
    QString error(qint64 row) const;
    QString executor(qint64 row) const;
    QList<qint64> failedRows() const;
    // The dataset columns of a row, as one line of text.
    QString inputText(qint64 row) const;

    // Feeds every row, retried ones included, to `sink` in order.
    bool writeTo(ResultSink *sink, QString *error) const;
    // Rows [from, from + count) as tab-separated text with a header line.
    QString toTsv(const QList<int> &rows) const;

private:
    struct Location
    {
        const BatchResult *batch = nullptr;
        int row = 0;
    };
    struct Override
    {
        QVariantList outputs;
        QString error;
    };
    Location locate(qint64 row) const;
    BatchResult patched(const BatchResult &batch) const;

    QStringList m_datasetColumns;
    QStringList m_outputColumns;
    std::vector<BatchResult> m_batches;
    std::vector<qint64> m_starts; // the model row of each batch's first element
    qint64 m_rows = 0;
    QHash<qint64, Override> m_overrides;
};

} // namespace fastmap
