// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <fastmap/Function.h>

#include <QVariantMap>
#include <QtPlugin>

#include <memory>

// The SDK's major version. A plugin whose IID names another major version is refused at load time.
#define FASTMAP_SDK_VERSION_MAJOR 2
#define FASTMAP_FUNCTION_PLUGIN_IID "org.fastmap.FunctionPlugin/2"

namespace fastmap {

// The interface a function plugin implements. Its metadata (id, version, parameters, inputs,
// outputs, cost hint) lives in the JSON named by Q_PLUGIN_METADATA and is read without loading
// the plugin; see docs/plugins.md.
class FunctionPlugin
{
public:
    virtual ~FunctionPlugin() = default;

    // Binds the function to a job's parameters. The host has already checked every parameter's
    // type and range against the metadata and filled in defaults. Throw std::invalid_argument
    // for combinations the metadata cannot express.
    virtual std::unique_ptr<Function> create(const QVariantMap &params) const = 0;
};

} // namespace fastmap

Q_DECLARE_INTERFACE(fastmap::FunctionPlugin, FASTMAP_FUNCTION_PLUGIN_IID)
