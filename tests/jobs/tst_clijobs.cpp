// SPDX-License-Identifier: GPL-3.0-or-later
// Durable jobs end to end with the real fastmap-cli: kill -9 at random moments and resume to the
// same bytes; the cache; refusals when the dataset or the plugin changed; export bundles;
// retention (--keep-results, jobs prune, the size cap, rm), which deletes a job's output file
// beside jobs.db, and --no-record.
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <archive.h>
#include <archive_entry.h>
#include <csignal>

class TestCliJobs : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_pluginPath = QStringLiteral(FASTMAP_TEST_PLUGIN_DIR "/good");

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("FASTMAP_PLUGIN_PATH"), m_pluginPath);
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        return env;
    }

    struct Result
    {
        int exitCode = -1;
        QString out;
        QString err;
    };

    Result cli(const QStringList &arguments)
    {
        QProcess p;
        p.setProcessEnvironment(environment());
        p.start(QStringLiteral(FASTMAP_BINARY_DIR "/bin/fastmap-cli"), arguments);
        if (!p.waitForFinished(180000)) {
            p.kill();
            p.waitForFinished(5000);
            return {};
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }

    // Where the store keeps a job's outputs: beside jobs.db.
    QString outputsFile(const QString &id) const
    {
        return m_dir.filePath(QStringLiteral("data/fastmap/jobs.db-results/%1.outputs").arg(id));
    }

    QJsonArray jobs()
    {
        return QJsonDocument::fromJson(cli({"jobs", "--json"}).out.toUtf8()).object().value("jobs").toArray();
    }

    // test.control's second column names the thread that ran the element, which differs from
    // run to run: the rest must be the same.
    static QByteArray withoutThreads(const QByteArray &csv)
    {
        QByteArray out;
        for (const QByteArray &line : csv.split('\n')) {
            const QList<QByteArray> fields = line.split(',');
            out += fields.first() + ',' + fields.last() + '\n';
        }
        return out;
    }

    static QByteArray contents(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    // A bundle's entries, without the top directory: name -> contents.
    static QMap<QString, QByteArray> bundleEntries(const QString &bundle)
    {
        QMap<QString, QByteArray> entries;
        archive *a = archive_read_new();
        archive_read_support_filter_all(a);
        archive_read_support_format_all(a);
        if (archive_read_open_filename(a, QFile::encodeName(bundle).constData(), 10240) == ARCHIVE_OK) {
            archive_entry *entry = nullptr;
            while (archive_read_next_header(a, &entry) == ARCHIVE_OK) {
                QByteArray data(qsizetype(archive_entry_size(entry)), Qt::Uninitialized);
                archive_read_data(a, data.data(), size_t(data.size()));
                entries.insert(QString::fromUtf8(archive_entry_pathname_utf8(entry)).section('/', 1), data);
            }
        }
        archive_read_free(a);
        return entries;
    }

    const QStringList m_work{"run", "demo.work", "-i", "range:300000", "-p", "iterations=2000", "-j", "2", "--cache", "off", "--keep-input"};

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void killedAtRandomMomentsAndResumedGivesTheSameBytes()
    {
        const QString reference = m_dir.filePath(QStringLiteral("reference.csv"));
        QCOMPARE(cli(m_work + QStringList{"-o", reference}).exitCode, 0);
        const QByteArray expected = contents(reference);
        QCOMPARE(expected.count('\n'), 300001);
        for (int seed = 1; seed <= 4; ++seed) {
            const QString out = m_dir.filePath(QStringLiteral("killed-%1.csv").arg(seed));
            QProcess run;
            run.setProcessEnvironment(environment());
            run.start(QStringLiteral(FASTMAP_BINARY_DIR "/bin/fastmap-cli"), m_work + QStringList{"-o", out});
            QVERIFY(run.waitForStarted(10000));
            const int delay = 150 + int(QRandomGenerator(quint32(seed)).bounded(1200));
            QTest::qWait(delay);
            ::kill(pid_t(run.processId()), SIGKILL);
            QVERIFY(run.waitForFinished(10000));
            const QString id = jobs().at(0).toObject().value("id").toString();
            const QString state = jobs().at(0).toObject().value("state").toString();
            // Finished before the kill, or killed after the job was recorded complete (its file
            // is in place by then): nothing to resume, and the file is whole.
            if (run.exitStatus() == QProcess::NormalExit || state == QLatin1String("completed")) {
                QCOMPARE(contents(out), expected);
                continue;
            }
            QCOMPARE(state, QStringLiteral("interrupted"));
            QVERIFY(!QFile::exists(out)); // never half a file under the final name
            const Result resumed = cli({"resume", id});
            QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
            QVERIFY2(resumed.err.contains(QStringLiteral("elements are stored")), qPrintable(resumed.err));
            QVERIFY2(contents(out) == expected, qPrintable(QStringLiteral("seed %1 (killed after %2 ms) differs").arg(seed).arg(delay)));
            QCOMPARE(jobs().at(0).toObject().value("state").toString(), QStringLiteral("completed"));
            QCOMPARE(cli({"resume", id}).exitCode, 3); // already complete
        }
    }

    void resumeRefusesAChangedDataset()
    {
        const QString csv = m_dir.filePath(QStringLiteral("input.csv"));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("x\n");
        for (int i = 0; i < 20000; ++i)
            f.write(QByteArray::number(i) + '\n');
        f.close();
        const QString out = m_dir.filePath(QStringLiteral("changed.csv"));
        const Result r = cli({"run", "test.control", "-i", csv, "-o", out, "-p", "delay_us=100", "-j", "2", "--stop-on-error", "-p", "fail_modulo=20000", "-p", "fail_remainder=15000"});
        QCOMPARE(r.exitCode, 1); // stopped early: resumable
        const QString id = jobs().at(0).toObject().value("id").toString();
        QVERIFY(f.open(QIODevice::Append));
        f.write("1\n");
        f.close();
        const Result resumed = cli({"resume", id});
        QCOMPARE(resumed.exitCode, 3);
        QVERIFY2(resumed.err.contains(QStringLiteral("the dataset")) && resumed.err.contains(QStringLiteral("changed")), qPrintable(resumed.err));
    }

    void resumeRefusesAChangedPlugin()
    {
        QTemporaryDir plugins;
        QVERIFY(QFile::copy(QStringLiteral(FASTMAP_TEST_PLUGIN_DIR "/good/test_control.so"), plugins.filePath(QStringLiteral("test_control.so"))));
        m_pluginPath = plugins.path();
        const QString out = m_dir.filePath(QStringLiteral("plugin.csv"));
        const Result r = cli({"run", "test.control", "-i", "range:5000", "-o", out, "--stop-on-error", "-p", "fail_modulo=5000", "-p", "fail_remainder=2500"});
        QCOMPARE(r.exitCode, 1);
        const QString id = jobs().at(0).toObject().value("id").toString();
        QFile so(plugins.filePath(QStringLiteral("test_control.so")));
        QVERIFY(so.open(QIODevice::Append));
        so.write("rebuilt"); // another build: same id and version, another hash
        so.close();
        const Result resumed = cli({"resume", id});
        m_pluginPath = QStringLiteral(FASTMAP_TEST_PLUGIN_DIR "/good");
        QCOMPARE(resumed.exitCode, 3);
        QVERIFY2(resumed.err.contains(QStringLiteral("plugin")) && resumed.err.contains(QStringLiteral("changed")), qPrintable(resumed.err));
    }

    void theCacheServesARerunAndRefreshRecomputes()
    {
        QVERIFY(cli({"cache", "--clear"}).exitCode == 0);
        const QStringList job{"run", "test.control", "-i", "range:3000", "-p", "delay_us=100", "-j", "2"};
        Result first = cli(job + QStringList{"-o", m_dir.filePath(QStringLiteral("c1.csv"))});
        QCOMPARE(first.exitCode, 0);
        QVERIFY(!first.err.contains(QStringLiteral("came from the cache")));
        Result second = cli(job + QStringList{"-o", m_dir.filePath(QStringLiteral("c2.csv"))});
        QCOMPARE(second.exitCode, 0);
        QVERIFY2(second.err.contains(QStringLiteral("elements came from the cache")), qPrintable(second.err));
        Result refresh = cli(job + QStringList{"-o", m_dir.filePath(QStringLiteral("c3.csv")), "--cache", "refresh"});
        QVERIFY(!refresh.err.contains(QStringLiteral("came from the cache")));
        Result otherParam = cli({"run", "test.control", "-i", "range:3000", "-p", "delay_us=101", "-j", "2", "-o", m_dir.filePath(QStringLiteral("c4.csv"))});
        QVERIFY(!otherParam.err.contains(QStringLiteral("came from the cache")));
        const Result shown = cli({"cache"});
        // The sample's elements are timed, not cached; the rest of both parameter sets is.
        const int entries = shown.out.section(QStringLiteral("Entries: "), 1).section('\n', 0, 0).toInt();
        QVERIFY2(entries > 3000 && entries <= 6000, qPrintable(shown.out));
        QVERIFY(cli({"cache", "--clear"}).out.contains(QStringLiteral("Entries: 0")));
    }

    void exportWritesAValidBundle()
    {
        const QString out = m_dir.filePath(QStringLiteral("bundle-source.csv"));
        QCOMPARE(cli({"run", "test.control", "-i", "range:500", "-o", out, "-p", "fail_modulo=100", "-p", "fail_remainder=7"}).exitCode, 1);
        const QJsonObject job = jobs().at(0).toObject();
        const QString id = job.value("id").toString();
        // A job is found by any prefix of its id that no other job shares (ids of jobs started in
        // the same second differ only in their last characters).
        qsizetype unique = 1;
        for (const QJsonValue &other : jobs()) {
            const QString otherId = other.toObject().value("id").toString();
            if (otherId == id)
                continue;
            qsizetype common = 0;
            while (common < id.size() && common < otherId.size() && id[common] == otherId[common])
                ++common;
            unique = std::max(unique, common + 1);
        }
        const Result shown = cli({"show", id.left(unique)}); // the whole id if no prefix is unique
        QCOMPARE(shown.exitCode, 0);
        QVERIFY(shown.out.contains(QStringLiteral("seq,executor,start_s,duration_s")));
        for (const QString &name : {QStringLiteral("b.zip"), QStringLiteral("b.tar.zst")}) {
            const QString bundle = m_dir.filePath(name);
            const Result r = cli({"export", id, "--output", bundle});
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            QMap<QString, QByteArray> entries;
            archive *a = archive_read_new();
            archive_read_support_filter_all(a);
            archive_read_support_format_all(a);
            QCOMPARE(archive_read_open_filename(a, QFile::encodeName(bundle).constData(), 10240), ARCHIVE_OK);
            archive_entry *entry = nullptr;
            while (archive_read_next_header(a, &entry) == ARCHIVE_OK) {
                const QString path = QString::fromUtf8(archive_entry_pathname_utf8(entry));
                QVERIFY2(!path.startsWith('/') && !path.contains(QStringLiteral("..")), qPrintable(path));
                QByteArray data(qsizetype(archive_entry_size(entry)), Qt::Uninitialized);
                archive_read_data(a, data.data(), size_t(data.size()));
                entries.insert(path.section('/', 1), data);
            }
            archive_read_free(a);
            QCOMPARE(entries.keys(), (QStringList{"errors.csv", "joblog.csv", "manifest.json", "results.csv"}));
            QCOMPARE(entries.value("results.csv"), contents(out));
            QCOMPARE(entries.value("errors.csv").count("\r\n"), 1 + 5);
            QVERIFY(entries.value("errors.csv").contains("107,local,element 107 is cursed"));
            QVERIFY(entries.value("joblog.csv").startsWith("seq,executor,start_s,duration_s,first_element,elements,bytes_in,bytes_out,failures"));
            const QJsonObject manifest = QJsonDocument::fromJson(entries.value("manifest.json")).object();
            QCOMPARE(manifest.value("function").toString(), QStringLiteral("test.control"));
            QCOMPARE(manifest.value("version").toString(), QStringLiteral("1.0.0"));
            QCOMPARE(manifest.value("pluginSha256").toString().size(), 64);
            QCOMPARE(manifest.value("params").toObject().value("fail_modulo").toInt(), 100);
            QCOMPARE(manifest.value("dataset").toObject().value("spec").toString(), QStringLiteral("range:500"));
            QCOMPARE(manifest.value("dataset").toObject().value("sha256").toString().size(), 64);
            QCOMPARE(manifest.value("elements").toInt(), 500);
            QCOMPARE(manifest.value("failed").toInt(), 5);
            QVERIFY(manifest.value("timings").toObject().contains("seconds"));
            QVERIFY(!manifest.value("executors").toArray().isEmpty());
            QVERIFY(manifest.value("cost").toObject().contains("actualUsd"));
        }
        QCOMPARE(cli({"export", id, "--output", m_dir.filePath(QStringLiteral("b.rar"))}).exitCode, 2);
    }

    // A completed job's stored results go once its file is in place, unless --keep-results; the
    // job log, the errors and the summary stay, and export bundles the file instead.
    void retentionDropsCompletedResults()
    {
        const QString out = m_dir.filePath(QStringLiteral("dropped.csv"));
        const QStringList failing{"-p", "fail_modulo=100", "-p", "fail_remainder=7"};
        QCOMPARE(cli(QStringList{"run", "test.control", "-i", "range:1000", "-o", out} + failing).exitCode, 1);
        QJsonObject job = jobs().at(0).toObject();
        const QString dropped = job.value("id").toString();
        QCOMPARE(job.value("resultsStored").toBool(), false);
        QCOMPARE(job.value("storedBytes").toInt(), 0);
        QVERIFY(!QFile::exists(outputsFile(dropped)));
        QCOMPARE(job.value("elementsStored").toInt(), 1000); // the job log
        QCOMPARE(job.value("failed").toInt(), 10);
        const Result shown = cli({"show", dropped});
        QVERIFY2(shown.out.contains(QStringLiteral("Stored results: dropped")), qPrintable(shown.out));
        QVERIFY(shown.out.contains(QStringLiteral("seq,executor,start_s")));
        QCOMPARE(cli({"resume", dropped}).exitCode, 3); // completed: its results are in the file

        const QString keptOut = m_dir.filePath(QStringLiteral("kept.csv"));
        QCOMPARE(cli(QStringList{"run", "test.control", "-i", "range:1000", "-o", keptOut, "--keep-results"} + failing).exitCode, 1);
        job = jobs().at(0).toObject();
        const QString kept = job.value("id").toString();
        QCOMPARE(job.value("resultsStored").toBool(), true);
        QVERIFY(job.value("storedBytes").toInt() > 0);
        QCOMPARE(QFileInfo(outputsFile(kept)).size(), job.value("storedBytes").toInteger());
        QCOMPARE(job.value("spec").toObject().value("keepResults").toBool(), true);

        // Both bundle the same results: one from its file, one replayed from the store.
        for (const QString &id : {dropped, kept}) {
            const QString bundle = m_dir.filePath(id + QStringLiteral(".zip"));
            const Result r = cli({"export", id, "--output", bundle});
            QVERIFY2(r.exitCode == 0 && !r.err.contains(QStringLiteral("warning")), qPrintable(r.err));
            const QMap<QString, QByteArray> entries = bundleEntries(bundle);
            QCOMPARE(withoutThreads(entries.value("results.csv")), withoutThreads(contents(out)));
            QCOMPARE(entries.value("errors.csv").count("\r\n"), 1 + 10);
        }
        // Once the file changed, the dropped job's bundle says what is missing.
        QFile::remove(out);
        const QString bundle = m_dir.filePath(QStringLiteral("missing.zip"));
        const Result r = cli({"export", dropped, "--output", bundle});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains(QStringLiteral("no results")), qPrintable(r.err));
        const QMap<QString, QByteArray> entries = bundleEntries(bundle);
        QVERIFY(!entries.contains("results.csv"));
        QVERIFY(entries.contains("errors.csv") && entries.contains("joblog.csv"));
        const QJsonObject manifest = QJsonDocument::fromJson(entries.value("manifest.json")).object();
        QVERIFY(manifest.value("results").toObject().value("missing").toString().contains(out));
    }

    void pruneDropsFinishedJobsResults()
    {
        QCOMPARE(cli({"run", "test.control", "-i", "range:500", "-o", m_dir.filePath(QStringLiteral("p1.csv")), "--keep-results"}).exitCode, 0);
        const QString id = jobs().at(0).toObject().value("id").toString();
        Result r = cli({"jobs", "prune", "--older-than", "1d"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("Nothing to prune")), qPrintable(r.out));
        QVERIFY(jobs().at(0).toObject().value("resultsStored").toBool());
        r = cli({"jobs", "prune"}); // far under the default cap
        QVERIFY2(r.out.contains(QStringLiteral("Nothing to prune")) && r.out.contains(QStringLiteral("limit 2048.00 MiB")), qPrintable(r.out));
        r = cli({"jobs", "prune", "--all"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("Dropped the stored results of job ") + id), qPrintable(r.out));
        QVERIFY(!jobs().at(0).toObject().value("resultsStored").toBool());
        QVERIFY(!QFile::exists(outputsFile(id)));
        QCOMPARE(cli({"jobs", "prune", "--all", "--older-than", "1d"}).exitCode, 2);
        QCOMPARE(cli({"jobs", "prune", "--store-limit", "lots"}).exitCode, 2);
        QCOMPARE(cli({"jobs", "prune", "--older-than", "soon"}).exitCode, 2);
        QCOMPARE(cli({"jobs", "prune", id}).exitCode, 2);
        QVERIFY(cli({"jobs", "--help"}).out.contains(QStringLiteral("--older-than")));
    }

    // A run beyond the cap drops the older finished jobs' results, and says so.
    void theStoreLimitPrunesOlderJobs()
    {
        QCOMPARE(cli({"run", "test.control", "-i", "range:2000", "-o", m_dir.filePath(QStringLiteral("l1.csv")), "--keep-results"}).exitCode, 0);
        const QString older = jobs().at(0).toObject().value("id").toString();
        const Result r = cli({"run", "test.control", "-i", "range:2000", "-o", m_dir.filePath(QStringLiteral("l2.csv")), "--keep-results", "--store-limit", "0"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains(QStringLiteral("over its limit")), qPrintable(r.err));
        const QJsonArray list = jobs();
        QVERIFY(list.at(0).toObject().value("resultsStored").toBool()); // not its own
        for (const QJsonValue &j : list)
            if (j.toObject().value("id").toString() == older)
                QVERIFY(!j.toObject().value("resultsStored").toBool());
        QCOMPARE(cli({"run", "test.control", "-i", "range:10", "-o", m_dir.filePath(QStringLiteral("l3.csv")), "--store-limit", "2 parsecs"}).exitCode, 2);
    }

    void noRecordRunsWithoutTheStore()
    {
        const int before = int(jobs().size());
        const QString out = m_dir.filePath(QStringLiteral("unrecorded.csv"));
        const Result r = cli({"run", "test.control", "-i", "range:700", "-o", out, "--no-record"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(!r.err.contains(QStringLiteral("Job ")) && !r.err.contains(QStringLiteral("resume")), qPrintable(r.err));
        QCOMPARE(int(jobs().size()), before);
        const QString reference = m_dir.filePath(QStringLiteral("recorded.csv"));
        QCOMPARE(cli({"run", "test.control", "-i", "range:700", "-o", reference}).exitCode, 0);
        QCOMPARE(withoutThreads(contents(out)), withoutThreads(contents(reference)));
        QCOMPARE(cli({"run", "test.control", "-i", "range:7", "-o", out, "--no-record", "--keep-results"}).exitCode, 2);
        QVERIFY(cli({"help", "run"}).out.contains(QStringLiteral("--no-record")));
    }

    void jobsListAndRemove()
    {
        QCOMPARE(cli({"run", "test.control", "-i", "range:50", "-o", "-"}).exitCode, 0);
        const QJsonArray before = jobs();
        QVERIFY(before.size() >= 3);
        const QJsonObject newest = before.at(0).toObject();
        for (const char *key : {"id", "state", "function", "input", "output"})
            QVERIFY2(newest.contains(QLatin1String(key)), key);
        const Result listed = cli({"jobs"});
        QVERIFY(listed.out.startsWith(newest.value("id").toString()));
        QVERIFY(newest.value("resultsStored").toBool()); // written to standard output: kept
        QVERIFY(QFile::exists(outputsFile(newest.value("id").toString())));
        QCOMPARE(cli({"rm", newest.value("id").toString()}).exitCode, 0);
        QVERIFY(!QFile::exists(outputsFile(newest.value("id").toString())));
        QCOMPARE(jobs().size(), before.size() - 1);
        QCOMPARE(cli({"show", newest.value("id").toString()}).exitCode, 3);
    }
};

QTEST_GUILESS_MAIN(TestCliJobs)
#include "tst_clijobs.moc"
