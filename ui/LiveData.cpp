// SPDX-License-Identifier: GPL-3.0-or-later
#include "LiveData.h"

#include "ResultTableModel.h"
#include "engine/Batch.h"

namespace fastmap {

void LiveData::clear()
{
    m_throughput.clear();
    m_progress.clear();
    m_cost.clear();
    m_histogram.clear();
    m_estimatedCost = 0;
    m_total = -1;
    m_elapsed = 0;
}

void LiveData::addBatch(const BatchResult &result)
{
    const double start = double(result.startNs) / 1e9;
    const double end = double(result.startNs + result.durationNs) / 1e9;
    m_throughput.add(result.executor, start, end, result.batch.size());
    // Straight from the typed column: a text or boolean output has no histogram.
    ResultTableModel::forEachNumber(result.output, m_histogramColumn,
                                    [this](double v) { m_histogram.add(v); });
}

void LiveData::addProgress(double elapsedSeconds, qint64 done, qint64 total, double cost)
{
    m_elapsed = elapsedSeconds;
    m_total = total;
    m_progress.append(elapsedSeconds, double(done));
    m_cost.append(elapsedSeconds, cost);
}

void LiveData::setHistogramColumn(int column, const ResultTableModel &results)
{
    m_histogramColumn = column;
    m_histogram.clear();
    if (column < 0)
        return;
    results.forEachNumber(column, [this](double v) { m_histogram.add(v); });
}

} // namespace fastmap
