// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/JobSpec.h"
#include "jobs/ResultCache.h"

#include <QSettings>
#include <QStringList>

namespace fastmap {

// The app's persistent settings (QSettings). Tokens are not here: see TokenStore.
class AppSettings
{
public:
    AppSettings();

    QStringList workers() const;
    void setWorkers(const QStringList &urls);
    JobSpec::Policy defaultPolicy() const;
    void setDefaultPolicy(JobSpec::Policy policy);
    bool confirmCharges() const;
    void setConfirmCharges(bool confirm);
    double spendCap() const; // USD; < 0: none
    void setSpendCap(double usd);
    int threads() const; // 0: one per core
    void setThreads(int threads);
    double batchSeconds() const;
    void setBatchSeconds(double seconds);
    // The persistent result cache for new runs, as fastmap-cli's --cache (default: use).
    ResultCache::Mode cacheMode() const;
    void setCacheMode(ResultCache::Mode mode);
    // The job store's size cap for the app's runs, as fastmap-cli's --store-limit (default
    // JobStore::kDefaultLimitBytes); < 0: none.
    qint64 storeLimit() const;
    void setStoreLimit(qint64 bytes);
    // Where the function runs (Settings, run/isolation): in fastmap-host processes (the default),
    // so a function that crashes costs one element and never the window, or on the app's threads.
    JobSpec::Isolation isolation() const;
    void setIsolation(JobSpec::Isolation isolation);
    // An element running longer fails, in seconds; 0: no limit (run/elementTimeout; process only).
    double elementTimeout() const;
    void setElementTimeout(double seconds);
    // Per host, in MB; 0: no limit (run/memoryLimit; process only).
    int memoryLimitMB() const;
    void setMemoryLimitMB(int megabytes);
    // On Cancel, how long running batches may finish before their hosts are killed (run/stopGrace,
    // default 5 s).
    double stopGraceSeconds() const;
    void setStopGraceSeconds(double seconds);
    // The isolation and the limits above, into a new run's spec.
    void applyIsolation(JobSpec *spec) const;
    QString language() const; // empty: the system's
    void setLanguage(const QString &language);
    QStringList recentFiles() const;
    void addRecentFile(const QString &path);
    QByteArray windowGeometry() const;
    QByteArray windowState() const;
    void setWindow(const QByteArray &geometry, const QByteArray &state);

    // Policy names as stored: "local", "remote", "adaptive".
    static QString policyName(JobSpec::Policy policy);
    static JobSpec::Policy policyFromName(const QString &name);
    // Isolation names as stored and as fastmap-cli's --isolation: "process", "thread".
    static QString isolationName(JobSpec::Isolation isolation);
    static JobSpec::Isolation isolationFromName(const QString &name);
    static constexpr double kDefaultStopGraceSeconds = 5;

    static constexpr int kMaxRecentFiles = 8;

private:
    mutable QSettings m_settings;
};

} // namespace fastmap
