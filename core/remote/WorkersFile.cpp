// SPDX-License-Identifier: GPL-3.0-or-later
#include "remote/WorkersFile.h"

#include <QFile>
#include <QFileInfo>

namespace fastmap {

QStringList WorkersFile::parse(const QByteArray &text)
{
    QStringList urls;
    for (const QByteArray &raw : text.split('\n')) {
        QString line = QString::fromUtf8(raw);
        const int hash = int(line.indexOf(QLatin1Char('#')));
        if (hash >= 0)
            line.truncate(hash);
        line = line.trimmed();
        if (!line.isEmpty() && !urls.contains(line))
            urls << line;
    }
    return urls;
}

bool WorkersFile::reload(QStringList *urls, QString *error)
{
    const QFileInfo info(m_path);
    if (!info.exists()) {
        *error = QStringLiteral("%1: no such file").arg(m_path);
        return false;
    }
    if (info.lastModified() == m_modified && info.size() == m_size)
        return false;
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: %2").arg(m_path, file.errorString());
        return false;
    }
    m_modified = info.lastModified();
    m_size = info.size();
    *urls = parse(file.readAll());
    return true;
}

} // namespace fastmap
