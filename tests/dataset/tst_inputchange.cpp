// SPDX-License-Identifier: GPL-3.0-or-later
// A file that shrinks, grows, is rewritten or is replaced while a reader is in the middle of it
// (issue #11): the end of reading is an error naming the file and what changed, never a clean
// end, and reading a truncated file never crashes.
#include "ReaderTestUtil.h"

#include <QTest>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace fastmap;
using namespace fastmap::test;

namespace {

QByteArray rows(DatasetFormat format, int count)
{
    QByteArray bytes;
    if (format == DatasetFormat::Csv)
        bytes += "x,label\n";
    for (int i = 0; i < count; ++i) {
        switch (format) {
        case DatasetFormat::Csv:
            bytes += QByteArray::number(i) + ",row number " + QByteArray::number(i) + "\n";
            break;
        case DatasetFormat::JsonLines:
            bytes += "{\"x\": " + QByteArray::number(i) + ", \"label\": \"row number " +
                     QByteArray::number(i) + "\"}\n";
            break;
        default: bytes += "row number " + QByteArray::number(i) + "\n"; break;
        }
    }
    return bytes;
}

QString fileName(DatasetFormat format)
{
    switch (format) {
    case DatasetFormat::Csv: return QStringLiteral("data.csv");
    case DatasetFormat::JsonLines: return QStringLiteral("data.jsonl");
    default: return QStringLiteral("data.txt");
    }
}

struct Outcome
{
    qint64 rows = 0;
    bool failed = false;
    InputError error;
};

// Reads up to `before` rows, calls `change`, then reads to the end.
template <typename Change> Outcome readAround(DatasetReader &reader, qint64 before, Change change)
{
    Outcome outcome;
    RecordBlock block;
    bool changed = false;
    for (int calls = 0; calls < 1000000; ++calls) {
        if (!changed && outcome.rows >= before) {
            change();
            changed = true;
        }
        const int got = reader.readRecords(block, 37);
        if (got < 0) {
            outcome.failed = true;
            outcome.error = reader.error();
            return outcome;
        }
        if (got == 0)
            break;
        outcome.rows += got;
    }
    if (!changed)
        change();
    return outcome;
}

void setModified(const QString &path, qint64 secondsFromNow)
{
    struct timespec times[2];
    times[0].tv_sec = time(nullptr) + secondsFromNow;
    times[0].tv_nsec = 0;
    times[1] = times[0];
    QVERIFY(::utimensat(AT_FDCWD, QFile::encodeName(path).constData(), times, 0) == 0);
}

} // namespace

