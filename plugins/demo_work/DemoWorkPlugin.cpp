// SPDX-License-Identifier: GPL-3.0-or-later
#include "DemoWorkPlugin.h"

#include "DemoWorkKernel.h"
#include "PluginParams.h"

namespace fastmap::plugins {

namespace {

// A batch function: every input is valid, so there is nothing to fail per element and the loop
// needs no exception handling. The output string is the only allocation per element.
class DemoWorkFunction final : public fastmap::Function
{
public:
    explicit DemoWorkFunction(qint64 iterations) : m_iterations(iterations) {}

    void process(const fastmap::Table &input, fastmap::BatchOutput &output) const override
    {
        fastmap::Table &out = output.values();
        const int rows = input.rowCount();
        for (int row = 0; row < rows; ++row)
            out.at(row, 0) = fastmap::demo::demoWork(input.at(row, 0), m_iterations);
    }

private:
    const qint64 m_iterations;
};

} // namespace

std::unique_ptr<fastmap::Function> DemoWorkPlugin::create(const QVariantMap &params) const
{
    const qint64 iterations = integerParam(params, "iterations", 0, 1000000000);
    return std::make_unique<DemoWorkFunction>(iterations);
}

} // namespace fastmap::plugins
