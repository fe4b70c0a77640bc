// SPDX-License-Identifier: GPL-3.0-or-later
// Tests PluginCatalog against plugins built to be refused (tests/plugins/catalog/, one directory
// per case): every bad file becomes a PluginProblem naming the file and the reason, no bad file
// stops the good ones, the first plugin to claim an id keeps it, and listing runs no plugin code.
#include "plugin/PluginCatalog.h"

#include <fastmap/FunctionPlugin.h>

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QPluginLoader>
#include <QTemporaryDir>
#include <QTest>

using namespace fastmap;

namespace {

// Canonical, as scan() reports files by their canonical directory.
QString caseDir(const char *name)
{
    return QFileInfo(QStringLiteral(FASTMAP_CATALOG_PLUGIN_DIR "/") + QLatin1String(name))
        .canonicalFilePath();
}

QString pluginPath(const char *dir, const char *target)
{
    return caseDir(dir) + QLatin1Char('/') + QLatin1String(target) + QStringLiteral(FASTMAP_PLUGIN_SUFFIX);
}

QString libraryPath(const char *dir, const char *target)
{
    return caseDir(dir) + QStringLiteral("/" FASTMAP_LIBRARY_PREFIX) + QLatin1String(target) +
           QStringLiteral(FASTMAP_LIBRARY_SUFFIX);
}

QStringList ids(const PluginCatalog &catalog)
{
    QStringList result;
    for (const FunctionInfo &f : catalog.functions())
        result << f.id;
    return result;
}

QStringList problemFiles(const PluginCatalog &catalog)
{
    QStringList result;
    for (const PluginProblem &p : catalog.problems())
        result << p.file;
    return result;
}

QString sha256Of(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex());
}

// Restores an environment variable when the test function ends, even when it fails.
class EnvGuard
{
public:
    explicit EnvGuard(const char *name)
        : m_name(name), m_wasSet(qEnvironmentVariableIsSet(name)), m_old(qgetenv(name))
    {}
    ~EnvGuard()
    {
        if (m_wasSet)
            qputenv(m_name, m_old);
        else
            qunsetenv(m_name);
    }
    EnvGuard(const EnvGuard &) = delete;
    EnvGuard &operator=(const EnvGuard &) = delete;

private:
    const char *m_name;
    bool m_wasSet;
    QByteArray m_old;
};

// Runs a function of one integer input and one integer output on x = values, the rows in
// `inputErrors` failed first as the host does for a value that did not convert; returns each
// element's output or its error message.
QVariantList runFunction(const Function &function, const QList<qint64> &values,
                         const QMap<int, QString> &inputErrors = {})
{
    Table input({ColumnType::Int64}, int(values.size()));
    for (int r = 0; r < values.size(); ++r)
        input.integers(0)[std::size_t(r)] = values[r];
    BatchOutput output({ColumnType::Int64}, input.rowCount());
    for (auto it = inputErrors.cbegin(); it != inputErrors.cend(); ++it)
        output.fail(it.key(), it.value());
    function.process(input, output);
    QVariantList result;
    for (int r = 0; r < output.rowCount(); ++r)
        result << (output.failed(r) ? QVariant(output.error(r)) : output.values().value(r, 0));
    return result;
}

const char *const allCaseDirs[] = {"good", "sdk1", "sdk3",      "foreign", "nometa", "malformed",
                                   "dup1", "dup2", "notplugin", "mixed",   "marker"};

} // namespace

