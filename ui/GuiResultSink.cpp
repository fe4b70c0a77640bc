// SPDX-License-Identifier: GPL-3.0-or-later
#include "GuiResultSink.h"

namespace fastmap {

GuiResultSink::GuiResultSink(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<BatchResult>();
}

bool GuiResultSink::begin(const QStringList &datasetColumns, const QStringList &outputColumns, QString *error)
{
    if (m_file && !m_file->begin(datasetColumns, outputColumns, error))
        return false;
    emit begun(datasetColumns, outputColumns);
    return true;
}

void GuiResultSink::prepare(BatchResult &result)
{
    if (m_file)
        m_file->prepare(result);
}

bool GuiResultSink::consume(const BatchResult &result, QString *error)
{
    if (m_file && !m_file->consume(result, error))
        return false;
    emit batchReady(result);
    return true;
}

bool GuiResultSink::finish(bool complete, QString *error)
{
    return !m_file || m_file->finish(complete, error);
}

} // namespace fastmap
