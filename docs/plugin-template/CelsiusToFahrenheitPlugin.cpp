// SPDX-License-Identifier: GPL-3.0-or-later
#include "CelsiusToFahrenheitPlugin.h"

#include <cmath>

namespace {

// One element at a time: `in` holds the element's inputs and `out` its outputs, by their index
// in the metadata. process() runs on many threads at once, so the function only reads its members.
class CelsiusToFahrenheit final : public fastmap::ElementFunction
{
public:
    explicit CelsiusToFahrenheit(int decimals) : m_scale(std::pow(10.0, decimals)) {}

protected:
    void processElement(const fastmap::InputRow &in, fastmap::OutputRow &out) const override
    {
        // "celsius" is a number, so Fastmap has already converted it to a double; an element
        // whose value did not convert has failed without reaching this function.
        const double celsius = in.number(0);
        if (celsius < -273.15) // throwing fails this element only, with this message
            throw fastmap::ElementError(QStringLiteral("below absolute zero: %1").arg(celsius));
        const double fahrenheit = celsius * 9.0 / 5.0 + 32.0;
        out.setNumber(0, std::round(fahrenheit * m_scale) / m_scale);
    }

private:
    const double m_scale;
};

} // namespace

std::unique_ptr<fastmap::Function> CelsiusToFahrenheitPlugin::create(const QVariantMap &params) const
{
    // The host has checked "decimals" against the metadata and filled in its default.
    return std::make_unique<CelsiusToFahrenheit>(params.value(QStringLiteral("decimals")).toInt());
}
