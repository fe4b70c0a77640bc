// SPDX-License-Identifier: GPL-3.0-or-later
// Tests ParameterBinder: defaults, parsing of what a user types on the command line, typed values
// from the GUI, range checks, and messages that name the parameter and the rule it breaks.
#include "plugin/ParameterBinder.h"

#include <QTest>

using namespace fastmap;

namespace {

ParameterSpec spec(const QString &name, const QString &type, const QVariant &defaultValue,
                   const QVariant &minimum = {}, const QVariant &maximum = {},
                   const QStringList &choices = {})
{
    ParameterSpec p;
    p.name = name;
    p.type = type;
    p.defaultValue = defaultValue;
    p.minimum = minimum;
    p.maximum = maximum;
    p.choices = choices;
    return p;
}

FunctionInfo demoFunction()
{
    FunctionInfo f;
    f.id = QStringLiteral("demo.binder");
    f.parameters = {
        spec("count", "integer", qint64(10), 1.0, 1000000.0),
        spec("scale", "number", 0.5, -2.0, 2.0),
        spec("verbose", "boolean", false),
        spec("label", "string", QStringLiteral("none")),
        spec("mode", "choice", QStringLiteral("fast"), {}, {}, {"fast", "exact", "lazy"}),
        spec("offset", "integer", qint64(0)), // unbounded
    };
    return f;
}

} // namespace

class TestParameterBinder : public QObject
{
    Q_OBJECT

private slots:
    void defaultsFilled()
    {
        QVariantMap bound;
        QString error;
        QVERIFY2(ParameterBinder::bind(demoFunction(), {}, &bound, &error), qPrintable(error));
        QCOMPARE(bound.size(), 6);
        QCOMPARE(bound.value("count"), QVariant(qint64(10)));
        QCOMPARE(bound.value("count").typeId(), int(QMetaType::LongLong));
        QCOMPARE(bound.value("scale"), QVariant(0.5));
        QCOMPARE(bound.value("scale").typeId(), int(QMetaType::Double));
        QCOMPARE(bound.value("verbose"), QVariant(false));
        QCOMPARE(bound.value("verbose").typeId(), int(QMetaType::Bool));
        QCOMPARE(bound.value("label"), QVariant(QStringLiteral("none")));
        QCOMPARE(bound.value("mode"), QVariant(QStringLiteral("fast")));
        QCOMPARE(bound.value("offset"), QVariant(qint64(0)));
    }

    void givenValuesReplaceDefaults()
    {
        const QVariantMap given{{"count", "1e3"},
                                {"scale", "-1.25"},
                                {"verbose", "yes"},
                                {"label", "  spaced  "},
                                {"mode", "exact"}};
        QVariantMap bound;
        QString error;
        QVERIFY2(ParameterBinder::bind(demoFunction(), given, &bound, &error), qPrintable(error));
        QCOMPARE(bound, (QVariantMap{{"count", qint64(1000)},
                                     {"scale", -1.25},
                                     {"verbose", true},
                                     {"label", QStringLiteral("  spaced  ")},
                                     {"mode", QStringLiteral("exact")},
                                     {"offset", qint64(0)}}));
        QCOMPARE(bound.value("count").typeId(), int(QMetaType::LongLong));
    }

    void typedValuesFromGui()
    {
        const QVariantMap given{{"count", 42}, {"scale", 1}, {"verbose", true}, {"offset", -7.0}};
        QVariantMap bound;
        QString error;
        QVERIFY2(ParameterBinder::bind(demoFunction(), given, &bound, &error), qPrintable(error));
        QCOMPARE(bound.value("count"), QVariant(qint64(42)));
        QCOMPARE(bound.value("scale"), QVariant(1.0));
        QCOMPARE(bound.value("scale").typeId(), int(QMetaType::Double));
        QCOMPARE(bound.value("verbose"), QVariant(true));
        QCOMPARE(bound.value("offset"), QVariant(qint64(-7)));
    }

    void integers_data()
    {
        QTest::addColumn<QVariant>("input");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("plain") << QVariant("250") << qint64(250);
        QTest::newRow("padded") << QVariant(" 7 ") << qint64(7);
        QTest::newRow("exponent") << QVariant("1e3") << qint64(1000);
        QTest::newRow("upper exponent") << QVariant("2.5E2") << qint64(250);
        QTest::newRow("underscores") << QVariant("1_000") << qint64(1000);
        QTest::newRow("underscores million") << QVariant("1_000_000") << qint64(1000000);
        QTest::newRow("whole decimal") << QVariant("12.0") << qint64(12);
        QTest::newRow("at minimum") << QVariant("1") << qint64(1);
        QTest::newRow("at maximum") << QVariant("1000000") << qint64(1000000);
        QTest::newRow("typed int") << QVariant(int(5)) << qint64(5);
        QTest::newRow("typed qint64") << QVariant(qint64(99)) << qint64(99);
        QTest::newRow("typed whole double") << QVariant(64.0) << qint64(64);
    }

