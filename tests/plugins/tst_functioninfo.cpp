// SPDX-License-Identifier: GPL-3.0-or-later
// Tests parseFunctionMetadata on JSON literals: a complete valid description with every field
// checked, each way a description can be wrong (the message must name the field), the column
// types the engine converts to, and the FunctionInfo::toJson round trip.
#include "plugin/FunctionInfo.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <functional>

using namespace fastmap;

namespace {

QJsonObject parseJson(const char *text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(text), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        qFatal("bad JSON literal in the test: %s", qPrintable(error.errorString()));
    return doc.object();
}

const char *const fullMetadata = R"({
  "id": "demo.full_function2",
  "version": "2.10.3-beta.1",
  "title": "Full function",
  "description": "Uses every field of the schema.",
  "inputs": [
    { "name": "x", "type": "number", "help": "the value" },
    { "name": "count", "type": "integer" },
    { "name": "label", "type": "string", "help": "a name" },
    { "name": "whatever" },
    { "name": "flag", "type": "boolean", "help": "yes or no" }
  ],
  "outputs": [
    { "name": "y", "type": "number", "help": "the result" },
    { "name": "raw", "type": "any" },
    { "name": "ok", "type": "boolean" }
  ],
  "parameters": [
    { "name": "iterations", "type": "integer", "default": 10, "min": 1, "max": 1000, "help": "how often" },
    { "name": "scale", "type": "number", "default": 0.5, "min": -1.5 },
    { "name": "verbose", "type": "boolean", "default": true },
    { "name": "prefix", "type": "string", "default": "" , "help": "prepended" },
    { "name": "mode", "type": "choice", "default": "fast", "choices": ["fast", "exact", "lazy"] }
  ],
  "costHint": { "nsPerElement": 1250.5, "note": "grows with iterations" }
})";

// A small valid description the invalid variants start from.
QJsonObject minimal()
{
    return parseJson(R"({
      "id": "demo.min",
      "version": "1.0.0",
      "title": "Minimal",
      "description": "The least a description needs.",
      "inputs": [ { "name": "x", "type": "number" } ],
      "outputs": [ { "name": "y", "type": "number" } ],
      "parameters": [ { "name": "n", "type": "integer", "default": 1 } ],
      "costHint": { "nsPerElement": 0 }
    })");
}

using Mutation = std::function<void(QJsonObject &)>;

Mutation setKey(const QString &key, const QJsonValue &value)
{
    return [=](QJsonObject &o) { o.insert(key, value); };
}

Mutation removeKey(const QString &key)
{
    return [=](QJsonObject &o) { o.remove(key); };
}

Mutation setParameter(const QJsonObject &parameter)
{
    return [=](QJsonObject &o) { o.insert("parameters", QJsonArray{parameter}); };
}

Mutation setInputs(const QJsonArray &inputs)
{
    return [=](QJsonObject &o) { o.insert("inputs", inputs); };
}

} // namespace

Q_DECLARE_METATYPE(Mutation)

