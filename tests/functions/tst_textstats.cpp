// SPDX-License-Identifier: GPL-3.0-or-later
// Tests the text.stats example plugin through its built plugin file.
#include "FunctionPluginTestUtils.h"

using namespace fastmap;
using namespace fastmap::test;

class TestTextStats : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        loadFunctionPlugin(m_loader, pluginFile("text_stats"), QStringLiteral("text.stats"), m_plugin,
                           m_meta);
        QVERIFY(m_plugin);
        m_function = m_plugin->create({});
        QVERIFY(m_function);
    }

    void metadata()
    {
        QCOMPARE(names(m_meta, "inputs"), QStringList{"text"});
        QCOMPARE(names(m_meta, "outputs"), (QStringList{"words", "characters", "lines"}));
        for (const QJsonValue &output : m_meta.value("outputs").toArray())
            QCOMPARE(output.toObject().value("type").toString(), "integer");
    }

    void stats_data()
    {
        QTest::addColumn<QVariant>("text");
        QTest::addColumn<qint64>("words");
        QTest::addColumn<qint64>("characters");
        QTest::addColumn<qint64>("lines");
        auto add = [](const char *name, const QVariant &text, qint64 words, qint64 characters, qint64 lines) {
            QTest::newRow(name) << text << words << characters << lines;
        };
        add("empty", QString(), 0, 0, 0);
        add("a", QStringLiteral("a"), 1, 1, 1);
        add("a newline", QStringLiteral("a\n"), 1, 2, 1);
        add("a newline b", QStringLiteral("a\nb"), 2, 3, 2);
        add("only newline", QStringLiteral("\n"), 0, 1, 1);
        add("two empty lines", QStringLiteral("\n\n"), 0, 2, 2);
        add("blank line inside", QStringLiteral("a\n\nb\n"), 2, 5, 3);
        add("spaces only", QStringLiteral("   "), 0, 3, 1);
        add("runs of whitespace", QStringLiteral("  the quick\t\tbrown   fox  "), 4, 26, 1);
        add("crlf", QStringLiteral("one two\r\nthree\r\n"), 3, 16, 2);
        add("crlf without final break", QStringLiteral("a\r\nb"), 2, 4, 2);
        add("lone cr", QStringLiteral("a\rb\r"), 2, 4, 2);
        add("accents (one code point each)", QString::fromUtf8("h\u00e9llo w\u00f6rld"), 2, 11, 1);
        add("combining accent counts apart", QString::fromUtf8("e\u0301t\u00e9"), 1, 4, 1);
        add("emoji outside the BMP", QString::fromUtf8("\U0001F600 emoji \U0001F680\U0001F680"), 3, 10, 1);
        add("CJK with ideographic space", QString::fromUtf8("\u65e5\u672c\u3000\u8a9e"), 2, 4, 1);
        add("no-break space separates", QString::fromUtf8("a\u00a0b"), 2, 3, 1);
        add("multiline unicode", QString::fromUtf8("\u00e9t\u00e9 \U0001D11E\n\u4e16\u754c\n\n\u00fc"), 4, 11,
            4);
        add("lone surrogate is one code point", QString(QChar(0xd800)) + QStringLiteral(" x"), 2, 3, 1);
        add("integer input", qint64(12345), 1, 5, 1);
        add("invalid input", QVariant(), 0, 0, 0);
    }

    void stats()
    {
        QFETCH(QVariant, text);
        QFETCH(qint64, words);
        QFETCH(qint64, characters);
        QFETCH(qint64, lines);
        const BatchOutput output = run(*m_function, columnTable({text}), 3);
        QVERIFY(!output.failed(0));
        for (int column = 0; column < 3; ++column)
            QCOMPARE(output.values().at(0, column).typeId(), int(QMetaType::LongLong));
        QCOMPARE(output.values().at(0, 0).toLongLong(), words);
        QCOMPARE(output.values().at(0, 1).toLongLong(), characters);
        QCOMPARE(output.values().at(0, 2).toLongLong(), lines);
    }

    void concurrentProcess()
    {
        QVariantList values;
        for (int i = 0; i < 3000; ++i)
            values << QString::fromUtf8("line %1 \u00e9\U0001F600\n").repeated(i % 9) + QString::number(i);
        checkConcurrentProcess(*m_function, columnTable(values), 3);
    }

private:
    QPluginLoader m_loader;
    fastmap::FunctionPlugin *m_plugin = nullptr;
    QJsonObject m_meta;
    std::unique_ptr<fastmap::Function> m_function;
};

QTEST_GUILESS_MAIN(TestTextStats)
#include "tst_textstats.moc"
