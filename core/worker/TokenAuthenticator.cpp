// SPDX-License-Identifier: GPL-3.0-or-later
#include "worker/TokenAuthenticator.h"

#include "worker/Ledger.h"

#include <QCryptographicHash>
#include <QFile>
#include <QRandomGenerator>

#include <array>

namespace fastmap {

QByteArray TokenAuthenticator::generateToken()
{
    std::array<quint32, 8> words;
    QRandomGenerator::system()->fillRange(words.data(), qsizetype(words.size()));
    const QByteArray raw(reinterpret_cast<const char *>(words.data()), qsizetype(sizeof(words)));
    return raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray TokenAuthenticator::hashToken(const QByteArray &token)
{
    return QCryptographicHash::hash(token, QCryptographicHash::Sha256);
}

int TokenAuthenticator::constantTimeFind(const QByteArray &hash, const QList<QByteArray> &candidates)
{
    int found = -1;
    for (int i = 0; i < int(candidates.size()); ++i) {
        const QByteArray &candidate = candidates.at(i);
        // A length difference counts as a difference, but the bytes are still all compared.
        unsigned difference = candidate.size() == hash.size() ? 0u : 1u;
        const qsizetype n = std::min(candidate.size(), hash.size());
        for (qsizetype k = 0; k < n; ++k)
            difference |= unsigned(quint8(candidate[k]) ^ quint8(hash[k]));
        // Branch-free selection: match is 1 exactly when difference == 0, else 0.
        const unsigned match = ((difference | (0u - difference)) >> 31) ^ 1u;
        found = int((unsigned(found) & (match - 1u)) | (unsigned(i) & (0u - match)));
    }
    return found;
}

bool TokenAuthenticator::bearerToken(const QByteArray &authorization, QByteArray *token)
{
    const QByteArray value = authorization.trimmed();
    const int space = int(value.indexOf(' '));
    if (space <= 0 || value.left(space).toLower() != "bearer")
        return false;
    *token = value.mid(space + 1).trimmed();
    return !token->isEmpty();
}

bool TokenAuthenticator::loadTokenFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("--token-file %1: cannot read it: %2").arg(path, file.errorString());
        return false;
    }
    const QByteArray token = file.read(64 * 1024).trimmed();
    if (token.isEmpty()) {
        *error = QStringLiteral("--token-file %1: the file holds no token").arg(path);
        return false;
    }
    if (token.contains('\n') || token.contains(' ') || token.contains('\t')) {
        *error = QStringLiteral(
                     "--token-file %1: the file must hold exactly one token, with no spaces or line breaks "
                     "inside it")
                     .arg(path);
        return false;
    }
    m_tokenFileHash = hashToken(token);
    return true;
}

bool TokenAuthenticator::authenticate(const QByteArray &authorization, const Ledger &ledger,
                                      std::optional<TokenIdentity> *identity, QString *error) const
{
    identity->reset();
    QByteArray token;
    if (!bearerToken(authorization, &token))
        return true;
    QList<TokenRecord> records;
    if (!ledger.tokens(&records, error))
        return false;
    QList<QByteArray> hashes;
    QList<TokenIdentity> identities;
    if (hasTokenFile()) {
        hashes << m_tokenFileHash;
        identities << TokenIdentity{QLatin1String(Ledger::kTokenFileName), std::nullopt};
    }
    for (const TokenRecord &r : records) {
        if (r.sha256.isEmpty())
            continue; // usage of a reserved name, no token
        hashes << r.sha256;
        identities << TokenIdentity{r.name, r.credits};
    }
    const int index = constantTimeFind(hashToken(token), hashes);
    if (index >= 0)
        *identity = identities.at(index);
    return true;
}

} // namespace fastmap