    void integers()
    {
        QFETCH(QVariant, input);
        QFETCH(qint64, expected);
        QVariant out;
        QString error;
        QVERIFY2(ParameterBinder::convert(demoFunction().parameters[0], input, &out, &error),
                 qPrintable(error));
        QCOMPARE(out.typeId(), int(QMetaType::LongLong));
        QCOMPARE(out.toLongLong(), expected);
    }

    void largeIntegersStayExact()
    {
        // Beyond 2^53 a double cannot hold every integer; a seed must not be changed silently.
        const ParameterSpec seed = spec("seed", "integer", qint64(0));
        QVariant out;
        QString error;
        QVERIFY2(ParameterBinder::convert(seed, QStringLiteral("9007199254740993"), &out, &error),
                 qPrintable(error));
        QCOMPARE(out, QVariant(qint64(9007199254740993LL)));
        QVERIFY2(ParameterBinder::convert(seed, QStringLiteral("-9223372036854775807"), &out, &error),
                 qPrintable(error));
        QCOMPARE(out, QVariant(qint64(-9223372036854775807LL)));
        QVERIFY2(ParameterBinder::convert(seed, qint64(9007199254740993LL), &out, &error), qPrintable(error));
        QCOMPARE(out, QVariant(qint64(9007199254740993LL)));
        QVERIFY(!ParameterBinder::convert(seed, QStringLiteral("1e19"), &out, &error));
        QCOMPARE(error, QStringLiteral("parameter 'seed': '1e19' is not a whole number"));
    }

    void boundsShownInFull()
    {
        // The limit in the message must be the real one, not rounded to 6 digits.
        const ParameterSpec limit = spec("limit", "integer", qint64(5), -1234567.0, 1234567.0);
        QVariant out;
        QString error;
        QVERIFY(!ParameterBinder::convert(limit, QStringLiteral("1234568"), &out, &error));
        QCOMPARE(error, QStringLiteral("parameter 'limit': 1234568 is above the maximum 1234567"));
        QVERIFY(!ParameterBinder::convert(limit, qint64(-1234568), &out, &error));
        QCOMPARE(error, QStringLiteral("parameter 'limit': -1234568 is below the minimum -1234567"));
        const ParameterSpec fraction = spec("fraction", "number", 0.5, 0.1, 0.123456789);
        QVERIFY(!ParameterBinder::convert(fraction, 0.2, &out, &error));
        QCOMPARE(error, QStringLiteral("parameter 'fraction': 0.2 is above the maximum 0.123456789"));
        QVERIFY(!ParameterBinder::convert(fraction, QStringLiteral("0.0999"), &out, &error));
        QCOMPARE(error, QStringLiteral("parameter 'fraction': 0.0999 is below the minimum 0.1"));
    }

