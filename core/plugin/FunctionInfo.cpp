// SPDX-License-Identifier: GPL-3.0-or-later
#include "plugin/FunctionInfo.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>

#include <cmath>

namespace fastmap {

ColumnType columnTypeOf(const QString &type)
{
    if (type == QLatin1String("number"))
        return ColumnType::Float64;
    if (type == QLatin1String("integer"))
        return ColumnType::Int64;
    if (type == QLatin1String("boolean"))
        return ColumnType::Bool;
    return ColumnType::Text; // string, any
}

std::vector<ColumnType> FunctionInfo::inputTypes() const
{
    std::vector<ColumnType> types;
    for (const ColumnSpec &c : inputs)
        types.push_back(columnTypeOf(c.type));
    return types;
}

std::vector<ColumnType> FunctionInfo::outputTypes() const
{
    std::vector<ColumnType> types;
    for (const ColumnSpec &c : outputs)
        types.push_back(columnTypeOf(c.type));
    return types;
}

QStringList FunctionInfo::inputNames() const
{
    QStringList names;
    for (const ColumnSpec &c : inputs)
        names << c.name;
    return names;
}

QStringList FunctionInfo::outputNames() const
{
    QStringList names;
    for (const ColumnSpec &c : outputs)
        names << c.name;
    return names;
}

const ParameterSpec *FunctionInfo::parameter(const QString &name) const
{
    for (const ParameterSpec &p : parameters)
        if (p.name == name)
            return &p;
    return nullptr;
}

static QJsonArray columnsToJson(const QList<ColumnSpec> &columns)
{
    QJsonArray array;
    for (const ColumnSpec &c : columns)
        array.append(QJsonObject{{"name", c.name}, {"type", c.type}, {"help", c.help}});
    return array;
}

QJsonObject FunctionInfo::toJson() const
{
    QJsonArray params;
    for (const ParameterSpec &p : parameters) {
        QJsonObject o{{"name", p.name}, {"type", p.type}, {"help", p.help},
                      {"default", QJsonValue::fromVariant(p.defaultValue)}};
        if (p.minimum.isValid())
            o.insert("min", QJsonValue::fromVariant(p.minimum));
        if (p.maximum.isValid())
            o.insert("max", QJsonValue::fromVariant(p.maximum));
        if (!p.choices.isEmpty())
            o.insert("choices", QJsonArray::fromStringList(p.choices));
        params.append(o);
    }
    return QJsonObject{{"id", id},
                       {"version", version},
                       {"title", title},
                       {"description", description},
                       {"inputs", columnsToJson(inputs)},
                       {"outputs", columnsToJson(outputs)},
                       {"parameters", params},
                       {"costHint", QJsonObject{{"nsPerElement", costNsPerElement}, {"note", costNote}}},
                       {"file", filePath}};
}

namespace {

bool requireString(const QJsonObject &o, const char *key, const QString &where, QString *out, QString *error)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (!v.isString() || v.toString().trimmed().isEmpty()) {
        *error = QStringLiteral("%1\"%2\" is missing or not a non-empty string").arg(where, QLatin1String(key));
        return false;
    }
    *out = v.toString();
    return true;
}

bool parseColumns(const QJsonObject &o, const char *key, QList<ColumnSpec> *out, QString *error)
{
    static const QSet<QString> types{"number", "integer", "boolean", "string", "any"};
    const QJsonValue v = o.value(QLatin1String(key));
    if (!v.isArray() || v.toArray().isEmpty()) {
        *error = QStringLiteral("\"%1\" is missing or not a non-empty array").arg(QLatin1String(key));
        return false;
    }
    QSet<QString> seen;
    const QJsonArray array = v.toArray();
    for (int i = 0; i < array.size(); ++i) {
        const QString where = QStringLiteral("%1[%2]: ").arg(QLatin1String(key)).arg(i);
        if (!array[i].isObject()) {
            *error = where + QStringLiteral("not an object");
            return false;
        }
        const QJsonObject c = array[i].toObject();
        ColumnSpec spec;
        if (!requireString(c, "name", where, &spec.name, error))
            return false;
        spec.type = c.value("type").toString(QStringLiteral("any"));
        if (!types.contains(spec.type)) {
            *error = where + QStringLiteral("unknown type \"%1\"").arg(spec.type);
            return false;
        }
        if (seen.contains(spec.name)) {
            *error = where + QStringLiteral("duplicate name \"%1\"").arg(spec.name);
            return false;
        }
        if (qstrcmp(key, "outputs") == 0 && spec.name == QLatin1String("error")) {
            *error = where + QStringLiteral("the name \"error\" is reserved for the error column of result files");
            return false;
        }
        seen.insert(spec.name);
        spec.help = c.value("help").toString();
        out->append(spec);
    }
    return true;
}

bool parseParameters(const QJsonObject &o, QList<ParameterSpec> *out, QString *error)
{
    static const QSet<QString> types{"integer", "number", "boolean", "string", "choice"};
    const QJsonValue v = o.value("parameters");
    if (v.isUndefined() || v.isNull())
        return true;
    if (!v.isArray()) {
        *error = QStringLiteral("\"parameters\" is not an array");
        return false;
    }
    QSet<QString> seen;
    const QJsonArray array = v.toArray();
    for (int i = 0; i < array.size(); ++i) {
        const QString where = QStringLiteral("parameters[%1]: ").arg(i);
        if (!array[i].isObject()) {
            *error = where + QStringLiteral("not an object");
            return false;
        }
        const QJsonObject p = array[i].toObject();
        ParameterSpec spec;
        if (!requireString(p, "name", where, &spec.name, error) || !requireString(p, "type", where, &spec.type, error))
            return false;
        if (!types.contains(spec.type)) {
            *error = where + QStringLiteral("unknown type \"%1\"").arg(spec.type);
            return false;
        }
        if (seen.contains(spec.name)) {
            *error = where + QStringLiteral("duplicate name \"%1\"").arg(spec.name);
            return false;
        }
        seen.insert(spec.name);
        const QJsonValue def = p.value("default");
        const bool numeric = spec.type == QLatin1String("integer") || spec.type == QLatin1String("number");
        bool defaultOk = false;
        const double d = def.toDouble();
        if (spec.type == QLatin1String("number"))
            defaultOk = def.isDouble();
        else if (spec.type == QLatin1String("integer"))
            // Range first: converting 1e30 to qint64 would be undefined.
            defaultOk = def.isDouble() && std::fabs(d) <= 9.0e18 && d == std::floor(d);
        else if (spec.type == QLatin1String("boolean"))
            defaultOk = def.isBool();
        else
            defaultOk = def.isString();
        if (!defaultOk) {
            *error = where + QStringLiteral("\"default\" is missing or not a %1").arg(spec.type);
            return false;
        }
        if (spec.type == QLatin1String("integer"))
            spec.defaultValue = qint64(d);
        else
            spec.defaultValue = def.toVariant();
        for (const char *bound : {"min", "max"}) {
            const QJsonValue b = p.value(QLatin1String(bound));
            if (b.isUndefined())
                continue;
            if (!numeric || !b.isDouble()) {
                *error = where + QStringLiteral("\"%1\" must be a number on a numeric parameter").arg(QLatin1String(bound));
                return false;
            }
            (qstrcmp(bound, "min") == 0 ? spec.minimum : spec.maximum) = b.toDouble();
        }
        if (spec.type == QLatin1String("choice")) {
            for (const QJsonValue &c : p.value("choices").toArray())
                spec.choices << c.toString();
            if (spec.choices.isEmpty() || !spec.choices.contains(spec.defaultValue.toString())) {
                *error = where + QStringLiteral("\"choices\" must be a non-empty array holding the default");
                return false;
            }
        }
        if (spec.minimum.isValid() && spec.maximum.isValid() && spec.minimum.toDouble() > spec.maximum.toDouble()) {
            *error = where + QStringLiteral("\"min\" is above \"max\"");
            return false;
        }
        if (numeric && ((spec.minimum.isValid() && spec.defaultValue.toDouble() < spec.minimum.toDouble())
                        || (spec.maximum.isValid() && spec.defaultValue.toDouble() > spec.maximum.toDouble()))) {
            *error = where + QStringLiteral("\"default\" is outside [min, max]");
            return false;
        }
        spec.help = p.value("help").toString();
        out->append(spec);
    }
    return true;
}

} // namespace

