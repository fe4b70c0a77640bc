// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <fastmap/FunctionPlugin.h>

#include <QObject>

// A function that misbehaves on a chosen element, the way real user code does: for the tests of
// function hosts (containment, limits, stopping). Never installed.
class CrashPlugin : public QObject, public fastmap::FunctionPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID FASTMAP_FUNCTION_PLUGIN_IID FILE "crash.json")
    Q_INTERFACES(fastmap::FunctionPlugin)
public:
    std::unique_ptr<fastmap::Function> create(const QVariantMap &params) const override;
};