class TestFunctionInfo : public QObject
{
    Q_OBJECT

private slots:
    void fullDescription()
    {
        FunctionInfo f;
        QString error;
        QVERIFY2(parseFunctionMetadata(parseJson(fullMetadata), &f, &error), qPrintable(error));
        QVERIFY(error.isEmpty());
        QCOMPARE(f.id, QStringLiteral("demo.full_function2"));
        QCOMPARE(f.version, QStringLiteral("2.10.3-beta.1"));
        QCOMPARE(f.title, QStringLiteral("Full function"));
        QCOMPARE(f.description, QStringLiteral("Uses every field of the schema."));
        QCOMPARE(f.filePath, QString()); // set by the catalog, not by the metadata

        QCOMPARE(f.inputs.size(), 5);
        QCOMPARE(f.inputNames(), (QStringList{"x", "count", "label", "whatever", "flag"}));
        QCOMPARE(f.inputs[0].type, QStringLiteral("number"));
        QCOMPARE(f.inputs[0].help, QStringLiteral("the value"));
        QCOMPARE(f.inputs[1].type, QStringLiteral("integer"));
        QCOMPARE(f.inputs[1].help, QString());
        QCOMPARE(f.inputs[2].type, QStringLiteral("string"));
        QCOMPARE(f.inputs[2].help, QStringLiteral("a name"));
        QCOMPARE(f.inputs[3].type, QStringLiteral("any")); // the default type
        QCOMPARE(f.inputs[4].type, QStringLiteral("boolean"));
        QCOMPARE(f.inputs[4].help, QStringLiteral("yes or no"));
        QCOMPARE(f.outputNames(), (QStringList{"y", "raw", "ok"}));
        QCOMPARE(f.outputs[0].type, QStringLiteral("number"));
        QCOMPARE(f.outputs[0].help, QStringLiteral("the result"));
        QCOMPARE(f.outputs[1].type, QStringLiteral("any"));
        QCOMPARE(f.outputs[2].type, QStringLiteral("boolean"));

        QCOMPARE(f.parameters.size(), 5);
        const ParameterSpec &iterations = f.parameters[0];
        QCOMPARE(iterations.name, QStringLiteral("iterations"));
        QCOMPARE(iterations.type, QStringLiteral("integer"));
        QCOMPARE(iterations.defaultValue.typeId(), int(QMetaType::LongLong));
        QCOMPARE(iterations.defaultValue.toLongLong(), 10);
        QCOMPARE(iterations.minimum.toDouble(), 1.0);
        QCOMPARE(iterations.maximum.toDouble(), 1000.0);
        QCOMPARE(iterations.help, QStringLiteral("how often"));
        QVERIFY(iterations.choices.isEmpty());

        const ParameterSpec &scale = f.parameters[1];
        QCOMPARE(scale.type, QStringLiteral("number"));
        QCOMPARE(scale.defaultValue.typeId(), int(QMetaType::Double));
        QCOMPARE(scale.defaultValue.toDouble(), 0.5);
        QCOMPARE(scale.minimum.toDouble(), -1.5);
        QVERIFY(!scale.maximum.isValid());

        const ParameterSpec &verbose = f.parameters[2];
        QCOMPARE(verbose.type, QStringLiteral("boolean"));
        QCOMPARE(verbose.defaultValue.typeId(), int(QMetaType::Bool));
        QCOMPARE(verbose.defaultValue.toBool(), true);
        QVERIFY(!verbose.minimum.isValid());
        QVERIFY(!verbose.maximum.isValid());

        const ParameterSpec &prefix = f.parameters[3];
        QCOMPARE(prefix.type, QStringLiteral("string"));
        QCOMPARE(prefix.defaultValue.typeId(), int(QMetaType::QString));
        QCOMPARE(prefix.defaultValue.toString(), QString());
        QCOMPARE(prefix.help, QStringLiteral("prepended"));

        const ParameterSpec &mode = f.parameters[4];
        QCOMPARE(mode.type, QStringLiteral("choice"));
        QCOMPARE(mode.defaultValue, QVariant(QStringLiteral("fast")));
        QCOMPARE(mode.choices, (QStringList{"fast", "exact", "lazy"}));

        QCOMPARE(f.costNsPerElement, 1250.5);
        QCOMPARE(f.costNote, QStringLiteral("grows with iterations"));

        QCOMPARE(f.parameter(QStringLiteral("mode")), &f.parameters[4]);
        QCOMPARE(f.parameter(QStringLiteral("scale")), &f.parameters[1]);
        QVERIFY(!f.parameter(QStringLiteral("Mode")));
        QVERIFY(!f.parameter(QString()));
    }

    // The typed columns the engine converts inputs to, and the function writes outputs as.
    void columnTypes()
    {
        FunctionInfo f;
        QString error;
        QVERIFY2(parseFunctionMetadata(parseJson(fullMetadata), &f, &error), qPrintable(error));
        QCOMPARE(f.inputTypes(),
                 (std::vector<ColumnType>{ColumnType::Float64, ColumnType::Int64, ColumnType::Text,
                                          ColumnType::Text, ColumnType::Bool}));
        QCOMPARE(f.outputTypes(),
                 (std::vector<ColumnType>{ColumnType::Float64, ColumnType::Text, ColumnType::Bool}));

        QCOMPARE(columnTypeOf(QStringLiteral("number")), ColumnType::Float64);
        QCOMPARE(columnTypeOf(QStringLiteral("integer")), ColumnType::Int64);
        QCOMPARE(columnTypeOf(QStringLiteral("boolean")), ColumnType::Bool);
        QCOMPARE(columnTypeOf(QStringLiteral("string")), ColumnType::Text);
        QCOMPARE(columnTypeOf(QStringLiteral("any")), ColumnType::Text);
    }

