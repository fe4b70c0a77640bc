// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "MainWindow.h"
#include "TokenStore.h"

#include <QCoreApplication>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

// Settings, workers file and token file of the tests go to a temporary place, never the user's.
inline void isolateSettings(const QTemporaryDir &dir, const char *name)
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                       dir.filePath(QStringLiteral("settings")));
    QCoreApplication::setOrganizationName(QStringLiteral("FastmapTest"));
    QCoreApplication::setApplicationName(QLatin1String(name));
    QSettings().clear();
    // No keychain service in tests: QtKeychain fails fast and the token file is used.
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/fastmap-test-bus");
}

// Waits (bounded) for the window's job to finish and returns its summary.
inline bool waitForJob(QSignalSpy &finished, fastmap::JobSummary *summary, int timeoutMs = 120000)
{
    if (finished.isEmpty() && !finished.wait(timeoutMs))
        return false;
    *summary = finished.takeFirst().at(0).value<fastmap::JobSummary>();
    return true;
}
