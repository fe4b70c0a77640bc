// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "plugin/FunctionInfo.h"

#include <fastmap/Function.h>

#include <QHash>
#include <QList>
#include <QMutex>

#include <memory>

class QPluginLoader;

namespace fastmap {

// A plugin file that was refused, and why.
struct PluginProblem
{
    QString file;
    QString reason;
    QString toString() const { return file + QStringLiteral(": ") + reason; }
};

// Finds function plugins and reads their metadata without running their code.
// Plugin code is loaded only when a function is instantiated.
class PluginCatalog
{
public:
    PluginCatalog();
    ~PluginCatalog();
    PluginCatalog(const PluginCatalog &) = delete;
    PluginCatalog &operator=(const PluginCatalog &) = delete;

    // Beside the executables (../lib/fastmap/plugins and ./plugins), the user's data dir,
    // then each entry of FASTMAP_PLUGIN_PATH.
    static QStringList defaultSearchPaths();

    // Scans directories in order; the first plugin to claim an id keeps it.
    void scan(const QStringList &directories);
    // Adds one file; returns false and records a problem when it is refused.
    bool addFile(const QString &path);

    const QList<FunctionInfo> &functions() const { return m_functions; }
    const QList<PluginProblem> &problems() const { return m_problems; }
    const FunctionInfo *find(const QString &id) const;

    // Loads the plugin (once) and binds the function to already-bound parameters.
    std::shared_ptr<const Function> instantiate(const QString &id, const QVariantMap &boundParams, QString *error);

    // SHA-256 of the plugin file, hex; cached.
    QString pluginHash(const QString &id);

private:
    QList<FunctionInfo> m_functions;
    QList<PluginProblem> m_problems;
    QHash<QString, QPluginLoader *> m_loaders; // by id; never unloaded, since functions may outlive a job
    QHash<QString, QString> m_hashes;
    QMutex m_mutex;
};

} // namespace fastmap
