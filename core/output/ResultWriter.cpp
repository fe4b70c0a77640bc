// SPDX-License-Identifier: GPL-3.0-or-later
#include "output/ResultWriter.h"

#include "output/ValueText.h"

#include <QDir>
#include <QFileInfo>

#include <cstdio>
#include <unistd.h>

namespace fastmap {

ResultWriter::ResultWriter(const QString &path, const ResultWriterOptions &options)
    : m_keepInput(options.keepInput), m_path(path), m_toStdout(path == QLatin1String("-"))
{
}

ResultWriter::~ResultWriter()
{
    // Never finished (a crash in the caller, an exception): leave no stray temporary behind.
    if (m_file.isOpen() && !m_toStdout) {
        m_file.close();
        QFile::remove(m_tempPath);
    }
}

std::unique_ptr<ResultWriter> ResultWriter::create(ResultFormat format, const QString &path,
                                                   const ResultWriterOptions &options)
{
    if (format == ResultFormat::JsonLines)
        return std::make_unique<JsonLinesResultWriter>(path, options);
    return std::make_unique<CsvResultWriter>(path, options);
}

bool ResultWriter::formatFor(const QString &name, const QString &path, ResultFormat *format, QString *error)
{
    QString n = name.toLower();
    if (n.isEmpty()) {
        const QString suffix = QFileInfo(path).suffix().toLower();
        n = (suffix == QLatin1String("jsonl") || suffix == QLatin1String("ndjson")) ? QStringLiteral("jsonl")
                                                                                  : QStringLiteral("csv");
    }
    if (n == QLatin1String("csv")) {
        *format = ResultFormat::Csv;
        return true;
    }
    if (n == QLatin1String("jsonl") || n == QLatin1String("ndjson")) {
        *format = ResultFormat::JsonLines;
        return true;
    }
    *error = QStringLiteral("unknown output format \"%1\" (use csv or jsonl)").arg(name);
    return false;
}

bool ResultWriter::begin(const QStringList &datasetColumns, const QStringList &outputColumns, QString *error)
{
    m_outputNames = outputColumns;
    m_outputNames << QStringLiteral("error");
    m_inputNames.clear();
    if (m_keepInput) {
        for (const QString &column : datasetColumns) {
            QString name = column;
            // A kept input that shares an output's name would make the file ambiguous.
            while (m_outputNames.contains(name) || m_inputNames.contains(name))
                name = QStringLiteral("input_") + name;
            m_inputNames << name;
        }
    }
    if (m_toStdout) {
        if (!m_file.open(stdout, QIODevice::WriteOnly)) {
            *error = QStringLiteral("cannot write to standard output: %1").arg(m_file.errorString());
            return false;
        }
    } else {
        const QFileInfo info(m_path);
        if (info.isDir()) {
            *error = QStringLiteral("%1: is a directory; name an output file").arg(m_path);
            return false;
        }
        m_tempPath = info.absoluteDir().filePath(QStringLiteral(".%1.%2.tmp").arg(info.fileName()).arg(::getpid()));
        m_file.setFileName(m_tempPath);
        if (!m_file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            *error = QStringLiteral("cannot create %1: %2").arg(m_path, m_file.errorString());
            return false;
        }
    }
    return writeAll(header(), error);
}

void ResultWriter::prepare(BatchResult &result)
{
    encode(result, result.encoded);
}

bool ResultWriter::consume(const BatchResult &result, QString *error)
{
    if (result.encoded.isEmpty() && result.batch.size() > 0) {
        QByteArray bytes;
        encode(result, bytes);
        if (!writeAll(bytes, error))
            return false;
    } else if (!writeAll(result.encoded, error)) {
        return false;
    }
    m_rows += result.batch.size();
    return true;
}

bool ResultWriter::writeAll(const QByteArray &bytes, QString *error)
{
    if (bytes.isEmpty())
        return true;
    if (m_file.write(bytes) != bytes.size()) {
        *error = QStringLiteral("cannot write %1: %2").arg(m_path, m_file.errorString());
        return false;
    }
    return true;
}

bool ResultWriter::finish(bool complete, QString *error)
{
    if (!m_file.isOpen())
        return true;
    if (!m_file.flush()) {
        *error = QStringLiteral("cannot write %1: %2").arg(m_path, m_file.errorString());
        return false;
    }
    if (m_toStdout) {
        m_file.close();
        m_finalPath = m_path;
        return true;
    }
    ::fsync(m_file.handle()); // the rename below must not expose a file whose data is not on disk
    m_file.close();
    const QString target = complete ? m_path : m_path + QStringLiteral(".partial");
    if (std::rename(QFile::encodeName(m_tempPath).constData(), QFile::encodeName(target).constData()) != 0) {
        *error = QStringLiteral("cannot rename %1 to %2: %3").arg(m_tempPath, target, QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    m_finalPath = target;
    return true;
}

QByteArray CsvResultWriter::header() const
{
    QByteArray out;
    bool first = true;
    for (const QStringList *names : {&m_inputNames, &m_outputNames}) {
        for (const QString &name : *names) {
            if (!first)
                out.append(',');
            first = false;
            ValueText::appendCsvText(out, name.toUtf8());
        }
    }
    out.append("\r\n");
    return out;
}

void CsvResultWriter::encode(const BatchResult &result, QByteArray &out) const
{
    const Table &rows = result.batch.rows;
    const Table &values = result.output.values();
    const int outputs = values.columnCount();
    out.reserve(out.size() + rows.rowCount() * 16 * (outputs + (m_keepInput ? rows.columnCount() : 0) + 1));
    for (int r = 0; r < rows.rowCount(); ++r) {
        if (m_keepInput) {
            const QVariant *in = rows.rowData(r);
            for (int c = 0; c < rows.columnCount(); ++c) {
                ValueText::appendCsv(out, in[c]);
                out.append(',');
            }
        }
        const bool failed = result.output.failed(r);
        const QVariant *o = values.rowData(r);
        for (int c = 0; c < outputs; ++c) {
            if (!failed)
                ValueText::appendCsv(out, o[c]);
            out.append(',');
        }
        if (failed)
            ValueText::appendCsvText(out, result.output.error(r).toUtf8());
        out.append("\r\n");
    }
}

void JsonLinesResultWriter::encode(const BatchResult &result, QByteArray &out) const
{
    const Table &rows = result.batch.rows;
    const Table &values = result.output.values();
    const int outputs = values.columnCount();
    for (int r = 0; r < rows.rowCount(); ++r) {
        out.append('{');
        if (m_keepInput) {
            const QVariant *in = rows.rowData(r);
            for (int c = 0; c < rows.columnCount(); ++c) {
                ValueText::appendJsonString(out, m_inputNames[c]);
                out.append(':');
                ValueText::appendJson(out, in[c]);
                out.append(',');
            }
        }
        const bool failed = result.output.failed(r);
        const QVariant *o = values.rowData(r);
        for (int c = 0; c < outputs; ++c) {
            ValueText::appendJsonString(out, m_outputNames[c]);
            out.append(':');
            if (failed)
                out.append("null");
            else
                ValueText::appendJson(out, o[c]);
            out.append(',');
        }
        out.append("\"error\":");
        if (failed)
            ValueText::appendJsonString(out, result.output.error(r));
        else
            out.append("null");
        out.append("}\n");
    }
}

} // namespace fastmap