    void booleanColumns()
    {
        QJsonObject m = minimal();
        m.insert("inputs", QJsonArray{QJsonObject{{"name", "b"}, {"type", "boolean"}}});
        m.insert("outputs", QJsonArray{QJsonObject{{"name", "n"}, {"type", "boolean"}, {"help", "negated"}}});
        FunctionInfo f;
        QString error;
        QVERIFY2(parseFunctionMetadata(m, &f, &error), qPrintable(error));
        QCOMPARE(f.inputs[0].type, QStringLiteral("boolean"));
        QCOMPARE(f.outputs[0].type, QStringLiteral("boolean"));
        QCOMPARE(f.inputTypes(), std::vector<ColumnType>{ColumnType::Bool});
        QCOMPARE(f.outputTypes(), std::vector<ColumnType>{ColumnType::Bool});
        QCOMPARE(f.toJson().value("inputs").toArray()[0].toObject().value("type").toString(),
                 QStringLiteral("boolean"));
    }

    void optionalFields()
    {
        QJsonObject m = minimal();
        m.remove("parameters");
        FunctionInfo f;
        QString error;
        QVERIFY2(parseFunctionMetadata(m, &f, &error), qPrintable(error));
        QVERIFY(f.parameters.isEmpty());
        QCOMPARE(f.costNsPerElement, 0.0);
        QCOMPARE(f.costNote, QString());

        m.insert("parameters", QJsonValue::Null);
        QVERIFY2(parseFunctionMetadata(m, &f, &error), qPrintable(error));
        m.insert("parameters", QJsonArray());
        QVERIFY2(parseFunctionMetadata(m, &f, &error), qPrintable(error));
        QVERIFY(f.parameters.isEmpty());

        for (const char *version : {"0.0.0", "10.20.30", "1.0.0+build.5", "1.0.0-rc.1"}) {
            m.insert("version", QLatin1String(version));
            QVERIFY2(parseFunctionMetadata(m, &f, &error), version);
            QCOMPARE(f.version, QLatin1String(version));
        }
        for (const char *id : {"a.b", "group_1.name_2.sub", "0.9"}) {
            m.insert("id", QLatin1String(id));
            QVERIFY2(parseFunctionMetadata(m, &f, &error), id);
            QCOMPARE(f.id, QLatin1String(id));
        }
    }

