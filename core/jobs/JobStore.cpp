// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/JobStore.h"

#include "jobs/SqliteSpace.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>

#include <cerrno>
#include <csignal>

namespace fastmap {

namespace {

QJsonObject parseObject(const QVariant &v)
{
    return QJsonDocument::fromJson(v.toByteArray()).object();
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

JobRecord recordFrom(const QSqlQuery &q)
{
    JobRecord job;
    job.id = q.value(0).toString();
    job.created = QDateTime::fromMSecsSinceEpoch(q.value(1).toLongLong());
    job.updated = QDateTime::fromMSecsSinceEpoch(q.value(2).toLongLong());
    job.state = q.value(3).toString();
    job.spec = parseObject(q.value(4));
    job.summary = parseObject(q.value(5));
    job.elements = q.value(6).toLongLong();
    job.failed = q.value(7).toLongLong();
    if (const qint64 dropped = q.value(8).toLongLong(); dropped > 0)
        job.resultsDropped = QDateTime::fromMSecsSinceEpoch(dropped);
    job.storedBytes = q.value(9).toLongLong();
    return job;
}

const char *const kJobColumns = "j.id, j.created, j.updated, j.state, j.spec, j.summary, "
                                "(SELECT COALESCE(SUM(rows), 0) FROM batches b WHERE b.job_id = j.id), "
                                "(SELECT COALESCE(SUM(failures), 0) FROM batches b WHERE b.job_id = j.id), "
                                "j.results_dropped, "
                                "(SELECT COALESCE(SUM(outputs_length), 0) FROM batches b "
                                "WHERE b.job_id = j.id)";

} // namespace

QString JobRecord::currentState() const
{
    const auto pid = pid_t(spec.value("pid").toDouble());
    const bool alive = pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM);
    if (state == QLatin1String("running") && !alive)
        return QStringLiteral("interrupted");
    return state;
}

bool JobRecord::isCompleted() const
{
    return state == QLatin1String("completed") || state == QLatin1String("completed with failures");
}

qint64 JobRecord::totalElements() const
{
    if (summary.contains(QLatin1String("total")))
        return qint64(summary.value("total").toDouble());
    if (isCompleted())
        return qint64(summary.value("elements").toDouble());
    // A generated range says its size; a file's is known once a run has read it.
    const QString in = input();
    if (in.startsWith(QLatin1String("range:"))) {
        bool ok = false;
        const qint64 n = in.mid(6).toLongLong(&ok);
        if (ok && n >= 0)
            return n;
    }
    return -1;
}

JobStore::JobStore(const QString &path) : m_path(path), m_outputs(outputsDirectory(path))
{
    static QAtomicInt counter;
    m_connection = QStringLiteral("fastmap-jobs-%1").arg(counter.fetchAndAddRelaxed(1));
}

JobStore::~JobStore()
{
    // Not database(): it refuses a connection made by another thread (JobStoreResults makes one per thread).
    if (QSqlDatabase::contains(m_connection))
        QSqlDatabase::removeDatabase(m_connection);
}

QString JobStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/fastmap/jobs.db");
}

QString JobStore::outputsDirectory(const QString &path)
{
    return QFileInfo(path).absoluteFilePath() + QStringLiteral("-results");
}

QString JobStore::newJobId()
{
    // Sortable by time, unique enough for one user's machine, short enough to type.
    return QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss-"))
           + QString::number(QRandomGenerator::system()->bounded(0x10000), 16).rightJustified(4, QLatin1Char('0'));
}

bool JobStore::open(QString *error)
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(m_path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
    if (!db.open()) {
        *error = QStringLiteral("cannot open the job store %1: %2").arg(m_path, db.lastError().text());
        return false;
    }
    QSqlQuery q(db);
    const char *const statements[] = {
        // Before the first table, or it cannot be chosen without a VACUUM (see SqliteSpace).
        SqliteSpace::kAutoVacuumPragma,
        "PRAGMA journal_mode=WAL",
        // Commits without an fsync each (one per batch, 2 ms each here); the log is synced at a
        // checkpoint. A power cut may then lose the last batches' rows, which a resume computes
        // again, but never leaves the file inconsistent; a killed process loses nothing.
        "PRAGMA synchronous=NORMAL",
        "PRAGMA journal_size_limit=67108864",
        "PRAGMA foreign_keys=ON",
        "CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, created INTEGER NOT NULL, updated INTEGER NOT NULL, "
        "state TEXT NOT NULL, spec TEXT NOT NULL, summary TEXT NOT NULL DEFAULT '{}', "
        "results_dropped INTEGER NOT NULL DEFAULT 0)",
        "CREATE TABLE IF NOT EXISTS batches (job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE, "
        "seq INTEGER NOT NULL, first_row INTEGER NOT NULL, rows INTEGER NOT NULL, executor TEXT NOT NULL, "
        "start_ns INTEGER NOT NULL, duration_ns INTEGER NOT NULL, bytes_in INTEGER NOT NULL, bytes_out INTEGER NOT NULL, "
        "failures INTEGER NOT NULL, errors BLOB, input_hash INTEGER, outputs_at INTEGER NOT NULL DEFAULT 0, "
        "outputs_length INTEGER NOT NULL DEFAULT 0, outputs_hash INTEGER, PRIMARY KEY (job_id, first_row))",
    };
    for (const char *sql : statements) {
        if (!q.exec(QString::fromLatin1(sql))) {
            *error = QStringLiteral("cannot set up the job store %1: %2").arg(m_path, q.lastError().text());
            return false;
        }
    }
    return migrate(error);
}

