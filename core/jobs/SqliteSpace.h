// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QSqlDatabase>

namespace fastmap {

// Giving disk space back after rows are deleted, for the job store and the cache. Both files use
// auto_vacuum=FULL rather than a VACUUM after each delete: VACUUM rewrites the whole file
// (gigabytes, to free a few megabytes), needs every other connection idle and blocks writers for
// as long as it runs, while auto-vacuum moves only the pages that a commit freed, within that
// commit, so a job's batches keep being stored meanwhile. Not INCREMENTAL: its pragma frees one
// page per sqlite3_step, and Qt's SQL API steps a statement without results only once. VACUUM is
// run once, to turn auto-vacuum on in a file that was made before it.
// The cache deletes rows all the time. jobs.db holds no outputs any more (JobOutputFiles), only
// small rows; there auto-vacuum costs nothing per batch (an insert frees no page, a drop changes
// rows in place) and still shrinks the file when jobs are removed (their error messages can be
// large) and when an upgrade drops an old store's blobs.
class SqliteSpace
{
public:
    // Before the first table of a new file; later it takes vacuum().
    static constexpr const char *kAutoVacuumPragma = "PRAGMA auto_vacuum=FULL";
    // 0 none, 1 full, 2 incremental.
    static int autoVacuum(const QSqlDatabase &db);
    // Turns auto-vacuum on and rewrites the file. False when another connection is busy.
    static bool vacuum(const QSqlDatabase &db);
    // Moves what the write-ahead log holds into the file, whose freed end is then cut off, and
    // empties the log. Harmless when a reader holds the log back.
    static void reclaim(const QSqlDatabase &db);
    // The pages in use, in bytes (without the free list).
    static qint64 usedBytes(const QSqlDatabase &db);
    // What the file and its write-ahead log take on disk.
    static qint64 fileBytes(const QString &path);
};

} // namespace fastmap
