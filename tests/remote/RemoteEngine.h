// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/Engine.h"
#include "remote/RemoteCoordinator.h"

// The engine as the programs set it up: with remote workers (RemoteCoordinator).
class RemoteEngine : public fastmap::Engine
{
public:
    explicit RemoteEngine(fastmap::PluginCatalog *catalog) : Engine(catalog)
    {
        setRemoteFactory(fastmap::RemoteCoordinator::factory(catalog));
    }
};
