// SPDX-License-Identifier: GPL-3.0-or-later
#include "DemoWorkPlugin.h"

#include "DemoWorkKernel.h"
#include "PluginParams.h"

namespace fastmap::plugins {

namespace {

// A batch function, so that the engine's overhead benchmarks (down to 0.1 us per element) pay
// no virtual call and no exception frame per element. The input is "any", so it arrives as
// UTF-8 text; the hash is written straight into the output table's buffer.
class DemoWorkFunction final : public fastmap::Function
{
public:
    explicit DemoWorkFunction(qint64 iterations) : m_iterations(iterations) {}

    void process(const fastmap::Table &input, fastmap::BatchOutput &output) const override
    {
        fastmap::Table &out = output.values();
        const int rows = input.rowCount();
        out.buffer().reserve(qsizetype(rows) * 16);
        char hex[16];
        for (int row = 0; row < rows; ++row) {
            if (output.failed(row))
                continue;
            const quint64 seed = fastmap::demo::demoWorkSeedBytes(input.text(0, row));
            fastmap::demo::demoWorkHexTo(fastmap::demo::demoWorkHash(seed, m_iterations), hex);
            out.setText(0, row, std::string_view(hex, sizeof hex));
        }
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
