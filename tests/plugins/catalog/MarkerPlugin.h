// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <fastmap/FunctionPlugin.h>

#include <QObject>

// A plugin whose static initializer creates the file named by FASTMAP_TEST_MARKER, so a test
// can tell whether the plugin's code was ever loaded.
class MarkerPlugin : public QObject, public fastmap::FunctionPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID FASTMAP_FUNCTION_PLUGIN_IID FILE "marker.json")
    Q_INTERFACES(fastmap::FunctionPlugin)
public:
    std::unique_ptr<fastmap::Function> create(const QVariantMap &params) const override;
};
