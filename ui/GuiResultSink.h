// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/ResultSink.h"

#include <QObject>

Q_DECLARE_METATYPE(fastmap::BatchResult)

namespace fastmap {

// Hands a job's results to the GUI thread: consume() runs on the engine's driver thread and
// only emits; receivers in the GUI thread get the batches through queued connections. With a
// file sink set, every call is passed on to it first (the job's result file).
class GuiResultSink : public QObject, public ResultSink
{
    Q_OBJECT
public:
    explicit GuiResultSink(QObject *parent = nullptr);

    // Set between jobs only; null for none.
    void setFile(ResultSink *file) { m_file = file; }
    // Whether the app itself needs every dataset column (the results view shows them). Set
    // between jobs only.
    void setWantsInput(bool wants) { m_wantsInput = wants; }

    bool begin(const QStringList &datasetColumns, const QStringList &outputColumns, QString *error) override;
    bool wantsInput() const override { return m_wantsInput || (m_file && m_file->wantsInput()); }
    void prepare(BatchResult &result) override;
    bool consume(const BatchResult &result, QString *error) override;
    bool finish(bool complete, QString *error) override;

signals:
    void begun(const QStringList &datasetColumns, const QStringList &outputColumns);
    void batchReady(const fastmap::BatchResult &result);

private:
    ResultSink *m_file = nullptr;
    bool m_wantsInput = true;
};

} // namespace fastmap
