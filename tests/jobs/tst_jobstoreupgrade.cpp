// SPDX-License-Identifier: GPL-3.0-or-later
// The job store's upgrade of the older layouts, which kept each batch's outputs in a BLOB column:
// SDK 1 (one CBOR value per output) and SDK 2 before the output files (a TableCodec blob).
#include "JobStoreTestHelpers.h"
#include "util/TableCodec.h"

#include <QCborArray>
#include <QCborValue>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace fastmap;
using namespace fastmap::storetest;

namespace {

// Runs `statements` on the SQLite file at `path` through a connection of its own, binding
// `blobs` in turn to their placeholders.
bool execute(const QString &path, const QStringList &statements, const QList<QByteArray> &blobs = {})
{
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
        db.setDatabaseName(path);
        ok = db.open();
        QSqlQuery q(db);
        int blob = 0;
        for (const QString &sql : statements) {
            q.prepare(sql);
            for (int i = 0; i < sql.count(QLatin1Char('?')); ++i)
                q.addBindValue(blobs.value(blob++));
            ok = ok && q.exec();
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("raw"));
    return ok;
}

QVariant scalar(const QString &path, const QString &sql)
{
    QVariant value;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(sql) && q.next())
                value = q.value(0);
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("raw"));
    return value;
}

const QString kSdk1Tables[] = {
    "CREATE TABLE jobs (id TEXT PRIMARY KEY, created INTEGER NOT NULL, updated INTEGER NOT NULL, "
    "state TEXT NOT NULL, spec TEXT NOT NULL, summary TEXT NOT NULL DEFAULT '{}')",
    "CREATE TABLE batches (job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE, "
    "seq INTEGER NOT NULL, first_row INTEGER NOT NULL, rows INTEGER NOT NULL, executor TEXT NOT NULL, "
    "start_ns INTEGER NOT NULL, duration_ns INTEGER NOT NULL, bytes_in INTEGER NOT NULL, "
    "bytes_out INTEGER NOT NULL, failures INTEGER NOT NULL, outputs BLOB NOT NULL, "
    "PRIMARY KEY (job_id, first_row))",
};

} // namespace

