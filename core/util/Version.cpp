// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/Version.h"

namespace fastmap {

QString versionString()
{
    return QStringLiteral(FASTMAP_VERSION);
}

} // namespace fastmap
