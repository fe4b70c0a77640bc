// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "jobs/JobStore.h"

namespace fastmap {

class PluginCatalog;

// Writes a job's bundle: results, errors, the job log and a manifest.json, into one archive.
class JobExporter
{
public:
    JobExporter(JobStore *store, PluginCatalog *catalog) : m_store(store), m_catalog(catalog) {}

    // `extraFiles` are added as they are (the GUI's plots): name -> bytes. When the results
    // cannot be bundled (see results()), the bundle has the rest, its manifest says why, and so
    // does `note`.
    bool exportJob(const JobRecord &job, const QString &archivePath, QString *error,
                   const QList<QPair<QString, QByteArray>> &extraFiles = {}, QString *note = nullptr);

    // The pieces, for tests and the GUI.
    QByteArray errorsCsv(const JobRecord &job) const;
    QByteArray jobLogCsv(const JobRecord &job) const;
    QJsonObject manifest(const JobRecord &job) const;
    // The job's results in its output format: replayed from the store while the job keeps them
    // (needs the dataset only for --keep-input), else its result file, if it is still the one the
    // job wrote (same size and time). Neither: true with empty `bytes` and why in `missing`.
    bool results(const JobRecord &job, QByteArray *bytes, QString *name, QString *missing, QString *error) const;

private:
    JobStore *m_store;
    PluginCatalog *m_catalog;
};

} // namespace fastmap
