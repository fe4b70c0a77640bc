// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <fastmap/Table.h>

#include <exception>
#include <vector>

namespace fastmap {

// What a function writes for one batch: an output table with one row per input row, typed as
// the metadata's "outputs" declare, and an error message for each element that failed.
class BatchOutput
{
public:
    BatchOutput() = default;
    BatchOutput(std::vector<ColumnType> outputTypes, int rows) : m_values(std::move(outputTypes), rows) {}

    Table &values() { return m_values; }
    const Table &values() const { return m_values; }
    int rowCount() const { return m_values.rowCount(); }

    // Marks an element failed; its outputs are ignored (written empty). The first message stays:
    // an element whose input did not convert is failed before the function runs.
    void fail(int row, const QString &message)
    {
        if (m_errors.empty())
            m_errors.resize(std::size_t(m_values.rowCount()));
        QString &slot = m_errors[std::size_t(row)];
        if (!slot.isNull())
            return;
        slot = message.isEmpty() ? QStringLiteral("failed") : message;
        ++m_failedCount;
    }
    bool hasFailures() const { return m_failedCount > 0; }
    int failedCount() const { return m_failedCount; }
    bool failed(int row) const { return !m_errors.empty() && !m_errors[std::size_t(row)].isNull(); }
    QString error(int row) const { return m_errors.empty() ? QString() : m_errors[std::size_t(row)]; }

private:
    Table m_values;
    std::vector<QString> m_errors; // empty until the first failure, so the common case costs nothing
    int m_failedCount = 0;
};

// A function bound to its parameters. process() is called from many threads at once,
// so it must not modify shared state without its own synchronisation.
class Function
{
public:
    virtual ~Function() = default;

    // Reads `input` (one typed column per metadata "inputs" entry, in that order; e.g.
    // input.doubles(0) for a "number") and writes `output` (pre-sized: one row per element,
    // columns typed as "outputs"). Rows already failed in `output` (their input did not convert)
    // hold 0 or empty values in `input`; what the function writes for them is ignored.
    // Throwing fails the whole batch; the host then retries its elements one by one to find the culprit.
    virtual void process(const Table &input, BatchOutput &output) const = 0;
};

// One element's inputs, for ElementFunction.
class InputRow
{
public:
    InputRow(const Table &table, int row) : m_table(table), m_row(row) {}
    double number(int column) const { return m_table.doubles(column)[std::size_t(m_row)]; }
    std::int64_t integer(int column) const { return m_table.integers(column)[std::size_t(m_row)]; }
    bool boolean(int column) const { return m_table.bools(column)[std::size_t(m_row)] != 0; }
    std::string_view text(int column) const { return m_table.text(column, m_row); }
    QString string(int column) const { return m_table.string(column, m_row); }
    bool isNull(int column) const { return m_table.isNull(column, m_row); }
    int row() const { return m_row; }

private:
    const Table &m_table;
    int m_row;
};

// One element's outputs, for ElementFunction.
class OutputRow
{
public:
    OutputRow(Table &table, int row) : m_table(table), m_row(row) {}
    void setNumber(int column, double value) { m_table.doubles(column)[std::size_t(m_row)] = value; }
    void setInteger(int column, std::int64_t value) { m_table.integers(column)[std::size_t(m_row)] = value; }
    void setBoolean(int column, bool value) { m_table.bools(column)[std::size_t(m_row)] = value ? 1 : 0; }
    void setText(int column, std::string_view value) { m_table.setText(column, m_row, value); }
    void setString(int column, const QString &value) { m_table.setText(column, m_row, value); }
    void setNull(int column) { m_table.setNull(column, m_row); }

private:
    Table &m_table;
    int m_row;
};

// Convenience base for functions that handle one element at a time.
// An exception thrown for an element fails only that element.
class ElementFunction : public Function
{
public:
    void process(const Table &input, BatchOutput &output) const final
    {
        Table &values = output.values();
        for (int row = 0; row < input.rowCount(); ++row) {
            if (output.failed(row))
                continue;
            try {
                OutputRow out(values, row);
                processElement(InputRow(input, row), out);
            } catch (const std::exception &e) {
                output.fail(row, QString::fromUtf8(e.what()));
            } catch (...) {
                output.fail(row, QStringLiteral("unknown exception"));
            }
        }
    }

protected:
    // `in` holds the element's inputs, `out` its outputs, both in metadata order.
    virtual void processElement(const InputRow &in, OutputRow &out) const = 0;
};

} // namespace fastmap
