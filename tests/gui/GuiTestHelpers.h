// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "MainWindow.h"
#include "TokenStore.h"

#include <QCoreApplication>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

// Settings, workers file, token file, job store, result files and cache of the tests go to a
// temporary place, never the user's. (Not QStandardPaths' test mode: it ignores XDG_DATA_HOME,
// which the app's child processes and fastmap-cli must share with the test.)
inline void isolateSettings(const QTemporaryDir &dir, const char *name)
{
    qputenv("XDG_DATA_HOME", QFile::encodeName(dir.filePath(QStringLiteral("data"))));
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(dir.filePath(QStringLiteral("config"))));
    qputenv("XDG_CACHE_HOME", QFile::encodeName(dir.filePath(QStringLiteral("cache"))));
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
