// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>
#include <QTextStream>

namespace fastmap {

class PluginCatalog;

// fastmap-cli: every subcommand, kept out of main() so tests can drive it in-process.
class CliApplication
{
public:
    CliApplication();
    ~CliApplication();

    // `arguments` includes the program name, as QCoreApplication::arguments() does.
    int exec(const QStringList &arguments);

    // Asks a running job to stop, keeping what it has (used by the SIGINT handler).
    static void requestInterrupt();

private:
    int runFunctions(const QStringList &arguments);
    int runRun(const QStringList &arguments);
    int runPreview(const QStringList &arguments);
    int usageError(const QString &message, const QString &command = {});
    void loadCatalog();

    QTextStream m_out;
    QTextStream m_err;
    PluginCatalog *m_catalog = nullptr;
};

} // namespace fastmap
