// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Helpers shared by the function plugin tests: loading a plugin file, checking its metadata
// against the documented schema (docs/plugins.md), building typed input tables, running a
// function on a table the way the host does, and running one function from several threads at once.

#include <fastmap/FunctionPlugin.h>

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QPluginLoader>
#include <QRegularExpression>
#include <QSet>
#include <QStringList>
#include <QTest>

#include <cmath>
#include <exception>
#include <latch>
#include <thread>
#include <vector>

namespace fastmap::test {

// The path of an example plugin built by this tree, e.g. pluginFile("math_sqrt").
inline QString pluginFile(const char *target)
{
    return QStringLiteral(FASTMAP_PLUGIN_BUILD_DIR "/") + QLatin1String(target) + QStringLiteral(".so");
}

// Problems with a plugin's "MetaData" object according to the schema in docs/plugins.md;
// empty when it conforms. Unknown keys count as problems so that typos are caught.
inline QStringList metadataProblems(const QJsonObject &meta)
{
    QStringList problems;
    auto checkKeys = [&](const QJsonObject &object, const QStringList &allowed, const QString &where) {
        for (const QString &key : object.keys()) {
            if (!allowed.contains(key))
                problems << QStringLiteral("%1: unknown key '%2'").arg(where, key);
        }
    };
    auto nonEmptyString = [&](const QJsonObject &object, const QString &key, const QString &where) {
        if (!object.value(key).isString() || object.value(key).toString().trimmed().isEmpty())
            problems << QStringLiteral("%1: '%2' must be a non-empty string").arg(where, key);
    };

    checkKeys(meta, {"id", "version", "title", "description", "inputs", "outputs", "parameters", "costHint"},
              QStringLiteral("metadata"));
    static const QRegularExpression idPattern(QStringLiteral("^[a-z0-9_]+(\\.[a-z0-9_]+)+$"));
    if (!idPattern.match(meta.value("id").toString()).hasMatch())
        problems << QStringLiteral("id '%1' does not match [a-z0-9_]+(.[a-z0-9_]+)+")
                        .arg(meta.value("id").toString());
    static const QRegularExpression semver(
        QStringLiteral("^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)"
                       "(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?$"));
    if (!meta.value("version").isString() || !semver.match(meta.value("version").toString()).hasMatch())
        problems << QStringLiteral("version '%1' is not semver").arg(meta.value("version").toString());
    nonEmptyString(meta, "title", "metadata");
    nonEmptyString(meta, "description", "metadata");

    static const QStringList columnTypes{"number", "integer", "boolean", "string", "any"};
    for (const char *list : {"inputs", "outputs"}) {
        const QString where = QLatin1String(list);
        const QJsonArray columns = meta.value(where).toArray();
        if (!meta.value(where).isArray() || columns.isEmpty())
            problems << QStringLiteral("'%1' must be a non-empty array").arg(where);
        QSet<QString> names;
        for (const QJsonValue &value : columns) {
            const QJsonObject column = value.toObject();
            const QString name = column.value("name").toString();
            const QString at = QStringLiteral("%1 '%2'").arg(where, name);
            checkKeys(column, {"name", "type", "help"}, at);
            nonEmptyString(column, "name", at);
            nonEmptyString(column, "help", at);
            if (!columnTypes.contains(column.value("type").toString()))
                problems << QStringLiteral("%1: bad type '%2'").arg(at, column.value("type").toString());
            if (names.contains(name))
                problems << QStringLiteral("%1: duplicate name").arg(at);
            names.insert(name);
        }
    }

    if (meta.contains("parameters")) {
        if (!meta.value("parameters").isArray())
            problems << QStringLiteral("'parameters' must be an array");
        static const QStringList paramTypes{"integer", "number", "boolean", "string", "choice"};
        QSet<QString> names;
        for (const QJsonValue &value : meta.value("parameters").toArray()) {
            const QJsonObject param = value.toObject();
            const QString name = param.value("name").toString();
            const QString type = param.value("type").toString();
            const QString at = QStringLiteral("parameter '%1'").arg(name);
            checkKeys(param, {"name", "type", "default", "min", "max", "choices", "help"}, at);
            nonEmptyString(param, "name", at);
            nonEmptyString(param, "help", at);
            if (!paramTypes.contains(type))
                problems << QStringLiteral("%1: bad type '%2'").arg(at, type);
            if (names.contains(name))
                problems << QStringLiteral("%1: duplicate name").arg(at);
            names.insert(name);
            const QJsonValue def = param.value("default");
            const bool numeric = type == "integer" || type == "number";
            if (!numeric && (param.contains("min") || param.contains("max")))
                problems << QStringLiteral("%1: min/max only apply to numbers").arg(at);
            if (type != "choice" && param.contains("choices"))
                problems << QStringLiteral("%1: choices only apply to type choice").arg(at);
            if (numeric) {
                auto isIntegral = [](const QJsonValue &v) {
                    return v.isDouble() && v.toDouble() == std::floor(v.toDouble());
                };
                if (!def.isDouble() || (type == "integer" && !isIntegral(def)))
                    problems << QStringLiteral("%1: default must be a %2").arg(at, type);
                for (const char *bound : {"min", "max"}) {
                    if (param.contains(bound) && (!param.value(bound).isDouble() ||
                                                  (type == "integer" && !isIntegral(param.value(bound)))))
                        problems << QStringLiteral("%1: %2 must be a %3").arg(at, QLatin1String(bound), type);
                }
                if (param.contains("min") && def.toDouble() < param.value("min").toDouble())
                    problems << QStringLiteral("%1: default below min").arg(at);
                if (param.contains("max") && def.toDouble() > param.value("max").toDouble())
                    problems << QStringLiteral("%1: default above max").arg(at);
            } else if (type == "boolean" && !def.isBool()) {
                problems << QStringLiteral("%1: default must be a boolean").arg(at);
            } else if (type == "string" && !def.isString()) {
                problems << QStringLiteral("%1: default must be a string").arg(at);
            } else if (type == "choice") {
                const QJsonArray choices = param.value("choices").toArray();
                if (choices.isEmpty() || !choices.contains(def))
                    problems << QStringLiteral("%1: needs non-empty choices holding the default").arg(at);
            }
        }
    }

    const QJsonObject cost = meta.value("costHint").toObject();
    if (!meta.value("costHint").isObject())
        problems << QStringLiteral("'costHint' must be an object");
    checkKeys(cost, {"nsPerElement", "note"}, QStringLiteral("costHint"));
    if (!cost.value("nsPerElement").isDouble() || !(cost.value("nsPerElement").toDouble() > 0))
        problems << QStringLiteral("costHint: 'nsPerElement' must be a positive number");
    if (cost.contains("note") && !cost.value("note").isString())
        problems << QStringLiteral("costHint: 'note' must be a string");
    return problems;
}

// The names of an "inputs", "outputs" or "parameters" array, in order.
inline QStringList names(const QJsonObject &meta, const char *list)
{
    QStringList result;
    for (const QJsonValue &value : meta.value(QLatin1String(list)).toArray())
        result << value.toObject().value("name").toString();
    return result;
}

// Loads `file` as a function plugin and checks its IID, id and metadata schema.
// On success `plugin` is set and `meta` holds the "MetaData" object. Call QVERIFY(plugin) after.
inline void loadFunctionPlugin(QPluginLoader &loader, const QString &file, const QString &expectedId,
                               fastmap::FunctionPlugin *&plugin, QJsonObject &meta)
{
    plugin = nullptr;
    QVERIFY2(QFileInfo::exists(file), qPrintable(QStringLiteral("plugin file not built: ") + file));
    loader.setFileName(file);
    const QJsonObject all = loader.metaData();
    QVERIFY2(!all.isEmpty(),
             qPrintable(QStringLiteral("no plugin metadata in ") + file + ": " + loader.errorString()));
    QCOMPARE(all.value("IID").toString(), QStringLiteral(FASTMAP_FUNCTION_PLUGIN_IID));
    QVERIFY2(all.value("MetaData").isObject(), "the metadata JSON did not parse into an object");
    meta = all.value("MetaData").toObject();
    QCOMPARE(meta.value("id").toString(), expectedId);
    const QStringList problems = metadataProblems(meta);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join("; ")));

    QObject *instance = loader.instance();
    QVERIFY2(instance, qPrintable(loader.errorString()));
    plugin = qobject_cast<fastmap::FunctionPlugin *>(instance);
    QVERIFY2(plugin, "the plugin does not implement fastmap::FunctionPlugin");
}

