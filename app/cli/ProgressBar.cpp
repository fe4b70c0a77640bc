// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/ProgressBar.h"

#include <cmath>

namespace fastmap {

QString ProgressBar::formatDuration(double seconds)
{
    if (seconds < 0 || !std::isfinite(seconds))
        return QStringLiteral("--:--");
    const qint64 s = qint64(std::llround(seconds));
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3").arg(s / 3600).arg((s / 60) % 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(s / 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QString ProgressBar::formatCount(double count)
{
    if (count >= 1e9)
        return QString::number(count / 1e9, 'f', 2) + QLatin1Char('G');
    if (count >= 1e6)
        return QString::number(count / 1e6, 'f', 2) + QLatin1Char('M');
    if (count >= 1e4)
        return QString::number(count / 1e3, 'f', 1) + QLatin1Char('k');
    return QString::number(qint64(std::llround(count)));
}

QString ProgressBar::render(const JobProgress &p, int width)
{
    QString counts = formatCount(double(p.done));
    if (p.total >= 0)
        counts += QLatin1Char('/') + formatCount(double(p.total));
    QString tail = QStringLiteral(" %1 %2/s ETA %3").arg(counts, formatCount(p.rate), formatDuration(p.etaSeconds));
    if (p.failed > 0)
        tail += QStringLiteral(" failed %1").arg(formatCount(double(p.failed)));
    if (p.paused)
        tail += QStringLiteral(" (paused)");
    QString head;
    if (p.total > 0) {
        const double fraction = qBound(0.0, double(p.done) / double(p.total), 1.0);
        head = QStringLiteral("%1% ").arg(int(fraction * 100), 3);
        const int barWidth = qMax(10, width - int(head.size() + tail.size()) - 2);
        const int filled = int(fraction * barWidth);
        head += QLatin1Char('[') + QString(filled, QLatin1Char('#')) + QString(barWidth - filled, QLatin1Char(' '))
                + QLatin1Char(']');
    } else {
        head = QStringLiteral("[elapsed %1]").arg(formatDuration(p.elapsedSeconds));
    }
    return (head + tail).left(width);
}

} // namespace fastmap
