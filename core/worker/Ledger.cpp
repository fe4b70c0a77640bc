// SPDX-License-Identifier: GPL-3.0-or-later
#include "worker/Ledger.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <cmath>

namespace fastmap {

namespace {

// PRAGMA application_id of a fastmap-worker ledger ("FMWL"), so another program's database is refused.
constexpr qint64 kApplicationId = 0x464d574c;

QAtomicInteger<quint64> g_connectionCounter;

QString sqlError(const QSqlQuery &query)
{
    return query.lastError().text().trimmed();
}

QString nowText()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
}

// Reads the usage columns shared by both queries of tokens(): batches, elements, vcpu, charge at `first`.
void readUsage(const QSqlQuery &q, int first, TokenRecord *r)
{
    r->batches = q.value(first).toLongLong();
    r->elements = q.value(first + 1).toLongLong();
    r->vcpuSeconds = q.value(first + 2).toDouble();
    r->charge = q.value(first + 3).toDouble();
}

} // namespace

Ledger::Ledger() : m_connectionName(QStringLiteral("fastmap-ledger-%1").arg(++g_connectionCounter))
{}

Ledger::~Ledger()
{
    if (QSqlDatabase::contains(m_connectionName)) {
        {
            QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

bool Ledger::isValidName(const QString &name, QString *error)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
    if (!pattern.match(name).hasMatch()) {
        *error = QStringLiteral("invalid token name \"%1\": use 1 to 64 letters, digits, '.', '_' or '-'")
                     .arg(name);
        return false;
    }
    if (name == QLatin1String(kTokenFileName) || name == QLatin1String(kAnonymousName)) {
        *error = QStringLiteral("the token name \"%1\" is reserved; choose another").arg(name);
        return false;
    }
    return true;
}

bool Ledger::exec(const QString &sql, QString *error) const
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    if (!q.exec(sql)) {
        *error = QStringLiteral("%1: %2").arg(m_path, sqlError(q));
        return false;
    }
    return true;
}

bool Ledger::open(const QString &path, QString *error)
{
    const QFileInfo info(path);
    if (info.exists() && info.isDir()) {
        *error = QStringLiteral("%1: is a directory, not a ledger file").arg(path);
        return false;
    }
    if (!QDir().mkpath(info.absolutePath())) {
        *error = QStringLiteral("%1: cannot create the directory %2").arg(path, info.absolutePath());
        return false;
    }
    m_path = path;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open()) {
            *error =
                QStringLiteral("%1: cannot open the ledger: %2").arg(path, db.lastError().text().trimmed());
            return false;
        }
    }
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    if (!q.exec(QStringLiteral("PRAGMA application_id")) || !q.next()) {
        *error = QStringLiteral("%1: cannot read the ledger (%2); is it a fastmap-worker ledger?")
                     .arg(path, sqlError(q));
        return false;
    }
    const qint64 applicationId = q.value(0).toLongLong();
    q.finish();
    if (applicationId != 0 && applicationId != kApplicationId) {
        *error =
            QStringLiteral("%1: this SQLite file belongs to another program, not fastmap-worker").arg(path);
        return false;
    }
    if (!q.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !q.next()) {
        *error = QStringLiteral("%1: cannot switch the ledger to WAL mode: %2").arg(path, sqlError(q));
        return false;
    }
    q.finish();
    if (!exec(QStringLiteral("PRAGMA application_id = %1").arg(kApplicationId), error) ||
        !exec(QStringLiteral("CREATE TABLE IF NOT EXISTS tokens ("
                             "name TEXT PRIMARY KEY NOT NULL, "
                             "sha256 TEXT NOT NULL UNIQUE, "
                             "credits REAL, "
                             "created TEXT NOT NULL)"),
              error) ||
        !exec(QStringLiteral("CREATE TABLE IF NOT EXISTS usage ("
                             "name TEXT PRIMARY KEY NOT NULL, "
                             "batches INTEGER NOT NULL DEFAULT 0, "
                             "elements INTEGER NOT NULL DEFAULT 0, "
                             "vcpu_seconds REAL NOT NULL DEFAULT 0, "
                             "charge REAL NOT NULL DEFAULT 0, "
                             "last_used TEXT)"),
              error))
        return false;
    m_open = true;
    return true;
}

