// SPDX-License-Identifier: GPL-3.0-or-later
#include "RunSettingsForm.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>

namespace fastmap {

RunSettingsForm::RunSettingsForm(QWidget *parent)
    : QGroupBox(tr("Run"), parent), m_policy(new QComboBox(this)), m_threads(new QSpinBox(this)),
      m_workers(new QLabel(this))
{
    m_policy->setObjectName(QStringLiteral("policy"));
    m_policy->addItem(tr("Local"), int(JobSpec::Policy::Local));
    m_policy->addItem(tr("Remote"), int(JobSpec::Policy::Remote));
    m_policy->addItem(tr("Adaptive"), int(JobSpec::Policy::Adaptive));
    m_policy->setToolTip(tr("Adaptive adds the remote workers only when they make the job faster."));
    m_threads->setObjectName(QStringLiteral("threads"));
    m_threads->setRange(0, 1024);
    m_threads->setSpecialValueText(tr("one per core"));
    auto *form = new QFormLayout(this);
    form->addRow(tr("Policy"), m_policy);
    form->addRow(tr("Threads"), m_threads);
    form->addRow(tr("Workers"), m_workers);
    setWorkerCount(0);
}

JobSpec::Policy RunSettingsForm::policy() const
{
    return JobSpec::Policy(m_policy->currentData().toInt());
}

void RunSettingsForm::setPolicy(JobSpec::Policy policy)
{
    m_policy->setCurrentIndex(m_policy->findData(int(policy)));
}

int RunSettingsForm::threads() const
{
    return m_threads->value();
}

void RunSettingsForm::setThreads(int threads)
{
    m_threads->setValue(threads);
}

void RunSettingsForm::setWorkerCount(int workers)
{
    m_workers->setText(workers == 0 ? tr("none configured (Workers tab)")
                                    : tr("%n configured", nullptr, workers));
}

} // namespace fastmap
