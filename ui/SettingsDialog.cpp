// SPDX-License-Identifier: GPL-3.0-or-later
#include "SettingsDialog.h"

#include "AppSettings.h"
#include "LanguageLoader.h"
#include "TokenStore.h"
#include "jobs/JobStore.h"
#include "jobs/ResultCache.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>

namespace fastmap {

namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

} // namespace

SettingsDialog::SettingsDialog(AppSettings *settings, TokenStore *tokens, QWidget *parent)
    : QDialog(parent), m_settings(settings), m_tokens(tokens), m_policy(new QComboBox(this)),
      m_confirm(new QCheckBox(tr("Ask before paid remote workers are used"), this)),
      m_cap(new QDoubleSpinBox(this)), m_threads(new QSpinBox(this)),
      m_batchSeconds(new QDoubleSpinBox(this)), m_language(new QComboBox(this)), m_token(new QLineEdit(this)),
      m_cache(new QComboBox(this)), m_cacheInfo(new QLabel(this)), m_storeLimit(new QDoubleSpinBox(this)),
      m_storeInfo(new QLabel(this)), m_isolation(new QComboBox(this)), m_isolationNote(new QLabel(this)),
      m_elementTimeout(new QDoubleSpinBox(this)), m_memoryLimit(new QSpinBox(this)),
      m_stopGrace(new QDoubleSpinBox(this))
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
    m_cache->setObjectName(QStringLiteral("cacheMode"));
    m_cache->addItem(tr("Use: take stored results, store new ones"), int(ResultCache::Mode::Use));
    m_cache->addItem(tr("Refresh: compute everything, store it"), int(ResultCache::Mode::Refresh));
    m_cache->addItem(tr("Off"), int(ResultCache::Mode::Off));
    m_cache->setCurrentIndex(qMax(0, m_cache->findData(int(settings->cacheMode()))));
    m_cacheInfo->setObjectName(QStringLiteral("cacheInfo"));
    m_cacheInfo->setWordWrap(true);
    m_cacheInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *clear = new QPushButton(tr("Clear cache"), this);
    clear->setObjectName(QStringLiteral("clearCache"));
    clear->setToolTip(tr("Remove every stored result now. Jobs and their results are not touched."));
    connect(clear, &QPushButton::clicked, this, &SettingsDialog::clearCache);
    auto *cacheRow = new QHBoxLayout;
    cacheRow->addWidget(m_cacheInfo, 1);
    cacheRow->addWidget(clear);
    showCacheInfo();
    m_storeLimit->setObjectName(QStringLiteral("storeLimit"));
    m_storeLimit->setRange(0, 1024);
    m_storeLimit->setDecimals(1);
    m_storeLimit->setSuffix(tr(" GiB"));
    m_storeLimit->setSpecialValueText(tr("no cap"));
    m_storeLimit->setValue(settings->storeLimit() < 0 ? 0.0 : double(settings->storeLimit()) / kGiB);
    m_storeInfo->setObjectName(QStringLiteral("storeInfo"));
    m_storeInfo->setWordWrap(true);
    m_storeInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *prune = new QPushButton(tr("Prune"), this);
    prune->setObjectName(QStringLiteral("pruneStore"));
    prune->setToolTip(tr("Drop the stored results of every finished job now. Their job log, errors and summary "
                         "stay, and completed jobs keep their result files."));
    connect(prune, &QPushButton::clicked, this, &SettingsDialog::pruneStore);
    auto *storeRow = new QHBoxLayout;
    storeRow->addWidget(m_storeInfo, 1);
    storeRow->addWidget(prune);
    showStoreInfo();
    m_isolation->setObjectName(QStringLiteral("isolation"));
    m_isolation->addItem(tr("Process: in separate function hosts (safe)"), int(JobSpec::Isolation::Process));
    m_isolation->addItem(tr("Thread: inside the app (a crash closes it)"), int(JobSpec::Isolation::Thread));
    m_isolation->setCurrentIndex(qMax(0, m_isolation->findData(int(settings->isolation()))));
    m_isolationNote->setObjectName(QStringLiteral("isolationNote"));
    m_isolationNote->setWordWrap(true);
    m_elementTimeout->setObjectName(QStringLiteral("elementTimeout"));
    m_elementTimeout->setRange(0, 7 * 24 * 3600);
    m_elementTimeout->setDecimals(1);
    m_elementTimeout->setSuffix(tr(" s"));
    m_elementTimeout->setSpecialValueText(tr("no limit"));
    m_elementTimeout->setValue(settings->elementTimeout());
    m_elementTimeout->setToolTip(tr("An element that runs longer fails with \"timed out after N s\"; the "
                                    "rest of the job goes on."));
    m_memoryLimit->setObjectName(QStringLiteral("memoryLimit"));
    m_memoryLimit->setRange(0, 1024 * 1024);
    m_memoryLimit->setSingleStep(256);
    m_memoryLimit->setSuffix(tr(" MB"));
    m_memoryLimit->setSpecialValueText(tr("no limit"));
    m_memoryLimit->setValue(settings->memoryLimitMB());
    // Below 16 MB a host cannot even load its plugin (the CLI and the worker refuse it too).
    connect(m_memoryLimit, &QSpinBox::editingFinished, this, [this] {
        if (m_memoryLimit->value() > 0 && m_memoryLimit->value() < 16)
            m_memoryLimit->setValue(16);
    });
    m_memoryLimit->setToolTip(tr("Per function host, 16 MB or more. An element that needs more fails with \"out of memory "
                                 "(limit N MB)\"; the rest of the job goes on."));
    m_stopGrace->setObjectName(QStringLiteral("stopGrace"));
    m_stopGrace->setRange(0, 600);
    m_stopGrace->setDecimals(1);
    m_stopGrace->setSuffix(tr(" s"));
    m_stopGrace->setSpecialValueText(tr("stop at once"));
    m_stopGrace->setValue(settings->stopGraceSeconds());
    m_stopGrace->setToolTip(tr("On Cancel, how long the running batches may finish. Then the function "
                               "hosts still busy are killed; every finished row is kept."));
    connect(m_isolation, &QComboBox::currentIndexChanged, this, &SettingsDialog::showIsolationNote);
    showIsolationNote();
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("unchanged"));

    auto *form = new QFormLayout;
    form->addRow(tr("Default policy"), m_policy);
    form->addRow(QString(), m_confirm);
    form->addRow(tr("Spend cap"), m_cap);
    form->addRow(tr("Threads"), m_threads);
    form->addRow(tr("Batch duration"), m_batchSeconds);
    form->addRow(tr("Isolation"), m_isolation);
    form->addRow(QString(), m_isolationNote);
    form->addRow(tr("Element time limit"), m_elementTimeout);
    form->addRow(tr("Memory limit per host"), m_memoryLimit);
    form->addRow(tr("Stop grace period"), m_stopGrace);
    form->addRow(tr("Result cache"), m_cache);
    form->addRow(QString(), cacheRow);
    form->addRow(tr("Job store limit"), m_storeLimit);
    form->addRow(QString(), storeRow);
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
    m_settings->setCacheMode(ResultCache::Mode(m_cache->currentData().toInt()));
    m_settings->setStoreLimit(m_storeLimit->value() > 0 ? qint64(m_storeLimit->value() * kGiB) : -1);
    m_settings->setIsolation(JobSpec::Isolation(m_isolation->currentData().toInt()));
    m_settings->setElementTimeout(m_elementTimeout->value());
    m_settings->setMemoryLimitMB(m_memoryLimit->value());
    m_settings->setStopGraceSeconds(m_stopGrace->value());
    m_settings->setLanguage(m_language->currentData().toString());
    if (!m_token->text().isEmpty()) {
        m_tokens->save(m_token->text().trimmed().toUtf8());
        if (m_tokens->usedFallback())
            QMessageBox::warning(this, tr("Token"), m_tokens->warning());
    }
}