    void badValues_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QVariant>("value");
        QTest::addColumn<QString>("message");
        QTest::newRow("integer not a number")
            << "count" << QVariant("abc") << "parameter 'count': 'abc' is not an integer";
        QTest::newRow("integer empty") << "count" << QVariant("") << "parameter 'count': '' is not an integer";
        QTest::newRow("integer with unit")
            << "count" << QVariant("10k") << "parameter 'count': '10k' is not an integer";
        QTest::newRow("integer fractional")
            << "count" << QVariant("2.5") << "parameter 'count': '2.5' is not a whole number";
        QTest::newRow("integer typed fractional")
            << "offset" << QVariant(0.25) << "parameter 'offset': '0.25' is not a whole number";
        QTest::newRow("integer below min")
            << "count" << QVariant("0") << "parameter 'count': 0 is below the minimum 1";
        QTest::newRow("integer above max")
            << "count" << QVariant("1_000_001") << "parameter 'count': 1_000_001 is above the maximum 1e+06";
        QTest::newRow("integer infinite")
            << "offset" << QVariant("inf") << "parameter 'offset': 'inf' is not an integer";
        QTest::newRow("number not a number")
            << "scale" << QVariant("half") << "parameter 'scale': 'half' is not a number";
        QTest::newRow("number nan") << "scale" << QVariant("nan")
                                    << "parameter 'scale': 'nan' is not a number";
        QTest::newRow("number below min")
            << "scale" << QVariant("-2.5") << "parameter 'scale': -2.5 is below the minimum -2";
        QTest::newRow("number above max")
            << "scale" << QVariant(2.0001) << "parameter 'scale': 2.0001 is above the maximum 2";
        QTest::newRow("boolean word")
            << "verbose" << QVariant("maybe") << "parameter 'verbose': 'maybe' is not true or false";
        QTest::newRow("boolean number")
            << "verbose" << QVariant("2") << "parameter 'verbose': '2' is not true or false";
        QTest::newRow("boolean empty")
            << "verbose" << QVariant("") << "parameter 'verbose': '' is not true or false";
        QTest::newRow("choice unknown")
            << "mode" << QVariant("quick") << "parameter 'mode': 'quick' is not one of: fast, exact, lazy";
        QTest::newRow("choice wrong case")
            << "mode" << QVariant("Fast") << "parameter 'mode': 'Fast' is not one of: fast, exact, lazy";
    }

    void badValues()
    {
        QFETCH(QString, name);
        QFETCH(QVariant, value);
        QFETCH(QString, message);
        QVariantMap bound{{"stale", 1}};
        QString error;
        QVERIFY(!ParameterBinder::bind(demoFunction(), {{name, value}}, &bound, &error));
        QCOMPARE(error, message);
        QCOMPARE(bound, (QVariantMap{{"stale", 1}})); // untouched on failure
    }

    void booleans_data()
    {
        QTest::addColumn<QVariant>("input");
        QTest::addColumn<bool>("expected");
        for (const char *t : {"true", "TRUE", "True", "yes", "YES", "1", "on", " true "})
            QTest::addRow("%s", t) << QVariant(QString::fromLatin1(t)) << true;
        for (const char *f : {"false", "FALSE", "no", "No", "0", "off"})
            QTest::addRow("%s", f) << QVariant(QString::fromLatin1(f)) << false;
        QTest::newRow("typed true") << QVariant(true) << true;
        QTest::newRow("typed false") << QVariant(false) << false;
    }

    void booleans()
    {
        QFETCH(QVariant, input);
        QFETCH(bool, expected);
        QVariant out;
        QString error;
        QVERIFY2(ParameterBinder::convert(demoFunction().parameters[2], input, &out, &error),
                 qPrintable(error));
        QCOMPARE(out.typeId(), int(QMetaType::Bool));
        QCOMPARE(out.toBool(), expected);
    }

    void choices()
    {
        const ParameterSpec mode = demoFunction().parameters[4];
        QVariant out;
        QString error;
        for (const QString &choice : mode.choices) {
            QVERIFY2(ParameterBinder::convert(mode, choice, &out, &error), qPrintable(error));
            QCOMPARE(out, QVariant(choice));
        }
        QVERIFY(!ParameterBinder::convert(mode, QStringLiteral(""), &out, &error));
        QCOMPARE(error, QStringLiteral("parameter 'mode': '' is not one of: fast, exact, lazy"));
    }

    void strings()
    {
        const ParameterSpec label = demoFunction().parameters[3];
        QVariant out;
        QString error;
        QVERIFY(ParameterBinder::convert(label, QStringLiteral(" a, b \"c\" "), &out, &error));
        QCOMPARE(out, QVariant(QStringLiteral(" a, b \"c\" ")));
        QVERIFY(ParameterBinder::convert(label, qint64(12), &out, &error));
        QCOMPARE(out, QVariant(QStringLiteral("12")));
        QCOMPARE(out.typeId(), int(QMetaType::QString));
    }

    void unknownParameter()
    {
        QVariantMap bound;
        QString error;
        QVERIFY(!ParameterBinder::bind(demoFunction(), {{"count", 5}, {"colour", "red"}}, &bound, &error));
        QCOMPARE(error, QStringLiteral("demo.binder has no parameter 'colour' "
                                       "(it has: count, scale, verbose, label, mode, offset)"));
        QVERIFY(bound.isEmpty());

        FunctionInfo none;
        none.id = QStringLiteral("demo.none");
        QVERIFY(!ParameterBinder::bind(none, {{"x", 1}}, &bound, &error));
        QCOMPARE(error, QStringLiteral("demo.none has no parameter 'x' (it has: none)"));
        QVERIFY(ParameterBinder::bind(none, {}, &bound, &error));
        QVERIFY(bound.isEmpty());
    }

    void firstBadParameterReported()
    {
        QVariantMap bound;
        QString error;
        QVERIFY(!ParameterBinder::bind(demoFunction(), {{"mode", "x"}, {"count", "-5"}}, &bound, &error));
        // Checked in metadata order, so "count" is reported before "mode".
        QCOMPARE(error, QStringLiteral("parameter 'count': -5 is below the minimum 1"));
    }
};

QTEST_GUILESS_MAIN(TestParameterBinder)
#include "tst_parameterbinder.moc"
