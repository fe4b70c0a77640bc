// SPDX-License-Identifier: GPL-3.0-or-later
#include "output/ResultWriter.h"

#include "output/ByteWriter.h"
#include "output/ValueText.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace fastmap {

ResultWriter::ResultWriter(const QString &path, const ResultWriterOptions &options)
    : m_keepInput(options.keepInput), m_path(path), m_toStdout(path == QLatin1String("-")),
      m_nowhere(path.isEmpty())
{}

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
    m_written = 0;
    m_rows = 0;
    if (m_nowhere) {
        // Formatting only: no file.
    } else if (m_toStdout) {
        std::fflush(stdout); // the rows go to the descriptor, after anything printed before
        if (!m_file.open(stdout, QIODevice::WriteOnly | QIODevice::Unbuffered)) {
            *error = QStringLiteral("cannot write to standard output: %1").arg(m_file.errorString());
            return false;
        }
    } else {
        const QFileInfo info(m_path);
        if (info.isDir()) {
            *error = QStringLiteral("%1: is a directory; name an output file").arg(m_path);
            return false;
        }
        m_tempPath =
            info.absoluteDir().filePath(QStringLiteral(".%1.%2.tmp").arg(info.fileName()).arg(::getpid()));
        m_file.setFileName(m_tempPath);
        if (!m_file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Unbuffered)) {
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
    const int rows = result.output.rowCount();
    if (result.encoded.isEmpty() && rows > 0) {
        QByteArray bytes;
        encode(result, bytes);
        if (!writeAll(bytes, error))
            return false;
    } else if (!writeAll(result.encoded, error)) {
        return false;
    }
    m_rows += rows;
    return true;
}

void ResultWriter::failWritesAfter(qint64 bytes, int error)
{
    m_failAfter = bytes;
    m_failError = error;
}

namespace {

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

} // namespace

bool ResultWriter::writeAll(const QByteArray &bytes, QString *error)
{
    if (m_nowhere) {
        m_written += bytes.size();
        return true;
    }
    const int fd = m_file.handle();
    const char *at = bytes.constData();
    qsizetype left = bytes.size();
    qint64 offset = m_written;
    while (left > 0) {
        qsizetype n = left;
        if (m_failAfter >= 0)
            n = qsizetype(std::clamp<qint64>(m_failAfter - offset, 0, n));
        ssize_t wrote;
        if (n > 0) {
            wrote = ::write(fd, at, std::size_t(n));
        } else {
            wrote = -1;
            errno = m_failError;
        }
        if (wrote < 0 && errno == EINTR)
            continue;
        if (wrote <= 0) {
            const int reason = wrote < 0 ? errno : ENOSPC; // write(2) returns 0 only when nothing fits
            *error = QStringLiteral("cannot write %1: %2").arg(m_path, errnoText(reason));
            // Cut the torn batch off, so the file ends with the last row written whole.
            if (!m_toStdout && offset != m_written &&
                (::ftruncate(fd, m_written) != 0 || ::lseek(fd, m_written, SEEK_SET) != m_written))
                *error += QStringLiteral("; and it cannot be cut back to its last whole row: %1").arg(errnoText(errno));
            return false;
        }
        at += wrote;
        left -= wrote;
        offset += wrote;
    }
    m_written = offset;
    return true;
}

