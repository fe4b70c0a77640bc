// SPDX-License-Identifier: GPL-3.0-or-later
// core/live: the ring buffers, min/max-per-pixel thinning, per-second throughput bins, histogram.
#include "live/MinMaxThinner.h"
#include "live/PointRing.h"
#include "live/ThroughputBins.h"
#include "live/ValueHistogram.h"

#include <QTest>

#include <cmath>

using namespace fastmap;

class TestLiveData : public QObject
{
    Q_OBJECT

private slots:
    void ringKeepsTheNewestPointsInOrder()
    {
        PointRing ring(4);
        QVERIFY(ring.isEmpty());
        for (int i = 0; i < 10; ++i)
            ring.append(i, 10 * i);
        QCOMPARE(ring.size(), 4);
        const QList<QPointF> points = ring.points();
        QCOMPARE(points, (QList<QPointF>{{6, 60}, {7, 70}, {8, 80}, {9, 90}}));
        QCOMPARE(ring.last(), QPointF(9, 90));
        ring.clear();
        QCOMPARE(ring.size(), 0);
        ring.append(1, 2);
        QCOMPARE(ring.points(), (QList<QPointF>{{1, 2}}));
    }

    void shortSeriesAreNotThinned()
    {
        const QList<QPointF> points{{0, 1}, {1, 5}, {2, 3}};
        QCOMPARE(MinMaxThinner::thin(points, 10), points);
        QVERIFY(MinMaxThinner::thin(QList<QPointF>{}, 10).isEmpty());
    }

    void thinningKeepsMinAndMaxPerPixel()
    {
        QList<QPointF> points;
        for (int i = 0; i < 100000; ++i)
            points.append({double(i), std::sin(i * 0.001)});
        points[54321].setY(50);  // a spike
        points[12345].setY(-50); // and a dip
        const int pixels = 200;
        const QList<QPointF> thin = MinMaxThinner::thin(points, pixels);
        QVERIFY2(thin.size() <= 2 * pixels, qPrintable(QString::number(thin.size())));
        QVERIFY(thin.size() >= pixels);
        bool spike = false;
        bool dip = false;
        for (int i = 0; i < thin.size(); ++i) {
            spike = spike || thin[i] == QPointF(54321, 50);
            dip = dip || thin[i] == QPointF(12345, -50);
            if (i > 0)
                QVERIFY(thin[i].x() > thin[i - 1].x());
        }
        QVERIFY(spike);
        QVERIFY(dip);
        QCOMPARE(thin.first(), points.first());
    }

    void thinningEachBucketAgainstBruteForce()
    {
        QList<QPointF> points;
        quint32 seed = 12345;
        for (int i = 0; i < 5000; ++i) {
            seed = seed * 1664525u + 1013904223u;
            points.append({i * 0.5, double(seed % 1000)});
        }
        const int pixels = 37;
        const QList<QPointF> thin = MinMaxThinner::thin(points, pixels);
        const double span = points.last().x() - points.first().x();
        for (int b = 0; b < pixels; ++b) {
            double lo = 1e9;
            double hi = -1e9;
            for (const QPointF &p : points) {
                if (qMin(pixels - 1, int(p.x() / span * pixels)) == b) {
                    lo = qMin(lo, p.y());
                    hi = qMax(hi, p.y());
                }
            }
            double thinLo = 1e9;
            double thinHi = -1e9;
            for (const QPointF &p : thin) {
                if (qMin(pixels - 1, int(p.x() / span * pixels)) == b) {
                    thinLo = qMin(thinLo, p.y());
                    thinHi = qMax(thinHi, p.y());
                }
            }
            QCOMPARE(thinLo, lo);
            QCOMPARE(thinHi, hi);
        }
    }

    void thinningReadsARing()
    {
        PointRing ring(1000);
        for (int i = 0; i < 5000; ++i)
            ring.append(i, i % 7);
        const QList<QPointF> thin = MinMaxThinner::thin(ring, 10);
        QVERIFY(thin.size() <= 20);
        QVERIFY(thin.first().x() >= 4000 && thin.first().x() < 4007); // the oldest points were dropped
    }

    void throughputIsBinnedPerSecondAndExecutor()
    {
        ThroughputBins bins;
        bins.add(QStringLiteral("local"), 0.1, 0.2, 100);
        bins.add(QStringLiteral("local"), 0.5, 1.5, 200); // half in second 0, half in second 1
        bins.add(QStringLiteral("http://w:1"), 2.2, 2.4, 50);
        QCOMPARE(bins.executors(), (QStringList{QStringLiteral("http://w:1"), QStringLiteral("local")}));
        const QList<QPointF> local = bins.series(QStringLiteral("local"), 2);
        QCOMPARE(local, (QList<QPointF>{{0, 200}, {1, 100}, {2, 0}}));
        QCOMPARE(bins.series(QStringLiteral("http://w:1"), 2).last(), QPointF(2, 50));
        QCOMPARE(bins.total(QStringLiteral("local")), 300.0);
        QCOMPARE(bins.lastSecond(), 2);
        QVERIFY(bins.series(QStringLiteral("nobody"), 2).isEmpty());
    }

    void throughputKeepsOnlyTheLastSeconds()
    {
        ThroughputBins bins(10);
        for (int s = 0; s < 100; ++s)
            bins.add(QStringLiteral("local"), s + 0.5, s + 0.6, 1);
        QCOMPARE(bins.firstSecond(), 90);
        QCOMPARE(bins.series(QStringLiteral("local"), 99).size(), 10);
        QCOMPARE(bins.total(QStringLiteral("local")), 100.0);
    }

    void histogramCountsAndStaysBounded()
    {
        ValueHistogram h(1000);
        for (int i = 0; i < 100000; ++i)
            h.add(i % 10);
        h.add(std::nan(""));
        QCOMPARE(h.count(), qint64(100000));
        QCOMPARE(h.minimum(), 0.0);
        QCOMPARE(h.maximum(), 9.0);
        const QList<double> bins = h.bins(10);
        double sum = 0;
        for (double b : bins) {
            sum += b;
            QVERIFY2(b > 7000 && b < 13000, qPrintable(QString::number(b))); // about 10000 each
        }
        QCOMPARE(qRound(sum), 100000);
        h.clear();
        QCOMPARE(h.count(), qint64(0));
        QCOMPARE(h.bins(3), (QList<double>{0, 0, 0}));
    }
};

QTEST_GUILESS_MAIN(TestLiveData)
#include "tst_livedata.moc"
