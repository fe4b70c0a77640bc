// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

struct archive;

namespace fastmap {

// Writes a .zip or .tar.zst (also .tar.gz, .tar) archive through libarchive. KDE KArchive for
// Qt 6 needs Qt 6.5 and Debian 12 has 6.4, so this small class stands in; a KArchive backend
// could replace it behind the same three calls.
class ArchiveWriter
{
public:
    ArchiveWriter();
    ~ArchiveWriter();
    ArchiveWriter(const ArchiveWriter &) = delete;
    ArchiveWriter &operator=(const ArchiveWriter &) = delete;

    // The format follows the file name's extension.
    bool open(const QString &path, QString *error);
    // `name` must be a safe relative path: no leading '/', no "..", no backslashes.
    bool add(const QString &name, const QByteArray &data, QString *error);
    bool close(QString *error);

    static bool isSafeEntryName(const QString &name);
    static bool formatSupported(const QString &path);

private:
    archive *m_archive = nullptr;
    QString m_path;
};

} // namespace fastmap
