// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/ResultSink.h"

#include <QObject>

Q_DECLARE_METATYPE(fastmap::BatchResult)

namespace fastmap {

// Hands a job's results to the GUI thread: consume() runs on the engine's driver thread and
// only emits; receivers in the GUI thread get the batches through queued connections.
class GuiResultSink : public QObject, public ResultSink
{
    Q_OBJECT
public:
    explicit GuiResultSink(QObject *parent = nullptr);

    bool begin(const QStringList &datasetColumns, const QStringList &outputColumns, QString *error) override;
    bool consume(const BatchResult &result, QString *error) override;

signals:
    void begun(const QStringList &datasetColumns, const QStringList &outputColumns);
    void batchReady(const fastmap::BatchResult &result);
};

} // namespace fastmap
