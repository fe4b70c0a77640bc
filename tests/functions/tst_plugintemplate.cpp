// SPDX-License-Identifier: GPL-3.0-or-later
// Tests the out-of-tree plugin template in docs/plugin-template/:
//  - docsMatchTemplate: every file of the template appears verbatim in docs/plugins.md, so the
//    documentation cannot drift from the template (needs nothing built);
//  - the other functions load the plugin that BuildPluginTemplate.cmake built out of tree against
//    the installed SDK; ctest passes its path in FASTMAP_TEMPLATE_PLUGIN.
#include "FunctionPluginTestUtils.h"

#include <QDir>
#include <QFile>

using namespace fastmap;
using namespace fastmap::test;

namespace {

const QString kTemplateDir = QStringLiteral(FASTMAP_SOURCE_DIR "/docs/plugin-template");
const QString kDocs = QStringLiteral(FASTMAP_SOURCE_DIR "/docs/plugins.md");
const std::vector<ColumnType> kNumber{ColumnType::Float64};

QString readText(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QString();
    return QString::fromUtf8(file.readAll());
}

} // namespace

class TestPluginTemplate : public QObject
{
    Q_OBJECT

private:
    bool ensureLoaded()
    {
        if (m_plugin)
            return true;
        const QString file = qEnvironmentVariable("FASTMAP_TEMPLATE_PLUGIN");
        if (file.isEmpty()) {
            qWarning("FASTMAP_TEMPLATE_PLUGIN is not set: run this through ctest, whose "
                     "plugin_template_builds test builds the template first");
            return false;
        }
        loadFunctionPlugin(m_loader, file, QStringLiteral("example.celsius_to_fahrenheit"), m_plugin, m_meta);
        return m_plugin != nullptr;
    }

    // The result, or an invalid QVariant when the element failed (its message in `error`).
    QVariant convert(const Function &function, double celsius, QString *error = nullptr)
    {
        const BatchOutput output = run(function, columnTable(ColumnType::Float64, {celsius}), kNumber);
        if (error)
            *error = output.error(0);
        return outputValue(output, 0, 0);
    }

private slots:
    // Blocks in docs/plugins.md are introduced by a line "<!-- plugin-template: NAME -->"
    // followed by a fenced code block whose text must equal docs/plugin-template/NAME.
    void docsMatchTemplate()
    {
        const QString docs = readText(kDocs);
        QVERIFY2(!docs.isEmpty(), qPrintable("cannot read " + kDocs));
        const QStringList lines = docs.split(QLatin1Char('\n'));
        static const QRegularExpression marker(QStringLiteral("^<!-- plugin-template: (\\S+) -->$"));
        QMap<QString, QString> blocks;
        for (int i = 0; i < lines.size(); ++i) {
            const QRegularExpressionMatch match = marker.match(lines[i]);
            if (!match.hasMatch())
                continue;
            const QString name = match.captured(1);
            QVERIFY2(!blocks.contains(name), qPrintable("documented twice: " + name));
            QVERIFY2(i + 1 < lines.size() && lines[i + 1].startsWith(QLatin1String("```")),
                     qPrintable("no code block after the marker for " + name));
            QString block;
            int j = i + 2;
            for (; j < lines.size() && lines[j] != QLatin1String("```"); ++j)
                block += lines[j] + QLatin1Char('\n');
            QVERIFY2(j < lines.size(), qPrintable("unterminated code block for " + name));
            blocks.insert(name, block);
            i = j;
        }

        const QStringList files =
            QDir(kTemplateDir).entryList(QDir::Files | QDir::NoDotAndDotDot, QDir::Name);
        QVERIFY2(!files.isEmpty(), qPrintable("no template files in " + kTemplateDir));
        for (const QString &name : files) {
            if (name.endsWith(QLatin1String(".license")))
                continue; // a REUSE licence note for a file that cannot hold a comment (the JSON)
            QVERIFY2(blocks.contains(name),
                     qPrintable("docs/plugins.md does not show template file " + name));
            const QString text = readText(kTemplateDir + QLatin1Char('/') + name);
            if (blocks.value(name) != text) {
                // Name the first differing line to make the failure easy to fix.
                const QStringList a = blocks.value(name).split(QLatin1Char('\n'));
                const QStringList b = text.split(QLatin1Char('\n'));
                int line = 0;
                while (line < a.size() && line < b.size() && a[line] == b[line])
                    ++line;
                QFAIL(qPrintable(
                    QStringLiteral("docs/plugins.md differs from %1 at line %2:\n  docs: %3\n  file: %4")
                        .arg(name)
                        .arg(line + 1)
                        .arg(a.value(line), b.value(line))));
            }
            blocks.remove(name);
        }
        QVERIFY2(blocks.isEmpty(), qPrintable("docs/plugins.md shows files missing from the template: " +
                                              blocks.keys().join(", ")));
    }

