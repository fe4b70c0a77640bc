// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>
#include <QTextStream>

class QCommandLineParser;

namespace fastmap {

class Ledger;

// fastmap-worker: serve (the default), tokens and credits; kept out of main() so tests can
// drive the commands in-process.
class WorkerApplication
{
public:
    enum ExitCode {
        ExitSuccess = 0,
        ExitStoppedAtOnce = 1, // a second SIGTERM/SIGINT while draining
        ExitUsage = 2,         // bad command line or environment value
        ExitFailure = 3,       // cannot start, or the command cannot be done (ledger, TLS, unknown token...)
    };

    WorkerApplication();

    // `arguments` includes the program name, as QCoreApplication::arguments() does.
    int exec(const QStringList &arguments);

    // Asks a running server to drain and exit; a second call exits at once. Async-signal-safe.
    static void requestStop();

private:
    int runServe(const QStringList &arguments);
    int runTokens(const QStringList &arguments);
    int runCredits(const QStringList &arguments);
    int usageError(const QString &message, const QString &command = {});
    int failure(const QString &message);
    // Opens the ledger named by --db / FASTMAP_WORKER_DB; false after printing why.
    bool openLedger(const QCommandLineParser &parser, const QString &command, Ledger *ledger, int *exitCode);

    QTextStream m_out;
    QTextStream m_err;
};

} // namespace fastmap
