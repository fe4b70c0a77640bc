// SPDX-License-Identifier: GPL-3.0-or-later
#include "remote/RemotePool.h"

#include <QDeadlineTimer>

#include <algorithm>

namespace fastmap {

RemotePool::RemotePool(RemoteJobContext *context) : m_context(context)
{
    // Parsing and encoding cost what they would locally; they run on as many threads as cores.
    m_codecPool.setMaxThreadCount(std::max(2, QThread::idealThreadCount()));
    m_codecPool.setObjectName(QStringLiteral("fastmap-remote-codec"));
    m_thread.setObjectName(QStringLiteral("fastmap-remote"));
    m_thread.start();
}

RemotePool::~RemotePool()
{
    shutdown();
}

QStringList RemotePool::add(const QList<QUrl> &urls)
{
    QStringList added;
    QMutexLocker lock(&m_mutex);
    if (m_shutDown)
        return added;
    for (const QUrl &url : urls) {
        bool known = false;
        for (RemoteExecutor *e : std::as_const(m_executors)) {
            // A retired worker listed again comes back as a new executor.
            if (e->url() == url && e->state() != RemoteExecutor::State::Retired)
                known = true;
        }
        if (known)
            continue;
        auto *executor = new RemoteExecutor(url, m_context, &m_codecPool);
        executor->moveToThread(&m_thread);
        m_executors << executor;
        QMetaObject::invokeMethod(executor, &RemoteExecutor::probe, Qt::QueuedConnection);
        added << url.toString();
    }
    return added;
}

void RemotePool::retireMissing(const QList<QUrl> &urls)
{
    QMutexLocker lock(&m_mutex);
    for (RemoteExecutor *e : std::as_const(m_executors)) {
        if (!urls.contains(e->url()))
            QMetaObject::invokeMethod(e, [e] { e->retire(QStringLiteral("removed from the workers file")); }, Qt::QueuedConnection);
    }
}

void RemotePool::waitForProbes(int timeoutMs) const
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        bool probing = false;
        {
            QMutexLocker lock(&m_mutex);
            for (RemoteExecutor *e : m_executors) {
                const RemoteExecutor::State s = e->state();
                probing = probing || s == RemoteExecutor::State::New || s == RemoteExecutor::State::Probing;
            }
        }
        if (!probing)
            return;
        QThread::msleep(5);
    }
}

void RemotePool::activateReady(bool paidAllowed)
{
    QMutexLocker lock(&m_mutex);
    if (m_shutDown)
        return;
    for (RemoteExecutor *e : std::as_const(m_executors))
        if (e->state() == RemoteExecutor::State::Ready && (paidAllowed || e->probeResult().pricePerVcpuHour <= 0))
            QMetaObject::invokeMethod(e, &RemoteExecutor::activate, Qt::QueuedConnection);
}

bool RemotePool::hasReadyPaid() const
{
    QMutexLocker lock(&m_mutex);
    for (RemoteExecutor *e : m_executors)
        if (e->state() == RemoteExecutor::State::Ready && e->probeResult().pricePerVcpuHour > 0)
            return true;
    return false;
}

void RemotePool::retireAll(const QString &reason)
{
    QMutexLocker lock(&m_mutex);
    for (RemoteExecutor *e : std::as_const(m_executors))
        QMetaObject::invokeMethod(e, [e, reason] { e->retire(reason); }, Qt::QueuedConnection);
}

void RemotePool::retirePaid(const QString &reason)
{
    QMutexLocker lock(&m_mutex);
    for (RemoteExecutor *e : std::as_const(m_executors))
        if (e->probeResult().pricePerVcpuHour > 0)
            QMetaObject::invokeMethod(e, [e, reason] { e->retire(reason); }, Qt::QueuedConnection);
}

void RemotePool::retire(const QString &url, const QString &reason)
{
    QMutexLocker lock(&m_mutex);
    for (RemoteExecutor *e : std::as_const(m_executors))
        if (e->url().toString() == url)
            QMetaObject::invokeMethod(
                e, [e, reason] { e->retire(reason); }, Qt::QueuedConnection);
}

void RemotePool::limitConcurrency(const QString &url, int batches)
{
    QMutexLocker lock(&m_mutex);
    for (RemoteExecutor *e : std::as_const(m_executors))
        if (e->url().toString() == url)
            QMetaObject::invokeMethod(
                e, [e, batches] { e->limitConcurrency(batches); }, Qt::QueuedConnection);
}

QList<WorkerProbe> RemotePool::liveProbes() const
{
    QList<WorkerProbe> result;
    QMutexLocker lock(&m_mutex);
    for (RemoteExecutor *e : m_executors) {
        const RemoteExecutor::State s = e->state();
        if (s != RemoteExecutor::State::Retired && s != RemoteExecutor::State::Gone)
            result << e->probeResult();
    }
    return result;
}

QList<WorkerProbe> RemotePool::probes() const
{
    QList<WorkerProbe> result;
    QMutexLocker lock(&m_mutex);
    for (RemoteExecutor *e : m_executors)
        result << e->probeResult();
    return result;
}

QList<RemoteStats> RemotePool::stats() const
{
    QList<RemoteStats> result;
    QMutexLocker lock(&m_mutex);
    for (RemoteExecutor *e : m_executors)
        result << e->stats();
    return result;
}

int RemotePool::size() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_executors.size());
}

bool RemotePool::anyUsable() const
{
    QMutexLocker lock(&m_mutex);
    for (RemoteExecutor *e : m_executors)
        if (e->probeResult().usable && e->state() != RemoteExecutor::State::Gone)
            return true;
    return false;
}

bool RemotePool::allFinished() const
{
    QMutexLocker lock(&m_mutex);
    for (RemoteExecutor *e : m_executors)
        if (!e->isFinished())
            return false;
    return true;
}

QStringList RemotePool::lastErrors() const
{
    QStringList errors;
    QMutexLocker lock(&m_mutex);
    for (RemoteExecutor *e : m_executors) {
        const RemoteStats s = e->stats();
        errors << QStringLiteral("%1: %2").arg(s.url, s.lastError.isEmpty() ? s.state : s.lastError);
    }
    return errors;
}

void RemotePool::shutdown()
{
    QList<RemoteExecutor *> executors;
    {
        QMutexLocker lock(&m_mutex);
        if (m_shutDown)
            return;
        m_shutDown = true;
        executors = m_executors;
    }
    for (RemoteExecutor *e : executors) {
        QMetaObject::invokeMethod(
            e,
            [e] {
                e->shutdown();
                delete e;
            },
            Qt::BlockingQueuedConnection);
    }
    {
        QMutexLocker lock(&m_mutex);
        m_executors.clear();
    }
    m_thread.quit();
    m_thread.wait();
}

} // namespace fastmap
