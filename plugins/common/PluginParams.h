// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Parameter helpers shared by the example plugins. The host has already validated every
// parameter against the plugin's metadata and filled in defaults, but a plugin may also be
// driven directly (tests, benchmarks), so these re-check and throw std::invalid_argument,
// which is what FunctionPlugin::create() is documented to throw.

#include <QVariantMap>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace fastmap::plugins {

inline QVariant requiredParam(const QVariantMap &params, const char *name)
{
    const auto it = params.constFind(QLatin1String(name));
    if (it == params.cend() || !it->isValid() || it->isNull())
        throw std::invalid_argument(std::string("missing parameter '") + name + "'");
    return *it;
}

// Reads an integer parameter, accepting any integral QVariant (int, qlonglong, a whole double
// from JSON, a decimal string) and checking it lies in [min, max].
inline qint64 integerParam(const QVariantMap &params, const char *name, qint64 min, qint64 max)
{
    const QVariant value = requiredParam(params, name);
    bool ok = false;
    qint64 result = 0;
    switch (value.typeId()) {
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt: result = value.toLongLong(&ok); break;
    case QMetaType::ULongLong:
        ok = value.toULongLong() <= quint64(std::numeric_limits<qint64>::max());
        result = qint64(value.toULongLong());
        break;
    case QMetaType::Double: {
        const double d = value.toDouble();
        // 2^63 is exactly representable; anything in [-2^63, 2^63) converts without overflow.
        ok = std::isfinite(d) && d == std::floor(d) && d >= -9223372036854775808.0 &&
             d < 9223372036854775808.0;
        if (ok)
            result = qint64(d);
        break;
    }
    case QMetaType::QString:
    case QMetaType::QByteArray: result = value.toString().trimmed().toLongLong(&ok); break;
    default: break;
    }
    if (!ok)
        throw std::invalid_argument(std::string("parameter '") + name + "' is not an integer: '" +
                                    value.toString().toStdString() + "'");
    if (result < min || result > max)
        throw std::invalid_argument(std::string("parameter '") + name + "' is out of range [" +
                                    std::to_string(min) + ", " + std::to_string(max) +
                                    "]: " + std::to_string(result));
    return result;
}

// Reads a finite number parameter.
inline double numberParam(const QVariantMap &params, const char *name)
{
    const QVariant value = requiredParam(params, name);
    bool ok = false;
    double result = 0;
    switch (value.typeId()) {
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::ULongLong:
    case QMetaType::Double:
    case QMetaType::Float: result = value.toDouble(&ok); break;
    case QMetaType::QString:
    case QMetaType::QByteArray: result = value.toString().trimmed().toDouble(&ok); break;
    default: break;
    }
    if (!ok || !std::isfinite(result))
        throw std::invalid_argument(std::string("parameter '") + name + "' is not a finite number: '" +
                                    value.toString().toStdString() + "'");
    return result;
}

} // namespace fastmap::plugins
