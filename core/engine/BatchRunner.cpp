// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/BatchRunner.h"

#include <exception>

namespace fastmap {

namespace {

QString describeCurrentException()
{
    try {
        throw;
    } catch (const std::exception &e) {
        return QString::fromUtf8(e.what());
    } catch (...) {
        return QStringLiteral("unknown exception");
    }
}

} // namespace

void BatchRunner::run(const Function &function, const Table &input, BatchOutput &output)
{
    try {
        function.process(input, output);
        return;
    } catch (...) {
        if (input.rowCount() == 1) {
            output = BatchOutput(output.values().columnCount(), 1);
            output.fail(0, describeCurrentException());
            return;
        }
    }
    const int columns = output.values().columnCount();
    output = BatchOutput(columns, input.rowCount());
    Table one(input.columnCount(), 1);
    for (int row = 0; row < input.rowCount(); ++row) {
        for (int c = 0; c < input.columnCount(); ++c)
            one.set(0, c, input.at(row, c));
        BatchOutput single(columns, 1);
        try {
            function.process(one, single);
            if (single.failed(0)) {
                output.fail(row, single.error(0));
                continue;
            }
            for (int c = 0; c < columns; ++c)
                output.values().set(row, c, single.values().at(0, c));
        } catch (...) {
            output.fail(row, describeCurrentException());
        }
    }
}

} // namespace fastmap