QString Ledger::journalMode() const
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    if (!q.exec(QStringLiteral("PRAGMA journal_mode")) || !q.next())
        return {};
    return q.value(0).toString().toLower();
}

bool Ledger::addToken(const QString &name, const QByteArray &sha256, std::optional<double> credits,
                      QString *error)
{
    if (!isValidName(name, error))
        return false;
    if (sha256.size() != 32) {
        *error = QStringLiteral("internal error: a token hash must be 32 bytes");
        return false;
    }
    if (credits && (!std::isfinite(*credits) || *credits < 0)) {
        *error = QStringLiteral("credits must be a non-negative number of USD");
        return false;
    }
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.prepare(QStringLiteral("SELECT COUNT(*) FROM tokens WHERE name = ?"));
    q.addBindValue(name);
    if (!q.exec() || !q.next()) {
        *error = QStringLiteral("%1: %2").arg(m_path, sqlError(q));
        return false;
    }
    if (q.value(0).toInt() > 0) {
        *error = QStringLiteral("a token named \"%1\" already exists; remove it first or pick another name")
                     .arg(name);
        return false;
    }
    q.finish();
    q.prepare(QStringLiteral("INSERT INTO tokens (name, sha256, credits, created) VALUES (?, ?, ?, ?)"));
    q.addBindValue(name);
    q.addBindValue(QString::fromLatin1(sha256.toHex()));
    q.addBindValue(credits ? QVariant(*credits) : QVariant(QMetaType::fromType<double>()));
    q.addBindValue(nowText());
    if (!q.exec()) {
        *error = QStringLiteral("%1: cannot add the token: %2").arg(m_path, sqlError(q));
        return false;
    }
    return true;
}

bool Ledger::removeToken(const QString &name, QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!exec(QStringLiteral("BEGIN IMMEDIATE"), error))
        return false;
    QSqlQuery q(db);
    q.prepare(QStringLiteral("DELETE FROM tokens WHERE name = ?"));
    q.addBindValue(name);
    if (!q.exec()) {
        *error = QStringLiteral("%1: %2").arg(m_path, sqlError(q));
        QString ignored;
        exec(QStringLiteral("ROLLBACK"), &ignored);
        return false;
    }
    if (q.numRowsAffected() < 1) {
        *error = QStringLiteral("no token named \"%1\" (`fastmap-worker tokens list` shows them)").arg(name);
        QString ignored;
        exec(QStringLiteral("ROLLBACK"), &ignored);
        return false;
    }
    q.prepare(QStringLiteral("DELETE FROM usage WHERE name = ?"));
    q.addBindValue(name);
    if (!q.exec()) {
        *error = QStringLiteral("%1: %2").arg(m_path, sqlError(q));
        QString ignored;
        exec(QStringLiteral("ROLLBACK"), &ignored);
        return false;
    }
    return exec(QStringLiteral("COMMIT"), error);
}

bool Ledger::addCredits(const QString &name, double usd, double *balance, QString *error)
{
    if (!std::isfinite(usd)) {
        *error = QStringLiteral("the amount must be a finite number of USD");
        return false;
    }
    TokenRecord record;
    if (!token(name, &record, error))
        return false;
    if (record.sha256.isEmpty()) {
        *error = QStringLiteral("\"%1\" is not a token of the ledger and has no credits").arg(name);
        return false;
    }
    if (!record.credits) {
        *error =
            QStringLiteral("token \"%1\" has no credit limit (it was added without --credits); remove it and "
                           "add it again with --credits to give it a balance")
                .arg(name);
        return false;
    }
    if (!exec(QStringLiteral("BEGIN IMMEDIATE"), error))
        return false;
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.prepare(
        QStringLiteral("UPDATE tokens SET credits = credits + ? WHERE name = ? AND credits IS NOT NULL"));
    q.addBindValue(usd);
    q.addBindValue(name);
    bool ok = q.exec() && q.numRowsAffected() == 1;
    if (ok) {
        q.prepare(QStringLiteral("SELECT credits FROM tokens WHERE name = ?"));
        q.addBindValue(name);
        ok = q.exec() && q.next();
        if (ok)
            *balance = q.value(0).toDouble();
    }
    if (!ok) {
        *error = QStringLiteral("%1: cannot add credits to \"%2\": %3").arg(m_path, name, sqlError(q));
        q.finish();
        QString ignored;
        exec(QStringLiteral("ROLLBACK"), &ignored);
        return false;
    }
    q.finish();
    return exec(QStringLiteral("COMMIT"), error);
}

