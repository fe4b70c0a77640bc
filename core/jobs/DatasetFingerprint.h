// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QString>

namespace fastmap {

// What a dataset was when a job ran: its absolute path, size and SHA-256, so that a resume can
// refuse a changed dataset (GNU parallel's rule) and a bundle can say what it was computed from.
struct DatasetFingerprint
{
    QString spec;  // as given: a path or range:N
    QString path;  // absolute; empty for a generated range
    qint64 size = -1;
    QString sha256;

    static bool of(const QString &spec, DatasetFingerprint *fingerprint, QString *error);
    QJsonObject toJson() const;
    static DatasetFingerprint fromJson(const QJsonObject &o);
    // Empty when they match, else what differs.
    QString differenceFrom(const DatasetFingerprint &other) const;
};

} // namespace fastmap
