// SPDX-License-Identifier: GPL-3.0-or-later
#include "live/ThroughputBins.h"

#include <cmath>

namespace fastmap {

ThroughputBins::ThroughputBins(int maxSeconds) : m_maxSeconds(maxSeconds > 0 ? maxSeconds : 1)
{}

void ThroughputBins::clear()
{
    m_bins.clear();
    m_firstSecond = 0;
    m_lastSecond = -1;
}

void ThroughputBins::add(const QString &executor, double startSeconds, double endSeconds, qint64 elements)
{
    if (elements <= 0)
        return;
    startSeconds = qMax(0.0, startSeconds);
    endSeconds = qMax(startSeconds, endSeconds);
    Bins &bins = m_bins[executor];
    const int first = int(std::floor(startSeconds));
    const int last = int(std::floor(endSeconds));
    const double span = endSeconds - startSeconds;
    if (last > m_lastSecond)
        m_lastSecond = last;
    dropBefore(m_lastSecond - m_maxSeconds + 1);
    if (first == last || span <= 0) {
        addToSecond(bins, last, double(elements));
    } else {
        for (int s = first; s <= last; ++s) {
            const double from = qMax(startSeconds, double(s));
            const double to = qMin(endSeconds, double(s + 1));
            addToSecond(bins, s, double(elements) * (to - from) / span);
        }
    }
    bins.total += double(elements);
}

void ThroughputBins::addToSecond(Bins &bins, int second, double elements)
{
    if (second < m_firstSecond)
        return;
    const std::size_t i = std::size_t(second - m_firstSecond);
    if (bins.counts.size() <= i)
        bins.counts.resize(i + 1, 0.0);
    bins.counts[i] += elements;
}

void ThroughputBins::dropBefore(int second)
{
    if (second <= m_firstSecond)
        return;
    const std::size_t drop = std::size_t(second - m_firstSecond);
    for (Bins &bins : m_bins) {
        if (bins.counts.size() <= drop)
            bins.counts.clear();
        else
            bins.counts.erase(bins.counts.begin(), bins.counts.begin() + std::ptrdiff_t(drop));
    }
    m_firstSecond = second;
}

QList<QPointF> ThroughputBins::series(const QString &executor, int untilSecond) const
{
    QList<QPointF> out;
    const auto it = m_bins.constFind(executor);
    if (it == m_bins.constEnd())
        return out;
    for (int s = m_firstSecond; s <= untilSecond; ++s) {
        const std::size_t i = std::size_t(s - m_firstSecond);
        out.append(QPointF(s, i < it->counts.size() ? it->counts[i] : 0.0));
    }
    return out;
}

double ThroughputBins::total(const QString &executor) const
{
    const auto it = m_bins.constFind(executor);
    return it == m_bins.constEnd() ? 0.0 : it->total;
}

} // namespace fastmap
