// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace fastmap {

QString versionString();

} // namespace fastmap
