// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/SqliteSpace.h"

#include <QFileInfo>
#include <QSqlQuery>
#include <QVariant>

namespace fastmap {

namespace {

qint64 pragma(const QSqlDatabase &db, const char *name)
{
    QSqlQuery q(db);
    return q.exec(QStringLiteral("PRAGMA %1").arg(QLatin1String(name))) && q.next() ? q.value(0).toLongLong() : 0;
}

} // namespace

int SqliteSpace::autoVacuum(const QSqlDatabase &db)
{
    return int(pragma(db, "auto_vacuum"));
}

bool SqliteSpace::vacuum(const QSqlDatabase &db)
{
    QSqlQuery q(db);
    q.exec(QString::fromLatin1(kAutoVacuumPragma));
    return q.exec(QStringLiteral("VACUUM"));
}

void SqliteSpace::reclaim(const QSqlDatabase &db)
{
    QSqlQuery q(db);
    q.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
}

qint64 SqliteSpace::usedBytes(const QSqlDatabase &db)
{
    return (pragma(db, "page_count") - pragma(db, "freelist_count")) * pragma(db, "page_size");
}

qint64 SqliteSpace::fileBytes(const QString &path)
{
    return QFileInfo(path).size() + QFileInfo(path + QStringLiteral("-wal")).size();
}

} // namespace fastmap
