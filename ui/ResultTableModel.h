// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/Batch.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QStringList>

#include <functional>
#include <vector>

namespace fastmap {

class ResultSink;

// The results of one job as they stream in: dataset columns (the batches' kept input, text),
// output columns (typed), then "error". Rows are kept as the engine's batches, so appending
// costs one insert per batch, and cells are read from the typed columns only when shown.
class ResultTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    // The cell's value as typed (a double, a qlonglong, a bool, a QString; null: invalid), for
    // sorting and copying; DisplayRole is that value as the locale writes it.
    static constexpr int ValueRole = Qt::UserRole + 1;

    explicit ResultTableModel(QObject *parent = nullptr);

    void reset(const QStringList &datasetColumns, const QStringList &outputColumns);
    void appendBatch(const BatchResult &result);
    // Replaces one element's outputs with row `row` of `values` (a retried element, same output
    // types); a non-empty `error` marks it failed instead.
    void replaceElement(qint64 index, const Table &values, int row, const QString &error);

    // The view shows the dataset's columns, so the job must keep them (ResultSink::wantsInput()).
    bool showsInput() const { return true; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    QStringList datasetColumns() const { return m_datasetColumns; }
    QStringList outputColumns() const { return m_outputColumns; }
    qint64 elementCount() const { return m_rows; }
    // Element `row`'s value in output column `column`, or its dataset column when `input`.
    QVariant value(qint64 row, int column, bool input) const;
    // Its dataset column `column` as the dataset spelled it (empty for a null or a missing column).
    std::string_view inputField(qint64 row, int column) const;
    QString error(qint64 row) const;
    QString executor(qint64 row) const;
    QList<qint64> failedRows() const;
    // The dataset columns of a row, as one line of text.
    QString inputText(qint64 row) const;

    // Calls `add` for every value of output column `column` that is a number (an integer or a
    // double column), retried elements included; nulls and failed elements are skipped.
    void forEachNumber(int column, const std::function<void(double)> &add) const;
    // The same for one batch's outputs, straight from the typed column.
    template <typename Add> static void forEachNumber(const BatchOutput &output, int column, Add &&add);

    // Feeds every row, retried ones included, to `sink` in order.
    bool writeTo(ResultSink *sink, QString *error) const;
    // Rows [from, from + count) as tab-separated text with a header line; numbers as
    // locale-independent shortest round-trip text, so they paste back exactly.
    QString toTsv(const QList<int> &rows) const;

private:
    struct Location
    {
        const BatchResult *batch = nullptr;
        int row = 0;
    };
    struct Override
    {
        Table values; // one row
        QString error;
    };
    Location locate(qint64 row) const;
    // Where row `row`'s outputs are: the override's table or its batch's; null when it failed.
    const Table *outputsOf(qint64 row, int *tableRow) const;
    BatchResult patched(std::size_t batch) const;
    QVariant display(const Table &table, int column, int row) const;

    QStringList m_datasetColumns;
    QStringList m_outputColumns;
    std::vector<BatchResult> m_batches;
    std::vector<qint64> m_starts; // the model row of each batch's first element
    qint64 m_rows = 0;
    QHash<qint64, Override> m_overrides;
};

template <typename Add> void ResultTableModel::forEachNumber(const BatchOutput &output, int column, Add &&add)
{
    const Table &values = output.values();
    if (column < 0 || column >= values.columnCount())
        return;
    const ColumnType type = values.type(column);
    if (type != ColumnType::Float64 && type != ColumnType::Int64)
        return;
    const bool skips = output.hasFailures() || values.hasNulls(column);
    const auto each = [&](auto numbers) {
        for (int r = 0; r < int(numbers.size()); ++r)
            if (!skips || (!output.failed(r) && !values.isNull(column, r)))
                add(double(numbers[std::size_t(r)]));
    };
    if (type == ColumnType::Float64)
        each(values.doubles(column));
    else
        each(values.integers(column));
}

} // namespace fastmap
