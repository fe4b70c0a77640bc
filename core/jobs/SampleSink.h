// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "output/ResultWriter.h"

#include <memory>

namespace fastmap {

// What `fastmap-cli estimate` hands the engine, so that its sample pays what a run's does: the
// engine times each sampled batch with the sink's prepare(), and here that is a run's own
// preparation, on the same thread: the result writer's formatting (the run's format and
// --keep-input) and, unless the run would not record the job (--no-record), the job store's
// encoding (JobRecorder::storedForm). Nothing is written: no result file, no job row. What was
// made is counted, so the caller can say it and a test can see which path the sample took.
class SampleSink : public ResultSink
{
public:
    SampleSink(ResultFormat format, const ResultWriterOptions &options, bool record);
    ~SampleSink() override;

    bool begin(const QStringList &datasetColumns, const QStringList &outputColumns, QString *error) override;
    bool wantsInput() const override { return m_writer->wantsInput(); }
    void prepare(BatchResult &result) override;
    bool consume(const BatchResult &result, QString *error) override;

    ResultFormat format() const { return m_format; }
    bool records() const { return m_record; }
    qint64 rows() const { return m_rows; }
    // The rows' bytes as the result file would hold them, and as the job store would (0 without it).
    qint64 formattedBytes() const { return m_formatted; }
    qint64 storedBytes() const { return m_stored; }
    // For the estimate: "Results per element: 19 bytes of CSV and 34 for the job store, ...".
    QString summary() const;

private:
    ResultFormat m_format;
    bool m_record;
    std::unique_ptr<ResultWriter> m_writer; // writes nowhere
    qint64 m_rows = 0;
    qint64 m_formatted = 0;
    qint64 m_stored = 0;
};

} // namespace fastmap
