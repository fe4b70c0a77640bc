// SPDX-License-Identifier: GPL-3.0-or-later
#include "plugin/PluginCatalog.h"

#include <fastmap/FunctionPlugin.h>

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLibrary>
#include <QPluginLoader>
#include <QStandardPaths>

#include <stdexcept>

namespace fastmap {

PluginCatalog::PluginCatalog() = default;

PluginCatalog::~PluginCatalog()
{
    qDeleteAll(m_loaders);
}

QStringList PluginCatalog::defaultSearchPaths()
{
    QStringList paths;
    const QString appDir = QCoreApplication::applicationDirPath();
    if (!appDir.isEmpty()) {
        paths << QDir::cleanPath(appDir + QLatin1Char('/') + QStringLiteral(FASTMAP_PLUGIN_DIR_FROM_BIN));
        paths << appDir + QStringLiteral("/plugins");
    }
    const QString data = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (!data.isEmpty())
        paths << data + QStringLiteral("/fastmap/plugins");
    const QString env = qEnvironmentVariable("FASTMAP_PLUGIN_PATH");
    for (const QString &p : env.split(QLatin1Char(':'), Qt::SkipEmptyParts))
        paths << p;
    return paths;
}

void PluginCatalog::scan(const QStringList &directories)
{
    QStringList seen;
    for (const QString &dir : directories) {
        const QString canonical = QFileInfo(dir).canonicalFilePath();
        if (canonical.isEmpty() || seen.contains(canonical))
            continue; // a missing search dir is normal, not a problem
        seen << canonical;
        const QFileInfoList entries = QDir(canonical).entryInfoList(QDir::Files, QDir::Name);
        for (const QFileInfo &entry : entries)
            if (QLibrary::isLibrary(entry.fileName()))
                addFile(entry.absoluteFilePath());
    }
}

bool PluginCatalog::addFile(const QString &path)
{
    const auto refuse = [&](const QString &reason) {
        m_problems.append({path, reason});
        return false;
    };
    QPluginLoader probe(path);
    const QJsonObject meta = probe.metaData();
    if (meta.isEmpty())
        return refuse(QStringLiteral("not a Qt plugin (no plugin metadata found)"));
    const QString iid = meta.value(QStringLiteral("IID")).toString();
    const QString expected = QStringLiteral(FASTMAP_FUNCTION_PLUGIN_IID);
    const QString family = expected.section(QLatin1Char('/'), 0, 0);
    if (iid != expected) {
        if (iid.section(QLatin1Char('/'), 0, 0) == family)
            return refuse(QStringLiteral("built for plugin SDK %1, but this program needs SDK %2; rebuild it against this SDK")
                              .arg(iid.section(QLatin1Char('/'), 1), QString::number(FASTMAP_SDK_VERSION_MAJOR)));
        return refuse(QStringLiteral("not a Fastmap function plugin (its interface is \"%1\")").arg(iid));
    }
    FunctionInfo info;
    QString error;
    if (!parseFunctionMetadata(meta.value(QStringLiteral("MetaData")).toObject(), &info, &error))
        return refuse(QStringLiteral("bad metadata: ") + error);
    if (const FunctionInfo *existing = find(info.id))
        return refuse(QStringLiteral("duplicate function id \"%1\", already provided by %2").arg(info.id, existing->filePath));
    info.filePath = path;
    m_functions.append(info);
    return true;
}

const FunctionInfo *PluginCatalog::find(const QString &id) const
{
    for (const FunctionInfo &f : m_functions)
        if (f.id == id)
            return &f;
    return nullptr;
}

std::shared_ptr<const Function> PluginCatalog::instantiate(const QString &id, const QVariantMap &boundParams,
                                                           QString *error)
{
    const FunctionInfo *info = find(id);
    if (!info) {
        *error = QStringLiteral("no function \"%1\" is installed (see `fastmap-cli functions`)").arg(id);
        return nullptr;
    }
    QPluginLoader *loader = nullptr;
    {
        QMutexLocker lock(&m_mutex);
        loader = m_loaders.value(id);
        if (!loader) {
            loader = new QPluginLoader(info->filePath);
            m_loaders.insert(id, loader);
        }
    }
    QObject *instance = loader->instance();
    if (!instance) {
        *error = QStringLiteral("%1: cannot load the plugin: %2").arg(info->filePath, loader->errorString());
        return nullptr;
    }
    auto *plugin = qobject_cast<FunctionPlugin *>(instance);
    if (!plugin) {
        *error = QStringLiteral("%1: the plugin does not implement %2").arg(info->filePath, QStringLiteral(FASTMAP_FUNCTION_PLUGIN_IID));
        return nullptr;
    }
    try {
        std::unique_ptr<Function> function = plugin->create(boundParams);
        if (!function) {
            *error = QStringLiteral("%1: the plugin created no function").arg(id);
            return nullptr;
        }
        return std::shared_ptr<const Function>(std::move(function));
    } catch (const std::exception &e) {
        *error = QStringLiteral("%1: %2").arg(id, QString::fromUtf8(e.what()));
    } catch (...) {
        *error = QStringLiteral("%1: the plugin threw an unknown exception while binding parameters").arg(id);
    }
    return nullptr;
}

QString PluginCatalog::pluginHash(const QString &id)
{
    const FunctionInfo *info = find(id);
    if (!info)
        return {};
    QMutexLocker lock(&m_mutex);
    auto it = m_hashes.constFind(id);
    if (it != m_hashes.constEnd())
        return *it;
    QFile file(info->filePath);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!file.open(QIODevice::ReadOnly) || !hash.addData(&file))
        return {};
    const QString hex = QString::fromLatin1(hash.result().toHex());
    m_hashes.insert(id, hex);
    return hex;
}

} // namespace fastmap