// The column type of a metadata type, as the host maps it: "number" is Float64, "integer" Int64,
// "boolean" Bool, "string" and "any" Text.
inline ColumnType columnType(const QString &type)
{
    if (type == QLatin1String("number"))
        return ColumnType::Float64;
    if (type == QLatin1String("integer"))
        return ColumnType::Int64;
    if (type == QLatin1String("boolean"))
        return ColumnType::Bool;
    return ColumnType::Text;
}

// The column types of an "inputs" or "outputs" array, in order.
inline std::vector<ColumnType> columnTypes(const QJsonObject &meta, const char *list)
{
    std::vector<ColumnType> types;
    for (const QJsonValue &value : meta.value(QLatin1String(list)).toArray())
        types.push_back(columnType(value.toObject().value("type").toString()));
    return types;
}

// A typed table with one row per entry of `rows`, standing in for the host's conversion of a
// dataset's fields: each value is converted to its column's type with QVariant's conversions
// (the tests give values that convert), and an invalid QVariant is a null.
inline Table typedTable(const std::vector<ColumnType> &types, const QList<QVariantList> &rows)
{
    Table table(types, int(rows.size()));
    for (int row = 0; row < rows.size(); ++row) {
        for (int column = 0; column < table.columnCount(); ++column) {
            const QVariant value = rows[row].value(column);
            const auto r = std::size_t(row);
            if (!value.isValid()) {
                table.setNull(column, row);
                continue;
            }
            switch (table.type(column)) {
            case ColumnType::Float64: table.doubles(column)[r] = value.toDouble(); break;
            case ColumnType::Int64: table.integers(column)[r] = value.toLongLong(); break;
            case ColumnType::Bool: table.bools(column)[r] = value.toBool() ? 1 : 0; break;
            case ColumnType::Text: table.setText(column, row, value.toString()); break;
            }
        }
    }
    return table;
}

