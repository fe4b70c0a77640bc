// SPDX-License-Identifier: GPL-3.0-or-later
// Tests the geo.haversine example plugin through its built plugin file.
#include "FunctionPluginTestUtils.h"

#include <cmath>
#include <limits>
#include <numbers>
#include <span>

using namespace fastmap;
using namespace fastmap::test;

namespace {
constexpr double kEarthRadiusKm = 6371.0088;
const std::vector<ColumnType> kInputs(4, ColumnType::Float64);
const std::vector<ColumnType> kKm{ColumnType::Float64};

Table coordinates(const QList<QVariantList> &rows)
{
    return typedTable(kInputs, rows);
}
} // namespace

class TestGeoHaversine : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Function> create(double radiusKm = kEarthRadiusKm)
    {
        return m_plugin->create({{QStringLiteral("radius_km"), radiusKm}});
    }

    double distance(const Function &function, const QVariantList &row)
    {
        const BatchOutput output = run(function, coordinates({row}), kKm);
        if (output.failed(0)) {
            qWarning() << "element failed:" << output.error(0);
            return std::numeric_limits<double>::quiet_NaN();
        }
        return output.values().doubles(0)[0];
    }

private slots:
    void initTestCase()
    {
        loadFunctionPlugin(m_loader, pluginFile("geo_haversine"), QStringLiteral("geo.haversine"), m_plugin,
                           m_meta);
        QVERIFY(m_plugin);
        m_function = create();
    }

    void metadata()
    {
        QCOMPARE(names(m_meta, "inputs"), (QStringList{"lat1", "lon1", "lat2", "lon2"}));
        QCOMPARE(names(m_meta, "outputs"), QStringList{"km"});
        QCOMPARE(names(m_meta, "parameters"), QStringList{"radius_km"});
        const QJsonObject radius = m_meta.value("parameters").toArray().at(0).toObject();
        QCOMPARE(radius.value("type").toString(), "number");
        QCOMPARE(radius.value("default").toDouble(), kEarthRadiusKm);
        QCOMPARE(columnTypes(m_meta, "inputs"), kInputs);
        QCOMPARE(columnTypes(m_meta, "outputs"), kKm);
    }

    void parisToLondon()
    {
        const double km = distance(*m_function, {48.8566, 2.3522, 51.5074, -0.1278});
        QVERIFY2(std::abs(km - 343.5) < 1.0, qPrintable(QString::number(km)));
        // The same formula evaluated independently (Python, double precision): 343.55653488088313.
        QVERIFY2(std::abs(km - 343.55653488088313) < 1e-9, qPrintable(QString::number(km, 'g', 17)));
        QCOMPARE(distance(*m_function, {51.5074, -0.1278, 48.8566, 2.3522}), km); // symmetric
    }

    void knownDistances()
    {
        QCOMPARE(distance(*m_function, {12.5, -45.25, 12.5, -45.25}), 0.0);
        const double halfCircumference = std::numbers::pi * kEarthRadiusKm;
        QVERIFY(std::abs(distance(*m_function, {0, 0, 0, 180}) - halfCircumference) < 1e-6);
        QVERIFY(std::abs(distance(*m_function, {90, 0, -90, 0}) - halfCircumference) < 1e-6);
        QVERIFY(std::abs(distance(*m_function, {0, -180, 0, 180})) < 1e-6); // the same meridian
        QVERIFY(std::abs(distance(*m_function, {0, 0, 90, 0}) - halfCircumference / 2) < 1e-6);
        // New York -> Los Angeles (independent Python evaluation: 3935.751690893986).
        QVERIFY(std::abs(distance(*m_function, {40.7128, -74.0060, 34.0522, -118.2437}) - 3935.751690893986) <
                1e-6);
    }

    // Many rows in one batch, each computed on its own.
    void batchOfRows()
    {
        const BatchOutput output = run(*m_function,
                                       coordinates({{48.8566, 2.3522, 51.5074, -0.1278},
                                                    {0, 0, 0, 180},
                                                    {12.5, -45.25, 12.5, -45.25},
                                                    {51.5074, -0.1278, 48.8566, 2.3522}}),
                                       kKm);
        QCOMPARE(output.failedCount(), 0);
        const std::span<const double> km = output.values().doubles(0);
        QVERIFY(std::abs(km[0] - 343.55653488088313) < 1e-9);
        QVERIFY(std::abs(km[1] - std::numbers::pi * kEarthRadiusKm) < 1e-6);
        QCOMPARE(km[2], 0.0);
        QCOMPARE(km[3], km[0]);
    }

    void radiusParameter()
    {
        const auto unit = create(1.0);
        const double radians = distance(*unit, {48.8566, 2.3522, 51.5074, -0.1278});
        QVERIFY(std::abs(radians - 343.55653488088313 / kEarthRadiusKm) < 1e-12);
        QVERIFY(std::abs(distance(*unit, {0, 0, 0, 180}) - std::numbers::pi) < 1e-12);

        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, create(0.0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, create(-1.0));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m_plugin->create({}));
        QVERIFY(m_plugin->create({{QStringLiteral("radius_km"), qint64(6371)}}));
    }

    void boundariesAreValid()
    {
        const BatchOutput output =
            run(*m_function, coordinates({{90, 180, -90, -180}, {-90, -180, 90, 180}, {90.0, 0, 90.0, 123}}),
                kKm);
        QCOMPARE(output.failedCount(), 0);
        QVERIFY(std::abs(output.values().doubles(0)[2]) < 1e-9); // both at the north pole
    }

    void badCoordinatesFailTheirElement()
    {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const double infinity = std::numeric_limits<double>::infinity();
        const BatchOutput output = run(*m_function,
                                       coordinates({{48.8566, 2.3522, 51.5074, -0.1278},
                                                    {91, 0, 0, 0},
                                                    {0, 0, 0, -180.5},
                                                    {0, 0, nan, 0},
                                                    {0, 0, 0, 0},
                                                    {0, 0, -90.0001, 0},
                                                    {0, 180.25, 0, 0},
                                                    {0, 0, 0, 1.0},
                                                    {0, -infinity, 0, 0},
                                                    {95, 200, 0, 0}}),
                                       kKm, {{4, QStringLiteral("input 'lon1' is not a number: 'abc'")}});
        QCOMPARE(output.failedCount(), 8);
        QVERIFY(!output.failed(0));
        QVERIFY(std::abs(output.values().doubles(0)[0] - 343.5565) < 1e-3);
        QCOMPARE(output.error(1), QStringLiteral("input 'lat1' is out of range [-90, 90]: 91"));
        QCOMPARE(output.error(2), QStringLiteral("input 'lon2' is out of range [-180, 180]: -180.5"));
        QCOMPARE(output.error(3), QStringLiteral("input 'lat2' is out of range [-90, 90]: nan"));
        // Failed by the host before the function ran (its input did not convert): the message stays.
        QCOMPARE(output.error(4), QStringLiteral("input 'lon1' is not a number: 'abc'"));
        QCOMPARE(output.error(5), QStringLiteral("input 'lat2' is out of range [-90, 90]: -90.0001"));
        QCOMPARE(output.error(6), QStringLiteral("input 'lon1' is out of range [-180, 180]: 180.25"));
        QVERIFY(!output.failed(7));
        QCOMPARE(output.error(8), QStringLiteral("input 'lon1' is out of range [-180, 180]: -inf"));
        // The first bad input in metadata order names the element's failure.
        QCOMPARE(output.error(9), QStringLiteral("input 'lat1' is out of range [-90, 90]: 95"));
    }

    void concurrentProcess()
    {
        QList<QVariantList> rows;
        for (int i = 0; i < 4000; ++i) {
            const double lat1 = -90 + (i * 37 % 1810) / 10.0; // slightly past 90 sometimes: failures
            rows << QVariantList{lat1, -180 + (i * 53 % 3600) / 10.0, (i * 17 % 180) - 90.0,
                                 (i * 11 % 360) - 180.0};
        }
        checkConcurrentProcess(*m_function, coordinates(rows), kKm);
    }

private:
    QPluginLoader m_loader;
    fastmap::FunctionPlugin *m_plugin = nullptr;
    QJsonObject m_meta;
    std::unique_ptr<fastmap::Function> m_function;
};

QTEST_GUILESS_MAIN(TestGeoHaversine)
#include "tst_geohaversine.moc"
