// SPDX-License-Identifier: GPL-3.0-or-later
#include "AppSettings.h"

#include "jobs/JobStore.h"

namespace fastmap {

AppSettings::AppSettings() = default;

QStringList AppSettings::workers() const
{
    return m_settings.value(QStringLiteral("remote/workers")).toStringList();
}

void AppSettings::setWorkers(const QStringList &urls)
{
    m_settings.setValue(QStringLiteral("remote/workers"), urls);
}

JobSpec::Policy AppSettings::defaultPolicy() const
{
    return policyFromName(
        m_settings.value(QStringLiteral("run/policy"), QStringLiteral("adaptive")).toString());
}

void AppSettings::setDefaultPolicy(JobSpec::Policy policy)
{
    m_settings.setValue(QStringLiteral("run/policy"), policyName(policy));
}

bool AppSettings::confirmCharges() const
{
    return m_settings.value(QStringLiteral("remote/confirmCharges"), true).toBool();
}

void AppSettings::setConfirmCharges(bool confirm)
{
    m_settings.setValue(QStringLiteral("remote/confirmCharges"), confirm);
}

double AppSettings::spendCap() const
{
    return m_settings.value(QStringLiteral("remote/spendCap"), -1.0).toDouble();
}

void AppSettings::setSpendCap(double usd)
{
    m_settings.setValue(QStringLiteral("remote/spendCap"), usd);
}

ResultCache::Mode AppSettings::cacheMode() const
{
    ResultCache::Mode mode = ResultCache::Mode::Use;
    ResultCache::modeFromName(m_settings.value(QStringLiteral("run/cache")).toString(), &mode);
    return mode; // an unknown name (a hand-edited file) keeps the default
}

void AppSettings::setCacheMode(ResultCache::Mode mode)
{
    const char *name = mode == ResultCache::Mode::Refresh ? "refresh"
                       : mode == ResultCache::Mode::Off   ? "off"
                                                          : "use";
    m_settings.setValue(QStringLiteral("run/cache"), QString::fromLatin1(name));
}

qint64 AppSettings::storeLimit() const
{
    bool ok = false;
    const qint64 bytes = m_settings.value(QStringLiteral("run/storeLimit")).toLongLong(&ok);
    return ok ? qMax<qint64>(-1, bytes) : JobStore::kDefaultLimitBytes;
}

void AppSettings::setStoreLimit(qint64 bytes)
{
    m_settings.setValue(QStringLiteral("run/storeLimit"), qMax<qint64>(-1, bytes));
}

int AppSettings::threads() const
{
    return qMax(0, m_settings.value(QStringLiteral("run/threads"), 0).toInt());
}

void AppSettings::setThreads(int threads)
{
    m_settings.setValue(QStringLiteral("run/threads"), threads);
}

double AppSettings::batchSeconds() const
{
    const double s = m_settings.value(QStringLiteral("run/batchSeconds"), 0.2).toDouble();
    return s > 0 ? s : 0.2;
}

void AppSettings::setBatchSeconds(double seconds)
{
    m_settings.setValue(QStringLiteral("run/batchSeconds"), seconds);
}

JobSpec::Isolation AppSettings::isolation() const
{
    return isolationFromName(m_settings.value(QStringLiteral("run/isolation")).toString());
}

void AppSettings::setIsolation(JobSpec::Isolation isolation)
{
    m_settings.setValue(QStringLiteral("run/isolation"), isolationName(isolation));
}

double AppSettings::elementTimeout() const
{
    const double s = m_settings.value(QStringLiteral("run/elementTimeout"), 0.0).toDouble();
    return s > 0 ? s : 0.0;
}

void AppSettings::setElementTimeout(double seconds)
{
    m_settings.setValue(QStringLiteral("run/elementTimeout"), qMax(0.0, seconds));
}

int AppSettings::memoryLimitMB() const
{
    // A hand-edited value below the 16 MB a host needs to start is raised to it.
    const int megabytes = qMax(0, m_settings.value(QStringLiteral("run/memoryLimit"), 0).toInt());
    return megabytes > 0 ? qMax(16, megabytes) : 0;
}

void AppSettings::setMemoryLimitMB(int megabytes)
{
    m_settings.setValue(QStringLiteral("run/memoryLimit"), qMax(0, megabytes));
}

double AppSettings::stopGraceSeconds() const
{
    bool ok = false;
    const double s = m_settings.value(QStringLiteral("run/stopGrace")).toDouble(&ok);
    return ok && s >= 0 ? s : kDefaultStopGraceSeconds;
}

void AppSettings::setStopGraceSeconds(double seconds)
{
    m_settings.setValue(QStringLiteral("run/stopGrace"), qMax(0.0, seconds));
}

void AppSettings::applyIsolation(JobSpec *spec) const
{
    spec->isolation = isolation();
    spec->elementTimeoutSeconds = elementTimeout();
    spec->memoryLimitMB = memoryLimitMB();
    spec->stopGraceSeconds = stopGraceSeconds();
}

QString AppSettings::language() const
{
    return m_settings.value(QStringLiteral("ui/language")).toString();
}

void AppSettings::setLanguage(const QString &language)
{
    m_settings.setValue(QStringLiteral("ui/language"), language);
}

QStringList AppSettings::recentFiles() const
{
    return m_settings.value(QStringLiteral("ui/recentFiles")).toStringList();
}

void AppSettings::addRecentFile(const QString &path)
{
    QStringList files = recentFiles();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > kMaxRecentFiles)
        files.removeLast();
    m_settings.setValue(QStringLiteral("ui/recentFiles"), files);
}

QByteArray AppSettings::windowGeometry() const
{
    return m_settings.value(QStringLiteral("ui/geometry")).toByteArray();
}

QByteArray AppSettings::windowState() const
{
    return m_settings.value(QStringLiteral("ui/state")).toByteArray();
}

void AppSettings::setWindow(const QByteArray &geometry, const QByteArray &state)
{
    m_settings.setValue(QStringLiteral("ui/geometry"), geometry);
    m_settings.setValue(QStringLiteral("ui/state"), state);
}

QString AppSettings::policyName(JobSpec::Policy policy)
{
    switch (policy) {
    case JobSpec::Policy::Local: return QStringLiteral("local");
    case JobSpec::Policy::Remote: return QStringLiteral("remote");
    case JobSpec::Policy::Adaptive: break;
    }
    return QStringLiteral("adaptive");
}

JobSpec::Policy AppSettings::policyFromName(const QString &name)
{
    if (name == QLatin1String("local"))
        return JobSpec::Policy::Local;
    if (name == QLatin1String("remote"))
        return JobSpec::Policy::Remote;
    return JobSpec::Policy::Adaptive;
}

QString AppSettings::isolationName(JobSpec::Isolation isolation)
{
    return isolation == JobSpec::Isolation::Thread ? QStringLiteral("thread") : QStringLiteral("process");
}

JobSpec::Isolation AppSettings::isolationFromName(const QString &name)
{
    // Anything else (unset, a hand-edited file) keeps the safe default.
    return name == QLatin1String("thread") ? JobSpec::Isolation::Thread : JobSpec::Isolation::Process;
}

} // namespace fastmap
