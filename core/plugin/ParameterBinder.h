// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "plugin/FunctionInfo.h"

#include <QVariantMap>

namespace fastmap {

// Turns what a user typed (strings from the CLI, typed values from the GUI) into the typed,
// range-checked parameter map a plugin receives, with every default filled in.
class ParameterBinder
{
public:
    // Returns false with a message naming the parameter and the rule it breaks.
    static bool bind(const FunctionInfo &function, const QVariantMap &given, QVariantMap *bound, QString *error);

    // Converts one value for `spec`. Strings are parsed; numbers are range-checked.
    static bool convert(const ParameterSpec &spec, const QVariant &value, QVariant *out, QString *error);
};

} // namespace fastmap
