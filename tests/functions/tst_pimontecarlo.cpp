// SPDX-License-Identifier: GPL-3.0-or-later
// Tests the pi.montecarlo example plugin through its built plugin file.
#include "FunctionPluginTestUtils.h"

#include <cmath>
#include <numbers>

using namespace fastmap;
using namespace fastmap::test;

namespace {
const std::vector<ColumnType> kOutputs{ColumnType::Float64, ColumnType::Int64};
}

class TestPiMonteCarlo : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Function> create(qint64 samples)
    {
        return m_plugin->create({{QStringLiteral("samples"), samples}});
    }

    static Table seeds(const QList<qint64> &values)
    {
        QVariantList list;
        for (qint64 value : values)
            list << value;
        return columnTable(ColumnType::Int64, list);
    }

    static double pi(const BatchOutput &output, int row)
    {
        return output.values().doubles(0)[std::size_t(row)];
    }
    static qint64 inside(const BatchOutput &output, int row)
    {
        return output.values().integers(1)[std::size_t(row)];
    }

private slots:
    void initTestCase()
    {
        loadFunctionPlugin(m_loader, pluginFile("pi_montecarlo"), QStringLiteral("pi.montecarlo"), m_plugin,
                           m_meta);
        QVERIFY(m_plugin);
    }

    void metadata()
    {
        QCOMPARE(names(m_meta, "inputs"), QStringList{"seed"});
        QCOMPARE(names(m_meta, "outputs"), (QStringList{"pi", "inside"}));
        QCOMPARE(names(m_meta, "parameters"), QStringList{"samples"});
        const QJsonObject samples = m_meta.value("parameters").toArray().at(0).toObject();
        QCOMPARE(samples.value("default").toInteger(), 100000);
        QCOMPARE(samples.value("min").toInteger(), 1);
        QCOMPARE(samples.value("max").toInteger(), Q_INT64_C(10000000000));
        QCOMPARE(columnTypes(m_meta, "inputs"), std::vector<ColumnType>{ColumnType::Int64});
        QCOMPARE(columnTypes(m_meta, "outputs"), kOutputs);
    }

    // Values from an independent Python implementation of the documented generator
    // (xoshiro256** seeded by splitmix64, doubles from the top 53 bits, x drawn before y).
    void knownValues_data()
    {
        QTest::addColumn<qint64>("seed");
        QTest::addColumn<qint64>("samples");
        QTest::addColumn<qint64>("count");
        QTest::addColumn<double>("estimate");
        QTest::newRow("seed 1, 1000") << qint64(1) << qint64(1000) << qint64(779) << 3.116;
        QTest::newRow("seed 0, 1") << qint64(0) << qint64(1) << qint64(1) << 4.0;
        QTest::newRow("seed 42, 10000") << qint64(42) << qint64(10000) << qint64(7871) << 3.1484;
        QTest::newRow("seed -5, 1000") << qint64(-5) << qint64(1000) << qint64(776) << 3.104;
        QTest::newRow("seed 1, 100000") << qint64(1) << qint64(100000) << qint64(78544) << 3.14176;
    }

    void knownValues()
    {
        QFETCH(qint64, seed);
        QFETCH(qint64, samples);
        QFETCH(qint64, count);
        QFETCH(double, estimate);
        const BatchOutput output = run(*create(samples), seeds({seed}), kOutputs);
        QVERIFY(!output.failed(0));
        QCOMPARE(inside(output, 0), count);
        QCOMPARE(pi(output, 0), estimate);
    }

    void deterministicPerSeed()
    {
        const auto function = create(20000);
        const Table input = seeds({3, 1, 4, 1, 5, 9, 2, 6});
        const BatchOutput first = run(*function, input, kOutputs);
        const BatchOutput second = run(*create(20000), input, kOutputs);
        QCOMPARE(difference(first, second), QString());
        // The repeated seed 1 gives the same result inside one batch too.
        QCOMPARE(inside(first, 1), inside(first, 3));
        // The same seed alone in a batch gives the same result as among others.
        QCOMPARE(inside(run(*function, seeds({9}), kOutputs), 0), inside(first, 5));
    }

    void seedsDiffer()
    {
        const auto function = create(100000);
        QList<qint64> list;
        for (qint64 seed = 1; seed <= 16; ++seed)
            list << seed;
        const BatchOutput output = run(*function, seeds(list), kOutputs);
        QCOMPARE(output.failedCount(), 0);
        QSet<qint64> distinct;
        for (int row = 0; row < output.rowCount(); ++row)
            distinct.insert(inside(output, row));
        QVERIFY2(distinct.size() >= 12, qPrintable(QString::number(distinct.size())));
        QVERIFY(inside(output, 0) != inside(output, 1));
    }

    void estimateIsCloseToPi()
    {
        const auto function = create(100000);
        const BatchOutput output =
            run(*function, seeds({1, 2, 3, 123456789, -1, 0x7fffffffffffffffLL}), kOutputs);
        for (int row = 0; row < output.rowCount(); ++row) {
            const double estimate = pi(output, row);
            QVERIFY2(std::abs(estimate - std::numbers::pi) < 0.05, qPrintable(QString::number(estimate)));
            QCOMPARE(estimate, 4.0 * double(inside(output, row)) / 100000.0);
        }
    }

    // A seed that did not convert ("abc", "2.5") is failed by the host before the function runs;
    // the function skips it and its message stays.
    void inputErrorsStay()
    {
        const BatchOutput output = run(*create(10), seeds({1, 0, 0}), kOutputs,
                                       {{1, QStringLiteral("input 'seed' is not an integer: 'abc'")},
                                        {2, QStringLiteral("input 'seed' is not an integer: '2.5'")}});
        QCOMPARE(output.failedCount(), 2);
        QVERIFY(!output.failed(0));
        QCOMPARE(output.error(1), QStringLiteral("input 'seed' is not an integer: 'abc'"));
        QCOMPARE(output.error(2), QStringLiteral("input 'seed' is not an integer: '2.5'"));
        QCOMPARE(inside(output, 1), qint64(0)); // not run: the output stays as the host sized it
    }

    void parameters()
    {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m_plugin->create({}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, create(0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, create(Q_INT64_C(10000000001)));
        QVERIFY(create(Q_INT64_C(10000000000))); // the maximum is accepted (not run)
        // A whole double, as a JSON number may arrive, works like the integer.
        const auto fromDouble = m_plugin->create({{QStringLiteral("samples"), 1000.0}});
        QCOMPARE(inside(run(*fromDouble, seeds({1}), kOutputs), 0), 779);
    }

    void concurrentProcess()
    {
        QList<qint64> list;
        for (qint64 seed = 0; seed < 64; ++seed)
            list << seed * 1000003;
        checkConcurrentProcess(*create(20000), seeds(list), kOutputs);
    }

private:
    QPluginLoader m_loader;
    fastmap::FunctionPlugin *m_plugin = nullptr;
    QJsonObject m_meta;
};

QTEST_GUILESS_MAIN(TestPiMonteCarlo)
#include "tst_pimontecarlo.moc"