bool JobStore::create(const JobRecord &job, QString *error)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("INSERT INTO jobs (id, created, updated, state, spec) VALUES (?, ?, ?, ?, ?)"));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    q.addBindValue(job.id);
    q.addBindValue(now);
    q.addBindValue(now);
    q.addBindValue(job.state);
    q.addBindValue(compact(job.spec));
    if (!q.exec()) {
        *error = QStringLiteral("cannot record the job: %1").arg(q.lastError().text());
        return false;
    }
    return true;
}

bool JobStore::setState(const QString &id, const QString &state, const QJsonObject &summary, QString *error)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("UPDATE jobs SET state = ?, summary = ?, updated = ? WHERE id = ?"));
    q.addBindValue(state);
    q.addBindValue(compact(summary));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    q.addBindValue(id);
    if (!q.exec()) {
        *error = QStringLiteral("cannot update job %1: %2").arg(id, q.lastError().text());
        return false;
    }
    return true;
}

bool JobStore::setSpec(const QString &id, const QJsonObject &spec, QString *error)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("UPDATE jobs SET spec = ? WHERE id = ?"));
    q.addBindValue(compact(spec));
    q.addBindValue(id);
    if (!q.exec()) {
        *error = QStringLiteral("cannot update job %1: %2").arg(id, q.lastError().text());
        return false;
    }
    return true;
}

bool JobStore::appendBatch(const QString &id, const StoredBatch &b, QString *error)
{
    // The bytes first: a committed row always points at bytes that were written.
    qint64 at = 0;
    if (!b.outputs.isEmpty() && !m_outputs.append(id, b.outputs, &at, error))
        return false;
    qint64 outputsHash = b.outputsHash;
    if (outputsHash == 0 && !b.outputs.isEmpty())
        outputsHash = JobOutputFiles::hash(b.outputs);
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("INSERT OR REPLACE INTO batches (job_id, seq, first_row, rows, executor, start_ns, "
                             "duration_ns, bytes_in, bytes_out, failures, errors, input_hash, outputs_at, "
                             "outputs_length, outputs_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(id);
    q.addBindValue(b.sequence);
    q.addBindValue(b.firstRow);
    q.addBindValue(b.rows);
    q.addBindValue(b.executor);
    q.addBindValue(b.startNs);
    q.addBindValue(b.durationNs);
    q.addBindValue(b.bytesIn);
    q.addBindValue(b.bytesOut);
    q.addBindValue(b.failures);
    q.addBindValue(b.errors.isEmpty() ? QVariant(QMetaType::fromType<QByteArray>()) : QVariant(b.errors));
    q.addBindValue(b.inputHash != 0 ? QVariant(b.inputHash) : QVariant(QMetaType::fromType<qint64>()));
    q.addBindValue(at);
    q.addBindValue(qint64(b.outputs.size()));
    q.addBindValue(outputsHash != 0 ? QVariant(outputsHash) : QVariant(QMetaType::fromType<qint64>()));
    if (!q.exec()) { // autocommit: one transaction per batch, its place in the file and its errors
        *error = QStringLiteral("cannot store a batch of job %1: %2").arg(id, q.lastError().text());
        return false;
    }
    return true;
}

QList<JobRecord> JobStore::jobs() const
{
    QList<JobRecord> result;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    if (!q.exec(QStringLiteral("SELECT %1 FROM jobs j ORDER BY j.created DESC, j.id DESC").arg(QLatin1String(kJobColumns))))
        return result;
    while (q.next())
        result << recordFrom(q);
    return result;
}

bool JobStore::find(const QString &idOrPrefix, JobRecord *job, QString *error) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("SELECT %1 FROM jobs j WHERE j.id = ? OR j.id LIKE ? ESCAPE '\\' ORDER BY j.id = ? DESC")
                  .arg(QLatin1String(kJobColumns)));
    QString escaped = idOrPrefix;
    escaped.replace(QLatin1String("\\"), QLatin1String("\\\\")).replace(QLatin1String("%"), QLatin1String("\\%")).replace(QLatin1String("_"), QLatin1String("\\_"));
    q.addBindValue(idOrPrefix);
    q.addBindValue(escaped + QLatin1Char('%'));
    q.addBindValue(idOrPrefix);
    if (!q.exec() || !q.next()) {
        *error = QStringLiteral("no job \"%1\" (see `fastmap-cli jobs`)").arg(idOrPrefix);
        return false;
    }
    *job = recordFrom(q);
    if (job->id != idOrPrefix && q.next()) {
        *error = QStringLiteral("\"%1\" matches several jobs; give more of the id").arg(idOrPrefix);
        return false;
    }
    return true;
}

