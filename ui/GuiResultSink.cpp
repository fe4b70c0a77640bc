// SPDX-License-Identifier: GPL-3.0-or-later
#include "GuiResultSink.h"

namespace fastmap {

GuiResultSink::GuiResultSink(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<BatchResult>();
}

bool GuiResultSink::begin(const QStringList &datasetColumns, const QStringList &outputColumns, QString *)
{
    emit begun(datasetColumns, outputColumns);
    return true;
}

bool GuiResultSink::consume(const BatchResult &result, QString *)
{
    emit batchReady(result);
    return true;
}

} // namespace fastmap