bool parseFunctionMetadata(const QJsonObject &m, FunctionInfo *info, QString *error)
{
    static const QRegularExpression idPattern(QStringLiteral("^[a-z0-9_]+(\\.[a-z0-9_]+)+$"));
    static const QRegularExpression versionPattern(QStringLiteral("^\\d+\\.\\d+\\.\\d+([-+][0-9A-Za-z.-]+)?$"));
    if (m.isEmpty()) {
        *error = QStringLiteral("the plugin has no metadata (Q_PLUGIN_METADATA needs FILE \"...json\")");
        return false;
    }
    FunctionInfo f;
    if (!requireString(m, "id", {}, &f.id, error) || !requireString(m, "version", {}, &f.version, error)
        || !requireString(m, "title", {}, &f.title, error)
        || !requireString(m, "description", {}, &f.description, error))
        return false;
    if (!idPattern.match(f.id).hasMatch()) {
        *error = QStringLiteral("\"id\" \"%1\" is not of the form group.name (lower case, digits, _)").arg(f.id);
        return false;
    }
    if (!versionPattern.match(f.version).hasMatch()) {
        *error = QStringLiteral("\"version\" \"%1\" is not a semantic version like 1.2.0").arg(f.version);
        return false;
    }
    if (!parseColumns(m, "inputs", &f.inputs, error) || !parseColumns(m, "outputs", &f.outputs, error)
        || !parseParameters(m, &f.parameters, error))
        return false;
    const QJsonValue cost = m.value("costHint");
    if (!cost.isObject() || !cost.toObject().value("nsPerElement").isDouble()
        || cost.toObject().value("nsPerElement").toDouble() < 0) {
        *error = QStringLiteral("\"costHint\" must be an object with a non-negative \"nsPerElement\"");
        return false;
    }
    f.costNsPerElement = cost.toObject().value("nsPerElement").toDouble();
    f.costNote = cost.toObject().value("note").toString();
    *info = f;
    return true;
}

} // namespace fastmap