bool ResultWriter::finish(bool complete, QString *error)
{
    if (!m_file.isOpen())
        return true;
    if (m_toStdout) {
        m_file.close();
        m_finalPath = m_path;
        return true;
    }
    // The rename below must not expose a file whose data is not on disk; some file systems only
    // find out here that the disk is full.
    bool ok = true;
    if (::fsync(m_file.handle()) != 0 && errno != EINVAL) {
        *error = QStringLiteral("cannot write %1: %2").arg(m_path, errnoText(errno));
        ok = false;
        complete = false;
    }
    m_file.close();
    const QString target = complete ? m_path : m_path + QStringLiteral(".partial");
    if (std::rename(QFile::encodeName(m_tempPath).constData(), QFile::encodeName(target).constData()) != 0) {
        *error = QStringLiteral("cannot rename %1 to %2: %3").arg(m_tempPath, target, errnoText(errno));
        return false;
    }
    m_finalPath = target;
    return ok;
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

namespace {

// A rough size of one formatted row, so a batch's text is allocated once or twice, not per row.
qsizetype estimatedBytes(int rows, int cells)
{
    return qsizetype(rows) * (qsizetype(cells) * 16 + 4);
}

// The batch's text waits in the reorder buffer until its turn: give back a large unused tail.
void releaseSlack(QByteArray &bytes)
{
    if (bytes.capacity() - bytes.size() > bytes.size() / 4 + 4096)
        bytes.squeeze();
}

} // namespace

void CsvResultWriter::encode(const BatchResult &result, QByteArray &bytes) const
{
    const Table &kept = result.batch.kept;
    const BatchOutput &output = result.output;
    const Table &values = output.values();
    const int rows = output.rowCount();
    const int inputs = int(m_inputNames.size());
    const int outputs = values.columnCount();
    ByteWriter out(bytes, estimatedBytes(rows, inputs + outputs + 1));
    for (int r = 0; r < rows; ++r) {
        for (int c = 0; c < inputs; ++c) {
            if (hasKept(kept, c, r))
                ValueText::appendCsvCell(out, kept, c, r);
            out.put(',');
        }
        const bool failed = output.failed(r);
        for (int c = 0; c < outputs; ++c) {
            if (!failed)
                ValueText::appendCsvCell(out, values, c, r);
            out.put(',');
        }
        if (failed) {
            const QByteArray message = output.error(r).toUtf8();
            ValueText::appendCsvText(out, std::string_view(message.constData(), std::size_t(message.size())));
        }
        out.putLiteral("\r\n");
    }
    out.finish();
    releaseSlack(bytes);
}

bool JsonLinesResultWriter::begin(const QStringList &datasetColumns, const QStringList &outputColumns,
                                  QString *error)
{
    if (!ResultWriter::begin(datasetColumns, outputColumns, error))
        return false;
    const auto keys = [](const QStringList &names, qsizetype count) {
        std::vector<QByteArray> out;
        for (qsizetype i = 0; i < count; ++i) {
            QByteArray key;
            ValueText::appendJsonString(key, names[i]);
            key.append(':');
            out.push_back(key);
        }
        return out;
    };
    m_inputKeys = keys(m_inputNames, m_inputNames.size());
    m_outputKeys = keys(m_outputNames, m_outputNames.size() - 1); // the error column is written apart
    return true;
}

void JsonLinesResultWriter::encode(const BatchResult &result, QByteArray &bytes) const
{
    const Table &kept = result.batch.kept;
    const BatchOutput &output = result.output;
    const Table &values = output.values();
    const int rows = output.rowCount();
    const int inputs = int(m_inputKeys.size());
    const int outputs = std::min(values.columnCount(), int(m_outputKeys.size()));
    qsizetype keyBytes = 0;
    for (const std::vector<QByteArray> *keys : {&m_inputKeys, &m_outputKeys})
        for (const QByteArray &key : *keys)
            keyBytes += key.size();
    ByteWriter out(bytes, estimatedBytes(rows, inputs + outputs + 1) + qsizetype(rows) * (keyBytes + 12));
    for (int r = 0; r < rows; ++r) {
        out.put('{');
        for (int c = 0; c < inputs; ++c) {
            out.put(m_inputKeys[std::size_t(c)]);
            if (hasKept(kept, c, r))
                ValueText::appendJsonCell(out, kept, c, r);
            else
                out.putLiteral("null");
            out.put(',');
        }
        const bool failed = output.failed(r);
        for (int c = 0; c < outputs; ++c) {
            out.put(m_outputKeys[std::size_t(c)]);
            if (failed)
                out.putLiteral("null");
            else
                ValueText::appendJsonCell(out, values, c, r);
            out.put(',');
        }
        out.putLiteral("\"error\":");
        if (failed) {
            const QByteArray message = output.error(r).toUtf8();
            ValueText::appendJsonString(out,
                                        std::string_view(message.constData(), std::size_t(message.size())));
        } else {
            out.putLiteral("null");
        }
        out.putLiteral("}\n");
    }
    out.finish();
    releaseSlack(bytes);
}

} // namespace fastmap