void SettingsDialog::showIsolationNote()
{
    const bool process = JobSpec::Isolation(m_isolation->currentData().toInt()) == JobSpec::Isolation::Process;
    if (process)
        m_isolationNote->setText(tr("The function runs in fastmap-host processes, so a function that "
                                    "crashes, hangs or eats memory costs one element and never the window: "
                                    "that element fails with what happened, and the job goes on."));
    else
        m_isolationNote->setText(tr("The function runs on the app's own threads: a little less overhead for "
                                    "very cheap functions, but a crash closes the app, a hung function "
                                    "keeps its thread until the app quits, and the limits below do not "
                                    "apply."));
    // A form layout does not give a wrapped label the height its width needs: ask for it, at the
    // narrowest the field column gets, so the note is never cut off.
    m_isolationNote->setMinimumHeight(m_isolationNote->heightForWidth(qMax(300, m_isolation->sizeHint().width())));
    // The time and memory limits are the hosts': with threads there is nothing to enforce them on.
    m_elementTimeout->setEnabled(process);
    m_memoryLimit->setEnabled(process);
}

QString SettingsDialog::cacheInfo() const
{
    return m_cacheInfo->text();
}

void SettingsDialog::showCacheInfo()
{
    ResultCache cache(ResultCache::defaultPath());
    QString error;
    if (!cache.open(&error)) {
        m_cacheInfo->setText(tr("The cache cannot be read: %1").arg(error));
        return;
    }
    // The path is long: it goes in the tooltip, so the figures stay readable.
    m_cacheInfo->setText(
        tr("%1 results, %2")
            .arg(QLocale().toString(cache.entries()), QLocale().formattedDataSize(cache.sizeBytes())));
    m_cacheInfo->setToolTip(cache.path());
}

void SettingsDialog::clearCache()
{
    ResultCache cache(ResultCache::defaultPath());
    QString error;
    if (!cache.open(&error) || !cache.clear(&error)) {
        m_cacheInfo->setText(tr("The cache cannot be cleared: %1").arg(error));
        return;
    }
    showCacheInfo();
}

QString SettingsDialog::storeInfo() const
{
    return m_storeInfo->text();
}

void SettingsDialog::showStoreInfo()
{
    JobStore store(JobStore::defaultPath());
    QString error;
    if (!store.open(&error)) {
        m_storeInfo->setText(tr("The job store cannot be read: %1").arg(error));
        return;
    }
    m_storeInfo->setText(tr("%1 jobs, %2 on disk")
                             .arg(QLocale().toString(qint64(store.jobs().size())),
                                  QLocale().formattedDataSize(store.fileBytes())));
    m_storeInfo->setToolTip(store.path());
}

void SettingsDialog::pruneStore()
{
    JobStore store(JobStore::defaultPath());
    QString error;
    if (store.open(&error))
        store.pruneFinished(QDateTime(), &error);
    if (!error.isEmpty()) {
        m_storeInfo->setText(tr("The job store cannot be pruned: %1").arg(error));
        return;
    }
    showStoreInfo();
}

} // namespace fastmap
