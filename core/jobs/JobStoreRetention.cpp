// SPDX-License-Identifier: GPL-3.0-or-later
// The job store's retention (dropping stored results, the size cap), its failures' encoding and
// the upgrade of a store written before SDK 2.
#include "jobs/JobStore.h"

#include "jobs/SqliteSpace.h"

#include <QCborArray>
#include <QCborStreamReader>
#include <QCborStreamWriter>
#include <QCborValue>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

namespace fastmap {

QByteArray JobStore::encodeErrors(const BatchOutput &output)
{
    QByteArray blob;
    if (!output.hasFailures())
        return blob;
    QCborStreamWriter w(&blob);
    w.startArray(quint64(output.failedCount()));
    for (int r = 0; r < output.rowCount(); ++r) {
        if (!output.failed(r))
            continue;
        w.startArray(2);
        w.append(qint64(r));
        w.append(output.error(r));
        w.endArray();
    }
    w.endArray();
    return blob;
}

bool JobStore::decodeErrors(const QByteArray &blob, const std::function<void(int, const QString &)> &visit)
{
    if (blob.isEmpty())
        return true;
    const QCborValue root = QCborValue::fromCbor(blob);
    if (!root.isArray())
        return false;
    for (const QCborValue &e : root.toArray()) {
        const QCborArray pair = e.toArray();
        if (pair.size() != 2 || !pair.at(0).isInteger() || !pair.at(1).isString())
            return false;
        visit(int(pair.at(0).toInteger()), pair.at(1).toString());
    }
    return true;
}

bool JobStore::dropResults(const QStringList &ids, QString *error)
{
    if (ids.isEmpty())
        return true;
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    QSqlQuery q(db);
    db.transaction();
    bool ok = true;
    for (const QString &id : ids) {
        q.prepare(QStringLiteral("UPDATE batches SET outputs = X'' WHERE job_id = ? AND length(outputs) > 0"));
        q.addBindValue(id);
        ok = ok && q.exec();
        q.prepare(QStringLiteral("UPDATE jobs SET results_dropped = ? WHERE id = ?"));
        q.addBindValue(QDateTime::currentMSecsSinceEpoch());
        q.addBindValue(id);
        ok = ok && q.exec();
    }
    if (!ok || !db.commit()) {
        const QString why = q.lastError().text();
        db.rollback();
        *error = QStringLiteral("cannot drop the stored results of job %1: %2").arg(ids.join(QStringLiteral(", ")), why);
        return false;
    }
    SqliteSpace::reclaim(db);
    return true;
}

QList<JobRecord> JobStore::enforceLimit(qint64 limitBytes, QString *error, const QString &except)
{
    QList<JobRecord> dropped;
    const qint64 used = usedBytes();
    if (limitBytes < 0 || used <= limitBytes)
        return dropped;
    QList<JobRecord> candidates;
    for (const JobRecord &job : jobs()) {
        if (job.id != except && job.hasStoredResults() && job.storedBytes > 0
            && job.currentState() != QLatin1String("running"))
            candidates << job;
    }
    // Oldest first, those that asked to keep their results last.
    std::stable_sort(candidates.begin(), candidates.end(), [](const JobRecord &a, const JobRecord &b) {
        if (a.keepResults() != b.keepResults())
            return !a.keepResults();
        return a.created < b.created || (a.created == b.created && a.id < b.id);
    });
    // Down to 90% of the cap, so that the next job does not prune again at once.
    qint64 over = used - limitBytes * 9 / 10;
    QStringList ids;
    for (const JobRecord &job : std::as_const(candidates)) {
        if (over <= 0)
            break;
        ids << job.id;
        dropped << job;
        over -= job.storedBytes;
    }
    if (!dropResults(ids, error))
        return {};
    return dropped;
}

QList<JobRecord> JobStore::pruneFinished(const QDateTime &updatedBefore, QString *error)
{
    QList<JobRecord> dropped;
    QStringList ids;
    for (const JobRecord &job : jobs()) {
        if (job.hasStoredResults() && job.storedBytes > 0 && job.currentState() != QLatin1String("running")
            && (!updatedBefore.isValid() || job.updated < updatedBefore)) {
            ids << job.id;
            dropped << job;
        }
    }
    if (!dropResults(ids, error))
        return {};
    return dropped;
}

bool JobStore::migrate(QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    QSqlQuery q(db);
    q.exec(QStringLiteral("PRAGMA user_version"));
    const int version = q.next() ? q.value(0).toInt() : 0;
    q.finish();
    if (version < 2 && !upgrade(db, error))
        return false;
    // Another connection busy: the space comes back at the next open that finds it idle.
    if (SqliteSpace::autoVacuum(db) != 1 && SqliteSpace::vacuum(db))
        SqliteSpace::reclaim(db);
    return true;
}

bool JobStore::upgrade(QSqlDatabase &db, QString *error)
{
    QSqlQuery q(db);
    bool hasErrors = false;
    q.exec(QStringLiteral("PRAGMA table_info(batches)"));
    while (q.next())
        hasErrors = hasErrors || q.value(1).toString() == QLatin1String("errors");
    q.finish();
    if (!hasErrors) {
        // Written before SDK 2: one CBOR value per output, which this build does not read. The
        // failures are kept in the new form; the outputs go (those jobs cannot be resumed by an
        // SDK 2 plugin anyway), and the file is compacted once, turning on auto-vacuum.
        db.transaction();
        bool ok = q.exec(QStringLiteral("ALTER TABLE batches ADD COLUMN errors BLOB"))
                  && q.exec(QStringLiteral("ALTER TABLE batches ADD COLUMN input_hash INTEGER"))
                  && q.exec(QStringLiteral("ALTER TABLE jobs ADD COLUMN results_dropped INTEGER NOT NULL DEFAULT 0"));
        QList<std::pair<QVariantList, QByteArray>> converted;
        if (ok && q.exec(QStringLiteral("SELECT job_id, first_row, outputs FROM batches WHERE failures > 0"))) {
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
        }
        for (const auto &[where, blob] : std::as_const(converted)) {
            q.prepare(QStringLiteral("UPDATE batches SET errors = ? WHERE job_id = ? AND first_row = ?"));
            q.addBindValue(blob);
            q.addBindValue(where.at(0));
            q.addBindValue(where.at(1));
            ok = ok && q.exec();
        }
        ok = ok && q.exec(QStringLiteral("UPDATE batches SET outputs = X''"));
        ok = ok && q.exec(QStringLiteral("UPDATE jobs SET results_dropped = %1 WHERE id IN (SELECT job_id FROM batches)")
                              .arg(QDateTime::currentMSecsSinceEpoch()));
        if (!ok || !db.commit()) {
            *error = QStringLiteral("cannot upgrade the job store %1: %2").arg(m_path, q.lastError().text());
            db.rollback();
            return false;
        }
    }
    if (!q.exec(QStringLiteral("PRAGMA user_version=2"))) {
        *error = QStringLiteral("cannot upgrade the job store %1: %2").arg(m_path, q.lastError().text());
        return false;
    }
    return true;
}

} // namespace fastmap
