// SPDX-License-Identifier: GPL-3.0-or-later
#include "HaversinePlugin.h"

#include "PluginParams.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace fastmap::plugins {

namespace {

// Reads one coordinate and checks its range; NaN fails too, since every comparison with it is false.
double coordinate(const QVariant &value, const char *name, double limit)
{
    const double degrees = fastmap::toNumber(value, name);
    if (!(degrees >= -limit && degrees <= limit))
        throw fastmap::ElementError(QStringLiteral("input '%1' is out of range [%2, %3]: %4")
                                        .arg(QLatin1String(name), QString::number(-limit),
                                             QString::number(limit),
                                             QString::number(degrees, 'g', QLocale::FloatingPointShortest)));
    return degrees;
}

class HaversineFunction final : public fastmap::ElementFunction
{
public:
    explicit HaversineFunction(double radiusKm) : m_radiusKm(radiusKm) {}

protected:
    void processElement(const QVariant *in, QVariant *out) const override
    {
        constexpr double toRadians = std::numbers::pi / 180.0;
        const double lat1 = coordinate(in[0], "lat1", 90.0) * toRadians;
        const double lon1 = coordinate(in[1], "lon1", 180.0) * toRadians;
        const double lat2 = coordinate(in[2], "lat2", 90.0) * toRadians;
        const double lon2 = coordinate(in[3], "lon2", 180.0) * toRadians;

        const double sinHalfDLat = std::sin((lat2 - lat1) / 2);
        const double sinHalfDLon = std::sin((lon2 - lon1) / 2);
        double a = sinHalfDLat * sinHalfDLat + std::cos(lat1) * std::cos(lat2) * sinHalfDLon * sinHalfDLon;
        a = std::clamp(a, 0.0, 1.0); // rounding can push a nearly antipodal pair just past 1
        // atan2 stays accurate for both tiny and nearly antipodal distances.
        const double centralAngle = 2 * std::atan2(std::sqrt(a), std::sqrt(1 - a));
        out[0] = m_radiusKm * centralAngle;
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
