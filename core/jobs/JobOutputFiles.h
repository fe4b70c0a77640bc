// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>

class QFile;

namespace fastmap {

// The job store's batch outputs, outside SQLite: one append-only file per job,
// `<jobs.db>-results/<job id>.outputs` (named after the database, as SQLite names its -wal and
// -shm, so that two stores in one folder never share one). jobs.db keeps each batch's offset
// and length in it. Written through SQLite, every blob was written twice (the WAL, then the
// checkpoint) and dropping it moved pages through the WAL; here a blob is one write(), and
// dropping a job's outputs is one unlink. One instance per JobStore, so per thread.
class JobOutputFiles
{
public:
    explicit JobOutputFiles(const QString &directory);
    ~JobOutputFiles();
    JobOutputFiles(const JobOutputFiles &) = delete;
    JobOutputFiles &operator=(const JobOutputFiles &) = delete;

    QString directory() const { return m_directory; }
    QString path(const QString &jobId) const;

    // Writes `bytes` at the end of the job's file (kept open for the next batch) and says where
    // they start. When it returns they are in the kernel: a process killed after it keeps them.
    // The end is the file's size when it was opened, then counted, so whatever a crash left past
    // the last committed row is never read as a batch.
    bool append(const QString &jobId, const QByteArray &bytes, qint64 *at, QString *error);
    // The file's size; 0 when it is missing.
    qint64 size(const QString &jobId) const;
    // False when the range lies past the file's end (a crash between the write and the row's
    // commit, or a file that is gone).
    bool read(const QString &jobId, qint64 at, qint64 length, QByteArray *bytes) const;
    // Cuts what lies past `end` (a resume forgets the batches after its prefix).
    void truncate(const QString &jobId, qint64 end);
    void remove(const QString &jobId);
    // The jobs that have a file, and what all the files take.
    QStringList jobIds() const;
    qint64 totalBytes() const;

    // A cheap check of a blob against the hash stored with its row: a power cut can leave a
    // file its length without its bytes, since rows are committed without an fsync of the file.
    static qint64 hash(const QByteArray &bytes);

private:
    void close(const QString &jobId);

    QString m_directory;
    QString m_writing;
    std::unique_ptr<QFile> m_writer;
    qint64 m_end = 0;
};

} // namespace fastmap
