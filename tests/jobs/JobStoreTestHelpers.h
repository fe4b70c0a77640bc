// SPDX-License-Identifier: GPL-3.0-or-later
// What tst_jobstore and tst_jobstoreupgrade share: jobs and batches to store.
#pragma once

#include "jobs/JobStore.h"

#include <QFileInfo>
#include <QRandomGenerator>
#include <QTest>

namespace fastmap::storetest {

inline BatchOutput numbers(std::initializer_list<double> values, int failRow = -1)
{
    BatchOutput out({ColumnType::Float64}, int(values.size()));
    int r = 0;
    for (double v : values)
        out.values().doubles(0)[std::size_t(r++)] = v;
    if (failRow >= 0)
        out.fail(failRow, QStringLiteral("broken"));
    return out;
}

inline QByteArray randomBytes(int size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    QRandomGenerator rng{quint32(size)};
    for (char &c : bytes)
        c = char(rng.bounded(256));
    return bytes;
}

inline JobRecord job(const QString &id, const QString &state, bool keep = false)
{
    JobRecord j;
    j.id = id;
    j.state = state;
    j.spec = QJsonObject{
        {"function", "math.sqrt"}, {"input", "range:10"}, {"output", "/tmp/x.csv"}, {"keepResults", keep}};
    return j;
}

// `batches` batches of `bytes` outputs each (plus their index), the second with one failure,
// from batch `from` on.
inline void addBatches(JobStore &store, const QString &id, int batches, int bytes, int from = 0)
{
    for (int i = from; i < from + batches; ++i) {
        StoredBatch b;
        b.sequence = i;
        b.firstRow = i * 4;
        b.rows = 4;
        b.executor = QStringLiteral("local");
        b.outputs = randomBytes(bytes + i);
        if (i == 1) {
            b.failures = 1;
            b.errors = JobStore::encodeErrors(numbers({1, 2, 3, 4}, 2));
        }
        QString error;
        QVERIFY2(store.appendBatch(id, b, &error), qPrintable(error));
    }
}

inline qint64 databaseBytes(const QString &path)
{
    return QFileInfo(path).size() + QFileInfo(path + QStringLiteral("-wal")).size();
}

} // namespace fastmap::storetest
