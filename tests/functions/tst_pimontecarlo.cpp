// SPDX-License-Identifier: GPL-3.0-or-later
// Tests the pi.montecarlo example plugin through its built plugin file.
#include "FunctionPluginTestUtils.h"

#include <cmath>
#include <numbers>

using namespace fastmap;
using namespace fastmap::test;

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
        return columnTable(list);
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
    }

    // Values from an independent Python implementation of the documented generator
    // (xoshiro256** seeded by splitmix64, doubles from the top 53 bits, x drawn before y).
    void knownValues_data()
    {
        QTest::addColumn<qint64>("seed");
        QTest::addColumn<qint64>("samples");
        QTest::addColumn<qint64>("inside");
        QTest::addColumn<double>("pi");
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
        QFETCH(qint64, inside);
        QFETCH(double, pi);
        const BatchOutput output = run(*create(samples), seeds({seed}), 2);
        QVERIFY(!output.failed(0));
        QCOMPARE(output.values().at(0, 0).typeId(), int(QMetaType::Double));
        QCOMPARE(output.values().at(0, 1).typeId(), int(QMetaType::LongLong));
        QCOMPARE(output.values().at(0, 1).toLongLong(), inside);
        QCOMPARE(output.values().at(0, 0).toDouble(), pi);
    }

    void deterministicPerSeed()
    {
        const auto function = create(20000);
        const Table input = seeds({3, 1, 4, 1, 5, 9, 2, 6});
        const BatchOutput first = run(*function, input, 2);
        const BatchOutput second = run(*create(20000), input, 2);
        QCOMPARE(difference(first, second), QString());
        // The repeated seed 1 gives the same result inside one batch too.
        QCOMPARE(first.values().at(1, 1), first.values().at(3, 1));
        // A seed given as text or as a double means the same integer.
        const BatchOutput text = run(*function, columnTable({QStringLiteral("9"), 9.0}), 2);
        QCOMPARE(text.values().at(0, 1), first.values().at(5, 1));
        QCOMPARE(text.values().at(1, 1), first.values().at(5, 1));
    }

    void seedsDiffer()
    {
        const auto function = create(100000);
        QList<qint64> list;
        for (qint64 seed = 1; seed <= 16; ++seed)
            list << seed;
        const BatchOutput output = run(*function, seeds(list), 2);
        QCOMPARE(output.failedCount(), 0);
        QSet<qint64> distinct;
        for (int row = 0; row < output.rowCount(); ++row)
            distinct.insert(output.values().at(row, 1).toLongLong());
        QVERIFY2(distinct.size() >= 12, qPrintable(QString::number(distinct.size())));
        QVERIFY(output.values().at(0, 1) != output.values().at(1, 1));
    }

    void estimateIsCloseToPi()
    {
        const auto function = create(100000);
        const BatchOutput output = run(*function, seeds({1, 2, 3, 123456789, -1, 0x7fffffffffffffffLL}), 2);
        for (int row = 0; row < output.rowCount(); ++row) {
            const double estimate = output.values().at(row, 0).toDouble();
            QVERIFY2(std::abs(estimate - std::numbers::pi) < 0.05, qPrintable(QString::number(estimate)));
            QCOMPARE(estimate, 4.0 * double(output.values().at(row, 1).toLongLong()) / 100000.0);
        }
    }

    void badSeedFailsItsElement()
    {
        const BatchOutput output = run(*create(10), columnTable({qint64(1), QStringLiteral("abc"), 2.5}), 2);
        QCOMPARE(output.failedCount(), 2);
        QVERIFY(!output.failed(0));
        QCOMPARE(output.error(1), QStringLiteral("input 'seed' is not an integer: 'abc'"));
        QCOMPARE(output.error(2), QStringLiteral("input 'seed' is not an integer: '2.5'"));
    }

    void parameters()
    {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m_plugin->create({}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, create(0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, create(Q_INT64_C(10000000001)));
        QVERIFY(create(Q_INT64_C(10000000000))); // the maximum is accepted (not run)
        // A whole double, as a JSON number may arrive, works like the integer.
        const auto fromDouble = m_plugin->create({{QStringLiteral("samples"), 1000.0}});
        QCOMPARE(run(*fromDouble, seeds({1}), 2).values().at(0, 1).toLongLong(), 779);
    }

    void concurrentProcess()
    {
        QList<qint64> list;
        for (qint64 seed = 0; seed < 64; ++seed)
            list << seed * 1000003;
        checkConcurrentProcess(*create(20000), seeds(list), 2);
    }

private:
    QPluginLoader m_loader;
    fastmap::FunctionPlugin *m_plugin = nullptr;
    QJsonObject m_meta;
};

QTEST_GUILESS_MAIN(TestPiMonteCarlo)
#include "tst_pimontecarlo.moc"
