// SPDX-License-Identifier: GPL-3.0-or-later
// The job store, the result cache and the archive writer, each on its own.
#include "jobs/ArchiveWriter.h"
#include "jobs/JobStore.h"
#include "jobs/ResultCache.h"
#include "jobs/ResultCodec.h"

#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <archive.h>
#include <archive_entry.h>

using namespace fastmap;

namespace {

BatchOutput outputOf(std::initializer_list<QVariant> values, int failRow = -1)
{
    BatchOutput out(1, int(values.size()));
    int r = 0;
    for (const QVariant &v : values)
        out.values().set(r++, 0, v);
    if (failRow >= 0)
        out.fail(failRow, QStringLiteral("broken"));
    return out;
}

// Reads an archive back with libarchive: name -> contents.
QMap<QString, QByteArray> readArchive(const QString &path)
{
    QMap<QString, QByteArray> entries;
    archive *a = archive_read_new();
    archive_read_support_filter_all(a);
    archive_read_support_format_all(a);
    if (archive_read_open_filename(a, QFile::encodeName(path).constData(), 10240) != ARCHIVE_OK) {
        archive_read_free(a);
        return entries;
    }
    archive_entry *entry = nullptr;
    while (archive_read_next_header(a, &entry) == ARCHIVE_OK) {
        QByteArray data(qsizetype(archive_entry_size(entry)), Qt::Uninitialized);
        archive_read_data(a, data.data(), size_t(data.size()));
        entries.insert(QString::fromUtf8(archive_entry_pathname_utf8(entry)), data);
    }
    archive_read_free(a);
    return entries;
}

} // namespace

