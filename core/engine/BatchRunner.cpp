// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/BatchRunner.h"

#include <exception>
#include <new>
#include <utility>
#include <vector>

namespace fastmap {

namespace {

QString &outOfMemoryMessage()
{
    static QString message = QStringLiteral("out of memory");
    return message;
}

QString describeCurrentException()
{
    try {
        throw;
    } catch (const std::bad_alloc &) {
        return outOfMemoryMessage();
    } catch (const std::exception &e) {
        return QString::fromUtf8(e.what());
    } catch (...) {
        return QStringLiteral("unknown exception");
    }
}

} // namespace

void BatchRunner::setOutOfMemoryMessage(const QString &message)
{
    outOfMemoryMessage() = message;
}

void BatchRunner::run(const Function &function, const Table &input, BatchOutput &output)
{
    // The rows failed before the function ran (their input did not convert) keep their message
    // whatever the function does; remember them in case the output has to be rebuilt.
    std::vector<std::pair<int, QString>> failedBefore;
    for (int row = 0; output.hasFailures() && row < output.rowCount(); ++row)
        if (output.failed(row))
            failedBefore.emplace_back(row, output.error(row));
    const std::vector<ColumnType> outputTypes = output.values().types();
    const auto fresh = [&] {
        BatchOutput rebuilt(outputTypes, input.rowCount());
        for (const auto &[row, message] : failedBefore)
            rebuilt.fail(row, message);
        return rebuilt;
    };
    try {
        function.process(input, output);
        return;
    } catch (...) {
        if (input.rowCount() == 1) {
            output = fresh();
            output.fail(0, describeCurrentException()); // kept only if the input converted
            return;
        }
    }
    output = fresh();
    Table one(input.types(), 1);
    for (int row = 0; row < input.rowCount(); ++row) {
        if (output.failed(row))
            continue;
        one.buffer().clear(); // copyRow appends the row's text
        one.copyRow(0, input, row);
        BatchOutput single(outputTypes, 1);
        try {
            function.process(one, single);
            if (single.failed(0))
                output.fail(row, single.error(0));
            else
                output.values().copyRow(row, single.values(), 0);
        } catch (...) {
            output.fail(row, describeCurrentException());
        }
    }
}

} // namespace fastmap
