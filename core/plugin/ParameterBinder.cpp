// SPDX-License-Identifier: GPL-3.0-or-later
#include "plugin/ParameterBinder.h"

#include <QLocale>

#include <cmath>

namespace fastmap {

bool ParameterBinder::convert(const ParameterSpec &spec, const QVariant &value, QVariant *out, QString *error)
{
    const QString text = value.toString().trimmed();
    const auto fail = [&](const QString &why) {
        *error = QStringLiteral("parameter '%1': %2").arg(spec.name, why);
        return false;
    };
    if (spec.type == QLatin1String("integer") || spec.type == QLatin1String("number")) {
        const bool integer = spec.type == QLatin1String("integer");
        bool ok = false;
        double d = 0;
        // An integer written out in full is taken as is: a double would round it beyond 2^53.
        bool exact = false;
        qint64 whole = 0;
        if (value.typeId() == QMetaType::QString) {
            // Accept 1e6 and 1_000_000 style input for integers as for numbers.
            QString cleaned = text;
            cleaned.remove(QLatin1Char('_'));
            if (integer)
                whole = cleaned.toLongLong(&exact);
            d = cleaned.toDouble(&ok);
        } else {
            if (integer && (value.typeId() == QMetaType::LongLong || value.typeId() == QMetaType::Int))
                whole = value.toLongLong(&exact);
            d = value.toDouble(&ok);
        }
        if (!ok || !std::isfinite(d))
            return fail(QStringLiteral("'%1' is not %2").arg(text, spec.type == QLatin1String("integer") ? QStringLiteral("an integer") : QStringLiteral("a number")));
        if (integer && !exact && (d != std::floor(d) || std::fabs(d) > 9.0e18))
            return fail(QStringLiteral("'%1' is not a whole number").arg(text));
        // Shortest form, so that a bound such as 1234567 is not shown rounded as 1.23457e+06.
        const auto bound = [](const QVariant &b) {
            return QString::number(b.toDouble(), 'g', QLocale::FloatingPointShortest);
        };
        if (spec.minimum.isValid() && d < spec.minimum.toDouble())
            return fail(QStringLiteral("%1 is below the minimum %2").arg(text, bound(spec.minimum)));
        if (spec.maximum.isValid() && d > spec.maximum.toDouble())
            return fail(QStringLiteral("%1 is above the maximum %2").arg(text, bound(spec.maximum)));
        *out = integer ? QVariant(exact ? whole : qint64(d)) : QVariant(d);
        return true;
    }
    if (spec.type == QLatin1String("boolean")) {
        if (value.typeId() == QMetaType::Bool) {
            *out = value.toBool();
            return true;
        }
        const QString t = text.toLower();
        if (t == QLatin1String("true") || t == QLatin1String("1") || t == QLatin1String("yes") || t == QLatin1String("on")) {
            *out = true;
            return true;
        }
        if (t == QLatin1String("false") || t == QLatin1String("0") || t == QLatin1String("no") || t == QLatin1String("off")) {
            *out = false;
            return true;
        }
        return fail(QStringLiteral("'%1' is not true or false").arg(text));
    }
    if (spec.type == QLatin1String("choice")) {
        if (!spec.choices.contains(value.toString()))
            return fail(QStringLiteral("'%1' is not one of: %2").arg(value.toString(), spec.choices.join(QStringLiteral(", "))));
        *out = value.toString();
        return true;
    }
    *out = value.toString();
    return true;
}

namespace {

bool isInteger(const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::ULongLong: return true;
    default: return false;
    }
}

// What a typed value is, for a message: "text (\"5\")", "a float (1.5)".
QString describe(const QVariant &value)
{
    if (isInteger(value))
        return QStringLiteral("an integer (%1)").arg(value.toString());
    switch (value.typeId()) {
    case QMetaType::Double:
    case QMetaType::Float: return QStringLiteral("a float (%1)").arg(value.toString());
    case QMetaType::Bool: return QStringLiteral("a boolean (%1)").arg(value.toString());
    case QMetaType::QString: {
        const QString text = value.toString();
        return QStringLiteral("text (\"%1%2\")").arg(text.left(40), text.size() > 40 ? QStringLiteral("...") : QString());
    }
    case QMetaType::UnknownType:
    case QMetaType::Nullptr: return QStringLiteral("null");
    default: return QStringLiteral("a %1").arg(QString::fromLatin1(value.typeName()));
    }
}

} // namespace

bool ParameterBinder::bindTyped(const FunctionInfo &function, const QVariantMap &given, QVariantMap *bound,
                                QString *error)
{
    for (auto it = given.cbegin(); it != given.cend(); ++it) {
        const ParameterSpec *spec = function.parameter(it.key());
        if (!spec)
            continue; // bind() names it
        const QVariant &value = it.value();
        const QString &type = spec->type;
        const char *expected = nullptr;
        if (type == QLatin1String("integer") && !isInteger(value))
            expected = "an integer";
        else if (type == QLatin1String("number") && !isInteger(value) && value.typeId() != QMetaType::Double &&
                 value.typeId() != QMetaType::Float)
            expected = "a number (an integer or a float)";
        else if (type == QLatin1String("boolean") && value.typeId() != QMetaType::Bool)
            expected = "a boolean";
        else if ((type == QLatin1String("string") || type == QLatin1String("choice")) &&
                 value.typeId() != QMetaType::QString)
            expected = "text";
        if (expected) {
            *error = QStringLiteral("parameter '%1' is %2, expected %3")
                         .arg(spec->name, describe(value), QLatin1String(expected));
            return false;
        }
    }
    return bind(function, given, bound, error);
}

bool ParameterBinder::bind(const FunctionInfo &function, const QVariantMap &given, QVariantMap *bound, QString *error)
{
    for (auto it = given.cbegin(); it != given.cend(); ++it) {
        if (!function.parameter(it.key())) {
            QStringList known;
            for (const ParameterSpec &p : function.parameters)
                known << p.name;
            *error = QStringLiteral("%1 has no parameter '%2' (it has: %3)")
                         .arg(function.id, it.key(),
                              known.isEmpty() ? QStringLiteral("none") : known.join(QStringLiteral(", ")));
            return false;
        }
    }
    QVariantMap result;
    for (const ParameterSpec &spec : function.parameters) {
        QVariant value;
        if (!convert(spec, given.value(spec.name, spec.defaultValue), &value, error))
            return false;
        result.insert(spec.name, value);
    }
    *bound = result;
    return true;
}

} // namespace fastmap
