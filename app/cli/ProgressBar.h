// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/JobTypes.h"

#include <QString>

namespace fastmap {

// One line of terminal progress: bar, percentage, counts, rate and ETA.
class ProgressBar
{
public:
    static QString render(const JobProgress &progress, int width = 80);
    static QString formatDuration(double seconds);
    static QString formatCount(double count);
};

} // namespace fastmap
