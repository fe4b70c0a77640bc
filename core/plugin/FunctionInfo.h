// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace fastmap {

struct ColumnSpec
{
    QString name;
    QString type; // number | integer | string | any
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
    const ParameterSpec *parameter(const QString &name) const;
    QJsonObject toJson() const;
};

// Parses and checks the "MetaData" object of a plugin's JSON. Returns false with a reason
// that names the offending field.
bool parseFunctionMetadata(const QJsonObject &metaData, FunctionInfo *info, QString *error);

} // namespace fastmap
