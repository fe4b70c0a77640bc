// SPDX-License-Identifier: GPL-3.0-or-later
#include "SqrtPlugin.h"

#include <QLocale>

#include <cmath>
#include <cstddef>
#include <span>

namespace fastmap::plugins {

namespace {

class SqrtFunction final : public fastmap::Function
{
public:
    void process(const fastmap::Table &input, fastmap::BatchOutput &output) const override
    {
        const std::span<const double> x = input.doubles(0);
        const std::span<double> root = output.values().doubles(0);
        const std::size_t rows = x.size();

        // Pass 1: a tight loop over contiguous doubles, without branches or calls: the shape
        // compilers vectorise. A negative x gives NaN here; pass 2 fails it, and a failed row's
        // output is ignored. Rows whose input did not convert hold 0, which is harmless.
        for (std::size_t r = 0; r < rows; ++r)
            root[r] = std::sqrt(x[r]);

        // Pass 2: fail the negative inputs (NaN is not negative: its root is NaN).
        for (std::size_t r = 0; r < rows; ++r) {
            if (!(x[r] < 0))
                continue;
            const int row = int(r);
            if (output.failed(row))
                continue;
            output.fail(row, QStringLiteral("sqrt of a negative number: %1")
                                 .arg(QString::number(x[r], 'g', QLocale::FloatingPointShortest)));
        }
    }
};

} // namespace

std::unique_ptr<fastmap::Function> SqrtPlugin::create(const QVariantMap &) const
{
    return std::make_unique<SqrtFunction>();
}

} // namespace fastmap::plugins