// A typed table with one column of `type` holding `values`.
inline Table columnTable(ColumnType type, const QVariantList &values)
{
    QList<QVariantList> rows;
    for (const QVariant &value : values)
        rows << QVariantList{value};
    return typedTable({type}, rows);
}

// Runs `function` on `input` the way the host does: output pre-sized, one row per element and
// one column per output type, and the elements whose input did not convert (`inputErrors`, by
// row) already failed, so the function must leave their messages alone.
inline BatchOutput run(const Function &function, const Table &input,
                       const std::vector<ColumnType> &outputTypes, const QMap<int, QString> &inputErrors = {})
{
    BatchOutput output(outputTypes, input.rowCount());
    for (auto it = inputErrors.cbegin(); it != inputErrors.cend(); ++it)
        output.fail(it.key(), it.value());
    function.process(input, output);
    return output;
}

// One output value as a QVariant (invalid for a failed element or a null), for comparisons.
inline QVariant outputValue(const BatchOutput &output, int row, int column)
{
    return output.failed(row) ? QVariant() : output.values().value(row, column);
}

// The first difference between two outputs, or an empty string when they are equal. The values
// of failed elements are ignored, as the host ignores them.
inline QString difference(const BatchOutput &a, const BatchOutput &b)
{
    if (a.rowCount() != b.rowCount() || a.values().types() != b.values().types())
        return QStringLiteral("shape differs");
    if (a.failedCount() != b.failedCount())
        return QStringLiteral("failed count %1 != %2").arg(a.failedCount()).arg(b.failedCount());
    for (int row = 0; row < a.rowCount(); ++row) {
        if (a.failed(row) != b.failed(row) || a.error(row) != b.error(row))
            return QStringLiteral("row %1: error '%2' != '%3'").arg(row).arg(a.error(row), b.error(row));
        for (int column = 0; column < a.values().columnCount(); ++column) {
            const QVariant x = outputValue(a, row, column);
            const QVariant y = outputValue(b, row, column);
            if (x.typeId() != y.typeId() || x != y)
                return QStringLiteral("row %1 column %2: '%3' != '%4'")
                    .arg(row)
                    .arg(column)
                    .arg(x.toString(), y.toString());
        }
    }
    return QString();
}

// Calls process() on the same Function object from `threads` threads at once, repeatedly for at
// least `minimumMs` milliseconds and `minimumRounds` rounds per thread, and checks every result
// equals a single-threaded run. Running for a while makes the calls overlap even when one batch
// takes only microseconds, so that a data race in the function shows up as a wrong result (or
// as a ThreadSanitizer/AddressSanitizer report in sanitizer builds).
inline void checkConcurrentProcess(const Function &function, const Table &input,
                                   const std::vector<ColumnType> &outputTypes, int threads = 4,
                                   int minimumRounds = 3, int minimumMs = 300)
{
    const BatchOutput expected = run(function, input, outputTypes);
    std::vector<QString> mismatches(static_cast<std::size_t>(threads));
    std::vector<int> rounds(static_cast<std::size_t>(threads), 0);
    std::latch start(threads);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            QString &mismatch = mismatches[std::size_t(t)];
            int &round = rounds[std::size_t(t)];
            start.arrive_and_wait(); // all threads start together
            QElapsedTimer timer;
            timer.start();
            try {
                while (mismatch.isEmpty() && (round < minimumRounds || timer.elapsed() < minimumMs)) {
                    mismatch = difference(expected, run(function, input, outputTypes));
                    ++round;
                }
            } catch (const std::exception &e) {
                mismatch = QStringLiteral("process() threw: ") + QString::fromUtf8(e.what());
            }
        });
    }
    for (std::thread &worker : workers)
        worker.join();
    for (int t = 0; t < threads; ++t)
        QVERIFY2(mismatches[std::size_t(t)].isEmpty(), qPrintable(QStringLiteral("thread %1, round %2: %3")
                                                                      .arg(t)
                                                                      .arg(rounds[std::size_t(t)])
                                                                      .arg(mismatches[std::size_t(t)])));
}

} // namespace fastmap::test
