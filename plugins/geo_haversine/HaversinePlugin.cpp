// SPDX-License-Identifier: GPL-3.0-or-later
#include "HaversinePlugin.h"

#include "PluginParams.h"

#include <QLocale>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <span>
#include <stdexcept>

namespace fastmap::plugins {

namespace {

// The four inputs in metadata order, with the largest magnitude each may have.
struct Coordinate
{
    const char *name;
    double limit;
};
constexpr Coordinate kCoordinates[4] = {{"lat1", 90.0}, {"lon1", 180.0}, {"lat2", 90.0}, {"lon2", 180.0}};

QString outOfRange(const Coordinate &c, double degrees)
{
    return QStringLiteral("input '%1' is out of range [%2, %3]: %4")
        .arg(QLatin1String(c.name), QString::number(-c.limit), QString::number(c.limit),
             QString::number(degrees, 'g', QLocale::FloatingPointShortest));
}

// The central angle between two points given in radians.
double centralAngle(double lat1, double lon1, double lat2, double lon2)
{
    const double sinHalfDLat = std::sin((lat2 - lat1) / 2);
    const double sinHalfDLon = std::sin((lon2 - lon1) / 2);
    double a = sinHalfDLat * sinHalfDLat + std::cos(lat1) * std::cos(lat2) * sinHalfDLon * sinHalfDLon;
    a = std::clamp(a, 0.0, 1.0); // rounding can push a nearly antipodal pair just past 1
    // atan2 stays accurate for both tiny and nearly antipodal distances.
    return 2 * std::atan2(std::sqrt(a), std::sqrt(1 - a));
}

// A batch function over the four input columns of doubles: no per-element call or exception frame.
class HaversineFunction final : public fastmap::Function
{
public:
    explicit HaversineFunction(double radiusKm) : m_radiusKm(radiusKm) {}

    void process(const fastmap::Table &input, fastmap::BatchOutput &output) const override
    {
        const std::span<const double> columns[4] = {input.doubles(0), input.doubles(1), input.doubles(2),
                                                    input.doubles(3)};
        const std::span<double> km = output.values().doubles(0);
        const int rows = input.rowCount();
        for (int row = 0; row < rows; ++row) {
            if (output.failed(row))
                continue;
            const auto r = std::size_t(row);
            double degrees[4];
            bool inRange = true;
            for (int i = 0; i < 4 && inRange; ++i) {
                degrees[i] = columns[i][r];
                // NaN fails too: every comparison with it is false.
                if (!(std::abs(degrees[i]) <= kCoordinates[i].limit)) {
                    output.fail(row, outOfRange(kCoordinates[i], degrees[i]));
                    inRange = false;
                }
            }
            if (!inRange)
                continue;
            constexpr double toRadians = std::numbers::pi / 180.0;
            km[r] = m_radiusKm * centralAngle(degrees[0] * toRadians, degrees[1] * toRadians,
                                              degrees[2] * toRadians, degrees[3] * toRadians);
        }
    }

private:
    const double m_radiusKm;
};

} // namespace

std::unique_ptr<fastmap::Function> HaversinePlugin::create(const QVariantMap &params) const
{
    const double radiusKm = numberParam(params, "radius_km");
    // The metadata's "min" is inclusive, so the host lets 0 through; a sphere needs a positive radius.
    if (!(radiusKm > 0))
        throw std::invalid_argument("parameter 'radius_km' must be greater than 0");
    return std::make_unique<HaversineFunction>(radiusKm);
}

} // namespace fastmap::plugins
