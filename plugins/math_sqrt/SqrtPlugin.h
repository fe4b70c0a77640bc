// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <fastmap/FunctionPlugin.h>

#include <QObject>

namespace fastmap::plugins {

// math.sqrt: x -> sqrt(x). An example of the batch Function interface: the function sees a
// whole batch at once and fails single elements with BatchOutput::fail().
class SqrtPlugin : public QObject, public fastmap::FunctionPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID FASTMAP_FUNCTION_PLUGIN_IID FILE "math_sqrt.json")
    Q_INTERFACES(fastmap::FunctionPlugin)

public:
    std::unique_ptr<fastmap::Function> create(const QVariantMap &params) const override;
};

} // namespace fastmap::plugins