    void invalid_data()
    {
        QTest::addColumn<Mutation>("mutate");
        QTest::addColumn<QString>("message");

        QTest::newRow("empty object")
            << Mutation([](QJsonObject &o) { o = QJsonObject(); })
            << "the plugin has no metadata (Q_PLUGIN_METADATA needs FILE \"...json\")";
        QTest::newRow("no id") << removeKey("id") << "\"id\" is missing or not a non-empty string";
        QTest::newRow("id not a string") << setKey("id", 42) << "\"id\" is missing or not a non-empty string";
        QTest::newRow("id blank") << setKey("id", "  ") << "\"id\" is missing or not a non-empty string";
        QTest::newRow("id without group")
            << setKey("id", "plain")
            << "\"id\" \"plain\" is not of the form group.name (lower case, digits, _)";
        QTest::newRow("id upper case")
            << setKey("id", "Demo.Min")
            << "\"id\" \"Demo.Min\" is not of the form group.name (lower case, digits, _)";
        QTest::newRow("id with dash")
            << setKey("id", "demo.my-fn")
            << "\"id\" \"demo.my-fn\" is not of the form group.name (lower case, digits, _)";
        QTest::newRow("id trailing dot")
            << setKey("id", "demo.")
            << "\"id\" \"demo.\" is not of the form group.name (lower case, digits, _)";
        QTest::newRow("no version") << removeKey("version")
                                    << "\"version\" is missing or not a non-empty string";
        QTest::newRow("version number")
            << setKey("version", 1.0) << "\"version\" is missing or not a non-empty string";
        QTest::newRow("version two parts")
            << setKey("version", "1.0") << "\"version\" \"1.0\" is not a semantic version like 1.2.0";
        QTest::newRow("version with v")
            << setKey("version", "v1.0.0") << "\"version\" \"v1.0.0\" is not a semantic version like 1.2.0";
        QTest::newRow("no title") << removeKey("title") << "\"title\" is missing or not a non-empty string";
        QTest::newRow("empty description")
            << setKey("description", "") << "\"description\" is missing or not a non-empty string";

        QTest::newRow("no inputs") << removeKey("inputs") << "\"inputs\" is missing or not a non-empty array";
        QTest::newRow("inputs empty") << setInputs({}) << "\"inputs\" is missing or not a non-empty array";
        QTest::newRow("inputs an object") << setKey("inputs", QJsonObject{{"name", "x"}})
                                          << "\"inputs\" is missing or not a non-empty array";
        QTest::newRow("input a string") << setInputs({"x"}) << "inputs[0]: not an object";
        QTest::newRow("input without name")
            << setInputs({QJsonObject{{"name", "x"}}, QJsonObject{{"type", "number"}}})
            << "inputs[1]: \"name\" is missing or not a non-empty string";
        QTest::newRow("input unknown type") << setInputs({QJsonObject{{"name", "x"}, {"type", "float"}}})
                                            << "inputs[0]: unknown type \"float\"";
        QTest::newRow("input type bool, not boolean")
            << setInputs({QJsonObject{{"name", "x"}, {"type", "bool"}}})
            << "inputs[0]: unknown type \"bool\"";
        QTest::newRow("input duplicate name")
            << setInputs({QJsonObject{{"name", "x"}}, QJsonObject{{"name", "x"}}})
            << "inputs[1]: duplicate name \"x\"";
        QTest::newRow("no outputs") << removeKey("outputs")
                                    << "\"outputs\" is missing or not a non-empty array";
        QTest::newRow("output unknown type")
            << setKey("outputs", QJsonArray{QJsonObject{{"name", "y"}, {"type", "double"}}})
            << "outputs[0]: unknown type \"double\"";

        QTest::newRow("parameters an object")
            << setKey("parameters", QJsonObject{{"n", 1}}) << "\"parameters\" is not an array";
        QTest::newRow("parameters a string")
            << setKey("parameters", "n=1") << "\"parameters\" is not an array";
        QTest::newRow("parameter not an object")
            << setKey("parameters", QJsonArray{1}) << "parameters[0]: not an object";
        QTest::newRow("parameter without name")
            << setParameter({{"type", "integer"}, {"default", 1}})
            << "parameters[0]: \"name\" is missing or not a non-empty string";
        QTest::newRow("parameter without type")
            << setParameter({{"name", "n"}, {"default", 1}})
            << "parameters[0]: \"type\" is missing or not a non-empty string";
        QTest::newRow("parameter unknown type")
            << setParameter({{"name", "n"}, {"type", "float"}, {"default", 1}})
            << "parameters[0]: unknown type \"float\"";
        QTest::newRow("parameter duplicate name")
            << setKey("parameters",
                      QJsonArray{QJsonObject{{"name", "n"}, {"type", "integer"}, {"default", 1}},
                                 QJsonObject{{"name", "n"}, {"type", "number"}, {"default", 1}}})
            << "parameters[1]: duplicate name \"n\"";
        QTest::newRow("default missing") << setParameter({{"name", "n"}, {"type", "integer"}})
                                         << "parameters[0]: \"default\" is missing or not a integer";
        QTest::newRow("integer default fractional")
            << setParameter({{"name", "n"}, {"type", "integer"}, {"default", 2.5}})
            << "parameters[0]: \"default\" is missing or not a integer";
        QTest::newRow("integer default string")
            << setParameter({{"name", "n"}, {"type", "integer"}, {"default", "3"}})
            << "parameters[0]: \"default\" is missing or not a integer";
        QTest::newRow("integer default out of range")
            << setParameter({{"name", "n"}, {"type", "integer"}, {"default", 1e30}})
            << "parameters[0]: \"default\" is missing or not a integer";
        QTest::newRow("number default string")
            << setParameter({{"name", "s"}, {"type", "number"}, {"default", "0.5"}})
            << "parameters[0]: \"default\" is missing or not a number";
        QTest::newRow("boolean default number")
            << setParameter({{"name", "b"}, {"type", "boolean"}, {"default", 1}})
            << "parameters[0]: \"default\" is missing or not a boolean";
        QTest::newRow("string default number")
            << setParameter({{"name", "p"}, {"type", "string"}, {"default", 5}})
            << "parameters[0]: \"default\" is missing or not a string";
        QTest::newRow("choice default null") << setParameter({{"name", "m"},
                                                              {"type", "choice"},
                                                              {"default", QJsonValue::Null},
                                                              {"choices", QJsonArray{"a"}}})
                                             << "parameters[0]: \"default\" is missing or not a choice";
        QTest::newRow("min not a number")
            << setParameter({{"name", "n"}, {"type", "integer"}, {"default", 1}, {"min", "0"}})
            << "parameters[0]: \"min\" must be a number on a numeric parameter";
        QTest::newRow("max on a string")
            << setParameter({{"name", "p"}, {"type", "string"}, {"default", "a"}, {"max", 3}})
            << "parameters[0]: \"max\" must be a number on a numeric parameter";
        QTest::newRow("choice without choices")
            << setParameter({{"name", "m"}, {"type", "choice"}, {"default", "a"}})
            << "parameters[0]: \"choices\" must be a non-empty array holding the default";
        QTest::newRow("choice default not a choice")
            << setParameter(
                   {{"name", "m"}, {"type", "choice"}, {"default", "c"}, {"choices", QJsonArray{"a", "b"}}})
            << "parameters[0]: \"choices\" must be a non-empty array holding the default";

        QTest::newRow("min above max")
            << setParameter({{"name", "n"}, {"type", "integer"}, {"default", 5}, {"min", 10}, {"max", 1}})
            << "parameters[0]: \"min\" is above \"max\"";
        QTest::newRow("default below min")
            << setParameter({{"name", "n"}, {"type", "integer"}, {"default", 0}, {"min", 1}})
            << "parameters[0]: \"default\" is outside [min, max]";
        QTest::newRow("default above max")
            << setParameter({{"name", "r"}, {"type", "number"}, {"default", 2.5}, {"max", 1}})
            << "parameters[0]: \"default\" is outside [min, max]";
        QTest::newRow("an output named error")
            << setKey("outputs", QJsonArray{QJsonObject{{"name", "error"}, {"type", "string"}}})
            << "outputs[0]: the name \"error\" is reserved for the error column of result files";

        const QString cost =
            QStringLiteral("\"costHint\" must be an object with a non-negative \"nsPerElement\"");
        QTest::newRow("no costHint") << removeKey("costHint") << cost;
        QTest::newRow("costHint a number") << setKey("costHint", 5) << cost;
        QTest::newRow("costHint without nsPerElement")
            << setKey("costHint", QJsonObject{{"note", "fast"}}) << cost;
        QTest::newRow("nsPerElement a string")
            << setKey("costHint", QJsonObject{{"nsPerElement", "5"}}) << cost;
        QTest::newRow("nsPerElement negative")
            << setKey("costHint", QJsonObject{{"nsPerElement", -1}}) << cost;
    }

