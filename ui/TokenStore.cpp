// SPDX-License-Identifier: GPL-3.0-or-later
#include "TokenStore.h"

#include <qt6keychain/keychain.h>

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTimer>

namespace fastmap {

namespace {
const char *const kService = "org.fastmap.desktop";
const char *const kKey = "worker-token";
constexpr int kKeychainTimeoutMs = 5000;

// Runs a keychain job to its end, or gives up after a timeout.
bool runJob(QKeychain::Job *job)
{
    QEventLoop loop;
    bool done = false;
    QObject::connect(job, &QKeychain::Job::finished, &loop, [&] {
        done = true;
        loop.quit();
    });
    QTimer::singleShot(kKeychainTimeoutMs, &loop, &QEventLoop::quit);
    job->start();
    if (!done)
        loop.exec();
    return done;
}
} // namespace

TokenStore::TokenStore(QObject *parent) : QObject(parent)
{}

QString TokenStore::fallbackPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) +
           QStringLiteral("/worker-token");
}

void TokenStore::fallBack(const QString &reason)
{
    m_warning = tr("No keychain is available (%1); the token is kept in %2, readable only by you.")
                    .arg(reason, QDir::toNativeSeparators(fallbackPath()));
}

bool TokenStore::keychainRead(QByteArray *token, bool *missing)
{
    auto *job = new QKeychain::ReadPasswordJob(QLatin1String(kService), this);
    job->setAutoDelete(false);
    job->setKey(QLatin1String(kKey));
    const bool finished = runJob(job);
    const bool ok = finished && job->error() == QKeychain::NoError;
    *missing = finished && job->error() == QKeychain::EntryNotFound;
    if (ok)
        *token = job->binaryData();
    else if (!*missing)
        fallBack(finished ? job->errorString() : tr("the keychain did not answer"));
    job->deleteLater();
    return ok;
}

bool TokenStore::keychainWrite(const QByteArray &token)
{
    auto *job = new QKeychain::WritePasswordJob(QLatin1String(kService), this);
    job->setAutoDelete(false);
    job->setKey(QLatin1String(kKey));
    job->setBinaryData(token);
    const bool finished = runJob(job);
    const bool ok = finished && job->error() == QKeychain::NoError;
    if (!ok)
        fallBack(finished ? job->errorString() : tr("the keychain did not answer"));
    job->deleteLater();
    return ok;
}

QByteArray TokenStore::load()
{
    m_warning.clear();
    if (m_keychainEnabled) {
        QByteArray token;
        bool missing = false;
        if (keychainRead(&token, &missing))
            return token;
        if (missing && !QFileInfo::exists(fallbackPath()))
            return {};
    } else {
        fallBack(tr("disabled"));
    }
    QFile file(fallbackPath());
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll().trimmed();
}

bool TokenStore::save(const QByteArray &token)
{
    m_warning.clear();
    if (m_keychainEnabled && keychainWrite(token))
        return true;
    if (!m_keychainEnabled)
        fallBack(tr("disabled"));
    QDir().mkpath(QFileInfo(fallbackPath()).absolutePath());
    QFile file(fallbackPath());
    // Create it empty and private first, so the token is never readable by others.
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    const bool ok = file.write(token + '\n') == token.size() + 1;
    file.close();
    return ok;
}

} // namespace fastmap
