// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QGroupBox>

class QLineEdit;
class QListWidget;
class QTextBrowser;

namespace fastmap {

class PluginCatalog;
struct FunctionInfo;

// A searchable list of the catalog's functions with a description of the selected one.
// Plugins that were refused are listed too, greyed, with the reason.
class FunctionPicker : public QGroupBox
{
    Q_OBJECT
public:
    explicit FunctionPicker(PluginCatalog *catalog, QWidget *parent = nullptr);

    bool select(const QString &id);
    QString currentId() const { return m_current; }
    void setFilter(const QString &text);
    int visibleCount() const;

signals:
    void functionChanged(const fastmap::FunctionInfo *function);

private:
    void onCurrentChanged();
    static QString describe(const FunctionInfo &f);

    PluginCatalog *m_catalog;
    QLineEdit *m_search;
    QListWidget *m_list;
    QTextBrowser *m_description;
    QString m_current;
};

} // namespace fastmap