class TestPluginCatalog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        for (const char *dir : allCaseDirs)
            QVERIFY2(
                !caseDir(dir).isEmpty(),
                qPrintable(
                    QStringLiteral("missing test plugin dir %1/%2").arg(FASTMAP_CATALOG_PLUGIN_DIR, dir)));
        QVERIFY(QFile::exists(pluginPath("good", "catalog_good")));
        QVERIFY(QFile::exists(libraryPath("notplugin", "fastmap_test_plain")));
        // Every test below that loads the marker plugin would spoil the "never loaded" checks.
        m_markerDir.reset(new QTemporaryDir);
        QVERIFY(m_markerDir->isValid());
        m_marker = m_markerDir->filePath(QStringLiteral("marker"));
        qputenv("FASTMAP_TEST_MARKER", QFile::encodeName(m_marker));
    }

    void goodPluginAlone()
    {
        PluginCatalog catalog;
        catalog.scan({caseDir("good")});
        QCOMPARE(catalog.problems().size(), 0);
        QCOMPARE(ids(catalog), QStringList{"test.catalog_good"});
        const FunctionInfo &f = catalog.functions().first();
        QCOMPARE(f.filePath, pluginPath("good", "catalog_good"));
        QCOMPARE(f.version, QStringLiteral("1.0.0"));
        QCOMPARE(f.title, QStringLiteral("Catalog good"));
        QCOMPARE(f.inputNames(), QStringList{"x"});
        QCOMPARE(f.outputNames(), QStringList{"y"});
        QCOMPARE(f.parameters.size(), 1);
        QCOMPARE(f.parameters[0].defaultValue, QVariant(qint64(3)));
        QCOMPARE(f.costNsPerElement, 10.0);
    }

    void refusedPlugin_data()
    {
        QTest::addColumn<QString>("dir");
        QTest::addColumn<QString>("file");
        QTest::addColumn<QStringList>("reasonParts");
        QTest::newRow("built for SDK 1")
            << caseDir("sdk1") << pluginPath("sdk1", "catalog_sdk1")
            << QStringList{
                   "built for plugin SDK 1, but this program needs SDK 2; rebuild it against this SDK"};
        QTest::newRow("built for a later SDK")
            << caseDir("sdk3") << pluginPath("sdk3", "catalog_sdk3")
            << QStringList{
                   "built for plugin SDK 3, but this program needs SDK 2; rebuild it against this SDK"};
        QTest::newRow("foreign interface")
            << caseDir("foreign") << pluginPath("foreign", "catalog_foreign")
            << QStringList{"not a Fastmap function plugin", "\"org.example.Other/1\""};
        QTest::newRow("no metadata") << caseDir("nometa") << pluginPath("nometa", "catalog_nometa")
                                     << QStringList{"bad metadata: ", "no metadata"};
        QTest::newRow("shared library, no plugin")
            << caseDir("notplugin") << libraryPath("notplugin", "fastmap_test_plain")
            << QStringList{"not a Qt plugin (no plugin metadata found)"};
    }

    void refusedPlugin()
    {
        QFETCH(QString, dir);
        QFETCH(QString, file);
        QFETCH(QStringList, reasonParts);
        QVERIFY(QFile::exists(file));

        PluginCatalog scanned;
        scanned.scan({dir});
        QCOMPARE(scanned.functions().size(), 0);
        QCOMPARE(scanned.problems().size(), 1);
        const PluginProblem problem = scanned.problems().first();
        QCOMPARE(problem.file, file);
        for (const QString &part : reasonParts)
            QVERIFY2(problem.reason.contains(part), qPrintable(problem.reason));
        QCOMPARE(problem.toString(), file + QStringLiteral(": ") + problem.reason);

        PluginCatalog added;
        QVERIFY(!added.addFile(file));
        QCOMPARE(added.functions().size(), 0);
        QCOMPARE(added.problems().size(), 1);
        QCOMPARE(added.problems().first().file, file);
        QCOMPARE(added.problems().first().reason, problem.reason);
    }

    // A plugin built for SDK 1 (every one built before SDK 2 carries this IID) is refused by
    // file, naming its SDK version and the host's, and cannot be instantiated.
    void sdk1PluginIsRefused()
    {
        QCOMPARE(FASTMAP_SDK_VERSION_MAJOR, 2);
        QCOMPARE(QStringLiteral(FASTMAP_FUNCTION_PLUGIN_IID), QStringLiteral("org.fastmap.FunctionPlugin/2"));
        const QString file = pluginPath("sdk1", "catalog_sdk1");
        QPluginLoader probe(file);
        QCOMPARE(probe.metaData().value(QStringLiteral("IID")).toString(),
                 QStringLiteral("org.fastmap.FunctionPlugin/1"));

        PluginCatalog catalog;
        QVERIFY(!catalog.addFile(file));
        QCOMPARE(catalog.functions().size(), 0);
        QCOMPARE(catalog.problems().size(), 1);
        QCOMPARE(catalog.problems().first().toString(),
                 file + QStringLiteral(": built for plugin SDK 1, but this program needs SDK 2; rebuild it "
                                       "against this SDK"));
        QString error;
        QVERIFY(!catalog.instantiate(QStringLiteral("test.catalog_sdk1"), {}, &error));
        QVERIFY2(error.contains(QStringLiteral("no function \"test.catalog_sdk1\"")), qPrintable(error));
    }

    void malformedMetadata_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("reason");
        const QString ns = QStringLiteral("\"nsPerElement\"");
        QTest::newRow("no id") << pluginPath("malformed", "catalog_malformed_no_id")
                               << "bad metadata: \"id\" is missing or not a non-empty string";
        QTest::newRow("bad id") << pluginPath("malformed", "catalog_malformed_bad_id")
                                << "bad metadata: \"id\" \"Test.Bad-Id\" is not of the form group.name "
                                   "(lower case, digits, _)";
        QTest::newRow("parameters not an array")
            << pluginPath("malformed", "catalog_malformed_params_not_array")
            << "bad metadata: \"parameters\" is not an array";
        QTest::newRow("default of wrong type")
            << pluginPath("malformed", "catalog_malformed_default_type")
            << "bad metadata: parameters[0]: \"default\" is missing or not a integer";
        QTest::newRow("inputs empty") << pluginPath("malformed", "catalog_malformed_inputs_empty")
                                      << "bad metadata: \"inputs\" is missing or not a non-empty array";
        QTest::newRow("costHint missing")
            << pluginPath("malformed", "catalog_malformed_no_cost")
            << "bad metadata: \"costHint\" must be an object with a non-negative " + ns;
    }

    void malformedMetadata()
    {
        QFETCH(QString, file);
        QFETCH(QString, reason);
        PluginCatalog catalog;
        QVERIFY(!catalog.addFile(file));
        QCOMPARE(catalog.functions().size(), 0);
        QCOMPARE(catalog.problems().size(), 1);
        QCOMPARE(catalog.problems().first().file, file);
        QCOMPARE(catalog.problems().first().reason, reason);
    }

    void malformedDirectoryInNameOrder()
    {
        PluginCatalog catalog;
        catalog.scan({caseDir("malformed")});
        QCOMPARE(catalog.functions().size(), 0);
        QCOMPARE(problemFiles(catalog),
                 (QStringList{pluginPath("malformed", "catalog_malformed_bad_id"),
                              pluginPath("malformed", "catalog_malformed_default_type"),
                              pluginPath("malformed", "catalog_malformed_inputs_empty"),
                              pluginPath("malformed", "catalog_malformed_no_cost"),
                              pluginPath("malformed", "catalog_malformed_no_id"),
                              pluginPath("malformed", "catalog_malformed_params_not_array")}));
        for (const PluginProblem &p : catalog.problems())
            QVERIFY2(p.reason.startsWith(QStringLiteral("bad metadata: ")), qPrintable(p.toString()));
    }

    void badPluginsDoNotStopGoodOnes()
    {
        PluginCatalog catalog;
        catalog.scan({caseDir("mixed")});
        QCOMPARE(ids(catalog), QStringList{"test.catalog_mixed"});
        QCOMPARE(catalog.functions().first().filePath, pluginPath("mixed", "catalog_mixed_b_good"));
        QCOMPARE(problemFiles(catalog), (QStringList{pluginPath("mixed", "catalog_mixed_a_sdk1"),
                                                     pluginPath("mixed", "catalog_mixed_c_no_cost"),
                                                     caseDir("mixed") + "/catalog_mixed_d_plain.so"}));
        QVERIFY(catalog.problems()[0].reason.contains(QStringLiteral("SDK 1")));
        QVERIFY(catalog.problems()[1].reason.contains(QStringLiteral("\"costHint\"")));
        QVERIFY(catalog.problems()[2].reason.contains(QStringLiteral("not a Qt plugin")));

        QString error;
        const auto function =
            catalog.instantiate(QStringLiteral("test.catalog_mixed"), {{"factor", 3}}, &error);
        QVERIFY2(function, qPrintable(error));
        QCOMPARE(runFunction(*function, {1, 2, 5}), (QVariantList{qint64(3), qint64(6), qint64(15)}));
    }

    void filesThatAreNotPlugins()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString dir = QFileInfo(tmp.path()).canonicalFilePath();
        const auto write = [&](const QString &name, const QByteArray &bytes) {
            QFile file(dir + QLatin1Char('/') + name);
            QVERIFY(file.open(QIODevice::WriteOnly));
            QCOMPARE(file.write(bytes), bytes.size());
        };
        write(QStringLiteral("not_a_plugin.so"), "this is plain text, not a shared object\n");
        write(QStringLiteral("empty.so"), {});
        write(QStringLiteral("README.txt"), "not named like a library, so not even looked at\n");
        QVERIFY(QFile::copy(pluginPath("good", "catalog_good"), dir + QStringLiteral("/good_copy.so")));

        PluginCatalog catalog;
        catalog.scan({dir});
        QCOMPARE(ids(catalog), QStringList{"test.catalog_good"});
        QCOMPARE(catalog.functions().first().filePath, dir + QStringLiteral("/good_copy.so"));
        QCOMPARE(problemFiles(catalog),
                 (QStringList{dir + QStringLiteral("/empty.so"), dir + QStringLiteral("/not_a_plugin.so")}));
        for (const PluginProblem &p : catalog.problems())
            QCOMPARE(p.reason, QStringLiteral("not a Qt plugin (no plugin metadata found)"));

        PluginCatalog direct;
        QVERIFY(!direct.addFile(dir + QStringLiteral("/not_a_plugin.so")));
        QVERIFY(!direct.addFile(dir + QStringLiteral("/does_not_exist.so")));
        QCOMPARE(direct.problems().size(), 2);
        QCOMPARE(direct.problems()[1].file, dir + QStringLiteral("/does_not_exist.so"));
        QVERIFY(direct.addFile(dir + QStringLiteral("/good_copy.so")));
    }

    void missingAndRepeatedDirectories()
    {
        QTemporaryDir tmp;
        PluginCatalog catalog;
        catalog.scan({tmp.filePath(QStringLiteral("missing")), caseDir("good"),
                      QStringLiteral(FASTMAP_CATALOG_PLUGIN_DIR "/good/../good/"), caseDir("good")});
        QCOMPARE(ids(catalog), QStringList{"test.catalog_good"});
        QCOMPARE(catalog.problems().size(), 0); // a missing dir is normal; a repeated one is scanned once
    }

    void duplicateIdsFirstInScanOrderWins()
    {
        const QString a = pluginPath("dup1", "catalog_dup_a");
        const QString b = pluginPath("dup2", "catalog_dup_b");
        const QString c = pluginPath("dup2", "catalog_dup_c");
        const auto reason = [](const QString &first) {
            return QStringLiteral("duplicate function id \"test.duplicate\", already provided by ") + first;
        };

        PluginCatalog forward;
        forward.scan({caseDir("dup1"), caseDir("dup2")});
        QCOMPARE(ids(forward), QStringList{"test.duplicate"});
        QCOMPARE(forward.functions().first().title, QStringLiteral("Duplicate A"));
        QCOMPARE(forward.functions().first().filePath, a);
        QCOMPARE(problemFiles(forward), (QStringList{b, c}));
        QCOMPARE(forward.problems()[0].reason, reason(a));
        QCOMPARE(forward.problems()[1].reason, reason(a));
        QCOMPARE(forward.find(QStringLiteral("test.duplicate"))->filePath, a);

        PluginCatalog backward;
        backward.scan({caseDir("dup2"), caseDir("dup1")});
        QCOMPARE(ids(backward), QStringList{"test.duplicate"});
        QCOMPARE(backward.functions().first().title, QStringLiteral("Duplicate B"));
        QCOMPARE(backward.functions().first().filePath, b);
        QCOMPARE(problemFiles(backward), (QStringList{c, a}));
        QCOMPARE(backward.problems()[0].reason, reason(b));
        QCOMPARE(backward.problems()[1].reason, reason(b));

        // The hash follows the plugin that kept the id.
        QCOMPARE(backward.pluginHash(QStringLiteral("test.duplicate")), sha256Of(b));
        QVERIFY(sha256Of(a) != sha256Of(b));
    }

    void allCasesTogether()
    {
        QVERIFY(!QFile::exists(m_marker));
        QStringList dirs;
        for (const char *dir : allCaseDirs)
            dirs << caseDir(dir);
        PluginCatalog catalog;
        catalog.scan(dirs);
        QCOMPARE(ids(catalog),
                 (QStringList{"test.catalog_good", "test.duplicate", "test.catalog_mixed", "test.marker"}));
        QCOMPARE(catalog.find(QStringLiteral("test.duplicate"))->title, QStringLiteral("Duplicate A"));
        // sdk1, sdk3, foreign, nometa, 6 malformed, 2 duplicates, the plain library, 3 in mixed
        QCOMPARE(catalog.problems().size(), 16);
        QCOMPARE(catalog.problems().first().file, pluginPath("sdk1", "catalog_sdk1"));
        QCOMPARE(catalog.problems().last().file, caseDir("mixed") + "/catalog_mixed_d_plain.so");
        QVERIFY(!QFile::exists(m_marker));
    }

    void find()
    {
        PluginCatalog catalog;
        catalog.scan({caseDir("good"), caseDir("sdk1")});
        const FunctionInfo *good = catalog.find(QStringLiteral("test.catalog_good"));
        QVERIFY(good);
        QCOMPARE(good, &catalog.functions().first());
        QCOMPARE(good->filePath, pluginPath("good", "catalog_good"));
        QVERIFY(!catalog.find(QStringLiteral("test.catalog_sdk1"))); // refused, so not findable
        QVERIFY(!catalog.find(QStringLiteral("test.nope")));
        QVERIFY(!catalog.find(QString()));
        QVERIFY(!catalog.find(QStringLiteral("TEST.CATALOG_GOOD")));
    }

    void instantiate()
    {
        PluginCatalog catalog;
        catalog.scan({caseDir("good"), caseDir("sdk1")});
        QString error;
        const auto three =
            catalog.instantiate(QStringLiteral("test.catalog_good"), {{"factor", qint64(3)}}, &error);
        QVERIFY2(three, qPrintable(error));
        // Row 2 did not convert: the host failed it before the function ran, which skips it.
        QCOMPARE(runFunction(*three, {1, -2, 0}, {{2, QStringLiteral("input 'x' is not an integer: 'x'")}}),
                 (QVariantList{qint64(3), qint64(-6), QStringLiteral("input 'x' is not an integer: 'x'")}));
        const auto ten =
            catalog.instantiate(QStringLiteral("test.catalog_good"), {{"factor", qint64(10)}}, &error);
        QVERIFY2(ten, qPrintable(error));
        QCOMPARE(runFunction(*ten, {4}), QVariantList{qint64(40)});
        QCOMPARE(runFunction(*three, {4}), QVariantList{qint64(12)}); // independent instances
    }

    void instantiateErrors()
    {
        PluginCatalog catalog;
        catalog.scan({caseDir("good"), caseDir("sdk1")});
        QString error;
        QVERIFY(!catalog.instantiate(QStringLiteral("test.nope"), {}, &error));
        QCOMPARE(error,
                 QStringLiteral("no function \"test.nope\" is installed (see `fastmap-cli functions`)"));
        error.clear();
        QVERIFY(!catalog.instantiate(QStringLiteral("test.catalog_sdk1"), {}, &error));
        QVERIFY2(error.contains(QStringLiteral("no function \"test.catalog_sdk1\"")), qPrintable(error));
        error.clear();
        QVERIFY(!catalog.instantiate(QStringLiteral("test.catalog_good"), {{"factor", qint64(0)}}, &error));
        QCOMPARE(error, QStringLiteral("test.catalog_good: factor must not be zero"));
        error.clear();
        QVERIFY(!catalog.instantiate(QStringLiteral("test.catalog_good"), {{"factor", qint64(-1)}}, &error));
        QCOMPARE(error, QStringLiteral("test.catalog_good: the plugin created no function"));
        // A failed create() leaves the plugin usable.
        error.clear();
        QVERIFY2(catalog.instantiate(QStringLiteral("test.catalog_good"), {}, &error), qPrintable(error));
    }

    void instantiateVanishedFile()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString copy = QFileInfo(tmp.path()).canonicalFilePath() + QStringLiteral("/vanished.so");
        QVERIFY(QFile::copy(pluginPath("good", "catalog_good"), copy));
        PluginCatalog catalog;
        QVERIFY(catalog.addFile(copy));
        QVERIFY(QFile::remove(copy));
        QString error;
        QVERIFY(!catalog.instantiate(QStringLiteral("test.catalog_good"), {}, &error));
        QVERIFY2(error.startsWith(copy + QStringLiteral(": cannot load the plugin: ")), qPrintable(error));
        QCOMPARE(catalog.pluginHash(QStringLiteral("test.catalog_good")), QString());
    }

    void pluginHash()
    {
        const QString file = pluginPath("good", "catalog_good");
        PluginCatalog catalog;
        catalog.scan({caseDir("good")});
        const QString expected = sha256Of(file);
        QCOMPARE(expected.size(), 64);
        QCOMPARE(catalog.pluginHash(QStringLiteral("test.catalog_good")), expected);
        QCOMPARE(catalog.pluginHash(QStringLiteral("test.catalog_good")), expected); // cached
        QCOMPARE(catalog.pluginHash(QStringLiteral("test.nope")), QString());
        QVERIFY(expected != sha256Of(pluginPath("mixed", "catalog_mixed_b_good")));
    }

    void defaultSearchPaths()
    {
        EnvGuard pathGuard("FASTMAP_PLUGIN_PATH");
        EnvGuard dataGuard("XDG_DATA_HOME");
        QTemporaryDir data;
        QVERIFY(data.isValid());
        qputenv("XDG_DATA_HOME", QFile::encodeName(data.path()));
        const QString appDir = QCoreApplication::applicationDirPath();
        QVERIFY(!appDir.isEmpty());
        const QStringList builtIn{QDir::cleanPath(appDir + QStringLiteral("/" FASTMAP_PLUGIN_DIR_FROM_BIN)),
                                  appDir + QStringLiteral("/plugins"),
                                  data.path() + QStringLiteral("/fastmap/plugins")};

        qputenv("FASTMAP_PLUGIN_PATH", "/opt/fastmap/a:relative/b::/opt/c:");
        QCOMPARE(PluginCatalog::defaultSearchPaths(),
                 builtIn + QStringList({"/opt/fastmap/a", "relative/b", "/opt/c"}));

        qputenv("FASTMAP_PLUGIN_PATH", "/only/one");
        QCOMPARE(PluginCatalog::defaultSearchPaths(), builtIn + QStringList({"/only/one"}));

        qputenv("FASTMAP_PLUGIN_PATH", "");
        QCOMPARE(PluginCatalog::defaultSearchPaths(), builtIn);
        qunsetenv("FASTMAP_PLUGIN_PATH");
        QCOMPARE(PluginCatalog::defaultSearchPaths(), builtIn);
    }

    void searchPathEntriesAreScanned()
    {
        EnvGuard pathGuard("FASTMAP_PLUGIN_PATH");
        qputenv("FASTMAP_PLUGIN_PATH",
                QFile::encodeName(caseDir("dup2") + QLatin1Char(':') + caseDir("good")));
        PluginCatalog catalog;
        catalog.scan(PluginCatalog::defaultSearchPaths());
        QVERIFY(catalog.find(QStringLiteral("test.catalog_good")));
        QCOMPARE(catalog.find(QStringLiteral("test.duplicate"))->title, QStringLiteral("Duplicate B"));
    }

    // Last: once the marker plugin is loaded it stays loaded for the rest of the process.
    void listingRunsNoPluginCode()
    {
        QVERIFY(!QFile::exists(m_marker));
        PluginCatalog catalog;
        catalog.scan({caseDir("marker")});
        QCOMPARE(ids(catalog), QStringList{"test.marker"});
        QVERIFY(catalog.find(QStringLiteral("test.marker")));
        QVERIFY(!catalog.pluginHash(QStringLiteral("test.marker")).isEmpty());
        QVERIFY2(!QFile::exists(m_marker), "listing or hashing a plugin ran its static initializers");

        QString error;
        const auto function = catalog.instantiate(QStringLiteral("test.marker"), {}, &error);
        QVERIFY2(function, qPrintable(error));
        QVERIFY2(QFile::exists(m_marker), "instantiate() did not load the plugin");
        QFile marker(m_marker);
        QVERIFY(marker.open(QIODevice::ReadOnly));
        QCOMPARE(marker.readAll(), QByteArray("loaded\n"));
        QCOMPARE(runFunction(*function, {-17}), QVariantList{qint64(-17)});
    }

    void cleanupTestCase() { qunsetenv("FASTMAP_TEST_MARKER"); }

private:
    std::unique_ptr<QTemporaryDir> m_markerDir;
    QString m_marker;
};

QTEST_GUILESS_MAIN(TestPluginCatalog)
#include "tst_plugincatalog.moc"
