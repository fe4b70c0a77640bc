// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/ArchiveWriter.h"

#include <QDateTime>
#include <QFile>

#include <archive.h>
#include <archive_entry.h>

namespace fastmap {

ArchiveWriter::ArchiveWriter() = default;

ArchiveWriter::~ArchiveWriter()
{
    if (m_archive) {
        archive_write_free(m_archive);
        QFile::remove(m_path); // never closed: not a complete archive
    }
}

bool ArchiveWriter::formatSupported(const QString &path)
{
    const QString p = path.toLower();
    return p.endsWith(QLatin1String(".zip")) || p.endsWith(QLatin1String(".tar.zst")) || p.endsWith(QLatin1String(".tar.gz"))
           || p.endsWith(QLatin1String(".tar"));
}

bool ArchiveWriter::isSafeEntryName(const QString &name)
{
    if (name.isEmpty() || name.startsWith(QLatin1Char('/')) || name.contains(QLatin1Char('\\')) || name.contains(QChar(0)))
        return false;
    for (const QString &part : name.split(QLatin1Char('/')))
        if (part.isEmpty() || part == QLatin1String("..") || part == QLatin1String("."))
            return false;
    return true;
}

bool ArchiveWriter::open(const QString &path, QString *error)
{
    const QString p = path.toLower();
    m_archive = archive_write_new();
    int rc = ARCHIVE_OK;
    if (p.endsWith(QLatin1String(".zip"))) {
        rc = archive_write_set_format_zip(m_archive);
    } else if (p.endsWith(QLatin1String(".tar.zst"))) {
        rc = archive_write_set_format_pax_restricted(m_archive);
        if (rc == ARCHIVE_OK)
            rc = archive_write_add_filter_zstd(m_archive);
    } else if (p.endsWith(QLatin1String(".tar.gz"))) {
        rc = archive_write_set_format_pax_restricted(m_archive);
        if (rc == ARCHIVE_OK)
            rc = archive_write_add_filter_gzip(m_archive);
    } else if (p.endsWith(QLatin1String(".tar"))) {
        rc = archive_write_set_format_pax_restricted(m_archive);
    } else {
        *error = QStringLiteral("%1: name the archive .zip or .tar.zst (or .tar.gz, .tar)").arg(path);
        archive_write_free(m_archive);
        m_archive = nullptr;
        return false;
    }
    if (rc != ARCHIVE_OK || archive_write_open_filename(m_archive, QFile::encodeName(path).constData()) != ARCHIVE_OK) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, QString::fromLocal8Bit(archive_error_string(m_archive)));
        archive_write_free(m_archive);
        m_archive = nullptr;
        return false;
    }
    m_path = path;
    return true;
}

bool ArchiveWriter::add(const QString &name, const QByteArray &data, QString *error)
{
    if (!isSafeEntryName(name)) {
        *error = QStringLiteral("refusing the archive entry name \"%1\": it must be a relative path without \"..\"").arg(name);
        return false;
    }
    archive_entry *entry = archive_entry_new();
    archive_entry_set_pathname_utf8(entry, name.toUtf8().constData());
    archive_entry_set_size(entry, data.size());
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_entry_set_mtime(entry, QDateTime::currentSecsSinceEpoch(), 0);
    bool ok = archive_write_header(m_archive, entry) == ARCHIVE_OK
              && (data.isEmpty() || archive_write_data(m_archive, data.constData(), size_t(data.size())) == data.size());
    archive_entry_free(entry);
    if (!ok)
        *error = QStringLiteral("cannot write %1 into %2: %3").arg(name, m_path, QString::fromLocal8Bit(archive_error_string(m_archive)));
    return ok;
}

bool ArchiveWriter::close(QString *error)
{
    if (!m_archive)
        return false;
    const bool ok = archive_write_close(m_archive) == ARCHIVE_OK;
    if (!ok)
        *error = QStringLiteral("cannot finish %1: %2").arg(m_path, QString::fromLocal8Bit(archive_error_string(m_archive)));
    archive_write_free(m_archive);
    m_archive = nullptr;
    if (!ok)
        QFile::remove(m_path);
    return ok;
}

} // namespace fastmap
