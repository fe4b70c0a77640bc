// SPDX-License-Identifier: GPL-3.0-or-later
#include "ResultTableModel.h"

#include "engine/ResultSink.h"

#include <algorithm>

namespace fastmap {

ResultTableModel::ResultTableModel(QObject *parent) : QAbstractTableModel(parent)
{}

void ResultTableModel::reset(const QStringList &datasetColumns, const QStringList &outputColumns)
{
    beginResetModel();
    m_datasetColumns = datasetColumns;
    m_outputColumns = outputColumns;
    m_batches.clear();
    m_starts.clear();
    m_overrides.clear();
    m_rows = 0;
    endResetModel();
}

void ResultTableModel::appendBatch(const BatchResult &result)
{
    const int n = result.batch.size();
    if (n <= 0)
        return;
    beginInsertRows({}, int(m_rows), int(m_rows + n - 1));
    m_starts.push_back(m_rows);
    m_batches.push_back(result);
    // Kept for the whole job: not its bytes as formatted for the file and the job store.
    m_batches.back().encoded.clear();
    m_batches.back().stored.clear();
    m_rows += n;
    endInsertRows();
}

void ResultTableModel::replaceElement(qint64 index, const QVariantList &outputs, const QString &error)
{
    if (index < 0 || index >= m_rows)
        return;
    m_overrides.insert(index, Override{outputs, error});
    emit dataChanged(this->index(int(index), 0), this->index(int(index), columnCount() - 1));
}

int ResultTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows);
}

int ResultTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_datasetColumns.size() + m_outputColumns.size()) + 1;
}

ResultTableModel::Location ResultTableModel::locate(qint64 row) const
{
    const auto it = std::upper_bound(m_starts.begin(), m_starts.end(), row);
    if (it == m_starts.begin())
        return {};
    const std::size_t b = std::size_t(it - m_starts.begin()) - 1;
    return {&m_batches[b], int(row - m_starts[b])};
}

QVariant ResultTableModel::value(qint64 row, int column, bool input) const
{
    const Location at = locate(row);
    if (!at.batch)
        return {};
    if (input)
        return column < at.batch->batch.rows.columnCount() ? at.batch->batch.rows.at(at.row, column)
                                                           : QVariant();
    const auto o = m_overrides.constFind(row);
    if (o != m_overrides.constEnd())
        return o->error.isEmpty() && column < o->outputs.size() ? o->outputs.at(column) : QVariant();
    if (at.batch->output.failed(at.row) || column >= at.batch->output.values().columnCount())
        return {};
    return at.batch->output.values().at(at.row, column);
}

QString ResultTableModel::error(qint64 row) const
{
    const auto o = m_overrides.constFind(row);
    if (o != m_overrides.constEnd())
        return o->error;
    const Location at = locate(row);
    return at.batch ? at.batch->output.error(at.row) : QString();
}

QString ResultTableModel::executor(qint64 row) const
{
    const Location at = locate(row);
    return at.batch ? at.batch->executor : QString();
}

QList<qint64> ResultTableModel::failedRows() const
{
    QList<qint64> rows;
    for (std::size_t b = 0; b < m_batches.size(); ++b) {
        if (!m_batches[b].output.hasFailures() && m_overrides.isEmpty())
            continue;
        for (int r = 0; r < m_batches[b].batch.size(); ++r) {
            if (!error(m_starts[b] + r).isEmpty())
                rows.append(m_starts[b] + r);
        }
    }
    return rows;
}

QString ResultTableModel::inputText(qint64 row) const
{
    QStringList parts;
    for (int c = 0; c < m_datasetColumns.size(); ++c)
        parts.append(m_datasetColumns.at(c) + QLatin1Char('=') + value(row, c, true).toString());
    return parts.join(QStringLiteral(", "));
}

QVariant ResultTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || (role != Qt::DisplayRole && role != Qt::EditRole && role != Qt::ToolTipRole))
        return {};
    const int inputs = int(m_datasetColumns.size());
    const int outputs = int(m_outputColumns.size());
    if (index.column() < inputs)
        return value(index.row(), index.column(), true);
    if (index.column() < inputs + outputs)
        return value(index.row(), index.column() - inputs, false);
    return error(index.row());
}

QVariant ResultTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return section;
    const int inputs = int(m_datasetColumns.size());
    if (section < inputs)
        return m_datasetColumns.at(section);
    if (section < inputs + m_outputColumns.size())
        return m_outputColumns.at(section - inputs);
    return tr("error");
}

BatchResult ResultTableModel::patched(const BatchResult &batch) const
{
    BatchResult copy = batch;
    const qint64 first = m_starts[std::size_t(&batch - m_batches.data())];
    bool touched = false;
    for (int r = 0; r < batch.batch.size() && !touched; ++r)
        touched = m_overrides.contains(first + r);
    if (!touched)
        return copy;
    const int columns = batch.output.values().columnCount();
    BatchOutput output(columns, batch.batch.size());
    for (int r = 0; r < batch.batch.size(); ++r) {
        const QString message = error(first + r);
        if (!message.isEmpty()) {
            output.fail(r, message);
            continue;
        }
        for (int c = 0; c < columns; ++c)
            output.values().set(r, c, value(first + r, c, false));
    }
    copy.output = output;
    return copy;
}

bool ResultTableModel::writeTo(ResultSink *sink, QString *error) const
{
    if (!sink->begin(m_datasetColumns, m_outputColumns, error))
        return false;
    for (const BatchResult &batch : m_batches) {
        BatchResult copy = patched(batch);
        sink->prepare(copy);
        if (!sink->consume(copy, error)) {
            sink->finish(false, error);
            return false;
        }
    }
    return sink->finish(true, error);
}

QString ResultTableModel::toTsv(const QList<int> &rows) const
{
    QStringList lines;
    QStringList header;
    for (int c = 0; c < columnCount(); ++c)
        header.append(headerData(c, Qt::Horizontal).toString());
    lines.append(header.join(QLatin1Char('\t')));
    for (int row : rows) {
        QStringList cells;
        for (int c = 0; c < columnCount(); ++c)
            cells.append(data(index(row, c)).toString());
        lines.append(cells.join(QLatin1Char('\t')));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace fastmap
