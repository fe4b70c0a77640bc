// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/SampleSink.h"

#include "jobs/JobRecorder.h"

namespace fastmap {

SampleSink::SampleSink(ResultFormat format, const ResultWriterOptions &options, bool record)
    : m_format(format), m_record(record), m_writer(ResultWriter::create(format, QString(), options))
{}

SampleSink::~SampleSink() = default;

bool SampleSink::begin(const QStringList &datasetColumns, const QStringList &outputColumns, QString *error)
{
    return m_writer->begin(datasetColumns, outputColumns, error);
}

void SampleSink::prepare(BatchResult &result)
{
    // As a run's JobRecorder -> ResultWriter chain prepares a computed batch.
    m_writer->prepare(result);
    if (m_record && !result.fromStore)
        result.stored = JobRecorder::storedForm(result);
}

bool SampleSink::consume(const BatchResult &result, QString *error)
{
    Q_UNUSED(error);
    m_rows += result.batch.size();
    m_formatted += result.encoded.size();
    m_stored += result.stored.size();
    return true;
}

QString SampleSink::summary() const
{
    const double rows = double(qMax<qint64>(1, m_rows));
    const QString format =
        m_format == ResultFormat::JsonLines ? QStringLiteral("JSON Lines") : QStringLiteral("CSV");
    const QString bytes = QString::number(double(m_formatted) / rows, 'f', 0);
    if (!m_record)
        return QStringLiteral("Results per element: %1 bytes of %2, formatted in the sample as a run does "
                              "(--no-record: no job store)")
            .arg(bytes, format);
    return QStringLiteral(
               "Results per element: %1 bytes of %2 and %3 for the job store, formatted and encoded in "
               "the sample as a run does")
        .arg(bytes, format, QString::number(double(m_stored) / rows, 'f', 0));
}

} // namespace fastmap
