// SPDX-License-Identifier: GPL-3.0-or-later
// The result cache, the dataset fingerprint and the archive writer, each on its own (the job
// store: tst_jobstore and tst_jobstoreupgrade).
#include "jobs/ArchiveWriter.h"
#include "jobs/DatasetFingerprint.h"
#include "jobs/ResultCache.h"

#include <QCryptographicHash>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <archive.h>
#include <archive_entry.h>

using namespace fastmap;

namespace {

// One Int64 column.
Table integers(std::initializer_list<qint64> values)
{
    Table t({ColumnType::Int64}, int(values.size()));
    int r = 0;
    for (qint64 v : values)
        t.integers(0)[std::size_t(r++)] = v;
    return t;
}

BatchOutput numbers(std::initializer_list<double> values, int failRow = -1)
{
    BatchOutput out({ColumnType::Float64}, int(values.size()));
    int r = 0;
    for (double v : values)
        out.values().doubles(0)[std::size_t(r++)] = v;
    if (failRow >= 0)
        out.fail(failRow, QStringLiteral("broken"));
    return out;
}

std::vector<CacheKey> keysOf(const QByteArray &prefix, const Table &inputs)
{
    std::vector<CacheKey> keys;
    ResultCache::elementKeys(prefix, inputs, &keys);
    return keys;
}

QByteArray randomBytes(int size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    QRandomGenerator rng{quint32(size)};
    for (char &c : bytes)
        c = char(rng.bounded(256));
    return bytes;
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
    void cacheHitsMissesAndRefresh()
    {
        ResultCache cache(m_dir.filePath(QStringLiteral("cache.db")));
        QString error;
        QVERIFY2(cache.open(&error), qPrintable(error));
        const QByteArray prefix = ResultCache::keyPrefix("f.g", "1.0.0", "abc", {{"n", 3}});
        QCOMPARE(prefix.size(), 32); // hashed once per job
        const Table inputs = integers({1, 2, 3});
        const std::vector<CacheKey> keys = keysOf(prefix, inputs);
        for (int r = 0; r < 3; ++r) { // row by row, the same keys
            QCOMPARE(ResultCache::elementKey(prefix, inputs, r).id, keys[std::size_t(r)].id);
            QCOMPARE(ResultCache::elementKey(prefix, inputs, r).tag, keys[std::size_t(r)].tag);
        }
        const std::vector<ColumnType> types{ColumnType::Float64};
        cache.store(keys, numbers({10, 20, 30}, 2), {1, 1, 1}); // the third failed
        BatchOutput out(types, 3);
        std::vector<char> found;
        QCOMPARE(cache.lookup(keys, types, &out, &found), 2);
        QCOMPARE(found, (std::vector<char>{1, 1, 0})); // failures are not cached
        QCOMPARE(out.values().doubles(0)[1], 20.0);
        QCOMPARE(cache.entries(), 2);

        // Another plugin build, version or parameter: a different key, so a miss.
        for (const QByteArray &other : {ResultCache::keyPrefix("f.g", "1.0.0", "abd", {{"n", 3}}),
                                        ResultCache::keyPrefix("f.g", "1.0.1", "abc", {{"n", 3}}),
                                        ResultCache::keyPrefix("f.g", "1.0.0", "abc", {{"n", 4}})}) {
            BatchOutput miss(types, 3);
            QCOMPARE(cache.lookup(keysOf(other, inputs), types, &miss, &found), 0);
        }
        // Parameters in another order are the same parameters.
        QCOMPARE(ResultCache::keyPrefix("f", "1", "h", {{"a", 1}, {"b", 2}}), ResultCache::keyPrefix("f", "1", "h", {{"b", 2}, {"a", 1}}));
        // Other output types than stored: refused, not misread.
        BatchOutput wrongTypes({ColumnType::Int64}, 3);
        QCOMPARE(cache.lookup(keys, {ColumnType::Int64}, &wrongTypes, &found), 0);

        // Refresh overwrites.
        cache.store(keys, numbers({11, 21, 31}), {1, 1, 1});
        QCOMPARE(cache.lookup(keys, types, &out, &found), 3);
        QCOMPARE(out.values().doubles(0)[0], 11.0);
        QVERIFY(cache.sizeBytes() > 0);
        QVERIFY(cache.clear(&error));
        QCOMPARE(cache.entries(), 0);
    }

    // Every input and output type, nulls, a repeated element, more rows than one statement takes.
    void cacheKeepsEveryTypeOverManyChunks()
    {
        ResultCache cache(m_dir.filePath(QStringLiteral("types.db")));
        QString error;
        QVERIFY(cache.open(&error));
        const int rows = 3 * ResultCache::kChunkRows + 17;
        Table inputs({ColumnType::Float64, ColumnType::Text, ColumnType::Bool}, rows);
        const std::vector<ColumnType> types{ColumnType::Float64, ColumnType::Int64, ColumnType::Bool, ColumnType::Text};
        BatchOutput computed(types, rows);
        for (int r = 0; r < rows; ++r) {
            const auto i = std::size_t(r);
            inputs.doubles(0)[i] = r % 100 == 7 ? 3.5 : r * 0.25; // a repeated element now and then
            inputs.setText(1, r, r % 100 == 7 ? QStringLiteral("same") : QString::number(r));
            inputs.bools(2)[i] = r % 2;
            computed.values().doubles(0)[i] = r * 1.5;
            computed.values().integers(1)[i] = -qint64(r) << 40;
            computed.values().bools(2)[i] = r % 3 == 0;
            computed.values().setText(3, r, QStringLiteral("été %1").arg(r));
            if (r % 10 == 3)
                computed.values().setNull(3, r);
        }
        const QByteArray prefix = ResultCache::keyPrefix("f", "1", "h", {});
        const std::vector<CacheKey> keys = keysOf(prefix, inputs);
        std::vector<char> all(std::size_t(rows), 1);
        std::vector<char> half(std::size_t(rows), 0);
        for (int r = 0; r < rows; r += 2)
            half[std::size_t(r)] = 1;
        cache.store(keys, computed, half);
        BatchOutput out(types, rows);
        std::vector<char> found;
        const int hits = cache.lookup(keys, types, &out, &found);
        QVERIFY2(hits >= rows / 2 && hits < rows, qPrintable(QString::number(hits)));
        for (int r = 0; r < rows; ++r) {
            if (!found[std::size_t(r)]) {
                QVERIFY2(r % 2 == 1, qPrintable(QString::number(r)));
                continue;
            }
            if (r % 100 == 7)
                continue; // a repeated element: any of its rows' outputs
            QCOMPARE(out.values().doubles(0)[std::size_t(r)], r * 1.5);
            QCOMPARE(out.values().integers(1)[std::size_t(r)], -qint64(r) << 40);
            QCOMPARE(out.values().bools(2)[std::size_t(r)] != 0, r % 3 == 0);
            QCOMPARE(out.values().isNull(3, r), r % 10 == 3);
            if (r % 10 != 3)
                QCOMPARE(out.values().string(3, r), QStringLiteral("été %1").arg(r));
        }
        cache.store(keys, computed, all);
        BatchOutput again(types, rows);
        QCOMPARE(cache.lookup(keys, types, &again, &found), rows);

        // The next run reads them from the file, a chunk of keys per statement.
        cache.flush();
        ResultCache next(cache.path());
        QVERIFY(next.open(&error));
        BatchOutput fromFile(types, rows);
        QCOMPARE(next.lookup(keys, types, &fromFile, &found), rows);
        for (int r = 0; r < rows; r += 37) {
            if (r % 100 == 7)
                continue;
            QCOMPARE(fromFile.values().doubles(0)[std::size_t(r)], r * 1.5);
            QCOMPARE(fromFile.values().isNull(3, r), r % 10 == 3);
            if (r % 10 != 3)
                QCOMPARE(fromFile.values().string(3, r), QStringLiteral("été %1").arg(r));
        }
    }

    // A run of a job the cache has never seen looks only at what it stored itself; the next run
    // of the same job finds it all.
    void aColdJobLooksOnlyInMemory()
    {
        const QString path = m_dir.filePath(QStringLiteral("cold.db"));
        const QByteArray prefix = ResultCache::keyPrefix("f.cold", "1", "h", {});
        const std::vector<ColumnType> types{ColumnType::Float64};
        const Table first = integers({1, 2, 3});
        QString error;
        {
            ResultCache run(path);
            QVERIFY(run.open(&error));
            BatchOutput out(types, 3);
            std::vector<char> found;
            QCOMPARE(run.lookup(keysOf(prefix, first), types, &out, &found), 0);
            run.store(keysOf(prefix, first), numbers({1, 2, 3}), {1, 1, 1});
            run.flush();
            QCOMPARE(run.lookup(keysOf(prefix, first), types, &out, &found), 0); // in the file, not looked for
            run.store(keysOf(prefix, integers({4})), numbers({4}), {1});
            BatchOutput one(types, 1);
            QCOMPARE(run.lookup(keysOf(prefix, integers({4})), types, &one, &found), 1); // in memory
            QCOMPARE(one.values().doubles(0)[0], 4.0);
        } // written on destruction
        ResultCache next(path);
        QVERIFY(next.open(&error));
        BatchOutput out(types, 4);
        std::vector<char> found;
        QCOMPARE(next.lookup(keysOf(prefix, integers({1, 2, 3, 4})), types, &out, &found), 4);
    }

    // Values that look alike are other elements: 0 and -0, 0 and null, "ab"+"c" and "a"+"bc".
    void keysTellLookAlikesApart()
    {
        const QByteArray prefix = ResultCache::keyPrefix("f", "1", "h", {});
        Table numbers({ColumnType::Float64}, 3);
        numbers.doubles(0)[1] = -0.0;
        numbers.setNull(0, 2);
        const std::vector<CacheKey> k = keysOf(prefix, numbers);
        QVERIFY(k[0].id != k[1].id && k[0].id != k[2].id && k[1].id != k[2].id);
        Table texts({ColumnType::Text, ColumnType::Text}, 2);
        texts.setText(0, 0, std::string_view("ab"));
        texts.setText(1, 0, std::string_view("c"));
        texts.setText(0, 1, std::string_view("a"));
        texts.setText(1, 1, std::string_view("bc"));
        const std::vector<CacheKey> t = keysOf(prefix, texts);
        QVERIFY(t[0].id != t[1].id);
        // The same values in a table of the same types with another buffer layout: the same key.
        Table copy({ColumnType::Text, ColumnType::Text}, 1);
        copy.setText(1, 0, std::string_view("c"));
        copy.setText(0, 0, std::string_view("ab"));
        QCOMPARE(keysOf(prefix, copy)[0].id, t[0].id);
        QCOMPARE(keysOf(prefix, copy)[0].tag, t[0].tag);
    }

    void cacheEvictsTheLeastRecentlyUsed()
    {
        const qint64 limit = 256 * 1024;
        ResultCache cache(m_dir.filePath(QStringLiteral("small.db")), limit);
        QString error;
        QVERIFY(cache.open(&error));
        const QByteArray prefix = ResultCache::keyPrefix("f.g", "1", "h", {});
        const std::vector<ColumnType> types{ColumnType::Text};
        std::vector<CacheKey> all;
        for (int i = 0; i < 40; ++i) { // 40 batches of 50 elements of 400 bytes: about 800 KiB
            Table inputs({ColumnType::Int64}, 50);
            BatchOutput out(types, 50);
            for (int r = 0; r < 50; ++r) {
                inputs.integers(0)[std::size_t(r)] = i * 50 + r;
                out.values().setText(0, r, std::string(400, 'x'));
            }
            const std::vector<CacheKey> keys = keysOf(prefix, inputs);
            cache.store(keys, out, std::vector<char>(50, 1));
            all.push_back(keys[0]);
            QTest::qWait(2); // distinct use times
        }
        BatchOutput out(types, 1);
        std::vector<char> found;
        QCOMPARE(cache.lookup({all.front()}, types, &out, &found), 1); // the oldest is now the most recent
        QVERIFY(cache.sizeBytes() > limit);
        cache.evict();
        QVERIFY2(cache.sizeBytes() <= limit, qPrintable(QString::number(cache.sizeBytes())));
        ResultCache next(cache.path(), limit); // the next run
        QVERIFY(next.open(&error));
        QCOMPARE(next.lookup({all.front()}, types, &out, &found), 1);
        QCOMPARE(next.lookup({all[1]}, types, &out, &found), 0);
        QCOMPARE(next.lookup({all.back()}, types, &out, &found), 1);
        QVERIFY2(QFileInfo(cache.path()).size() < 2 * limit, qPrintable(QString::number(QFileInfo(cache.path()).size()))); // the space went back to the file system
    }

    // Size and sampled blocks, without reading the whole file: what a change there looks like,
    // and the edit in between that it cannot see (JobRecorder's batch hashes catch that on resume).
    void theFingerprintSamplesBlocks()
    {
        const QString path = m_dir.filePath(QStringLiteral("big.csv"));
        const qint64 size = 3 * 1024 * 1024 + 123;
        const auto write = [&](const QByteArray &bytes) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QCOMPARE(f.write(bytes), bytes.size());
        };
        const QByteArray original = randomBytes(int(size));
        write(original);
        DatasetFingerprint base;
        QString error;
        QVERIFY2(DatasetFingerprint::of(path, &base, &error), qPrintable(error));
        QCOMPARE(base.size, size);
        QVERIFY(base.sha256.isEmpty());
        QCOMPARE(base.sampleSha256.size(), 64);
        QVERIFY(base.modified > 0);
        QCOMPARE(DatasetFingerprint::fromJson(base.toJson()).differenceFrom(base), QString());

        const auto changedAt = [&](qint64 offset) {
            QByteArray bytes = original;
            bytes[offset] = char(bytes[offset] ^ 1);
            write(bytes);
            DatasetFingerprint now;
            QString e;
            return DatasetFingerprint::of(path, &now, &e) ? now.differenceFrom(base) : e;
        };
        QVERIFY(changedAt(10).contains(QStringLiteral("content changed")));
        QVERIFY(changedAt(size - 10).contains(QStringLiteral("content changed")));
        const qint64 inner = size - 2 * DatasetFingerprint::kEdgeBytes;
        const qint64 block = DatasetFingerprint::kEdgeBytes
                             + (inner - DatasetFingerprint::kInnerBlockBytes) * 5 / (DatasetFingerprint::kInnerBlocks + 1);
        QVERIFY(changedAt(block + 100).contains(QStringLiteral("content changed")));
        QCOMPARE(changedAt(block + DatasetFingerprint::kInnerBlockBytes + 100), QString()); // between blocks
        write(original + "1\n");
        DatasetFingerprint appended;
        QVERIFY(DatasetFingerprint::of(path, &appended, &error));
        QVERIFY(appended.differenceFrom(base).contains(QStringLiteral("size changed")));

        // A small file is hashed whole: an edit anywhere shows.
        const QString small = m_dir.filePath(QStringLiteral("small.csv"));
        QFile f(small);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(original.left(500000));
        f.close();
        DatasetFingerprint whole;
        QVERIFY(DatasetFingerprint::of(small, &whole, &error));
        QCOMPARE(whole.sha256, QString::fromLatin1(QCryptographicHash::hash(original.left(500000), QCryptographicHash::Sha256).toHex()));
        QVERIFY(!DatasetFingerprint::of(m_dir.filePath(QStringLiteral("missing.csv")), &whole, &error));
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
