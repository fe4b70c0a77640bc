// SPDX-License-Identifier: GPL-3.0-or-later
// The job store on its own: jobs and batches, the output files beside jobs.db (a row past a
// file's end or with other bytes is not stored, a resume appends after what a crash left), and
// retention and the size cap, which delete the files. The upgrades: tst_jobstoreupgrade.
#include "JobStoreTestHelpers.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace fastmap;
using namespace fastmap::storetest;

class TestJobStore : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void storeKeepsJobsAndTheirBatches()
    {
        const QString path = m_dir.filePath(QStringLiteral("jobs.db"));
        JobStore store(path);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        JobRecord a = job(QStringLiteral("20260101-000000-aaaa"), QStringLiteral("running"));
        QVERIFY(store.create(a, &error));
        JobRecord b = a;
        b.id = QStringLiteral("20260101-000001-bbbb");
        QVERIFY(store.create(b, &error));
        for (int i = 0; i < 3; ++i) {
            StoredBatch batch;
            batch.sequence = i;
            batch.firstRow = i * 4;
            batch.rows = i == 2 ? 2 : 4;
            batch.executor = QStringLiteral("local");
            batch.failures = i == 1 ? 1 : 0;
            batch.outputs = QByteArray("outputs");
            batch.inputHash = 100 + i;
            QVERIFY(store.appendBatch(a.id, batch, &error));
        }
        // The outputs are in the job's own file beside jobs.db, one after the other.
        QCOMPARE(store.outputsPath(a.id),
                 path + QStringLiteral("-results/") + a.id + QStringLiteral(".outputs"));
        QCOMPARE(QFileInfo(store.outputsPath(a.id)).size(), 3 * 7);
        QVERIFY(!QFile::exists(store.outputsPath(b.id)));
        qint64 storedRows = 0;
        const QMap<qint64, int> plan = store.batchPlan(a.id, &storedRows);
        QCOMPARE(storedRows, 10);
        QCOMPARE(plan.value(4), 4);
        QCOMPARE(plan.value(8), 2);
        QCOMPARE(store.inputHashes(a.id).value(8), 102);
        QByteArray outputs;
        QVERIFY(store.readBatchOutputs(a.id, 4, &outputs));
        QCOMPARE(outputs, QByteArray("outputs"));
        JobRecord found;
        QVERIFY(store.find(QStringLiteral("20260101-000000"), &found, &error));
        QCOMPARE(found.id, a.id);
        QCOMPARE(found.elements, 10);
        QCOMPARE(found.failed, 1);
        QVERIFY(found.hasStoredResults());
        QCOMPARE(found.storedBytes, 3 * 7);
        QVERIFY(!store.find(QStringLiteral("20260101"), &found, &error)); // ambiguous
        QVERIFY(error.contains(QStringLiteral("several")));
        QVERIFY(!store.find(QStringLiteral("nope"), &found, &error));
        QCOMPARE(store.jobs().first().id, b.id); // newest first
        QVERIFY(store.setState(a.id, QStringLiteral("completed"), QJsonObject{{"seconds", 1.5}}, &error));
        QVERIFY(store.find(a.id, &found, &error));
        QCOMPARE(found.state, QStringLiteral("completed"));
        QVERIFY(found.isCompleted());
        QCOMPARE(found.summary.value("seconds").toDouble(), 1.5);

        // A resume forgets what it computes again, and its bytes.
        QVERIFY(store.truncateBatches(a.id, 4, &error));
        QCOMPARE(store.batchPlan(a.id, &storedRows).size(), 1);
        QCOMPARE(storedRows, 4);
        QCOMPARE(QFileInfo(store.outputsPath(a.id)).size(), 7);
    }

    void errorsRoundTrip()
    {
        BatchOutput out({ColumnType::Float64}, 5);
        out.fail(1, QStringLiteral("one"));
        out.fail(4, QStringLiteral("four, with \"quotes\""));
        QList<QPair<int, QString>> back;
        QVERIFY(JobStore::decodeErrors(JobStore::encodeErrors(out), [&](int r, const QString &m) {
            back.append({r, m});
        }));
        QCOMPARE(back, (QList<QPair<int, QString>>{{1, "one"}, {4, "four, with \"quotes\""}}));
        QVERIFY(JobStore::encodeErrors(BatchOutput({ColumnType::Float64}, 3)).isEmpty());
        QVERIFY(!JobStore::decodeErrors(QByteArray("\x01", 1), [](int, const QString &) {}));
    }

    // A crash between the write and the commit, a cut or lost file, bytes that changed: what is
    // not all there is not stored, and only the prefix before it counts.
    void aRowPastTheFilesEndIsNotStored()
    {
        JobStore store(m_dir.filePath(QStringLiteral("cut.db")));
        QString error;
        QVERIFY(store.open(&error));
        const QString id = QStringLiteral("20260105-000000-aaaa");
        QVERIFY(store.create(job(id, QStringLiteral("running")), &error));
        addBatches(store, id, 3, 1000);
        const QString file = store.outputsPath(id);
        QVERIFY(QFile::resize(file, QFileInfo(file).size() - 1));
        qint64 storedRows = 0;
        QCOMPARE(store.batchPlan(id, &storedRows).size(), 2);
        QCOMPARE(storedRows, 8);
        QByteArray outputs;
        QVERIFY(!store.readBatchOutputs(id, 8, &outputs));
        QVERIFY(store.readBatchOutputs(id, 4, &outputs));
        QCOMPARE(outputs.size(), 1001);
        {
            QFile f(file);
            QVERIFY(f.open(QIODevice::ReadWrite));
            QVERIFY(f.seek(1000 + 10));
            f.write("x");
        }
        QVERIFY(!store.readBatchOutputs(id, 4, &outputs)); // its hash says so
        QVERIFY(store.readBatchOutputs(id, 0, &outputs));
        QVERIFY(QFile::remove(file));
        QVERIFY(store.batchPlan(id, &storedRows).isEmpty());
        QCOMPARE(storedRows, 0);
        QVERIFY(!store.readBatchOutputs(id, 0, &outputs));
    }

    // A killed run may leave bytes past its last row: the next run appends after them, and a
    // resume cuts them off first.
    void aResumeAppendsAfterWhatACrashLeft()
    {
        const QString path = m_dir.filePath(QStringLiteral("crash.db"));
        const QString id = QStringLiteral("20260106-000000-aaaa");
        QString error;
        QString file;
        {
            JobStore store(path);
            QVERIFY(store.open(&error));
            QVERIFY(store.create(job(id, QStringLiteral("running")), &error));
            addBatches(store, id, 2, 500);
            file = store.outputsPath(id);
        }
        {
            QFile f(file);
            QVERIFY(f.open(QIODevice::Append));
            f.write(randomBytes(77)); // the half-written third batch
        }
        JobStore again(path); // another process
        QVERIFY(again.open(&error));
        addBatches(again, id, 1, 500, 2);
        qint64 storedRows = 0;
        QCOMPARE(again.batchPlan(id, &storedRows).size(), 3);
        QByteArray outputs;
        QVERIFY(again.readBatchOutputs(id, 8, &outputs));
        QCOMPARE(outputs, randomBytes(502));
        QCOMPARE(QFileInfo(file).size(), 500 + 501 + 77 + 502);
        QVERIFY(again.truncateBatches(id, 8, &error));
        QCOMPARE(QFileInfo(file).size(), 500 + 501);
        addBatches(again, id, 1, 500, 2);
        QVERIFY(again.readBatchOutputs(id, 8, &outputs));
        QCOMPARE(outputs, randomBytes(502));
        QCOMPARE(QFileInfo(file).size(), 500 + 501 + 502);
    }

    // A completed job's outputs go, by deleting its file: jobs.db never held them, so it stays
    // small throughout; the job log, the errors and the summary stay.
    void theDropDeletesTheFileAndLeavesJobsDbSmall()
    {
        const QString path = m_dir.filePath(QStringLiteral("drop.db"));
        JobStore store(path);
        QString error;
        QVERIFY(store.open(&error));
        const JobRecord j = job(QStringLiteral("20260102-000000-aaaa"), QStringLiteral("completed"));
        QVERIFY(store.create(j, &error));
        QVERIFY(store.setState(j.id, j.state, QJsonObject{{"elements", 40}}, &error));
        addBatches(store, j.id, 10, 400 * 1024);
        QCOMPARE(QFileInfo(store.outputsPath(j.id)).size(), 10 * 400 * 1024 + 45); // one after the other
        QVERIFY2(databaseBytes(path) < 256 * 1024, qPrintable(QString::number(databaseBytes(path))));
        QVERIFY(store.fileBytes() > 10 * 400 * 1024); // the files count

        QVERIFY2(store.dropResults({j.id}, &error), qPrintable(error));
        QVERIFY(!QFile::exists(store.outputsPath(j.id)));
        JobRecord found;
        QVERIFY(store.find(j.id, &found, &error));
        QVERIFY(!found.hasStoredResults());
        QVERIFY(found.resultsDropped.isValid());
        QCOMPARE(found.storedBytes, 0);
        QCOMPARE(found.elements, 40); // the job log
        QCOMPARE(found.failed, 1);
        QCOMPARE(found.summary.value("elements").toInt(), 40);
        qint64 storedRows = -1;
        QVERIFY(store.batchPlan(j.id, &storedRows).isEmpty());
        QCOMPARE(storedRows, 0);
        QByteArray outputs;
        QVERIFY(!store.readBatchOutputs(j.id, 0, &outputs));
        int batches = 0;
        QStringList errors;
        store.forEachBatch(j.id, [&](const StoredBatch &b) {
            ++batches;
            JobStore::decodeErrors(
                b.errors, [&](int r, const QString &m) { errors << QString::number(b.firstRow + r) + m; });
            return true;
        });
        QCOMPARE(batches, 10);
        QCOMPARE(errors, QStringList{"6broken"});
        QVERIFY(databaseBytes(path) < 256 * 1024);
        QCOMPARE(store.fileBytes(), databaseBytes(path));
    }

    // Removing a job removes its file; a file that outlived its job (a crash between the commit
    // and the delete) goes at the next prune.
    void removingAJobRemovesItsFile()
    {
        JobStore store(m_dir.filePath(QStringLiteral("rm.db")));
        QString error;
        QVERIFY(store.open(&error));
        const QString id = QStringLiteral("20260107-000000-aaaa");
        QVERIFY(store.create(job(id, QStringLiteral("cancelled")), &error));
        addBatches(store, id, 2, 100);
        QVERIFY(QFile::exists(store.outputsPath(id)));
        QVERIFY(store.remove(id, &error));
        QVERIFY(!QFile::exists(store.outputsPath(id)));
        QCOMPARE(store.jobs().size(), 0);

        const QString stray = store.outputsPath(QStringLiteral("20260107-000001-gone"));
        QFile f(stray);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        QVERIFY(store.pruneFinished(QDateTime(), &error).isEmpty());
        QVERIFY(!QFile::exists(stray));
    }

    // The cap drops the oldest finished jobs first, those that keep their results last, and
    // never a running job.
    void theCapPrunesTheOldestFinishedJobsFirst()
    {
        JobStore store(m_dir.filePath(QStringLiteral("cap.db")));
        QString error;
        QVERIFY(store.open(&error));
        const QStringList ids{"20260103-000000-keep", "20260103-000001-old", "20260103-000002-mid",
                              "20260103-000003-run", "20260103-000004-new"};
        for (const QString &id : ids) {
            JobRecord j = job(id,
                              id.endsWith(QLatin1String("run")) ? QStringLiteral("running")
                                                                : QStringLiteral("cancelled"),
                              id.endsWith(QLatin1String("keep")));
            j.spec.insert("pid", double(QCoreApplication::applicationPid())); // alive: running stays running
            QVERIFY(store.create(j, &error));
            addBatches(store, id, 4, 256 * 1024); // about 1 MiB each
            QTest::qWait(5);                      // distinct creation times
        }
        const qint64 used = store.fileBytes();
        QVERIFY(store.enforceLimit(used + 1, &error).isEmpty()); // under the cap: nothing
        // Room for a bit more than two jobs' results: at least three must go.
        const QList<JobRecord> dropped = store.enforceLimit(used - 2 * 1024 * 1024 - 512 * 1024, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QStringList droppedIds;
        for (const JobRecord &j : dropped) {
            droppedIds << j.id;
            QVERIFY(!QFile::exists(store.outputsPath(j.id)));
        }
        QCOMPARE(droppedIds,
                 (QStringList{"20260103-000001-old", "20260103-000002-mid", "20260103-000004-new"}));
        QVERIFY(store.fileBytes() <= used - 2 * 1024 * 1024 - 512 * 1024);
        JobRecord found;
        QVERIFY(store.find(QStringLiteral("20260103-000003-run"), &found, &error));
        QVERIFY(found.hasStoredResults());
        QVERIFY(store.find(QStringLiteral("20260103-000000-keep"), &found, &error));
        QVERIFY(found.hasStoredResults());
        // Tighter still: the kept job goes too, the running one never; `except` is spared.
        QVERIFY(store.enforceLimit(0, &error, QStringLiteral("20260103-000000-keep")).isEmpty());
        QCOMPARE(store.enforceLimit(0, &error).size(), 1);
        QVERIFY(store.find(QStringLiteral("20260103-000000-keep"), &found, &error));
        QVERIFY(!found.hasStoredResults());
        QVERIFY(store.find(QStringLiteral("20260103-000003-run"), &found, &error));
        QVERIFY(found.hasStoredResults());
        QVERIFY(QFile::exists(store.outputsPath(found.id)));
    }

    void pruneFinishedByAge()
    {
        JobStore store(m_dir.filePath(QStringLiteral("age.db")));
        QString error;
        QVERIFY(store.open(&error));
        for (const char *id : {"20260104-000000-aaaa", "20260104-000001-bbbb"}) {
            QVERIFY(store.create(job(QLatin1String(id), QStringLiteral("completed")), &error));
            addBatches(store, QLatin1String(id), 2, 1000);
        }
        QVERIFY(store.pruneFinished(QDateTime::currentDateTime().addDays(-1), &error).isEmpty());
        QCOMPARE(store.pruneFinished(QDateTime(), &error).size(), 2);
        QVERIFY(store.pruneFinished(QDateTime(), &error).isEmpty()); // nothing left to drop
        QVERIFY(!QFile::exists(store.outputsPath(QStringLiteral("20260104-000000-aaaa"))));
    }
};

QTEST_GUILESS_MAIN(TestJobStore)
#include "tst_jobstore.moc"
