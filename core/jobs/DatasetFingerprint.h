// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QString>

namespace fastmap {

// What a dataset was when a job ran, so that a resume can refuse a changed dataset (GNU
// parallel's rule) and a bundle can say what it was computed from. Taken without a pass over the
// whole file before the first batch: its size, its modification time and a SHA-256 of sampled
// blocks (the first and last 64 KiB and 16 blocks of 4 KiB spread in between); a file of up to
// 1 MiB is hashed whole. The rest is checked batch by batch on resume (JobRecorder hashes each
// batch's records as it passes, and a replayed batch must match). See docs/design.md.
struct DatasetFingerprint
{
    QString spec;  // as given: a path or range:N
    QString path;  // absolute; empty for a generated range
    qint64 size = -1;
    qint64 modified = -1; // ms since the epoch; recorded, not compared (a copy or touch changes it)
    QString sha256;       // of the whole file (up to kWholeFileBytes) or of the range's spec
    QString sampleSha256; // of the sampled blocks, for a larger file

    static constexpr qint64 kWholeFileBytes = 1024 * 1024;
    static constexpr qint64 kEdgeBytes = 64 * 1024;
    static constexpr int kInnerBlocks = 16;
    static constexpr qint64 kInnerBlockBytes = 4096;

    static bool of(const QString &spec, DatasetFingerprint *fingerprint, QString *error);
    QJsonObject toJson() const;
    static DatasetFingerprint fromJson(const QJsonObject &o);
    // Empty when they match, else what differs.
    QString differenceFrom(const DatasetFingerprint &other) const;
};

} // namespace fastmap
