// SPDX-License-Identifier: GPL-3.0-or-later
#include "worker/WorkerApplication.h"

#include <QCoreApplication>

#include <csignal>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("fastmap-worker"));
    QCoreApplication::setOrganizationName(QStringLiteral("fastmap"));
    // The handler only bumps an atomic counter; the server polls it (no Qt calls in the handler).
    const auto onSignal = [](int) { fastmap::WorkerApplication::requestStop(); };
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::signal(SIGPIPE, SIG_IGN);
    fastmap::WorkerApplication worker;
    return worker.exec(QCoreApplication::arguments());
}