class TestJobStorage : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void codecKeepsTypesAndFailures()
    {
        BatchOutput out(2, 3);
        out.values().set(0, 0, 0.1);
        out.values().set(0, 1, QStringLiteral("x"));
        out.values().set(1, 0, qint64(1) << 60);
        out.values().set(1, 1, true);
        out.fail(2, QStringLiteral("nope"));
        BatchOutput back;
        QVERIFY(ResultCodec::decodeOutput(ResultCodec::encodeOutput(out), 3, 2, &back));
        QCOMPARE(back.values().at(0, 0).typeId(), int(QMetaType::Double));
        QCOMPARE(back.values().at(0, 0).toDouble(), 0.1);
        QCOMPARE(back.values().at(1, 0).toLongLong(), qint64(1) << 60);
        QCOMPARE(back.values().at(1, 1).toBool(), true);
        QVERIFY(back.failed(2));
        QCOMPARE(back.error(2), QStringLiteral("nope"));
        QVERIFY(!ResultCodec::decodeOutput(ResultCodec::encodeOutput(out), 4, 2, &back)); // wrong shape refused
    }

    void storeKeepsJobsAndTheirBatches()
    {
        JobStore store(m_dir.filePath(QStringLiteral("jobs.db")));
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        JobRecord a;
        a.id = QStringLiteral("20260101-000000-aaaa");
        a.state = QStringLiteral("running");
        a.spec = QJsonObject{{"function", "math.sqrt"}, {"input", "range:10"}, {"output", "/tmp/x.csv"}};
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
            batch.outputs = ResultCodec::encodeOutput(BatchOutput(1, batch.rows));
            QVERIFY(store.appendBatch(a.id, batch, &error));
        }
        qint64 storedRows = 0;
        const QMap<qint64, int> plan = store.batchPlan(a.id, &storedRows);
        QCOMPARE(storedRows, 10);
        QCOMPARE(plan.value(4), 4);
        QCOMPARE(plan.value(8), 2);
        JobRecord found;
        QVERIFY(store.find(QStringLiteral("20260101-000000"), &found, &error));
        QCOMPARE(found.id, a.id);
        QCOMPARE(found.elements, 10);
        QCOMPARE(found.failed, 1);
        QVERIFY(!store.find(QStringLiteral("20260101"), &found, &error)); // ambiguous
        QVERIFY(error.contains(QStringLiteral("several")));
        QVERIFY(!store.find(QStringLiteral("nope"), &found, &error));
        QCOMPARE(store.jobs().first().id, b.id); // newest first
        QVERIFY(store.setState(a.id, QStringLiteral("completed"), QJsonObject{{"seconds", 1.5}}, &error));
        QVERIFY(store.find(a.id, &found, &error));
        QCOMPARE(found.state, QStringLiteral("completed"));
        QCOMPARE(found.summary.value("seconds").toDouble(), 1.5);
        QVERIFY(store.remove(a.id, &error));
        QCOMPARE(store.jobs().size(), 1);
        QCOMPARE(store.batchPlan(a.id, &storedRows).size(), 0);
    }

    void cacheHitsMissesAndRefresh()
    {
        ResultCache cache(m_dir.filePath(QStringLiteral("cache.db")));
        QString error;
        QVERIFY2(cache.open(&error), qPrintable(error));
        const QByteArray prefix = ResultCache::keyPrefix("f.g", "1.0.0", "abc", {{"n", 3}});
        const QVariant inputs[] = {QVariant(qint64(1)), QVariant(qint64(2)), QVariant(qint64(3))};
        std::vector<QByteArray> keys;
        for (const QVariant &v : inputs)
            keys.push_back(ResultCache::elementKey(prefix, &v, 1));
        BatchOutput computed = outputOf({10, 20, 30}, 2); // the third failed
        cache.store(keys, computed, {1, 1, 1});
        BatchOutput out(1, 3);
        std::vector<char> found;
        QCOMPARE(cache.lookup(keys, 1, &out, &found), 2);
        QCOMPARE(found, (std::vector<char>{1, 1, 0})); // failures are not cached
        QCOMPARE(out.values().at(1, 0).toInt(), 20);
        QCOMPARE(cache.entries(), 2);

        // Another plugin build, version or parameter: a different key, so a miss.
        for (const QByteArray &other : {ResultCache::keyPrefix("f.g", "1.0.0", "abd", {{"n", 3}}),
                                        ResultCache::keyPrefix("f.g", "1.0.1", "abc", {{"n", 3}}),
                                        ResultCache::keyPrefix("f.g", "1.0.0", "abc", {{"n", 4}})}) {
            const std::vector<QByteArray> otherKeys{ResultCache::elementKey(other, &inputs[0], 1)};
            BatchOutput miss(1, 1);
            QCOMPARE(cache.lookup(otherKeys, 1, &miss, &found), 0);
        }
        // Parameters in another order are the same parameters.
        QCOMPARE(ResultCache::keyPrefix("f", "1", "h", {{"a", 1}, {"b", 2}}), ResultCache::keyPrefix("f", "1", "h", {{"b", 2}, {"a", 1}}));

        // Refresh overwrites.
        cache.store(keys, outputOf({11, 21, 31}), {1, 1, 1});
        QCOMPARE(cache.lookup(keys, 1, &out, &found), 3);
        QCOMPARE(out.values().at(0, 0).toInt(), 11);
        QVERIFY(cache.sizeBytes() > 0);
        QVERIFY(cache.clear(&error));
        QCOMPARE(cache.entries(), 0);
    }

    void cacheEvictsTheLeastRecentlyUsed()
    {
        ResultCache cache(m_dir.filePath(QStringLiteral("small.db")), 2000);
        QString error;
        QVERIFY(cache.open(&error));
        const QByteArray prefix = ResultCache::keyPrefix("f.g", "1", "h", {});
        std::vector<QByteArray> all;
        for (int i = 0; i < 40; ++i) {
            const QVariant v = QVariant::fromValue(qint64(i));
            const std::vector<QByteArray> key{ResultCache::elementKey(prefix, &v, 1)};
            cache.store(key, outputOf({QString(40, QLatin1Char('x'))}), {1});
            all.push_back(key[0]);
            QTest::qWait(2); // distinct use times
        }
        BatchOutput out(1, 1);
        std::vector<char> found;
        QCOMPARE(cache.lookup({all.front()}, 1, &out, &found), 1); // the oldest is now the most recent
        cache.evict();
        QVERIFY2(cache.sizeBytes() <= 2000, qPrintable(QString::number(cache.sizeBytes())));
        QCOMPARE(cache.lookup({all.front()}, 1, &out, &found), 1);
        QCOMPARE(cache.lookup({all[1]}, 1, &out, &found), 0);
        QCOMPARE(cache.lookup({all.back()}, 1, &out, &found), 1);
    }

    void archivesReadBack_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("zip") << "bundle.zip";
        QTest::newRow("tar.zst") << "bundle.tar.zst";
    }

    void archivesReadBack()
    {
        QFETCH(QString, name);
        const QString path = m_dir.filePath(name);
        ArchiveWriter writer;
        QString error;
        QVERIFY2(writer.open(path, &error), qPrintable(error));
        QVERIFY(writer.add(QStringLiteral("job/results.csv"), "a,b\r\n1,2\r\n", &error));
        QVERIFY(writer.add(QStringLiteral("job/empty.csv"), QByteArray(), &error));
        QVERIFY(!writer.add(QStringLiteral("../evil"), "x", &error));
        QVERIFY(error.contains(QStringLiteral("..")));
        QVERIFY(!writer.add(QStringLiteral("/etc/passwd"), "x", &error));
        QVERIFY(writer.close(&error));
        const QMap<QString, QByteArray> entries = readArchive(path);
        QCOMPARE(entries.keys(), (QStringList{"job/empty.csv", "job/results.csv"}));
        QCOMPARE(entries.value("job/results.csv"), QByteArray("a,b\r\n1,2\r\n"));
        // And the system's own tools agree.
        QProcess tool;
        if (name.endsWith(QLatin1String(".zip")))
            tool.start(QStringLiteral("unzip"), {"-t", path});
        else
            tool.start(QStringLiteral("tar"), {"--zstd", "-tf", path});
        if (!tool.waitForStarted(5000))
            QSKIP("unzip or tar with zstd is not installed");
        QVERIFY(tool.waitForFinished(30000));
        QCOMPARE(tool.exitCode(), 0);
    }

    void unsafeNamesAndFormats()
    {
        for (const char *bad : {"", "/abs", "a/../b", "..", "a//b", "a\\b", "./a"})
            QVERIFY2(!ArchiveWriter::isSafeEntryName(QLatin1String(bad)), bad);
        QVERIFY(ArchiveWriter::isSafeEntryName(QStringLiteral("fastmap-job-1/manifest.json")));
        ArchiveWriter writer;
        QString error;
        QVERIFY(!writer.open(m_dir.filePath(QStringLiteral("x.rar")), &error));
        QVERIFY(error.contains(QStringLiteral(".zip")));
        QVERIFY(!writer.open(QStringLiteral("/nonexistent/dir/x.zip"), &error));
    }
};

QTEST_GUILESS_MAIN(TestJobStorage)
#include "tst_jobstorage.moc"
