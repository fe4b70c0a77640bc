// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/JobSpec.h"

#include <QGroupBox>

class QComboBox;
class QLabel;
class QSpinBox;

namespace fastmap {

// Where the job runs: the policy and the local thread count.
class RunSettingsForm : public QGroupBox
{
    Q_OBJECT
public:
    explicit RunSettingsForm(QWidget *parent = nullptr);

    JobSpec::Policy policy() const;
    void setPolicy(JobSpec::Policy policy);
    int threads() const;
    void setThreads(int threads);
    void setWorkerCount(int workers);

private:
    QComboBox *m_policy;
    QSpinBox *m_threads;
    QLabel *m_workers;
};

} // namespace fastmap
