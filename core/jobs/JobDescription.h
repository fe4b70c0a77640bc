// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/JobSpec.h"
#include "jobs/DatasetFingerprint.h"
#include "output/ResultWriter.h"

#include <QJsonObject>

namespace fastmap {

struct FunctionInfo;

// What a job record stores about how to run the job again: the spec (without the token), the
// output, the function's identity and the dataset's fingerprint.
struct JobDescription
{
    JobSpec spec;
    QString output;
    ResultFormat format = ResultFormat::Csv;
    ResultWriterOptions writerOptions;
    QString functionVersion;
    QString pluginSha256;
    DatasetFingerprint dataset;
    qint64 pid = 0;
    // --keep-results: the stored results stay after the job completes (the size cap still applies).
    bool keepResults = false;
    QString resumeNote; // set by RecordedRun::loadForResume when it changed how the job runs; not stored

    QJsonObject toJson() const;
    static bool fromJson(const QJsonObject &o, JobDescription *description, QString *error);
};

} // namespace fastmap
