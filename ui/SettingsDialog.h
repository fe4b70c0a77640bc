// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace fastmap {

class AppSettings;
class TokenStore;

// Edits the app's settings; the token goes to the keychain through TokenStore.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    SettingsDialog(AppSettings *settings, TokenStore *tokens, QWidget *parent = nullptr);

    void save();
    // Empties the persistent result cache at once (not on OK), and says what is left.
    void clearCache();
    QString cacheInfo() const;
    // Drops the stored results of every finished job at once (as fastmap-cli jobs prune --all),
    // and says what the store takes now.
    void pruneStore();
    QString storeInfo() const;

private:
    AppSettings *m_settings;
    TokenStore *m_tokens;
    QComboBox *m_policy;
    QCheckBox *m_confirm;
    QDoubleSpinBox *m_cap;
    QSpinBox *m_threads;
    QDoubleSpinBox *m_batchSeconds;
    QComboBox *m_language;
    QLineEdit *m_token;
    QComboBox *m_cache;
    QLabel *m_cacheInfo;
    QDoubleSpinBox *m_storeLimit;
    QLabel *m_storeInfo;
    QComboBox *m_isolation;
    QLabel *m_isolationNote;
    QDoubleSpinBox *m_elementTimeout;
    QSpinBox *m_memoryLimit;
    QDoubleSpinBox *m_stopGrace;

    void showIsolationNote();
    void showCacheInfo();
    void showStoreInfo();
};

} // namespace fastmap
