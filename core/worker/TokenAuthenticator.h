// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace fastmap {

class Ledger;

// Who sent a request, as far as charging is concerned.
struct TokenIdentity
{
    QString name;
    std::optional<double> credits; // USD left when the request arrived; no value = no limit
};

// Checks `Authorization: Bearer TOKEN` against the SHA-256 hashes of the known tokens: the one of
// --token-file (kept in memory) and those of the ledger (read at every check, so tokens added or
// removed while the worker runs take effect at once). Tokens themselves are never stored or logged.
class TokenAuthenticator
{
public:
    // 32 bytes from the system's secure generator, as unpadded base64url (43 characters).
    static QByteArray generateToken();
    // SHA-256, 32 raw bytes.
    static QByteArray hashToken(const QByteArray &token);
    // The index of `hash` in `candidates`, or -1. Every byte of every candidate is compared
    // (XOR accumulated, no early exit), so the time taken does not depend on where they differ.
    static int constantTimeFind(const QByteArray &hash, const QList<QByteArray> &candidates);
    // The token of an "Authorization: Bearer TOKEN" header value; false when there is none.
    static bool bearerToken(const QByteArray &authorization, QByteArray *token);

    // Reads the token file (the token text; surrounding white space is ignored).
    bool loadTokenFile(const QString &path, QString *error);
    bool hasTokenFile() const { return !m_tokenFileHash.isEmpty(); }

    // Finds the token of an Authorization header among the token file's and the ledger's.
    // Returns false with `error` set only when the ledger cannot be read.
    bool authenticate(const QByteArray &authorization, const Ledger &ledger,
                      std::optional<TokenIdentity> *identity, QString *error) const;

private:
    QByteArray m_tokenFileHash;
};

} // namespace fastmap
