// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace fastmap {

// What one remote worker did for a job, for progress displays and the summary.
struct RemoteStats
{
    QString url;
    QString state;
    qint64 batches = 0;
    qint64 elements = 0;
    qint64 failures = 0; // faults: batches that had to go elsewhere
    double busySeconds = 0;
    double vcpuSeconds = 0;
    double charge = 0;
    double rttSeconds = 0;
    int peakInFlight = 0; // the most batches it held at once
    QString lastError;
    // The worker answered 402: the token's credits there are used up (lastError has its words).
    bool creditsExhausted = false;
};

} // namespace fastmap
