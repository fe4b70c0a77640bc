// SPDX-License-Identifier: GPL-3.0-or-later
// Tests the math.sqrt example plugin through its built plugin file.
#include "FunctionPluginTestUtils.h"

#include <cmath>
#include <limits>

using namespace fastmap;
using namespace fastmap::test;

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
        QVERIFY(names(m_meta, "parameters").isEmpty());
        QCOMPARE(m_meta.value("version").toString(), "1.0.0");
    }

    void values()
    {
        const Table input =
            columnTable({4.0, 2.0, 0.0, qint64(9), int(16), QStringLiteral("6.25"), QStringLiteral(" 1e4 "),
                         1e300, -0.0, std::numeric_limits<double>::infinity()});
        const BatchOutput output = run(*m_function, input, 1);
        QCOMPARE(output.failedCount(), 0);
        const QList<double> expected{
            2.0, std::sqrt(2.0), 0.0,   3.0, 4.0,
            2.5, 100.0,          1e150, 0.0, std::numeric_limits<double>::infinity()};
        for (int row = 0; row < input.rowCount(); ++row) {
            const QVariant &value = output.values().at(row, 0);
            QCOMPARE(value.typeId(), int(QMetaType::Double));
            QCOMPARE(value.toDouble(), expected[row]);
        }
        QCOMPARE(output.values().at(1, 0).toDouble(), 1.4142135623730951);
    }

    void negativeFailsOnlyThatElement()
    {
        const Table input =
            columnTable({4.0, -4.0, qint64(9), -0.5, QStringLiteral("abc"), QString(), qint64(-16)});
        const BatchOutput output = run(*m_function, input, 1);
        QCOMPARE(output.failedCount(), 5);
        QVERIFY(!output.failed(0));
        QCOMPARE(output.values().at(0, 0).toDouble(), 2.0);
        QVERIFY(!output.failed(2));
        QCOMPARE(output.values().at(2, 0).toDouble(), 3.0);

        QVERIFY(output.failed(1));
        QCOMPARE(output.error(1), QStringLiteral("sqrt of a negative number: -4"));
        QVERIFY(!output.values().at(1, 0).isValid());
        QCOMPARE(output.error(3), QStringLiteral("sqrt of a negative number: -0.5"));
        QCOMPARE(output.error(6), QStringLiteral("sqrt of a negative number: -16"));
        QVERIFY(output.failed(4));
        QCOMPARE(output.error(4), QStringLiteral("input 'x' is not a number: 'abc'"));
        QVERIFY(output.failed(5));
        QVERIFY(output.error(5).contains("not a number"));
    }

    void emptyBatch()
    {
        const BatchOutput output = run(*m_function, Table(1, 0), 1);
        QCOMPARE(output.rowCount(), 0);
        QVERIFY(!output.hasFailures());
    }

    void concurrentProcess()
    {
        QVariantList values;
        for (int i = 0; i < 5000; ++i)
            values << (i % 7 == 0 ? QVariant(-double(i) - 1) : QVariant(double(i) * 0.37));
        checkConcurrentProcess(*m_function, columnTable(values), 1);
    }

private:
    QPluginLoader m_loader;
    fastmap::FunctionPlugin *m_plugin = nullptr;
    QJsonObject m_meta;
    std::unique_ptr<fastmap::Function> m_function;
};

QTEST_GUILESS_MAIN(TestMathSqrt)
#include "tst_mathsqrt.moc"