bool Ledger::tokens(QList<TokenRecord> *records, QString *error) const
{
    records->clear();
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    if (!q.exec(QStringLiteral("SELECT t.name, t.sha256, t.credits, t.created, COALESCE(u.batches, 0), "
                               "COALESCE(u.elements, 0), COALESCE(u.vcpu_seconds, 0), COALESCE(u.charge, 0) "
                               "FROM tokens t LEFT JOIN usage u ON u.name = t.name ORDER BY t.name"))) {
        *error = QStringLiteral("%1: %2").arg(m_path, sqlError(q));
        return false;
    }
    while (q.next()) {
        TokenRecord r;
        r.name = q.value(0).toString();
        r.sha256 = QByteArray::fromHex(q.value(1).toString().toLatin1());
        if (!q.value(2).isNull())
            r.credits = q.value(2).toDouble();
        r.created = QDateTime::fromString(q.value(3).toString(), Qt::ISODate);
        readUsage(q, 4, &r);
        records->append(r);
    }
    if (!q.exec(QStringLiteral("SELECT name, batches, elements, vcpu_seconds, charge FROM usage "
                               "WHERE name NOT IN (SELECT name FROM tokens) ORDER BY name"))) {
        *error = QStringLiteral("%1: %2").arg(m_path, sqlError(q));
        return false;
    }
    while (q.next()) {
        TokenRecord r;
        r.name = q.value(0).toString();
        readUsage(q, 1, &r);
        records->append(r);
    }
    return true;
}

bool Ledger::token(const QString &name, TokenRecord *record, QString *error) const
{
    QList<TokenRecord> all;
    if (!tokens(&all, error))
        return false;
    for (const TokenRecord &r : all) {
        if (r.name == name) {
            *record = r;
            return true;
        }
    }
    *error = QStringLiteral("no token named \"%1\" (`fastmap-worker tokens list` shows them)").arg(name);
    return false;
}

bool Ledger::hasTokens(bool *any, QString *error) const
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM tokens")) || !q.next()) {
        *error = QStringLiteral("%1: %2").arg(m_path, sqlError(q));
        return false;
    }
    *any = q.value(0).toLongLong() > 0;
    return true;
}

bool Ledger::recordBatch(const QString &name, qint64 elements, double vcpuSeconds, double charge,
                         std::optional<double> *creditsLeft, QString *error)
{
    creditsLeft->reset();
    if (!exec(QStringLiteral("BEGIN IMMEDIATE"), error))
        return false;
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    const auto fail = [&] {
        *error = QStringLiteral("%1: cannot record the batch of \"%2\": %3").arg(m_path, name, sqlError(q));
        q.finish();
        QString ignored;
        exec(QStringLiteral("ROLLBACK"), &ignored);
        return false;
    };
    q.prepare(
        QStringLiteral("UPDATE tokens SET credits = credits - ? WHERE name = ? AND credits IS NOT NULL"));
    q.addBindValue(charge);
    q.addBindValue(name);
    if (!q.exec())
        return fail();
    q.prepare(QStringLiteral("INSERT INTO usage (name, batches, elements, vcpu_seconds, charge, last_used) "
                             "VALUES (?, 1, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
                             "batches = batches + 1, elements = elements + excluded.elements, "
                             "vcpu_seconds = vcpu_seconds + excluded.vcpu_seconds, "
                             "charge = charge + excluded.charge, last_used = excluded.last_used"));
    q.addBindValue(name);
    q.addBindValue(elements);
    q.addBindValue(vcpuSeconds);
    q.addBindValue(charge);
    q.addBindValue(nowText());
    if (!q.exec())
        return fail();
    q.prepare(QStringLiteral("SELECT credits FROM tokens WHERE name = ?"));
    q.addBindValue(name);
    if (!q.exec())
        return fail();
    if (q.next() && !q.value(0).isNull())
        *creditsLeft = q.value(0).toDouble();
    q.finish();
    return exec(QStringLiteral("COMMIT"), error);
}

} // namespace fastmap