bool JobStore::remove(const QString &id, QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    QSqlQuery q(db);
    db.transaction();
    q.prepare(QStringLiteral("DELETE FROM batches WHERE job_id = ?"));
    q.addBindValue(id);
    bool ok = q.exec();
    q.prepare(QStringLiteral("DELETE FROM jobs WHERE id = ?"));
    q.addBindValue(id);
    ok = ok && q.exec();
    if (!ok || !db.commit()) {
        db.rollback();
        *error = QStringLiteral("cannot remove job %1: %2").arg(id, q.lastError().text());
        return false;
    }
    m_outputs.remove(id);
    SqliteSpace::reclaim(db);
    return true;
}

bool JobStore::forEachBatch(const QString &id, const std::function<bool(const StoredBatch &)> &visit) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT seq, first_row, rows, executor, start_ns, duration_ns, bytes_in, bytes_out, "
                             "failures, errors, input_hash, outputs_at, outputs_length FROM batches "
                             "WHERE job_id = ? ORDER BY first_row"));
    q.addBindValue(id);
    if (!q.exec())
        return false;
    while (q.next()) {
        StoredBatch b;
        b.sequence = q.value(0).toLongLong();
        b.firstRow = q.value(1).toLongLong();
        b.rows = q.value(2).toInt();
        b.executor = q.value(3).toString();
        b.startNs = q.value(4).toLongLong();
        b.durationNs = q.value(5).toLongLong();
        b.bytesIn = q.value(6).toLongLong();
        b.bytesOut = q.value(7).toLongLong();
        b.failures = q.value(8).toInt();
        b.errors = q.value(9).toByteArray();
        b.inputHash = q.value(10).toLongLong();
        b.outputsAt = q.value(11).toLongLong();
        b.storedBytes = q.value(12).toLongLong();
        if (!visit(b))
            break;
    }
    return true;
}

QMap<qint64, int> JobStore::batchPlan(const QString &id, qint64 *storedRows) const
{
    QMap<qint64, int> plan;
    qint64 next = 0;
    const qint64 fileSize = m_outputs.size(id);
    forEachBatch(id, [&](const StoredBatch &b) {
        // Only the contiguous prefix of stored outputs counts, and only with all its bytes in the
        // file: a process killed between the write and the commit leaves bytes without a row,
        // never the reverse, but the file may be gone or cut.
        if (b.firstRow != next || b.storedBytes == 0 || b.outputsAt + b.storedBytes > fileSize)
            return false;
        plan.insert(b.firstRow, b.rows);
        next += b.rows;
        return true;
    });
    if (storedRows)
        *storedRows = next;
    return plan;
}

QMap<qint64, qint64> JobStore::inputHashes(const QString &id) const
{
    QMap<qint64, qint64> hashes;
    forEachBatch(id, [&](const StoredBatch &b) {
        if (b.inputHash != 0)
            hashes.insert(b.firstRow, b.inputHash);
        return true;
    });
    return hashes;
}

bool JobStore::readBatchOutputs(const QString &id, qint64 firstRow, QByteArray *outputs) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("SELECT outputs_at, outputs_length, outputs_hash FROM batches "
                             "WHERE job_id = ? AND first_row = ?"));
    q.addBindValue(id);
    q.addBindValue(firstRow);
    if (!q.exec() || !q.next())
        return false;
    const qint64 hash = q.value(2).toLongLong();
    return m_outputs.read(id, q.value(0).toLongLong(), q.value(1).toLongLong(), outputs)
           && (hash == 0 || JobOutputFiles::hash(*outputs) == hash);
}

bool JobStore::truncateBatches(const QString &id, qint64 firstRow, QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    QSqlQuery q(db);
    db.transaction();
    q.prepare(QStringLiteral("DELETE FROM batches WHERE job_id = ? AND first_row >= ?"));
    q.addBindValue(id);
    q.addBindValue(firstRow);
    bool ok = q.exec();
    q.prepare(QStringLiteral("UPDATE jobs SET results_dropped = 0 WHERE id = ?"));
    q.addBindValue(id);
    ok = ok && q.exec();
    if (!ok || !db.commit()) {
        db.rollback();
        *error = QStringLiteral("cannot update job %1: %2").arg(id, q.lastError().text());
        return false;
    }
    // What a killed run wrote past the rows it committed, and the forgotten batches' bytes.
    q.prepare(QStringLiteral("SELECT COALESCE(MAX(outputs_at + outputs_length), 0) FROM batches "
                             "WHERE job_id = ?"));
    q.addBindValue(id);
    if (q.exec() && q.next())
        m_outputs.truncate(id, q.value(0).toLongLong());
    return true;
}

qint64 JobStore::fileBytes() const
{
    return SqliteSpace::fileBytes(m_path) + m_outputs.totalBytes();
}

} // namespace fastmap