class TestJobStoreUpgrade : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    // A store written before SDK 2: its failures survive in the new form, its per-value CBOR
    // outputs go with their column, and auto-vacuum is on afterwards.
    void anSdk1StoreIsUpgraded()
    {
        const QString path = m_dir.filePath(QStringLiteral("sdk1.db"));
        const QByteArray old =
            QCborValue(QCborArray{QCborArray{QCborArray{1.5}, QCborValue(QCborValue::Null)},
                                  QCborArray{QCborArray{1, QStringLiteral("it broke")}}})
                .toCbor();
        QVERIFY(execute(path,
                        {kSdk1Tables[0], kSdk1Tables[1],
                         "INSERT INTO jobs VALUES ('old', 1, 1, 'completed', '{}', '{}')",
                         "INSERT INTO batches VALUES ('old', 0, 0, 2, 'local', 0, 0, 9, 9, 1, ?)"},
                        {old}));
        JobStore store(path);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        JobRecord found;
        QVERIFY(store.find(QStringLiteral("old"), &found, &error));
        QVERIFY(!found.hasStoredResults());
        QCOMPARE(found.elements, 2);
        QStringList errors;
        store.forEachBatch(found.id, [&](const StoredBatch &b) {
            JobStore::decodeErrors(b.errors,
                                   [&](int r, const QString &m) { errors << QString::number(r) + m; });
            return true;
        });
        QCOMPARE(errors, QStringList{"1it broke"});
        QCOMPARE(scalar(path, "PRAGMA auto_vacuum").toInt(),
                 1); // full: a removal gives its space back at once
        QCOMPARE(scalar(path, "PRAGMA user_version").toInt(), 3);
        QCOMPARE(
            scalar(path, "SELECT COUNT(*) FROM pragma_table_info('batches') WHERE name = 'outputs'").toInt(),
            0);
        QVERIFY(!QFile::exists(store.outputsPath(QStringLiteral("old"))));
        JobStore again(path); // opening an upgraded store changes nothing
        QVERIFY(again.open(&error));
        QVERIFY(again.find(QStringLiteral("old"), &found, &error));
        QCOMPARE(found.failed, 1);
    }

    // A store of SDK 2 from before the output files: its TableCodec blobs move to the files as
    // they are (an interrupted job of then still resumes), a dropped job stays dropped, and
    // jobs.db shrinks.
    void aStoreWithOutputBlobsIsUpgraded()
    {
        const QString path = m_dir.filePath(QStringLiteral("blobs.db"));
        const QByteArray first = TableCodec::encode(numbers({1, 2, 3, 4}));
        const QByteArray second = TableCodec::encode(numbers({5, 6, 7, 8}, 1));
        const QByteArray big = randomBytes(2 * 1024 * 1024);
        const QByteArray errors = JobStore::encodeErrors(numbers({5, 6, 7, 8}, 1));
        QVERIFY(execute(
            path,
            {"PRAGMA auto_vacuum=FULL", kSdk1Tables[0], kSdk1Tables[1],
             "ALTER TABLE batches ADD COLUMN errors BLOB",
             "ALTER TABLE batches ADD COLUMN input_hash INTEGER",
             "ALTER TABLE jobs ADD COLUMN results_dropped INTEGER NOT NULL DEFAULT 0",
             "PRAGMA user_version=2", "INSERT INTO jobs VALUES ('kept', 1, 1, 'interrupted', '{}', '{}', 0)",
             "INSERT INTO jobs VALUES ('dropped', 2, 2, 'completed', '{}', '{}', 5)",
             "INSERT INTO batches VALUES ('kept', 0, 0, 4, 'local', 0, 0, 9, 9, 0, ?, NULL, 11)",
             "INSERT INTO batches VALUES ('kept', 1, 4, 4, 'local', 0, 0, 9, 9, 1, ?, ?, 12)",
             "INSERT INTO batches VALUES ('kept', 2, 8, 4, 'local', 0, 0, 9, 9, 0, ?, NULL, 13)",
             "INSERT INTO batches VALUES ('dropped', 0, 0, 4, 'local', 0, 0, 9, 9, 0, X'', NULL, 14)"},
            {first, second, errors, big}));
        QVERIFY(QFileInfo(path).size() > 2 * 1024 * 1024);
        JobStore store(path);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        qint64 storedRows = 0;
        QCOMPARE(store.batchPlan(QStringLiteral("kept"), &storedRows).size(), 3);
        QCOMPARE(storedRows, 12);
        QByteArray outputs;
        QVERIFY(store.readBatchOutputs(QStringLiteral("kept"), 4, &outputs));
        QCOMPARE(outputs, second);
        BatchOutput decoded;
        QVERIFY(TableCodec::decode(outputs, {ColumnType::Float64}, 4, &decoded, &error));
        QCOMPARE(decoded.values().doubles(0)[3], 8.0);
        QVERIFY(store.readBatchOutputs(QStringLiteral("kept"), 8, &outputs));
        QCOMPARE(outputs, big);
        QCOMPARE(store.inputHashes(QStringLiteral("kept")).value(4), 12);
        QCOMPARE(QFileInfo(store.outputsPath(QStringLiteral("kept"))).size(),
                 first.size() + second.size() + big.size());
        JobRecord found;
        QVERIFY(store.find(QStringLiteral("kept"), &found, &error));
        QVERIFY(found.hasStoredResults());
        QCOMPARE(found.failed, 1);
        QCOMPARE(found.storedBytes, first.size() + second.size() + big.size());
        QVERIFY(store.find(QStringLiteral("dropped"), &found, &error));
        QVERIFY(!found.hasStoredResults());
        QVERIFY(!QFile::exists(store.outputsPath(QStringLiteral("dropped"))));
        QCOMPARE(scalar(path, "PRAGMA user_version").toInt(), 3);
        QCOMPARE(
            scalar(path, "SELECT COUNT(*) FROM pragma_table_info('batches') WHERE name = 'outputs'").toInt(),
            0);
        QVERIFY2(databaseBytes(path) < 256 * 1024, qPrintable(QString::number(databaseBytes(path))));
        JobStore again(path); // opening an upgraded store changes nothing
        QVERIFY(again.open(&error));
        QVERIFY(again.readBatchOutputs(QStringLiteral("kept"), 0, &outputs));
        QCOMPARE(outputs, first);
    }
};

QTEST_GUILESS_MAIN(TestJobStoreUpgrade)
#include "tst_jobstoreupgrade.moc"
