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
    // As bind(), for values that arrive typed from another program (a worker's batches): each must
    // already be of its parameter's type, nothing is parsed from text. "integer" takes an integer
    // (not a float, even a whole one, nor a boolean or text); "number" an integer or a float;
    // "boolean" a boolean; "string" and "choice" text.
    static bool bindTyped(const FunctionInfo &function, const QVariantMap &given, QVariantMap *bound,
                          QString *error);

    // Converts one value for `spec`. Strings are parsed; numbers are range-checked.
    static bool convert(const ParameterSpec &spec, const QVariant &value, QVariant *out, QString *error);
};

} // namespace fastmap
