// SPDX-License-Identifier: GPL-3.0-or-later
#include "SettingsDialog.h"

#include "AppSettings.h"
#include "LanguageLoader.h"
#include "TokenStore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QSpinBox>

namespace fastmap {

SettingsDialog::SettingsDialog(AppSettings *settings, TokenStore *tokens, QWidget *parent)
    : QDialog(parent), m_settings(settings), m_tokens(tokens), m_policy(new QComboBox(this)),
      m_confirm(new QCheckBox(tr("Ask before paid remote workers are used"), this)),
      m_cap(new QDoubleSpinBox(this)), m_threads(new QSpinBox(this)),
      m_batchSeconds(new QDoubleSpinBox(this)), m_language(new QComboBox(this)), m_token(new QLineEdit(this))
{
    setWindowTitle(tr("Settings"));
    m_policy->addItem(tr("Local"), int(JobSpec::Policy::Local));
    m_policy->addItem(tr("Remote"), int(JobSpec::Policy::Remote));
    m_policy->addItem(tr("Adaptive"), int(JobSpec::Policy::Adaptive));
    m_policy->setCurrentIndex(m_policy->findData(int(settings->defaultPolicy())));
    m_confirm->setChecked(settings->confirmCharges());
    m_cap->setRange(0, 1e9);
    m_cap->setPrefix(QStringLiteral("$"));
    m_cap->setSpecialValueText(tr("no cap"));
    m_cap->setValue(qMax(0.0, settings->spendCap()));
    m_threads->setRange(0, 1024);
    m_threads->setSpecialValueText(tr("one per core"));
    m_threads->setValue(settings->threads());
    m_batchSeconds->setRange(0.01, 60);
    m_batchSeconds->setSuffix(tr(" s"));
    m_batchSeconds->setValue(settings->batchSeconds());
    m_language->addItem(tr("System language"), QString());
    for (const QString &code : LanguageLoader::available())
        m_language->addItem(LanguageLoader::displayName(code), code);
    m_language->setCurrentIndex(qMax(0, m_language->findData(settings->language())));
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("unchanged"));

    auto *form = new QFormLayout;
    form->addRow(tr("Default policy"), m_policy);
    form->addRow(QString(), m_confirm);
    form->addRow(tr("Spend cap"), m_cap);
    form->addRow(tr("Threads"), m_threads);
    form->addRow(tr("Batch duration"), m_batchSeconds);
    form->addRow(tr("Language"), m_language);
    form->addRow(tr("Worker token"), m_token);
    auto *note = new QLabel(tr("A new language applies when the app starts again."), this);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        save();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

void SettingsDialog::save()
{
    m_settings->setDefaultPolicy(JobSpec::Policy(m_policy->currentData().toInt()));
    m_settings->setConfirmCharges(m_confirm->isChecked());
    m_settings->setSpendCap(m_cap->value() > 0 ? m_cap->value() : -1);
    m_settings->setThreads(m_threads->value());
    m_settings->setBatchSeconds(m_batchSeconds->value());
    m_settings->setLanguage(m_language->currentData().toString());
    if (!m_token->text().isEmpty()) {
        m_tokens->save(m_token->text().trimmed().toUtf8());
        if (m_tokens->usedFallback())
            QMessageBox::warning(this, tr("Token"), m_tokens->warning());
    }
}

} // namespace fastmap
