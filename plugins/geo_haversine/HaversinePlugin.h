// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <fastmap/FunctionPlugin.h>

#include <QObject>

namespace fastmap::plugins {

// geo.haversine: (lat1, lon1, lat2, lon2) in degrees -> great-circle distance in km.
class HaversinePlugin : public QObject, public fastmap::FunctionPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID FASTMAP_FUNCTION_PLUGIN_IID FILE "geo_haversine.json")
    Q_INTERFACES(fastmap::FunctionPlugin)

public:
    std::unique_ptr<fastmap::Function> create(const QVariantMap &params) const override;
};

} // namespace fastmap::plugins
