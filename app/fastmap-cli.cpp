// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/CliApplication.h"

#include <QCoreApplication>

#include <csignal>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("fastmap"));
    QCoreApplication::setOrganizationName(QStringLiteral("fastmap"));
    const auto onSignal = [](int) { fastmap::CliApplication::requestInterrupt(); };
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    fastmap::CliApplication cli;
    return cli.exec(QCoreApplication::arguments());
}
