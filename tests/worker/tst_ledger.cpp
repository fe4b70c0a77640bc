// SPDX-License-Identifier: GPL-3.0-or-later
// The worker's SQLite ledger and token checks, in-process.
#include "worker/Ledger.h"
#include "worker/TokenAuthenticator.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace fastmap;

class TestLedger : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_files = 0;

    QString freshPath() { return m_dir.filePath(QStringLiteral("ledger-%1.db").arg(++m_files)); }

    static QStringList names(const Ledger &ledger)
    {
        QList<TokenRecord> records;
        QString error;
        if (!ledger.tokens(&records, &error))
            qWarning("%s", qPrintable(error));
        QStringList out;
        for (const TokenRecord &r : records)
            out << r.name;
        return out;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void generatedTokensAreRandomBase64Url()
    {
        QSet<QByteArray> seen;
        static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_-]{43}$"));
        for (int i = 0; i < 50; ++i) {
            const QByteArray token = TokenAuthenticator::generateToken();
            QVERIFY2(pattern.match(QString::fromLatin1(token)).hasMatch(), token.constData());
            QVERIFY(!seen.contains(token));
            seen.insert(token);
            QCOMPARE(TokenAuthenticator::hashToken(token).size(), 32);
        }
    }

    void bearerHeader()
    {
        QByteArray token;
        QVERIFY(TokenAuthenticator::bearerToken("Bearer abc", &token));
        QCOMPARE(token, QByteArray("abc"));
        QVERIFY(TokenAuthenticator::bearerToken("  bearer   xyz  ", &token));
        QCOMPARE(token, QByteArray("xyz"));
        QVERIFY(!TokenAuthenticator::bearerToken("Basic abc", &token));
        QVERIFY(!TokenAuthenticator::bearerToken("Bearer", &token));
        QVERIFY(!TokenAuthenticator::bearerToken("", &token));
    }

    void constantTimeFindFindsTheRightHash()
    {
        QList<QByteArray> hashes;
        for (int i = 0; i < 20; ++i)
            hashes << TokenAuthenticator::hashToken(QByteArray::number(i));
        for (int i = 0; i < 20; ++i)
            QCOMPARE(TokenAuthenticator::constantTimeFind(
                         TokenAuthenticator::hashToken(QByteArray::number(i)), hashes),
                     i);
        QCOMPARE(TokenAuthenticator::constantTimeFind(TokenAuthenticator::hashToken("nope"), hashes), -1);
        QCOMPARE(TokenAuthenticator::constantTimeFind(TokenAuthenticator::hashToken("0"), {}), -1);
        // A hash that differs only in its last byte, or is a prefix, does not match.
        QByteArray almost = hashes.at(3);
        almost[31] = char(almost[31] ^ 1);
        QCOMPARE(TokenAuthenticator::constantTimeFind(almost, hashes), -1);
        QCOMPARE(TokenAuthenticator::constantTimeFind(hashes.at(3).left(31), hashes), -1);
    }

    void addListRemoveTokens()
    {
        Ledger ledger;
        QString error;
        QVERIFY2(ledger.open(freshPath(), &error), qPrintable(error));
        bool any = true;
        QVERIFY(ledger.hasTokens(&any, &error));
        QVERIFY(!any);
        QVERIFY2(ledger.addToken("bob", TokenAuthenticator::hashToken("b"), std::nullopt, &error),
                 qPrintable(error));
        QVERIFY2(ledger.addToken("alice", TokenAuthenticator::hashToken("a"), 5.0, &error),
                 qPrintable(error));
        QVERIFY(ledger.hasTokens(&any, &error));
        QVERIFY(any);
        QCOMPARE(names(ledger), (QStringList{"alice", "bob"}));

        QVERIFY(!ledger.addToken("alice", TokenAuthenticator::hashToken("c"), std::nullopt, &error));
        QVERIFY2(error.contains("already exists"), qPrintable(error));
        QVERIFY(!ledger.addToken("carol", TokenAuthenticator::hashToken("a"), std::nullopt,
                                 &error)); // same token
        for (const char *bad : {"", "with space", "token-file", "anonymous", "x/y"}) {
            QVERIFY2(!ledger.addToken(QString::fromLatin1(bad), TokenAuthenticator::hashToken(bad),
                                      std::nullopt, &error),
                     bad);
            QVERIFY(!error.isEmpty());
        }
        QVERIFY(!ledger.addToken("dave", TokenAuthenticator::hashToken("d"), -1.0, &error));

        TokenRecord alice;
        QVERIFY(ledger.token("alice", &alice, &error));
        QVERIFY(alice.credits.has_value());
        QCOMPARE(*alice.credits, 5.0);
        QVERIFY(alice.created.isValid());
        QCOMPARE(alice.sha256, TokenAuthenticator::hashToken("a"));
        TokenRecord bob;
        QVERIFY(ledger.token("bob", &bob, &error));
        QVERIFY(!bob.credits.has_value());

        QVERIFY2(ledger.removeToken("bob", &error), qPrintable(error));
        QCOMPARE(names(ledger), QStringList{"alice"});
        QVERIFY(!ledger.removeToken("bob", &error));
        QVERIFY2(error.contains("no token named \"bob\""), qPrintable(error));
        QVERIFY(!ledger.token("bob", &bob, &error));
    }

    void credits()
    {
        Ledger ledger;
        QString error;
        QVERIFY(ledger.open(freshPath(), &error));
        QVERIFY(ledger.addToken("alice", TokenAuthenticator::hashToken("a"), 1.5, &error));
        QVERIFY(ledger.addToken("bob", TokenAuthenticator::hashToken("b"), std::nullopt, &error));
        double balance = 0;
        QVERIFY2(ledger.addCredits("alice", 2.25, &balance, &error), qPrintable(error));
        QCOMPARE(balance, 3.75);
        QVERIFY(ledger.addCredits("alice", -0.75, &balance, &error));
        QCOMPARE(balance, 3.0);
        QVERIFY(!ledger.addCredits("bob", 1, &balance, &error));
        QVERIFY2(error.contains("no credit limit"), qPrintable(error));
        QVERIFY(!ledger.addCredits("nobody", 1, &balance, &error));
        QVERIFY2(error.contains("nobody"), qPrintable(error));
        QVERIFY(!ledger.addCredits("alice", qQNaN(), &balance, &error));
    }

    void authenticatorFindsTheRightToken()
    {
        Ledger ledger;
        QString error;
        QVERIFY(ledger.open(freshPath(), &error));
        QList<QByteArray> tokens;
        for (int i = 0; i < 5; ++i) {
            tokens << TokenAuthenticator::generateToken();
            QVERIFY(ledger.addToken(QStringLiteral("user%1").arg(i),
                                    TokenAuthenticator::hashToken(tokens.last()),
                                    i == 2 ? std::optional<double>(0.5) : std::nullopt, &error));
        }
        const QString tokenFile = m_dir.filePath("token.txt");
        QFile file(tokenFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("  file-token-123\n");
        file.close();
        TokenAuthenticator authenticator;
        QVERIFY2(authenticator.loadTokenFile(tokenFile, &error), qPrintable(error));

        std::optional<TokenIdentity> who;
        for (int i = 0; i < 5; ++i) {
            QVERIFY(authenticator.authenticate("Bearer " + tokens.at(i), ledger, &who, &error));
            QVERIFY(who.has_value());
            QCOMPARE(who->name, QStringLiteral("user%1").arg(i));
            QCOMPARE(who->credits.has_value(), i == 2);
        }
        QVERIFY(authenticator.authenticate("Bearer file-token-123", ledger, &who, &error));
        QVERIFY(who.has_value());
        QCOMPARE(who->name, QStringLiteral("token-file"));
        QVERIFY(!who->credits.has_value());
        QVERIFY(authenticator.authenticate("Bearer wrong", ledger, &who, &error));
        QVERIFY(!who.has_value());
        QVERIFY(authenticator.authenticate("", ledger, &who, &error));
        QVERIFY(!who.has_value());
        QVERIFY(authenticator.authenticate("Basic " + tokens.at(0), ledger, &who, &error));
        QVERIFY(!who.has_value());

        // A removed token is refused at once.
        QVERIFY(ledger.removeToken("user1", &error));
        QVERIFY(authenticator.authenticate("Bearer " + tokens.at(1), ledger, &who, &error));
        QVERIFY(!who.has_value());
    }

    void tokenFileProblemsAreReported()
    {
        TokenAuthenticator authenticator;
        QString error;
        QVERIFY(!authenticator.loadTokenFile(m_dir.filePath("missing.txt"), &error));
        QVERIFY2(error.contains("missing.txt"), qPrintable(error));
        const QString empty = m_dir.filePath("empty.txt");
        QFile file(empty);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(" \n");
        file.close();
        QVERIFY(!authenticator.loadTokenFile(empty, &error));
        QVERIFY2(error.contains("no token"), qPrintable(error));
        QVERIFY(!authenticator.hasTokenFile());
    }

    void debitToExhaustion()
    {
        Ledger ledger;
        QString error;
        QVERIFY(ledger.open(freshPath(), &error));
        QVERIFY(ledger.addToken("alice", TokenAuthenticator::hashToken("a"), 0.001, &error));
        QVERIFY(ledger.addToken("bob", TokenAuthenticator::hashToken("b"), std::nullopt, &error));
        std::optional<double> left;
        const double expected[] = {0.0006, 0.0002, -0.0002};
        for (double e : expected) {
            QVERIFY2(ledger.recordBatch("alice", 10, 0.5, 0.0004, &left, &error), qPrintable(error));
            QVERIFY(left.has_value());
            QVERIFY2(qAbs(*left - e) < 1e-12, qPrintable(QString::number(*left)));
        }
        QVERIFY(ledger.recordBatch("bob", 7, 0.25, 1.0, &left, &error));
        QVERIFY(!left.has_value());
        QVERIFY(ledger.recordBatch("token-file", 3, 0.125, 0.0, &left, &error));
        QVERIFY(!left.has_value());

        TokenRecord alice;
        QVERIFY(ledger.token("alice", &alice, &error));
        QCOMPARE(alice.batches, 3);
        QCOMPARE(alice.elements, 30);
        QCOMPARE(alice.vcpuSeconds, 1.5);
        QVERIFY(qAbs(alice.charge - 0.0012) < 1e-12);
        QVERIFY(*alice.credits < 0);
        TokenRecord usageOnly;
        QVERIFY(ledger.token("token-file", &usageOnly, &error));
        QVERIFY(usageOnly.sha256.isEmpty());
        QCOMPARE(usageOnly.batches, 1);
        QCOMPARE(names(ledger), (QStringList{"alice", "bob", "token-file"}));
    }

    void walModeAndReopening()
    {
        const QString path = freshPath();
        const QByteArray token = TokenAuthenticator::generateToken();
        QString error;
        {
            Ledger ledger;
            QVERIFY(ledger.open(path, &error));
            QCOMPARE(ledger.journalMode(), QStringLiteral("wal"));
            QVERIFY(ledger.addToken("alice", TokenAuthenticator::hashToken(token), 2.0, &error));
            std::optional<double> left;
            QVERIFY(ledger.recordBatch("alice", 4, 1.0, 0.5, &left, &error));
            // Two connections to one file at once, as a running worker and the tokens command have.
            Ledger other;
            QVERIFY(other.open(path, &error));
            QCOMPARE(names(other), QStringList{"alice"});
        }
        Ledger reopened;
        QVERIFY2(reopened.open(path, &error), qPrintable(error));
        QCOMPARE(reopened.journalMode(), QStringLiteral("wal"));
        TokenRecord alice;
        QVERIFY(reopened.token("alice", &alice, &error));
        QCOMPARE(*alice.credits, 1.5);
        QCOMPARE(alice.batches, 1);
        QCOMPARE(alice.elements, 4);
        // The token itself is nowhere in the files, only its hash.
        for (const QString &suffix : {QString(), QStringLiteral("-wal")}) {
            QFile file(path + suffix);
            if (file.open(QIODevice::ReadOnly))
                QVERIFY(!file.readAll().contains(token));
        }
    }

    void refusesFilesThatAreNotLedgers()
    {
        const QString path = m_dir.filePath("garbage.db");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(4096, 'x'));
        file.close();
        Ledger ledger;
        QString error;
        QVERIFY(!ledger.open(path, &error));
        QVERIFY2(error.contains(path), qPrintable(error));
        Ledger dir;
        QVERIFY(!dir.open(m_dir.path(), &error));
        QVERIFY2(error.contains("directory"), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestLedger)
#include "tst_ledger.moc"
