// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <fastmap/Table.h>

#include <vector>

namespace fastmap {

struct ColumnSpec
{
    QString name;
    QString type; // number | integer | boolean | string | any
    QString help;
};

struct ParameterSpec
{
    QString name;
    QString type; // integer | number | boolean | string | choice
    QVariant defaultValue;
    QVariant minimum; // invalid when unbounded
    QVariant maximum;
    QStringList choices;
    QString help;
};

// A function as described by its plugin's metadata, known without loading the plugin.
struct FunctionInfo
{
    QString id;
    QString version;
    QString title;
    QString description;
    QList<ColumnSpec> inputs;
    QList<ColumnSpec> outputs;
    QList<ParameterSpec> parameters;
    double costNsPerElement = 0;
    QString costNote;
    QString filePath;

    QStringList inputNames() const;
    QStringList outputNames() const;
    // The column types the engine converts inputs to and a function writes its outputs as.
    std::vector<ColumnType> inputTypes() const;
    std::vector<ColumnType> outputTypes() const;
    const ParameterSpec *parameter(const QString &name) const;
    QJsonObject toJson() const;
};

// "number" is Float64, "integer" Int64, "boolean" Bool, "string" and "any" Text.
ColumnType columnTypeOf(const QString &type);

// Parses and checks the "MetaData" object of a plugin's JSON. Returns false with a reason
// that names the offending field.
bool parseFunctionMetadata(const QJsonObject &metaData, FunctionInfo *info, QString *error);

} // namespace fastmap
