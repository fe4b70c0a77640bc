// SPDX-License-Identifier: GPL-3.0-or-later
// The upgrade of a job store written by an earlier layout. Each batch's outputs were a BLOB in
// its row: one CBOR value per output before SDK 2 (no `errors` column), a TableCodec blob in
// SDK 2 until the output files (user_version 2). Both lose the column; the TableCodec blobs move
// to the jobs' output files as they are, so an interrupted job of then still resumes.
#include "jobs/JobStore.h"

#include "jobs/SqliteSpace.h"

#include <QCborArray>
#include <QCborStreamWriter>
#include <QCborValue>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace fastmap {

namespace {

constexpr int kVersion = 3; // the outputs in JobOutputFiles, their offset, length and hash in `batches`

bool failWith(const QSqlQuery &q, QString *error)
{
    *error = q.lastError().text();
    return false;
}

} // namespace

bool JobStore::migrate(QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    QSqlQuery q(db);
    q.exec(QStringLiteral("PRAGMA user_version"));
    const int version = q.next() ? q.value(0).toInt() : 0;
    q.finish();
    if (version < kVersion && !upgrade(db, error))
        return false;
    // Another connection busy: the space comes back at the next open that finds it idle.
    if (SqliteSpace::autoVacuum(db) != 1 && SqliteSpace::vacuum(db))
        SqliteSpace::reclaim(db);
    return true;
}

bool JobStore::upgrade(QSqlDatabase &db, QString *error)
{
    QSqlQuery q(db);
    // The write lock before looking: two processes opening an old store at once convert it once.
    if (!q.exec(QStringLiteral("BEGIN IMMEDIATE"))) {
        *error = QStringLiteral("cannot upgrade the job store %1: %2").arg(m_path, q.lastError().text());
        return false;
    }
    QStringList columns;
    q.exec(QStringLiteral("PRAGMA table_info(batches)"));
    while (q.next())
        columns << q.value(1).toString();
    q.finish();
    // A new store, made by open() in this layout, has no `outputs` column: only its version is set.
    const bool blobs = columns.contains(QLatin1String("outputs"));
    QString why;
    bool ok = true;
    if (blobs) {
        ok =
            (q.exec(QStringLiteral("ALTER TABLE batches ADD COLUMN outputs_at INTEGER NOT NULL DEFAULT 0")) &&
             q.exec(QStringLiteral(
                 "ALTER TABLE batches ADD COLUMN outputs_length INTEGER NOT NULL DEFAULT 0")) &&
             q.exec(QStringLiteral("ALTER TABLE batches ADD COLUMN outputs_hash INTEGER"))) ||
            failWith(q, &why);
        if (ok)
            ok = columns.contains(QLatin1String("errors")) ? moveOutputsToFiles(db, &why)
                                                           : convertSdk1Errors(db, &why);
        // Frees the blobs' pages; auto-vacuum gives them back to the file system at the commit.
        ok = ok && (q.exec(QStringLiteral("ALTER TABLE batches DROP COLUMN outputs")) || failWith(q, &why));
    }
    ok = ok && (q.exec(QStringLiteral("PRAGMA user_version=%1").arg(kVersion)) || failWith(q, &why));
    ok = ok && (q.exec(QStringLiteral("COMMIT")) || failWith(q, &why));
    if (!ok) {
        q.exec(QStringLiteral("ROLLBACK"));
        *error = QStringLiteral("cannot upgrade the job store %1: %2").arg(m_path, why);
        return false; // the output files it wrote are written again by the next attempt
    }
    if (blobs)
        SqliteSpace::reclaim(db);
    return true;
}

bool JobStore::moveOutputsToFiles(QSqlDatabase &db, QString *error)
{
    struct Moved
    {
        QString job;
        qint64 firstRow = 0;
        qint64 at = 0;
        qint64 length = 0;
        qint64 hash = 0;
    };
    QList<Moved> moved;
    QSqlQuery q(db);
    q.setForwardOnly(true); // one blob in memory at a time
    if (!q.exec(QStringLiteral("SELECT job_id, first_row, outputs FROM batches WHERE length(outputs) > 0 "
                               "ORDER BY job_id, first_row")))
        return failWith(q, error);
    QString current;
    while (q.next()) {
        Moved m{q.value(0).toString(), q.value(1).toLongLong()};
        const QByteArray blob = q.value(2).toByteArray();
        if (m.job != current) {
            m_outputs.remove(m.job); // what an upgrade that failed to commit left
            current = m.job;
        }
        if (!m_outputs.append(m.job, blob, &m.at, error))
            return false;
        m.length = blob.size();
        m.hash = JobOutputFiles::hash(blob);
        moved.append(m);
    }
    q.finish();
    q.prepare(QStringLiteral("UPDATE batches SET outputs_at = ?, outputs_length = ?, outputs_hash = ? "
                             "WHERE job_id = ? AND first_row = ?"));
    for (const Moved &m : std::as_const(moved)) {
        q.addBindValue(m.at);
        q.addBindValue(m.length);
        q.addBindValue(m.hash);
        q.addBindValue(m.job);
        q.addBindValue(m.firstRow);
        if (!q.exec())
            return failWith(q, error);
    }
    return true;
}

bool JobStore::convertSdk1Errors(QSqlDatabase &db, QString *error)
{
    // One CBOR value per output, which this build does not read: the failures are kept in the
    // new form, the outputs go (those jobs cannot be resumed by an SDK 2 plugin anyway), and
    // migrate() compacts the file once, turning on auto-vacuum.
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("ALTER TABLE batches ADD COLUMN errors BLOB")) ||
        !q.exec(QStringLiteral("ALTER TABLE batches ADD COLUMN input_hash INTEGER")) ||
        !q.exec(QStringLiteral("ALTER TABLE jobs ADD COLUMN results_dropped INTEGER NOT NULL DEFAULT 0")) ||
        !q.exec(QStringLiteral("SELECT job_id, first_row, outputs FROM batches WHERE failures > 0")))
        return failWith(q, error);
    QList<std::pair<QVariantList, QByteArray>> converted;
    while (q.next()) {
        const QCborArray parts = QCborValue::fromCbor(q.value(2).toByteArray()).toArray();
        QByteArray blob;
        QCborStreamWriter w(&blob);
        const QCborArray errors = parts.at(1).toArray();
        w.startArray(quint64(errors.size()));
        for (const QCborValue &e : errors) {
            w.startArray(2);
            w.append(e.toArray().at(0).toInteger());
            w.append(e.toArray().at(1).toString());
            w.endArray();
        }
        w.endArray();
        converted.append({QVariantList{q.value(0), q.value(1)}, blob});
    }
    q.finish();
    for (const auto &[where, blob] : std::as_const(converted)) {
        q.prepare(QStringLiteral("UPDATE batches SET errors = ? WHERE job_id = ? AND first_row = ?"));
        q.addBindValue(blob);
        q.addBindValue(where.at(0));
        q.addBindValue(where.at(1));
        if (!q.exec())
            return failWith(q, error);
    }
    if (!q.exec(
            QStringLiteral("UPDATE jobs SET results_dropped = %1 WHERE id IN (SELECT job_id FROM batches)")
                .arg(QDateTime::currentMSecsSinceEpoch())))
        return failWith(q, error);
    return true;
}

} // namespace fastmap
