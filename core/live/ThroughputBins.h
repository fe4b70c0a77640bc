// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QMap>
#include <QPointF>
#include <QString>
#include <QStringList>

#include <vector>

namespace fastmap {

// Elements per second for each executor, binned by whole second since the job started.
// A batch that ran across several seconds is spread over them in proportion to its time.
// Only the last `maxSeconds` seconds are kept.
class ThroughputBins
{
public:
    explicit ThroughputBins(int maxSeconds = 3600);

    void add(const QString &executor, double startSeconds, double endSeconds, qint64 elements);
    void clear();

    QStringList executors() const { return m_bins.keys(); }
    // (second, elements in that second) from the first kept second to `untilSecond` (inclusive),
    // zeros where the executor did nothing.
    QList<QPointF> series(const QString &executor, int untilSecond) const;
    int lastSecond() const { return m_lastSecond; }
    int firstSecond() const { return m_firstSecond; }
    double total(const QString &executor) const;

private:
    struct Bins
    {
        std::vector<double> counts; // counts[i] is second m_firstSecond + i
        double total = 0;
    };
    void addToSecond(Bins &bins, int second, double elements);
    void dropBefore(int second);

    int m_maxSeconds;
    int m_firstSecond = 0;
    int m_lastSecond = -1;
    QMap<QString, Bins> m_bins;
};

} // namespace fastmap
