// SPDX-License-Identifier: GPL-3.0-or-later
// Tests the demo.work example plugin through its built plugin file, against expected values
// computed independently (a separate Python implementation of the documented algorithm gave the
// literal hashes below; referenceHash() re-derives them step by step), and checks that the
// header-only kernel used by the benchmarks agrees with the same reference.
#include "FunctionPluginTestUtils.h"

#include "DemoWorkKernel.h"

#include <QRandomGenerator64>

#include <cstdint>
#include <limits>

using namespace fastmap;
using namespace fastmap::test;

namespace {

const std::vector<ColumnType> kHash{ColumnType::Text};

// The documented algorithm, written out independently of DemoWorkKernel.h.
std::uint64_t referenceFnv1a(const QByteArray &bytes)
{
    std::uint64_t hash = 14695981039346656037ULL; // 0xcbf29ce484222325
    for (const char byte : bytes) {
        hash ^= std::uint64_t(std::uint8_t(byte));
        hash *= 1099511628211ULL; // 0x100000001b3
    }
    return hash;
}

std::uint64_t referenceRounds(std::uint64_t state, qint64 iterations)
{
    for (qint64 round = 1; round <= iterations; ++round) {
        std::uint64_t z = state + 0x9e3779b97f4a7c15ULL;
        z ^= z >> 30;
        z *= 0xbf58476d1ce4e5b9ULL;
        z ^= z >> 27;
        z *= 0x94d049bb133111ebULL;
        z ^= z >> 31;
        state = z;
    }
    return state;
}

QString referenceHash(const QByteArray &text, qint64 iterations)
{
    return QString::asprintf(
        "%016llx", static_cast<unsigned long long>(referenceRounds(referenceFnv1a(text), iterations)));
}

} // namespace

class TestDemoWork : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Function> create(qint64 iterations)
    {
        return m_plugin->create({{QStringLiteral("iterations"), iterations}});
    }

    // The input is "any", so the host passes every value as text: a field as the file writes it,
    // a range element as its decimal digits. An invalid QVariant is a null, whose text is empty.
    QString hashOf(const Function &function, const QVariant &text)
    {
        const BatchOutput output = run(function, columnTable(ColumnType::Text, {text}), kHash);
        if (output.failed(0))
            return QStringLiteral("failed: ") + output.error(0);
        return output.values().string(0, 0);
    }

