// SPDX-License-Identifier: GPL-3.0-or-later
// A result file on a disk that fills up (issue #11): the writer reports errno's reason with the
// path ("No space left on device", not "Unknown error"), cuts the torn batch off, so the file (and
// the .partial it becomes) ends at a whole row, and rowsWritten() is the number of rows in it.
// Driven through the writer's fault seam at every kind of place: in the header, on a batch
// boundary, inside a row.
#include "WriterTestUtils.h"

#include <QTemporaryDir>
#include <QTest>

#include <cerrno>

using namespace fastmap;
using namespace fastmap::test;

namespace {

const QStringList datasetColumns{"x", "label"};
const QStringList outputColumns{"value", "text"};
const std::vector<ColumnType> types{ColumnType::Float64, ColumnType::Text};

QList<BatchResult> batches()
{
    QList<BatchResult> results;
    qint64 row = 0;
    for (int b = 0; b < 20; ++b) {
        QList<QVariantList> outputs;
        QMap<int, QString> errors;
        const int rows = 1 + (b * 7) % 13;
        for (int r = 0; r < rows; ++r)
            outputs.append(
                {double(row + r) / 3.0, QStringLiteral("row %1, \"quoted\"\nand two lines").arg(row + r)});
        if (b % 5 == 2)
            errors.insert(0, QStringLiteral("failed, with a comma"));
        results << makeResult(b, row, {}, types, outputs, errors);
        row += rows;
    }
    return results;
}

struct Written
{
    QByteArray bytes;
    QList<qint64> ends; // file size after the header, then after each batch
    QList<qint64> rows; // rows in the file at each of those ends
};

} // namespace

class TestWriterFaults : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    // The whole file, written without a fault, and where each batch ends in it.
    Written reference(ResultFormat format)
    {
        Written w;
        const QString path = m_dir.filePath(QStringLiteral("reference"));
        auto writer = ResultWriter::create(format, path, {});
        QString error;
        if (!writer->begin(datasetColumns, outputColumns, &error))
            qFatal("begin: %s", qPrintable(error));
        w.rows << 0;
        QList<BatchResult> results = batches();
        qint64 rows = 0;
        for (BatchResult &r : results) {
            writer->prepare(r);
            if (!writer->consume(r, &error))
                qFatal("consume: %s", qPrintable(error));
            rows += r.output.rowCount();
            w.rows << rows;
        }
        if (!writer->finish(true, &error))
            qFatal("finish: %s", qPrintable(error));
        w.bytes = readFile(path);
        // The header is what the batches' own bytes leave.
        qint64 at = w.bytes.size();
        for (const BatchResult &r : results)
            at -= r.encoded.size();
        w.ends << at;
        for (const BatchResult &r : results) {
            at += r.encoded.size();
            w.ends << at;
        }
        return w;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void fullDiskEndsAtAWholeRow_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<int>("error");
        QTest::addColumn<QString>("reason");
        QTest::newRow("csv ENOSPC") << int(ResultFormat::Csv) << ENOSPC
                                    << QStringLiteral("No space left on device");
        QTest::newRow("jsonl ENOSPC")
            << int(ResultFormat::JsonLines) << ENOSPC << QStringLiteral("No space left on device");
        QTest::newRow("csv EDQUOT") << int(ResultFormat::Csv) << EDQUOT
                                    << QStringLiteral("Disk quota exceeded");
        QTest::newRow("csv EIO") << int(ResultFormat::Csv) << EIO << QStringLiteral("Input/output error");
    }
    void fullDiskEndsAtAWholeRow()
    {
        QFETCH(int, format);
        QFETCH(int, error);
        QFETCH(QString, reason);
        const Written full = reference(ResultFormat(format));
        QVERIFY(full.bytes.size() > 1000);
        // Every limit from inside the header (JSON Lines has none) to past the end.
        for (qint64 limit = 0; limit <= full.bytes.size() + 1; limit += (limit < 200 ? 1 : 97)) {
            const QString path = m_dir.filePath(QStringLiteral("out-%1").arg(limit));
            auto writer = ResultWriter::create(ResultFormat(format), path, {});
            writer->failWritesAfter(limit, error);
            QString message;
            bool ok = writer->begin(datasetColumns, outputColumns, &message);
            QList<BatchResult> results = batches();
            for (int b = 0; ok && b < results.size(); ++b) {
                writer->prepare(results[b]);
                ok = writer->consume(results[b], &message);
            }
            const bool finished = writer->finish(ok, &message);
            if (limit >= full.bytes.size()) {
                QVERIFY2(ok && finished, qPrintable(message));
                QCOMPARE(readFile(path), full.bytes);
                continue;
            }
            QVERIFY2(!ok, qPrintable(QStringLiteral("limit %1: every write succeeded").arg(limit)));
            QVERIFY2(finished, qPrintable(message));
            QCOMPARE(message, QStringLiteral("cannot write %1: %2").arg(path, reason));
            QCOMPARE(writer->finalPath(), path + QStringLiteral(".partial"));
            // The last whole batch that fits, and nothing of the one that did not.
            qsizetype last = -1;
            for (qsizetype i = 0; i < full.ends.size() && full.ends[i] <= limit; ++i)
                last = i;
            const QByteArray partial = readFile(path + QStringLiteral(".partial"));
            const qint64 expectedBytes = last < 0 ? 0 : full.ends[last];
            QVERIFY2(partial == full.bytes.left(expectedBytes),
                     qPrintable(QStringLiteral("limit %1: %2 bytes, expected %3")
                                    .arg(limit)
                                    .arg(partial.size())
                                    .arg(expectedBytes)));
            QCOMPARE(writer->rowsWritten(), last < 0 ? 0 : full.rows[last]);
            QVERIFY(partial.isEmpty() || partial.endsWith('\n'));
            QFile::remove(path + QStringLiteral(".partial"));
        }
    }
};

QTEST_GUILESS_MAIN(TestWriterFaults)
#include "tst_writerfaults.moc"
