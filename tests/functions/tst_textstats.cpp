// SPDX-License-Identifier: GPL-3.0-or-later
// Tests the text.stats example plugin through its built plugin file.
#include "FunctionPluginTestUtils.h"

using namespace fastmap;
using namespace fastmap::test;

namespace {
const std::vector<ColumnType> kCounts(3, ColumnType::Int64);
}

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
        QCOMPARE(columnTypes(m_meta, "inputs"), std::vector<ColumnType>{ColumnType::Text});
        QCOMPARE(columnTypes(m_meta, "outputs"), kCounts);
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
        add("digits", QStringLiteral("12345"), 1, 5, 1);
        add("null", QVariant(), 0, 0, 0);
    }

    void stats()
    {
        QFETCH(QVariant, text);
        QFETCH(qint64, words);
        QFETCH(qint64, characters);
        QFETCH(qint64, lines);
        const BatchOutput output = run(*m_function, columnTable(ColumnType::Text, {text}), kCounts);
        QVERIFY(!output.failed(0));
        QCOMPARE(output.values().integers(0)[0], words);
        QCOMPARE(output.values().integers(1)[0], characters);
        QCOMPARE(output.values().integers(2)[0], lines);
    }

    // The host hands over valid UTF-8; bytes that are not are counted one code point each, and
    // a surrogate encoded on its own (as some writers do for an unpaired one) counts once.
    void malformedUtf8_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<qint64>("words");
        QTest::addColumn<qint64>("characters");
        QTest::newRow("lone continuation byte") << (QByteArray("a\x80") + 'b') << qint64(1) << qint64(3);
        QTest::newRow("truncated sequence at end") << QByteArray("ab \xe4\xb8") << qint64(2) << qint64(5);
        QTest::newRow("overlong slash") << QByteArray("\xc0\xaf x") << qint64(2) << qint64(4);
        QTest::newRow("encoded lone surrogate") << QByteArray("\xed\xa0\x80 x") << qint64(2) << qint64(3);
        QTest::newRow("beyond U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << qint64(1) << qint64(4);
    }

    void malformedUtf8()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(qint64, words);
        QFETCH(qint64, characters);
        Table input({ColumnType::Text}, 1);
        input.setText(0, 0, std::string_view(bytes.constData(), std::size_t(bytes.size())));
        const BatchOutput output = run(*m_function, input, kCounts);
        QVERIFY(!output.failed(0));
        QCOMPARE(output.values().integers(0)[0], words);
        QCOMPARE(output.values().integers(1)[0], characters);
        QCOMPARE(output.values().integers(2)[0], qint64(1));
    }

    // Several texts in one batch, each measured on its own; text views into one buffer.
    void batchOfTexts()
    {
        const BatchOutput output =
            run(*m_function,
                columnTable(ColumnType::Text, {QStringLiteral("a b"), QString(), QStringLiteral("x\ny\n")}),
                kCounts);
        QCOMPARE(output.failedCount(), 0);
        QCOMPARE(output.values().value(0, 0), QVariant(qlonglong(2)));
        QCOMPARE(output.values().value(1, 1), QVariant(qlonglong(0)));
        QCOMPARE(output.values().value(2, 2), QVariant(qlonglong(2)));
    }

    void concurrentProcess()
    {
        QVariantList values;
        for (int i = 0; i < 3000; ++i)
            values << QString::fromUtf8("line %1 \u00e9\U0001F600\n").repeated(i % 9) + QString::number(i);
        checkConcurrentProcess(*m_function, columnTable(ColumnType::Text, values), kCounts);
    }

private:
    QPluginLoader m_loader;
    fastmap::FunctionPlugin *m_plugin = nullptr;
    QJsonObject m_meta;
    std::unique_ptr<fastmap::Function> m_function;
};

QTEST_GUILESS_MAIN(TestTextStats)
#include "tst_textstats.moc"
