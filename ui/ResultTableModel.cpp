// SPDX-License-Identifier: GPL-3.0-or-later
#include "ResultTableModel.h"

#include "engine/ResultSink.h"
#include "output/ValueText.h"

#include <QLocale>

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
    const int n = result.output.rowCount();
    if (n <= 0)
        return;
    beginInsertRows({}, int(m_rows), int(m_rows + n - 1));
    m_starts.push_back(m_rows);
    // Kept for the whole job: what the view shows, not the raw records, the function's typed
    // inputs or the bytes formatted for the file and the job store.
    BatchResult kept;
    kept.batch.sequence = result.batch.sequence;
    kept.batch.firstRow = result.batch.firstRow;
    kept.batch.records.firstRow = result.batch.records.firstRow;
    kept.batch.records.count = n;
    kept.batch.kept = result.batch.kept;
    kept.output = result.output;
    kept.executor = result.executor;
    kept.startNs = result.startNs;
    kept.durationNs = result.durationNs;
    kept.fromStore = result.fromStore;
    m_batches.push_back(std::move(kept));
    m_rows += n;
    endInsertRows();
}

void ResultTableModel::replaceElement(qint64 index, const Table &values, int row, const QString &error)
{
    if (index < 0 || index >= m_rows)
        return;
    Override o{Table(values.types(), 1), error};
    if (error.isEmpty())
        o.values.copyRow(0, values, row);
    m_overrides.insert(index, std::move(o));
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
    if (it == m_starts.begin() || row >= m_rows)
        return {};
    const std::size_t b = std::size_t(it - m_starts.begin()) - 1;
    return {&m_batches[b], int(row - m_starts[b])};
}

const Table *ResultTableModel::outputsOf(qint64 row, int *tableRow) const
{
    const auto o = m_overrides.constFind(row);
    if (o != m_overrides.constEnd()) {
        *tableRow = 0;
        return o->error.isEmpty() ? &o->values : nullptr;
    }
    const Location at = locate(row);
    if (!at.batch || at.batch->output.failed(at.row))
        return nullptr;
    *tableRow = at.row;
    return &at.batch->output.values();
}

QVariant ResultTableModel::value(qint64 row, int column, bool input) const
{
    if (input) {
        const Location at = locate(row);
        if (!at.batch)
            return {};
        const Table &kept = at.batch->batch.kept;
        return column < kept.columnCount() && at.row < kept.rowCount() ? kept.value(at.row, column)
                                                                       : QVariant();
    }
    int r = 0;
    const Table *values = outputsOf(row, &r);
    return values && column < values->columnCount() ? values->value(r, column) : QVariant();
}

std::string_view ResultTableModel::inputField(qint64 row, int column) const
{
    const Location at = locate(row);
    if (!at.batch)
        return {};
    const Table &kept = at.batch->batch.kept;
    if (column >= kept.columnCount() || at.row >= kept.rowCount() || kept.type(column) != ColumnType::Text ||
        kept.isNull(column, at.row))
        return {};
    return kept.text(column, at.row);
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
        for (int r = 0; r < m_batches[b].output.rowCount(); ++r) {
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

void ResultTableModel::forEachNumber(int column, const std::function<void(double)> &add) const
{
    for (std::size_t b = 0; b < m_batches.size(); ++b) {
        const BatchOutput &output = m_batches[b].output;
        const qint64 first = m_starts[b];
        const bool retried = std::any_of(m_overrides.keyBegin(), m_overrides.keyEnd(), [&](qint64 row) {
            return row >= first && row < first + output.rowCount();
        });
        if (!retried) {
            forEachNumber(output, column, add);
            continue;
        }
        for (int r = 0; r < output.rowCount(); ++r) {
            const QVariant v = value(first + r, column, false);
            if (v.typeId() == QMetaType::Double || v.typeId() == QMetaType::LongLong)
                add(v.toDouble());
        }
    }
}

// As the item views show values: in the locale, as QStyledItemDelegate would, but doubles
// with every digit they need to read back the same, not the delegate's six.
QVariant ResultTableModel::display(const Table &table, int column, int row) const
{
    if (table.isNull(column, row))
        return {};
    switch (table.type(column)) {
    case ColumnType::Float64:
        return QLocale().toString(table.doubles(column)[std::size_t(row)], 'g',
                                  QLocale::FloatingPointShortest);
    case ColumnType::Int64: return QLocale().toString(qlonglong(table.integers(column)[std::size_t(row)]));
    case ColumnType::Bool:
    case ColumnType::Text: return table.value(row, column);
    }
    return {};
}

QVariant ResultTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const int inputs = int(m_datasetColumns.size());
    const int outputs = int(m_outputColumns.size());
    const int column = index.column();
    const bool isOutput = column >= inputs && column < inputs + outputs;
    switch (role) {
    case ValueRole:
    case Qt::EditRole:
        if (column < inputs)
            return value(index.row(), column, true);
        return isOutput ? value(index.row(), column - inputs, false) : QVariant(error(index.row()));
    case Qt::DisplayRole:
    case Qt::ToolTipRole: {
        if (!isOutput)
            return data(index, ValueRole);
        int r = 0;
        const Table *values = outputsOf(index.row(), &r);
        return values && column - inputs < values->columnCount() ? display(*values, column - inputs, r)
                                                                 : QVariant();
    }
    case Qt::TextAlignmentRole: {
        if (!isOutput || m_batches.empty())
            return {};
        const Table &values = m_batches.front().output.values();
        const int c = column - inputs;
        const bool number = c < values.columnCount() &&
                            (values.type(c) == ColumnType::Float64 || values.type(c) == ColumnType::Int64);
        return number ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    }
    default: return {};
    }
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

BatchResult ResultTableModel::patched(std::size_t b) const
{
    const BatchResult &batch = m_batches[b];
    const qint64 first = m_starts[b];
    const int rows = batch.output.rowCount();
    bool touched = false;
    for (int r = 0; r < rows && !touched; ++r)
        touched = m_overrides.contains(first + r);
    if (!touched)
        return batch;
    BatchResult copy = batch;
    const Table &values = batch.output.values();
    copy.output = BatchOutput(values.types(), rows);
    for (int r = 0; r < rows; ++r) {
        const QString message = error(first + r);
        if (!message.isEmpty()) {
            copy.output.fail(r, message);
            continue;
        }
        int from = 0;
        if (const Table *source = outputsOf(first + r, &from))
            copy.output.values().copyRow(r, *source, from);
    }
    return copy;
}

bool ResultTableModel::writeTo(ResultSink *sink, QString *error) const
{
    if (!sink->begin(m_datasetColumns, m_outputColumns, error))
        return false;
    for (std::size_t b = 0; b < m_batches.size(); ++b) {
        BatchResult copy = patched(b);
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
        for (int c = 0; c < columnCount(); ++c) {
            QByteArray text;
            ValueText::appendPlain(text, data(index(row, c), ValueRole));
            cells.append(QString::fromUtf8(text));
        }
        lines.append(cells.join(QLatin1Char('\t')));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace fastmap
