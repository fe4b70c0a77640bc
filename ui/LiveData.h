// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "live/PointRing.h"
#include "live/ThroughputBins.h"
#include "live/ValueHistogram.h"

namespace fastmap {

struct BatchResult;
class ResultTableModel;

// What the live plots show, fed from the job's batches and progress. No widgets here.
class LiveData
{
public:
    void clear();
    void addBatch(const BatchResult &result);
    void addProgress(double elapsedSeconds, qint64 done, qint64 total, double cost);
    void setEstimatedCost(double usd) { m_estimatedCost = usd; }
    // Which output column the histogram shows; -1 none. Rebuilds it from the results so far.
    void setHistogramColumn(int column, const ResultTableModel &results);

    const ThroughputBins &throughput() const { return m_throughput; }
    const PointRing &progress() const { return m_progress; }
    const PointRing &cost() const { return m_cost; }
    const ValueHistogram &histogram() const { return m_histogram; }
    double estimatedCost() const { return m_estimatedCost; }
    qint64 total() const { return m_total; }
    int histogramColumn() const { return m_histogramColumn; }
    double elapsed() const { return m_elapsed; }

private:
    ThroughputBins m_throughput;
    PointRing m_progress{8192};
    PointRing m_cost{8192};
    ValueHistogram m_histogram;
    double m_estimatedCost = 0;
    qint64 m_total = -1;
    int m_histogramColumn = 0;
    double m_elapsed = 0;
};

} // namespace fastmap