    void invalid()
    {
        QFETCH(Mutation, mutate);
        QFETCH(QString, message);
        QJsonObject m = minimal();
        mutate(m);
        FunctionInfo f;
        f.id = QStringLiteral("untouched");
        QString error;
        QVERIFY(!parseFunctionMetadata(m, &f, &error));
        QCOMPARE(error, message);
        QCOMPARE(f.id, QStringLiteral("untouched")); // no half-parsed result
        QVERIFY(f.inputs.isEmpty());
    }

    void toJsonValues()
    {
        FunctionInfo f;
        QString error;
        QVERIFY2(parseFunctionMetadata(parseJson(fullMetadata), &f, &error), qPrintable(error));
        f.filePath = QStringLiteral("/plugins/full.so");
        const QJsonObject json = f.toJson();
        QCOMPARE(json.value("id").toString(), QStringLiteral("demo.full_function2"));
        QCOMPARE(json.value("file").toString(), QStringLiteral("/plugins/full.so"));
        QCOMPARE(json.value("inputs").toArray().size(), 5);
        QCOMPARE(json.value("inputs").toArray()[3].toObject(),
                 (QJsonObject{{"name", "whatever"}, {"type", "any"}, {"help", ""}}));
        QCOMPARE(json.value("inputs").toArray()[4].toObject(),
                 (QJsonObject{{"name", "flag"}, {"type", "boolean"}, {"help", "yes or no"}}));
        QCOMPARE(json.value("outputs").toArray()[2].toObject().value("type").toString(),
                 QStringLiteral("boolean"));
        const QJsonArray params = json.value("parameters").toArray();
        QCOMPARE(params.size(), 5);
        QCOMPARE(params[0].toObject(), (QJsonObject{{"name", "iterations"},
                                                    {"type", "integer"},
                                                    {"help", "how often"},
                                                    {"default", 10},
                                                    {"min", 1},
                                                    {"max", 1000}}));
        QVERIFY(!params[1].toObject().contains("max"));
        QVERIFY(!params[2].toObject().contains("min"));
        QVERIFY(!params[2].toObject().contains("choices"));
        QCOMPARE(params[2].toObject().value("default"), QJsonValue(true));
        QCOMPARE(params[4].toObject().value("choices").toArray(), (QJsonArray{"fast", "exact", "lazy"}));
        QCOMPARE(json.value("costHint").toObject(),
                 (QJsonObject{{"nsPerElement", 1250.5}, {"note", "grows with iterations"}}));
    }

