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

    // `extraFiles` are added as they are (the GUI's plots): name -> bytes.
    bool exportJob(const JobRecord &job, const QString &archivePath, QString *error,
                   const QList<QPair<QString, QByteArray>> &extraFiles = {});

    // The pieces, for tests and the GUI.
    QByteArray errorsCsv(const JobRecord &job) const;
    QByteArray jobLogCsv(const JobRecord &job) const;
    QJsonObject manifest(const JobRecord &job) const;
    // Replays the stored results into the job's output format. Needs the dataset only for --keep-input.
    bool results(const JobRecord &job, QByteArray *bytes, QString *name, QString *error) const;

private:
    JobStore *m_store;
    PluginCatalog *m_catalog;
};

} // namespace fastmap
