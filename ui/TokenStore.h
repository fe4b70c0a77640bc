// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

namespace fastmap {

// Keeps the workers' bearer token in the system keychain (QtKeychain). When no keychain
// service answers, it falls back to a file only the user can read, and says so in warning().
class TokenStore : public QObject
{
    Q_OBJECT
public:
    explicit TokenStore(QObject *parent = nullptr);

    QByteArray load();
    bool save(const QByteArray &token);

    // Non-empty after a load() or save() that had to use the file.
    QString warning() const { return m_warning; }
    bool usedFallback() const { return !m_warning.isEmpty(); }
    static QString fallbackPath();
    // Skips the keychain (tests, or a user who prefers the file).
    void setKeychainEnabled(bool enabled) { m_keychainEnabled = enabled; }

private:
    bool keychainRead(QByteArray *token, bool *missing);
    bool keychainWrite(const QByteArray &token);
    void fallBack(const QString &reason);

    QString m_warning;
    bool m_keychainEnabled = true;
};

} // namespace fastmap
