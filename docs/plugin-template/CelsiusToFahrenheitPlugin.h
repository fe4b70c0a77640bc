// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <fastmap/FunctionPlugin.h>

#include <QObject>

// The plugin object: Fastmap reads celsius_to_fahrenheit.json without loading the library, and
// loads it only to call create() with a job's parameters.
class CelsiusToFahrenheitPlugin : public QObject, public fastmap::FunctionPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID FASTMAP_FUNCTION_PLUGIN_IID FILE "celsius_to_fahrenheit.json")
    Q_INTERFACES(fastmap::FunctionPlugin)

public:
    std::unique_ptr<fastmap::Function> create(const QVariantMap &params) const override;
};
