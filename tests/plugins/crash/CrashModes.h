// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QTest>

// The test.crash modes that take a function host down, and the message the culprit element
// gets, as the engine, fastmap-cli and the app report it; for a test's _data() function.
inline void addHostKillingCrashModes()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<QString>("message");
    QTest::newRow("segv") << "segv"
                          << "the function crashed (SIGSEGV) on this element";
    QTest::newRow("abort") << "abort"
                           << "the function crashed (SIGABRT) on this element";
    QTest::newRow("exit") << "exit"
                          << "the function ended its process (exit code 3) on this element";
}