    void loadsWithRightMetadata()
    {
        QVERIFY(ensureLoaded());
        QCOMPARE(names(m_meta, "inputs"), QStringList{"celsius"});
        QCOMPARE(names(m_meta, "outputs"), QStringList{"fahrenheit"});
        QCOMPARE(names(m_meta, "parameters"), QStringList{"decimals"});
        QCOMPARE(m_meta.value("version").toString(), "1.0.0");
        // The loaded library is the one built out of tree, not something found elsewhere.
        QCOMPARE(QFileInfo(m_loader.fileName()).canonicalFilePath(),
                 QFileInfo(qEnvironmentVariable("FASTMAP_TEMPLATE_PLUGIN")).canonicalFilePath());
    }

    void converts()
    {
        QVERIFY(ensureLoaded());
        const auto function = m_plugin->create({{QStringLiteral("decimals"), 2}});
        QCOMPARE(convert(*function, 0.0).toDouble(), 32.0);
        QCOMPARE(convert(*function, 100.0).toDouble(), 212.0);
        QCOMPARE(convert(*function, -40.0).toDouble(), -40.0);
        QCOMPARE(convert(*function, 36.6).toDouble(), 97.88);
        QCOMPARE(convert(*function, 37.0).toDouble(), 98.6);
        QCOMPARE(convert(*function, -273.15).toDouble(), -459.67);

        const auto whole = m_plugin->create({{QStringLiteral("decimals"), 0}});
        QCOMPARE(convert(*whole, 36.6).toDouble(), 98.0);
    }

    void failsPerElement()
    {
        QVERIFY(ensureLoaded());
        const auto function = m_plugin->create({{QStringLiteral("decimals"), 2}});
        QString error;
        QVERIFY(!convert(*function, -300.0, &error).isValid());
        QCOMPARE(error, QStringLiteral("below absolute zero: -300"));
        // A value that did not convert is failed by the host first; the function leaves it alone.
        const BatchOutput output = run(*function, columnTable(ColumnType::Float64, {0.0, -300.0}), kNumber,
                                       {{1, QStringLiteral("input 'celsius' is not a number: 'warm'")}});
        QCOMPARE(outputValue(output, 0, 0), QVariant(32.0));
        QCOMPARE(output.error(1), QStringLiteral("input 'celsius' is not a number: 'warm'"));
    }

    void concurrentProcess()
    {
        QVERIFY(ensureLoaded());
        const auto function = m_plugin->create({{QStringLiteral("decimals"), 3}});
        QVariantList values;
        for (int i = 0; i < 4000; ++i)
            values << -300.0 + i * 0.173;
        checkConcurrentProcess(*function, columnTable(ColumnType::Float64, values), kNumber);
    }

private:
    QPluginLoader m_loader;
    fastmap::FunctionPlugin *m_plugin = nullptr;
    QJsonObject m_meta;
};

QTEST_GUILESS_MAIN(TestPluginTemplate)
#include "tst_plugintemplate.moc"
