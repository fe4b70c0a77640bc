// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <fastmap/Table.h>

#include <exception>
#include <vector>

namespace fastmap {

// What a function writes for one batch: an output table with one row per input row,
// and an error message for each element that failed.
class BatchOutput
{
public:
    BatchOutput() = default;
    BatchOutput(int outputColumns, int rows) : m_values(outputColumns, rows) {}

    Table &values() { return m_values; }
    const Table &values() const { return m_values; }
    int rowCount() const { return m_values.rowCount(); }

    // Marks an element failed; its outputs are ignored.
    void fail(int row, const QString &message)
    {
        if (m_errors.empty())
            m_errors.resize(std::size_t(m_values.rowCount()));
        m_errors[std::size_t(row)] = message.isEmpty() ? QStringLiteral("failed") : message;
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

    // Reads one row per element from `input` (columns in the order of the metadata's "inputs")
    // and writes `output` (pre-sized: one row per element, columns as in "outputs").
    // Throwing fails the whole batch; the host then retries its elements one by one to find the culprit.
    virtual void process(const Table &input, BatchOutput &output) const = 0;
};

// Convenience base for functions that handle one element at a time.
// An exception thrown for an element fails only that element.
class ElementFunction : public Function
{
public:
    void process(const Table &input, BatchOutput &output) const final
    {
        for (int row = 0; row < input.rowCount(); ++row) {
            try {
                processElement(input.rowData(row), output.values().rowData(row));
            } catch (const std::exception &e) {
                output.fail(row, QString::fromUtf8(e.what()));
            } catch (...) {
                output.fail(row, QStringLiteral("unknown exception"));
            }
        }
    }

protected:
    // `in` holds the element's inputs, `out` its outputs, both in metadata order.
    virtual void processElement(const QVariant *in, QVariant *out) const = 0;
};

} // namespace fastmap
