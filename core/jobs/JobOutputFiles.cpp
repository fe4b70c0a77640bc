// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/JobOutputFiles.h"

#include "jobs/RowHash.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace fastmap {

namespace {

const QString kSuffix = QStringLiteral(".outputs");

} // namespace

JobOutputFiles::JobOutputFiles(const QString &directory) : m_directory(directory)
{}

JobOutputFiles::~JobOutputFiles() = default;

QString JobOutputFiles::path(const QString &jobId) const
{
    return m_directory + QLatin1Char('/') + jobId + kSuffix;
}

bool JobOutputFiles::append(const QString &jobId, const QByteArray &bytes, qint64 *at, QString *error)
{
    if (!m_writer || m_writing != jobId) {
        m_writer.reset();
        QDir().mkpath(m_directory);
        // Unbuffered: each blob is one write() of its own, and must be in the kernel before
        // its row is committed, so a buffer would only add a copy.
        auto file = std::make_unique<QFile>(path(jobId));
        if (!file->open(QIODevice::ReadWrite | QIODevice::Unbuffered)) {
            *error = QStringLiteral("cannot write %1: %2").arg(file->fileName(), file->errorString());
            return false;
        }
        m_end = file->size();
        m_writer = std::move(file);
        m_writing = jobId;
    }
    if ((m_writer->pos() != m_end && !m_writer->seek(m_end)) || m_writer->write(bytes) != bytes.size()) {
        *error = QStringLiteral("cannot write %1: %2").arg(m_writer->fileName(), m_writer->errorString());
        m_writer.reset(); // the next batch reopens it and starts at its real end
        return false;
    }
    *at = m_end;
    m_end += bytes.size();
    return true;
}

qint64 JobOutputFiles::size(const QString &jobId) const
{
    return QFileInfo(path(jobId)).size();
}

bool JobOutputFiles::read(const QString &jobId, qint64 at, qint64 length, QByteArray *bytes) const
{
    if (at < 0 || length <= 0)
        return false;
    // Opened for each batch (a few system calls against a read of a whole batch): a handle kept
    // open would go on reading a file that was deleted, or deleted and made again, since.
    QFile file(path(jobId));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered) || file.size() < at + length ||
        !file.seek(at))
        return false;
    bytes->resize(length);
    return file.read(bytes->data(), length) == length;
}

void JobOutputFiles::truncate(const QString &jobId, qint64 end)
{
    close(jobId);
    if (size(jobId) > end)
        QFile::resize(path(jobId), end);
}

void JobOutputFiles::remove(const QString &jobId)
{
    close(jobId);
    QFile::remove(path(jobId));
}

QStringList JobOutputFiles::jobIds() const
{
    QStringList ids = QDir(m_directory).entryList({QLatin1Char('*') + kSuffix}, QDir::Files);
    for (QString &id : ids)
        id.chop(kSuffix.size());
    return ids;
}

qint64 JobOutputFiles::totalBytes() const
{
    qint64 total = 0;
    for (const QFileInfo &file : QDir(m_directory).entryInfoList(QDir::Files | QDir::Hidden))
        total += file.size();
    return total;
}

qint64 JobOutputFiles::hash(const QByteArray &bytes)
{
    const auto h = qint64(RowHash::buffer(bytes.constData(), std::size_t(bytes.size()), 0));
    return h != 0 ? h : 1; // 0: none
}

void JobOutputFiles::close(const QString &jobId)
{
    if (m_writing == jobId)
        m_writer.reset();
}

} // namespace fastmap