    void toJsonRoundTrip()
    {
        FunctionInfo first;
        QString error;
        QVERIFY2(parseFunctionMetadata(parseJson(fullMetadata), &first, &error), qPrintable(error));
        first.filePath = QStringLiteral("/plugins/full.so");
        // Through text, as the CLI's `functions --json` would print it.
        const QByteArray text = QJsonDocument(first.toJson()).toJson(QJsonDocument::Compact);
        FunctionInfo second;
        QVERIFY2(parseFunctionMetadata(QJsonDocument::fromJson(text).object(), &second, &error),
                 qPrintable(error));
        second.filePath = first.filePath;

        QCOMPARE(second.id, first.id);
        QCOMPARE(second.version, first.version);
        QCOMPARE(second.title, first.title);
        QCOMPARE(second.description, first.description);
        QCOMPARE(second.inputs.size(), first.inputs.size());
        for (int i = 0; i < first.inputs.size(); ++i) {
            QCOMPARE(second.inputs[i].name, first.inputs[i].name);
            QCOMPARE(second.inputs[i].type, first.inputs[i].type);
            QCOMPARE(second.inputs[i].help, first.inputs[i].help);
        }
        QCOMPARE(second.outputNames(), first.outputNames());
        QCOMPARE(second.parameters.size(), first.parameters.size());
        for (int i = 0; i < first.parameters.size(); ++i) {
            const ParameterSpec &a = first.parameters[i];
            const ParameterSpec &b = second.parameters[i];
            QCOMPARE(b.name, a.name);
            QCOMPARE(b.type, a.type);
            QCOMPARE(b.defaultValue, a.defaultValue);
            QCOMPARE(b.defaultValue.typeId(), a.defaultValue.typeId());
            QCOMPARE(b.minimum, a.minimum);
            QCOMPARE(b.maximum, a.maximum);
            QCOMPARE(b.choices, a.choices);
            QCOMPARE(b.help, a.help);
        }
        QCOMPARE(second.costNsPerElement, first.costNsPerElement);
        QCOMPARE(second.costNote, first.costNote);
        QCOMPARE(second.toJson(), first.toJson());
    }
};

QTEST_GUILESS_MAIN(TestFunctionInfo)
#include "tst_functioninfo.moc"
