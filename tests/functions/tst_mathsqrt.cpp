// SPDX-License-Identifier: GPL-3.0-or-later
// Tests the math.sqrt example plugin through its built plugin file.
#include "FunctionPluginTestUtils.h"

#include <cmath>
#include <limits>

using namespace fastmap;
using namespace fastmap::test;

namespace {
const std::vector<ColumnType> kNumber{ColumnType::Float64};
}

class TestMathSqrt : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        loadFunctionPlugin(m_loader, pluginFile("math_sqrt"), QStringLiteral("math.sqrt"), m_plugin, m_meta);
        QVERIFY(m_plugin);
        m_function = m_plugin->create({});
        QVERIFY(m_function);
    }

    void metadata()
    {
        QCOMPARE(names(m_meta, "inputs"), QStringList{"x"});
        QCOMPARE(names(m_meta, "outputs"), QStringList{"sqrt"});
        QCOMPARE(m_meta.value("inputs").toArray().at(0).toObject().value("type").toString(), "number");
        QCOMPARE(m_meta.value("outputs").toArray().at(0).toObject().value("type").toString(), "number");
        QCOMPARE(columnTypes(m_meta, "outputs"), kNumber);
        QVERIFY(names(m_meta, "parameters").isEmpty());
        QCOMPARE(m_meta.value("version").toString(), "1.0.0");
    }

    void values()
    {
        const Table input = columnTable(ColumnType::Float64, {4.0, 2.0, 0.0, 9.0, 16.0, 6.25, 1e4, 1e300,
                                                              -0.0, std::numeric_limits<double>::infinity()});
        const BatchOutput output = run(*m_function, input, kNumber);
        QCOMPARE(output.failedCount(), 0);
        const QList<double> expected{
            2.0, std::sqrt(2.0), 0.0,   3.0, 4.0,
            2.5, 100.0,          1e150, 0.0, std::numeric_limits<double>::infinity()};
        for (int row = 0; row < input.rowCount(); ++row)
            QCOMPARE(output.values().doubles(0)[std::size_t(row)], expected[row]);
        QCOMPARE(output.values().doubles(0)[1], 1.4142135623730951);
        QVERIFY(!std::signbit(output.values().doubles(0)[2]));
    }

    void nanGivesNan()
    {
        const BatchOutput output =
            run(*m_function, columnTable(ColumnType::Float64, {std::numeric_limits<double>::quiet_NaN()}),
                kNumber);
        QVERIFY(!output.failed(0));
        QVERIFY(std::isnan(output.values().doubles(0)[0]));
    }

    void negativeFailsOnlyThatElement()
    {
        const Table input =
            columnTable(ColumnType::Float64, {4.0, -4.0, 9.0, -0.5, 1.0, -1e-300, -16.0, 25.0});
        const BatchOutput output = run(*m_function, input, kNumber);
        QCOMPARE(output.failedCount(), 4);
        QVERIFY(!output.failed(0));
        QCOMPARE(output.values().doubles(0)[0], 2.0);
        QVERIFY(!output.failed(2));
        QCOMPARE(output.values().doubles(0)[2], 3.0);
        QVERIFY(!output.failed(4));
        QCOMPARE(output.values().doubles(0)[7], 5.0);

        QVERIFY(output.failed(1));
        QCOMPARE(output.error(1), QStringLiteral("sqrt of a negative number: -4"));
        QCOMPARE(output.error(3), QStringLiteral("sqrt of a negative number: -0.5"));
        QCOMPARE(output.error(5), QStringLiteral("sqrt of a negative number: -1e-300"));
        QCOMPARE(output.error(6), QStringLiteral("sqrt of a negative number: -16"));
    }

    // An element whose input did not convert is failed by the host before process() runs; its
    // input holds 0 and the function leaves the host's message alone.
    void inputErrorsStay()
    {
        // Row 2's -1 would fail with another message; the first message stays.
        const Table input = columnTable(ColumnType::Float64, {4.0, 0.0, -1.0, 0.0});
        const BatchOutput output = run(*m_function, input, kNumber,
                                       {{1, QStringLiteral("input 'x' is not a number: 'abc'")},
                                        {2, QStringLiteral("input 'x' is empty")}});
        QCOMPARE(output.failedCount(), 2);
        QCOMPARE(output.values().doubles(0)[0], 2.0);
        QCOMPARE(output.error(1), QStringLiteral("input 'x' is not a number: 'abc'"));
        QCOMPARE(output.error(2), QStringLiteral("input 'x' is empty"));
        QVERIFY(!output.failed(3));
    }

    void emptyBatch()
    {
        const BatchOutput output = run(*m_function, Table({ColumnType::Float64}, 0), kNumber);
        QCOMPARE(output.rowCount(), 0);
        QVERIFY(!output.hasFailures());
    }

    void concurrentProcess()
    {
        QVariantList values;
        for (int i = 0; i < 5000; ++i)
            values << (i % 7 == 0 ? -double(i) - 1 : double(i) * 0.37);
        checkConcurrentProcess(*m_function, columnTable(ColumnType::Float64, values), kNumber);
    }

private:
    QPluginLoader m_loader;
    fastmap::FunctionPlugin *m_plugin = nullptr;
    QJsonObject m_meta;
    std::unique_ptr<fastmap::Function> m_function;
};

QTEST_GUILESS_MAIN(TestMathSqrt)
#include "tst_mathsqrt.moc"
