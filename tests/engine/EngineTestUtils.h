// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/ResultSink.h"

#include <QList>
#include <QMutex>
#include <QString>

#include <fstream>
#include <string>

// Collects every element the engine delivers, checking order as it goes. The inputs it sees
// are the kept dataset columns, as text.
class CollectingSink : public fastmap::ResultSink
{
public:
    bool wantsInput() const override { return true; }
    bool consume(const fastmap::BatchResult &result, QString *) override
    {
        const fastmap::Table &kept = result.batch.kept;
        const fastmap::Table &out = result.output.values();
        for (int r = 0; r < result.batch.size(); ++r) {
            const qint64 index = result.batch.firstRow + r;
            if (index != expectedIndex)
                orderBroken = true;
            expectedIndex = index + 1;
            inputsSeen << kept.value(r, 0);
            if (result.output.failed(r)) {
                errors.insert(index, result.output.error(r));
                outputsSeen << QVariant();
            } else {
                outputsSeen << out.value(r, 0);
                if (outputColumns > 1)
                    threads.insert(out.value(r, 1).toString());
            }
        }
        return true;
    }
    bool begin(const QStringList &, const QStringList &outputs, QString *) override
    {
        outputColumns = int(outputs.size());
        return true;
    }
    bool finish(bool c, QString *) override
    {
        finished = true;
        complete = c;
        return true;
    }

    int outputColumns = 0;
    qint64 expectedIndex = 0;
    bool orderBroken = false;
    bool finished = false;
    bool complete = false;
    QList<QVariant> inputsSeen;
    QList<QVariant> outputsSeen;
    QMap<qint64, QString> errors;
    QSet<QString> threads;
};

// Counts without keeping anything, for long inputs.
class CountingSink : public fastmap::ResultSink
{
public:
    bool consume(const fastmap::BatchResult &result, QString *) override
    {
        if (result.batch.firstRow != rows)
            orderBroken = true;
        const fastmap::Table &out = result.output.values();
        for (int r = 0; r < result.batch.size(); ++r)
            if (out.value(r, 0).toLongLong() != 2 * (result.batch.firstRow + r))
                wrongValues = true;
        rows += result.batch.size();
        ++batches;
        return true;
    }
    qint64 rows = 0;
    qint64 batches = 0;
    bool orderBroken = false;
    bool wrongValues = false;
};

// Peak resident set size of this process, in bytes (VmHWM).
inline qint64 peakRssBytes()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stoll(line.substr(6)) * 1024;
    return -1;
}

inline qint64 currentRssBytes()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stoll(line.substr(6)) * 1024;
    return -1;
}
