// SPDX-License-Identifier: GPL-3.0-or-later
// Kept apart from tst_engine so that nothing else in the process moves the peak RSS.
#include "EngineTestUtils.h"

#include "engine/Engine.h"
#include "plugin/PluginCatalog.h"

#include <QTest>

using namespace fastmap;

class TestEngineMemory : public QObject
{
    Q_OBJECT

    PluginCatalog m_catalog;

    JobSummary run(qint64 rows, CountingSink *sink)
    {
        JobSpec spec;
        spec.functionId = QStringLiteral("test.control");
        spec.input = QStringLiteral("range:%1").arg(rows);
        spec.threads = 2;
        spec.serialFallback = JobSpec::SerialFallback::Never;
        Engine engine(&m_catalog);
        StartError error;
        if (!engine.start(spec, sink, &error))
            qFatal("%s", qPrintable(error.message));
        return engine.wait();
    }

private slots:
    void initTestCase()
    {
        m_catalog.scan({QStringLiteral(FASTMAP_TEST_PLUGIN_DIR "/good")});
        QVERIFY(m_catalog.find(QStringLiteral("test.control")));
    }

    void memoryStaysFlatAsTheInputGrows()
    {
        const qint64 baseline = currentRssBytes();
        CountingSink small;
        const JobSummary first = run(1000000, &small);
        QCOMPARE(first.status, JobStatus::Completed);
        QCOMPARE(small.rows, qint64(1000000));
        const qint64 afterSmall = peakRssBytes();

        CountingSink large;
        const JobSummary second = run(10000000, &large);
        QCOMPARE(second.status, JobStatus::Completed);
        QCOMPARE(large.rows, qint64(10000000));
        QVERIFY(!large.orderBroken && !large.wrongValues);
        const qint64 afterLarge = peakRssBytes();

        qInfo("peak RSS: baseline %lld MB, after 1M %lld MB, after 10M %lld MB; peak batches in flight %d",
              baseline >> 20, afterSmall >> 20, afterLarge >> 20, second.peakBatchesInFlight);
        // Holding 10M results would take over a gigabyte; in-flight batches take a few tens of MB.
        QVERIFY2(afterLarge - baseline < 200ll << 20, "peak memory grew with the input");
        QVERIFY2(afterLarge - afterSmall < 40ll << 20, "ten times the input raised the peak");
        QVERIFY(second.peakBatchesInFlight <= 4 * 2);
    }
};

QTEST_MAIN(TestEngineMemory)
#include "tst_enginememory.moc"
