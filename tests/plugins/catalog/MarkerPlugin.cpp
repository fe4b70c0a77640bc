// SPDX-License-Identifier: GPL-3.0-or-later
#include "MarkerPlugin.h"

#include <cstdio>
#include <cstdlib>

namespace {

// Runs when the dynamic loader maps the plugin, before any Qt code sees it.
struct LoadMarker
{
    LoadMarker()
    {
        const char *path = std::getenv("FASTMAP_TEST_MARKER");
        if (!path || !*path)
            return;
        if (std::FILE *file = std::fopen(path, "w")) {
            std::fputs("loaded\n", file);
            std::fclose(file);
        }
    }
};

const LoadMarker loadMarker;

class IdentityFunction : public fastmap::ElementFunction
{
protected:
    void processElement(const fastmap::InputRow &in, fastmap::OutputRow &out) const override
    {
        out.setInteger(0, in.integer(0));
    }
};

} // namespace

std::unique_ptr<fastmap::Function> MarkerPlugin::create(const QVariantMap &) const
{
    return std::make_unique<IdentityFunction>();
}
