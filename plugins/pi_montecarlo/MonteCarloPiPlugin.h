// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <fastmap/FunctionPlugin.h>

#include <QObject>

namespace fastmap::plugins {

// pi.montecarlo: seed -> (pi, inside), a deterministic Monte Carlo estimate of pi.
class MonteCarloPiPlugin : public QObject, public fastmap::FunctionPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID FASTMAP_FUNCTION_PLUGIN_IID FILE "pi_montecarlo.json")
    Q_INTERFACES(fastmap::FunctionPlugin)

public:
    std::unique_ptr<fastmap::Function> create(const QVariantMap &params) const override;
};

} // namespace fastmap::plugins
