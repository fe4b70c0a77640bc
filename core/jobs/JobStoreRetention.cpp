// SPDX-License-Identifier: GPL-3.0-or-later
// The job store's retention (dropping stored results, the size cap) and its failures' encoding.
#include "jobs/JobStore.h"

#include <QCborArray>
#include <QCborStreamWriter>
#include <QCborValue>
#include <QSet>
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
        q.prepare(QStringLiteral("UPDATE batches SET outputs_at = 0, outputs_length = 0, outputs_hash = NULL "
                                 "WHERE job_id = ? AND outputs_length > 0"));
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
    // After the commit: a crash in between leaves a file that removeStrayOutputs() deletes, never
    // a row without its bytes. The rows only changed in place, so no page of jobs.db is freed.
    for (const QString &id : ids)
        m_outputs.remove(id);
    return true;
}

void JobStore::removeStrayOutputs()
{
    // The files first: a job's row is committed before its file is made, so a file listed here
    // whose job has no row is a stray one, not a job just created.
    const QStringList files = m_outputs.jobIds();
    if (files.isEmpty())
        return;
    QSet<QString> kept;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    if (!q.exec(QStringLiteral("SELECT id FROM jobs WHERE results_dropped = 0")))
        return;
    while (q.next())
        kept.insert(q.value(0).toString());
    for (const QString &id : files) {
        if (!kept.contains(id))
            m_outputs.remove(id);
    }
}

QList<JobRecord> JobStore::enforceLimit(qint64 limitBytes, QString *error, const QString &except)
{
    QList<JobRecord> dropped;
    removeStrayOutputs();
    const qint64 used = fileBytes();
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
    removeStrayOutputs();
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

} // namespace fastmap
