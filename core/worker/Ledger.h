// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace fastmap {

// One access token as the ledger knows it: never the token itself, only its SHA-256.
struct TokenRecord
{
    QString name;
    QByteArray sha256; // 32 raw bytes; empty for usage that has no token row (token-file, anonymous)
    std::optional<double> credits; // USD left; no value = no limit
    QDateTime created;
    qint64 batches = 0;
    qint64 elements = 0;
    double vcpuSeconds = 0;
    double charge = 0; // USD charged so far
};

// The worker's SQLite ledger (through Qt SQL, in WAL mode): tokens with their optional credit
// balance, and per-token usage. A Ledger owns one named connection and must be used only from
// the thread that opened it; other processes (the tokens and credits commands) may use the same
// file at the same time.
class Ledger
{
public:
    // Names reserved for usage without a row in the tokens table.
    static constexpr const char *kTokenFileName = "token-file";
    static constexpr const char *kAnonymousName = "anonymous";

    Ledger();
    ~Ledger();
    Ledger(const Ledger &) = delete;
    Ledger &operator=(const Ledger &) = delete;

    // Opens or creates the file (and its directory) and the tables.
    bool open(const QString &path, QString *error);
    bool isOpen() const { return m_open; }
    QString path() const { return m_path; }

    // 1 to 64 letters, digits, '.', '_' or '-', and not a reserved name.
    static bool isValidName(const QString &name, QString *error);

    bool addToken(const QString &name, const QByteArray &sha256, std::optional<double> credits,
                  QString *error);
    bool removeToken(const QString &name, QString *error);
    // Adds `usd` (may be negative) to a token with a credit limit; returns the new balance.
    bool addCredits(const QString &name, double usd, double *balance, QString *error);

    // Every token, with its usage, by name; then usage recorded under reserved names.
    bool tokens(QList<TokenRecord> *records, QString *error) const;
    // One name (a token or a reserved name with usage); false with a message if unknown.
    bool token(const QString &name, TokenRecord *record, QString *error) const;
    bool hasTokens(bool *any, QString *error) const;

    // Atomically debits `charge` from the token's credits (when it has a limit) and adds the
    // batch to its usage. `creditsLeft` gets the balance after, or no value when there is no limit.
    bool recordBatch(const QString &name, qint64 elements, double vcpuSeconds, double charge,
                     std::optional<double> *creditsLeft, QString *error);

    // "wal" once open.
    QString journalMode() const;

private:
    bool exec(const QString &sql, QString *error) const;

    QString m_connectionName;
    QString m_path;
    bool m_open = false;
};

} // namespace fastmap
