// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QSqlDatabase>

namespace fastmap {

// Giving disk space back after rows are deleted, for the job store and the cache. Both files use
// incremental auto_vacuum rather than VACUUM after each delete: VACUUM rewrites the whole file
// (gigabytes, to free a few megabytes), needs every other connection idle and blocks writers
// for as long as it runs, while PRAGMA incremental_vacuum only moves the pages that were freed,
// in an ordinary write transaction that a running job's writers wait a moment for. VACUUM is run
// once, to turn incremental auto_vacuum on in a file that was made before it.
class SqliteSpace
{
public:
    // 0 none, 1 full, 2 incremental.
    static int autoVacuum(const QSqlDatabase &db);
    // Sets incremental auto_vacuum and rewrites the file. False when another connection is busy.
    static bool vacuum(const QSqlDatabase &db);
    // Frees the pages on the free list, truncating the file, and empties the write-ahead log.
    static void reclaim(const QSqlDatabase &db);
    // The pages in use, in bytes (without the free list).
    static qint64 usedBytes(const QSqlDatabase &db);
    // What the file and its write-ahead log take on disk.
    static qint64 fileBytes(const QString &path);
};

} // namespace fastmap
