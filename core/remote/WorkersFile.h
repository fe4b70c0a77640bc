// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDateTime>
#include <QStringList>

namespace fastmap {

// A list of worker URLs, one per line, '#' starting a comment. Re-read while a job runs
// (GNU parallel's --slf), so workers can be added or removed mid-job.
class WorkersFile
{
public:
    explicit WorkersFile(const QString &path) : m_path(path) {}

    static QStringList parse(const QByteArray &text);
    // Reads the file if it changed since the last call. Returns true when `urls` was updated.
    bool reload(QStringList *urls, QString *error);
    QString path() const { return m_path; }

private:
    QString m_path;
    QDateTime m_modified;
    qint64 m_size = -1;
};

} // namespace fastmap