class TestInputChange : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    static void addFormats()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<int>("chunk");
        for (const int chunk : {64, 1000, 64 * 1024}) {
            QTest::addRow("csv/%d", chunk) << int(DatasetFormat::Csv) << chunk;
            QTest::addRow("jsonl/%d", chunk) << int(DatasetFormat::JsonLines) << chunk;
            QTest::addRow("text/%d", chunk) << int(DatasetFormat::Text) << chunk;
        }
    }

    QString write(DatasetFormat format, int count, QByteArray *bytes = nullptr)
    {
        const QByteArray content = rows(format, count);
        if (bytes)
            *bytes = content;
        return writeFile(m_dir, fileName(format), content);
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void unchangedFileEndsCleanly_data() { addFormats(); }
    void unchangedFileEndsCleanly()
    {
        QFETCH(int, format);
        QFETCH(int, chunk);
        const QString path = write(DatasetFormat(format), 5000);
        InputError error;
        const auto reader = Dataset::open(path, &error, withChunk(chunk));
        QVERIFY2(reader, qPrintable(error.toString()));
        const Outcome outcome = readAround(*reader, 100, [] {});
        QVERIFY2(!outcome.failed, qPrintable(outcome.error.toString()));
        QCOMPARE(outcome.rows, 5000);
    }

    // The probe's case: `truncate -s 20000` in the middle of the run.
    void truncatedFileIsAnInputError_data() { addFormats(); }
    void truncatedFileIsAnInputError()
    {
        QFETCH(int, format);
        QFETCH(int, chunk);
        QByteArray bytes;
        const QString path = write(DatasetFormat(format), 5000, &bytes);
        InputError error;
        const auto reader = Dataset::open(path, &error, withChunk(chunk));
        QVERIFY2(reader, qPrintable(error.toString()));
        // 20000 bytes cut a record in two, so a torn last record must not be handed out either.
        const Outcome outcome = readAround(*reader, 200, [&] { QVERIFY(QFile::resize(path, 20000)); });
        QVERIFY2(outcome.failed, "a truncated file was read to a clean end");
        QCOMPARE(outcome.error.file, path);
        const QString expected =
            QStringLiteral("changed while it was read: it was %1 bytes at the start and is 20000 now; "
                           "the results are incomplete")
                .arg(bytes.size());
        QCOMPARE(outcome.error.message, expected);
        QVERIFY(outcome.error.toString().startsWith(path + QStringLiteral(": changed while it was read")));
        QVERIFY(outcome.rows >= 200);
        QVERIFY(outcome.rows < 5000);
    }

    // Truncated to nothing, and even below what has been read: the reads end, the process lives.
    void truncatedToZeroNeverCrashes()
    {
        QByteArray bytes;
        const QString path = write(DatasetFormat::Csv, 20000, &bytes);
        InputError error;
        const auto reader = Dataset::open(path, &error, withChunk(4096));
        QVERIFY(reader);
        const Outcome outcome = readAround(
            *reader, 3000, [&] { QCOMPARE(::truncate(QFile::encodeName(path).constData(), 0), 0); });
        QVERIFY(outcome.failed);
        QVERIFY2(outcome.error.message.contains(
                     QStringLiteral("it was %1 bytes at the start and is 0 now").arg(bytes.size())),
                 qPrintable(outcome.error.message));
        // Every later call fails the same way.
        RecordBlock block;
        QCOMPARE(reader->readRecords(block, 10), -1);
    }

    void grownFileIsAnInputError_data() { addFormats(); }
    void grownFileIsAnInputError()
    {
        QFETCH(int, format);
        QFETCH(int, chunk);
        QByteArray bytes;
        const QString path = write(DatasetFormat(format), 3000, &bytes);
        const QByteArray more = rows(DatasetFormat::Text, 10);
        InputError error;
        const auto reader = Dataset::open(path, &error, withChunk(chunk));
        QVERIFY(reader);
        const Outcome outcome = readAround(*reader, 100, [&] {
            QFile file(path);
            QVERIFY(file.open(QIODevice::Append));
            QCOMPARE(
                file.write(DatasetFormat(format) == DatasetFormat::Csv ? QByteArray("1,x\n2,y\n") : more),
                qint64(DatasetFormat(format) == DatasetFormat::Csv ? 8 : more.size()));
        });
        QVERIFY2(outcome.failed, "a file that grew was read to a clean end");
        QVERIFY2(outcome.error.message.startsWith(
                     QStringLiteral("changed while it was read: it was %1 bytes at the start and is ")
                         .arg(bytes.size())),
                 qPrintable(outcome.error.message));
        QVERIFY2(outcome.error.message.contains(QStringLiteral("not in it at the start")),
                 qPrintable(outcome.error.message));
    }

    // Rewritten in place to the same size: only the modification time tells.
    void rewrittenInPlaceIsAnInputError()
    {
        QByteArray bytes;
        const QString path = write(DatasetFormat::Text, 3000, &bytes);
        InputError error;
        const auto reader = Dataset::open(path, &error, withChunk(512));
        QVERIFY(reader);
        const Outcome outcome = readAround(*reader, 100, [&] {
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadWrite));
            QVERIFY(file.seek(bytes.size() - 4));
            QCOMPARE(file.write("XYZ\n"), 4);
            file.close();
            setModified(path, 10); // whatever the file system's clock granularity
        });
        QVERIFY2(outcome.failed, "a file rewritten in place was read to a clean end");
        QVERIFY2(
            outcome.error.message.startsWith(
                QStringLiteral(
                    "changed while it was read: it was %1 bytes at the start and is %1 now, modified at ")
                    .arg(bytes.size())),
            qPrintable(outcome.error.message));
    }

    // Another file renamed over the name: the reader keeps the old one, and says so.
    void replacedFileIsAnInputError()
    {
        const QString path = write(DatasetFormat::Csv, 3000);
        InputError error;
        const auto reader = Dataset::open(path, &error, withChunk(1000));
        QVERIFY(reader);
        const Outcome outcome = readAround(*reader, 100, [&] {
            const QString other = writeFile(m_dir, QStringLiteral("other.csv"), rows(DatasetFormat::Csv, 10));
            QCOMPARE(::rename(QFile::encodeName(other).constData(), QFile::encodeName(path).constData()), 0);
        });
        QVERIFY2(outcome.failed, "a replaced file was read to a clean end");
        QVERIFY2(outcome.error.message.startsWith(QStringLiteral("was replaced while it was read")),
                 qPrintable(outcome.error.message));
        QCOMPARE(outcome.rows, 3000); // the old file, whole
    }

    // A removed name leaves the open file whole: its results are complete.
    void removedFileEndsCleanly()
    {
        const QString path = write(DatasetFormat::Csv, 3000);
        InputError error;
        const auto reader = Dataset::open(path, &error, withChunk(1000));
        QVERIFY(reader);
        const Outcome outcome = readAround(*reader, 100, [&] { QVERIFY(QFile::remove(path)); });
        QVERIFY2(!outcome.failed, qPrintable(outcome.error.toString()));
        QCOMPARE(outcome.rows, 3000);
    }

    // The check needs a regular file's size; a pipe has none and still reads to its end.
    void pipeEndsCleanly()
    {
        const QString fifo = m_dir.filePath(QStringLiteral("fifo.txt"));
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        const QByteArray bytes = rows(DatasetFormat::Text, 500);
        const pid_t child = ::fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            const int fd = ::open(QFile::encodeName(fifo).constData(), O_WRONLY);
            for (qsizetype at = 0; fd >= 0 && at < bytes.size();) {
                const ssize_t wrote = ::write(fd, bytes.constData() + at, std::size_t(bytes.size() - at));
                if (wrote <= 0)
                    break;
                at += wrote;
            }
            ::_exit(0);
        }
        InputError error;
        const auto reader = Dataset::open(fifo, &error, withChunk(256));
        QVERIFY2(reader, qPrintable(error.toString()));
        const Outcome outcome = readAround(*reader, 0, [] {});
        int status = 0;
        ::waitpid(child, &status, 0);
        QVERIFY2(!outcome.failed, qPrintable(outcome.error.toString()));
        QCOMPARE(outcome.rows, 500);
    }
};

QTEST_GUILESS_MAIN(TestInputChange)
#include "tst_inputchange.moc"