private slots:
    void initTestCase()
    {
        loadFunctionPlugin(m_loader, pluginFile("demo_work"), QStringLiteral("demo.work"), m_plugin, m_meta);
        QVERIFY(m_plugin);
    }

    void metadata()
    {
        QCOMPARE(names(m_meta, "inputs"), QStringList{"x"});
        QCOMPARE(names(m_meta, "outputs"), QStringList{"hash"});
        QCOMPARE(names(m_meta, "parameters"), QStringList{"iterations"});
        const QJsonObject iterations = m_meta.value("parameters").toArray().at(0).toObject();
        QCOMPARE(iterations.value("type").toString(), "integer");
        QCOMPARE(iterations.value("default").toInteger(), 1000);
        QCOMPARE(iterations.value("min").toInteger(), 0);
        QCOMPARE(iterations.value("max").toInteger(), 1000000000);
        QCOMPARE(columnTypes(m_meta, "inputs"), std::vector<ColumnType>{ColumnType::Text});
        QCOMPARE(columnTypes(m_meta, "outputs"), kHash);
    }

    // The reference itself against published vectors: FNV-1a 64 of "", "a" and "hello", and the
    // first splitmix64 output from state 0.
    void referenceMatchesKnownVectors()
    {
        QCOMPARE(referenceFnv1a(""), 0xcbf29ce484222325ULL);
        QCOMPARE(referenceFnv1a("a"), 0xaf63dc4c8601ec8cULL);
        QCOMPARE(referenceFnv1a("hello"), 0xa430d84680aabd0bULL);
        QCOMPARE(referenceRounds(0, 1), 0xe220a8397b1dcdafULL);
    }

    void knownHashes_data()
    {
        QTest::addColumn<QVariant>("value");
        QTest::addColumn<qint64>("iterations");
        QTest::addColumn<QString>("expected");
        auto add = [](const char *name, const QVariant &value, qint64 iterations, const char *expected) {
            QTest::newRow(name) << value << iterations << QString::fromLatin1(expected);
        };
        add("hello, 0 = the seed", QStringLiteral("hello"), 0, "a430d84680aabd0b");
        add("hello, 1", QStringLiteral("hello"), 1, "f3e8eec5eb46e500");
        add("hello, 1000", QStringLiteral("hello"), 1000, "367e2f90e664b3e2");
        // What SDK 1 hashed for the integer 42 (and for "42" and 42.0): the range input's 42.
        add("42", QStringLiteral("42"), 1000, "f743f491801c1368");
        add("42, 0", QStringLiteral("42"), 0, "07ee7e07b4b19223");
        add("42, 1", QStringLiteral("42"), 1, "2e3f71ee82c2e0f4");
        add("-7", QStringLiteral("-7"), 1000, "9720e20e57dcf132");
        add("int64 min", QStringLiteral("-9223372036854775808"), 10, "54a621548dc36e99");
        add("uint64 max", QStringLiteral("18446744073709551615"), 10, "4f65bc8b259ac039");
        add("unicode", QString::fromUtf8("h\u00e9llo \u4e16\u754c \U0001F600"), 1000, "1b13949af12dbfd3");
        add("empty string", QString(""), 5, "869108acb79c1598");
        add("null", QVariant(), 5, "869108acb79c1598");
        add("2.5", QStringLiteral("2.5"), 3, "59351a02225ac0e0");
        add("true", QStringLiteral("true"), 3, "d3bc1dcd4f30ac49");
    }

    void knownHashes()
    {
        QFETCH(QVariant, value);
        QFETCH(qint64, iterations);
        QFETCH(QString, expected);
        const auto function = create(iterations);
        QCOMPARE(hashOf(*function, value), expected);
        QCOMPARE(referenceHash(value.toString().toUtf8(), iterations), expected);
    }

    // The text is hashed as written: a field "42.0" is not the integer 42, and spaces count.
    void textIsHashedAsWritten()
    {
        const auto function = create(1000);
        QCOMPARE(hashOf(*function, QStringLiteral("42.0")), referenceHash("42.0", 1000));
        QVERIFY(hashOf(*function, QStringLiteral("42.0")) != hashOf(*function, QStringLiteral("42")));
        QCOMPARE(hashOf(*function, QStringLiteral(" 42")), referenceHash(" 42", 1000));
    }

    // A range input gives each element's decimal digits: the same seeds as the integers themselves.
    void rangeDigitsSeedLikeIntegers()
    {
        using namespace fastmap::demo;
        for (qint64 value : {qint64(0), qint64(7), qint64(1234567), std::numeric_limits<qint64>::max()}) {
            const QByteArray digits = QByteArray::number(value);
            QCOMPARE(demoWorkSeedBytes(std::string_view(digits.constData(), std::size_t(digits.size()))),
                     demoWorkSeedInteger(value));
        }
    }

    void defaultIterationsIsLong()
    {
        // A million rounds: still exact, and the loop really runs that often.
        const auto function = create(1000000);
        QCOMPARE(hashOf(*function, QStringLiteral("hello")), QStringLiteral("d6e2431162b952a7"));
    }

    void iterationsChangeTheHash()
    {
        QSet<QString> hashes;
        for (qint64 iterations : {0, 1, 2, 10, 1000, 1001})
            hashes.insert(hashOf(*create(iterations), QStringLiteral("42")));
        QCOMPARE(hashes.size(), 6);
    }

    void matchesReferenceForManyInputs()
    {
        const auto function = create(37);
        QVariantList values;
        QList<QByteArray> texts;
        for (qint64 i = -300; i <= 300; ++i) {
            const qint64 value = i * 7919 * (i % 3 == 0 ? 1000003 : 1);
            values << QString::number(value);
            texts << QByteArray::number(value);
        }
        // Strings covering every UTF-8 length, and unpaired surrogates (QString::toUtf8 gives '?',
        // and the function hashes the bytes it is given).
        const QList<QString> strings{
            QStringLiteral("plain ascii"),
            QString::fromUtf8("\u00e9\u00df\u00f1 two-byte"),
            QString::fromUtf8("\u20ac\u4e16\uffff three-byte"),
            QString::fromUtf8("\U0001F600\U0010FFFF four-byte"),
            QString(QChar(0xd800)) + QStringLiteral("lone high"),
            QStringLiteral("lone high at end") + QChar(0xd83d),
            QString(QChar(0xdc00)) + QStringLiteral("lone low"),
            QString(QChar(0xde00)) + QChar(0xd83d) + QStringLiteral("reversed pair"),
            QString(QChar(0xd83d)) + QChar(0xd83d) + QChar(0xde00) + QStringLiteral(" high then pair"),
            QString(QChar(0)) + QStringLiteral("embedded nul"),
        };
        for (const QString &s : strings) {
            values << s;
            texts << s.toUtf8();
        }
        const BatchOutput output = run(*function, columnTable(ColumnType::Text, values), kHash);
        QCOMPARE(output.failedCount(), 0);
        for (int row = 0; row < values.size(); ++row)
            QCOMPARE(output.values().string(0, row), referenceHash(texts[row], 37));
    }

    void hashFormat()
    {
        const auto function = create(3);
        static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{16}$"));
        for (qint64 i = 0; i < 200; ++i) {
            const QString hash = hashOf(*function, QString::number(i));
            QVERIFY2(hex.match(hash).hasMatch(), qPrintable(hash));
        }
        // Leading zeros are kept: "42" with no rounds is 0x07ee7e07b4b19223.
        QCOMPARE(hashOf(*create(0), QStringLiteral("42")), QStringLiteral("07ee7e07b4b19223"));
    }

    void parameters()
    {
        // A whole double (as a JSON number may arrive) means the same as the integer.
        const auto fromDouble = m_plugin->create({{QStringLiteral("iterations"), 1000.0}});
        QCOMPARE(hashOf(*fromDouble, QStringLiteral("hello")), QStringLiteral("367e2f90e664b3e2"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m_plugin->create({}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, create(-1));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, create(1000000001));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 m_plugin->create({{QStringLiteral("iterations"), 2.5}}));
        QVERIFY(create(1000000000)); // the maximum is accepted (not run)
    }

    // The kernel the benchmarks include directly must agree with the reference too.
    void kernelMatchesReference()
    {
        using namespace fastmap::demo;
        QCOMPARE(demoWorkHash(0, 1), 0xe220a8397b1dcdafULL);
        QCOMPARE(demoWorkHash(12345, 0), 12345ULL);
        QCOMPARE(demoWorkHash(12345, -5), 12345ULL);
        for (qint64 value : {qint64(0), qint64(-1), qint64(9), qint64(10), std::numeric_limits<qint64>::min(),
                             std::numeric_limits<qint64>::max()}) {
            QCOMPARE(demoWorkSeedInteger(value), referenceFnv1a(QByteArray::number(value)));
            QCOMPARE(demoWorkSeedBytes(QByteArray::number(value).toStdString()),
                     referenceFnv1a(QByteArray::number(value)));
        }
        QCOMPARE(demoWorkSeedUnsigned(std::numeric_limits<quint64>::max()),
                 referenceFnv1a("18446744073709551615"));
        QCOMPARE(demoWorkSeedText(u"h\u00e9llo"), referenceFnv1a(QString::fromUtf8("h\u00e9llo").toUtf8()));
        for (quint64 seed : {0ULL, 1ULL, 0xffffffffffffffffULL, 0x0123456789abcdefULL})
            QCOMPARE(demoWorkHash(seed, 777), referenceRounds(seed, 777));
        QCOMPARE(demoWorkHex(0xabcULL), QStringLiteral("0000000000000abc"));
        char hex[17] = {};
        demoWorkHexTo(0x0123456789abcdefULL, hex);
        QCOMPARE(QByteArray(hex), QByteArray("0123456789abcdef"));
        // The digit-free formatting against Qt's, on every nibble value in every place.
        QRandomGenerator64 random(20261203);
        for (int i = 0; i < 100000; ++i) {
            const quint64 value = i < 16 ? 0x1111111111111111ULL * quint64(i) : random.generate();
            demoWorkHexTo(value, hex);
            QCOMPARE(QByteArray(hex), QByteArray::number(value, 16).rightJustified(16, '0'));
        }
        QCOMPARE(demoWork("hello", 1000), QStringLiteral("367e2f90e664b3e2"));
    }

    void concurrentProcess()
    {
        const auto function = create(1000);
        QVariantList values;
        for (int i = 0; i < 2000; ++i)
            values << (i % 2 ? QString::number(qint64(i) * 104729) : QStringLiteral("element %1").arg(i));
        checkConcurrentProcess(*function, columnTable(ColumnType::Text, values), kHash);
    }

private:
    QPluginLoader m_loader;
    fastmap::FunctionPlugin *m_plugin = nullptr;
    QJsonObject m_meta;
};

QTEST_GUILESS_MAIN(TestDemoWork)
#include "tst_demowork.moc"
