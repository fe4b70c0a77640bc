// SPDX-License-Identifier: GPL-3.0-or-later
// fastmap-cli when the world misbehaves: an input file that shrinks while it is read, and a disk
// that fills up (a 1 MB tmpfs when the test may mount one).
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <sys/mount.h>
#include <unistd.h>

class TestCliFaults : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("FASTMAP_PLUGIN_PATH"), QStringLiteral(FASTMAP_TEST_PLUGIN_DIR "/good"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        return env;
    }

    static QString cli() { return QStringLiteral(FASTMAP_BINARY_DIR "/bin/fastmap-cli"); }

    static qint64 countLines(const QString &path)
    {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return -1;
        return f.readAll().count('\n');
    }

    static bool endsAtAWholeRow(const QString &path)
    {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return false;
        const QByteArray all = f.readAll();
        return all.endsWith("\r\n");
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // A 30,000-row file cut to 20,000 bytes while the job reads it: an input failure, never
    // "completed" with fewer rows.
    void anInputThatShrinksIsAnInputFailure()
    {
        const QString input = m_dir.filePath(QStringLiteral("shrinking.csv"));
        {
            QFile f(input);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QByteArray all = "x\n";
            for (int i = 0; i < 30000; ++i)
                all += QByteArray::number(i) + '\n';
            f.write(all);
        }
        const QString out = m_dir.filePath(QStringLiteral("shrinking-out.csv"));
        QProcess process;
        process.setProcessEnvironment(environment());
        // 2 threads at 500 us per element: 30,000 rows take about 7.5 s, the cut comes at 1.5 s.
        process.start(cli(), {"run", "test.control", "-i", input, "-o", out, "-p", "delay_us=500", "-j", "2",
                              "--cache", "off", "--batch-seconds", "0.02"});
        QVERIFY(process.waitForStarted(10000));
        QTest::qWait(1500);
        QVERIFY(process.state() == QProcess::Running);
        QVERIFY(::truncate(QFile::encodeName(input).constData(), 20000) == 0);
        if (!process.waitForFinished(120000)) {
            process.kill();
            process.waitForFinished(5000);
            QFAIL("fastmap-cli did not finish");
        }
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QVERIFY2(process.exitCode() == 3, qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("changed while it was read")), qPrintable(err));
        QVERIFY2(err.contains(input), qPrintable(err));
        QVERIFY2(!QFile::exists(out), "an incomplete result must not take the final name");
        QVERIFY(QFile::exists(out + QStringLiteral(".partial")));
    }

    // A full disk: the message is errno's, the .partial ends at a whole row, and the rows the CLI
    // says it wrote are the rows in the file.
    void aFullDiskSaysSoAndKeepsWholeRows()
    {
        if (::geteuid() != 0)
            QSKIP("mounting a small tmpfs needs root");
        const QString mountPoint = m_dir.filePath(QStringLiteral("small"));
        QVERIFY(QDir().mkpath(mountPoint));
        if (::mount("fastmap-test", QFile::encodeName(mountPoint).constData(), "tmpfs", MS_NOSUID | MS_NODEV,
                    "size=1m") != 0)
            QSKIP("cannot mount a tmpfs here (a container without CAP_SYS_ADMIN?)");
        struct Unmount
        {
            QString path;
            ~Unmount() { ::umount2(QFile::encodeName(path).constData(), MNT_DETACH); }
        } unmount{mountPoint};

        const QString out = mountPoint + QStringLiteral("/out.csv");
        QProcess process;
        process.setProcessEnvironment(environment());
        // Each row is about 12 bytes ("2x,thread\r\n" with a long thread name): 400,000 rows do not fit in 1
        // MB.
        process.start(
            cli(), {"run", "test.control", "-i", "range:400000", "-o", out, "--cache", "off", "--no-record"});
        QVERIFY(process.waitForFinished(120000));
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QVERIFY2(process.exitCode() == 4, qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("No space left on device")), qPrintable(err));
        QVERIFY2(!err.contains(QStringLiteral("Unknown error")), qPrintable(err));
        const QString partial = out + QStringLiteral(".partial");
        QVERIFY2(QFile::exists(partial), qPrintable(err));
        QVERIFY(endsAtAWholeRow(partial));
        const qint64 rows = countLines(partial) - 1; // the header
        QVERIFY(rows > 0);
        const QRegularExpressionMatch m =
            QRegularExpression(QStringLiteral("Results: \\S+ \\((\\d+) rows\\)")).match(err);
        QVERIFY2(m.hasMatch(), qPrintable(err));
        QCOMPARE(m.captured(1).toLongLong(), rows);
    }
};

QTEST_GUILESS_MAIN(TestCliFaults)
#include "tst_clifaults.moc"
