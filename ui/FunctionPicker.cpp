// SPDX-License-Identifier: GPL-3.0-or-later
#include "FunctionPicker.h"

#include "plugin/PluginCatalog.h"

#include <QFileInfo>
#include <QLineEdit>
#include <QListWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace fastmap {

namespace {
constexpr int kIdRole = Qt::UserRole + 1;
}

FunctionPicker::FunctionPicker(PluginCatalog *catalog, QWidget *parent)
    : QGroupBox(tr("Function"), parent), m_catalog(catalog), m_search(new QLineEdit(this)),
      m_list(new QListWidget(this)), m_description(new QTextBrowser(this))
{
    m_search->setPlaceholderText(tr("Search functions"));
    m_search->setClearButtonEnabled(true);
    m_list->setObjectName(QStringLiteral("functionList"));
    m_description->setObjectName(QStringLiteral("functionDescription"));
    m_list->setMinimumHeight(90);
    m_description->setMinimumHeight(90);
    QList<FunctionInfo> functions = catalog->functions();
    std::sort(functions.begin(), functions.end(),
              [](const FunctionInfo &a, const FunctionInfo &b) { return a.id < b.id; });
    for (const FunctionInfo &f : functions) {
        auto *item = new QListWidgetItem(QStringLiteral("%1 — %2").arg(f.id, f.title), m_list);
        item->setData(kIdRole, f.id);
        item->setToolTip(f.description);
    }
    for (const PluginProblem &problem : catalog->problems()) {
        auto *item =
            new QListWidgetItem(tr("%1 (not loaded)").arg(QFileInfo(problem.file).fileName()), m_list);
        item->setFlags(Qt::ItemIsEnabled);
        item->setForeground(Qt::gray);
        item->setToolTip(problem.reason);
        item->setData(Qt::UserRole + 2, problem.reason);
    }
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_search);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_description, 1);
    connect(m_search, &QLineEdit::textChanged, this, &FunctionPicker::setFilter);
    connect(m_list, &QListWidget::currentItemChanged, this, &FunctionPicker::onCurrentChanged);
    connect(m_list, &QListWidget::itemClicked, this, [this](QListWidgetItem *item) {
        const QString reason = item->data(Qt::UserRole + 2).toString();
        if (!reason.isEmpty())
            m_description->setPlainText(tr("This plugin could not be loaded: %1").arg(reason));
    });
}

void FunctionPicker::setFilter(const QString &text)
{
    if (m_search->text() != text)
        m_search->setText(text);
    for (int i = 0; i < m_list->count(); ++i) {
        QListWidgetItem *item = m_list->item(i);
        item->setHidden(!text.isEmpty() && !item->text().contains(text, Qt::CaseInsensitive) &&
                        !item->toolTip().contains(text, Qt::CaseInsensitive));
    }
}

int FunctionPicker::visibleCount() const
{
    int n = 0;
    for (int i = 0; i < m_list->count(); ++i)
        n += m_list->item(i)->isHidden() ? 0 : 1;
    return n;
}

bool FunctionPicker::select(const QString &id)
{
    for (int i = 0; i < m_list->count(); ++i) {
        if (m_list->item(i)->data(kIdRole).toString() == id) {
            m_list->setCurrentRow(i);
            return true;
        }
    }
    return false;
}

void FunctionPicker::onCurrentChanged()
{
    QListWidgetItem *item = m_list->currentItem();
    const QString id = item ? item->data(kIdRole).toString() : QString();
    const FunctionInfo *f = id.isEmpty() ? nullptr : m_catalog->find(id);
    if (!f)
        return;
    m_current = id;
    m_description->setHtml(describe(*f));
    emit functionChanged(f);
}

QString FunctionPicker::describe(const FunctionInfo &f)
{
    const auto columns = [](const QList<ColumnSpec> &specs) {
        QStringList items;
        for (const ColumnSpec &c : specs)
            items.append(QStringLiteral("<li><b>%1</b> (%2) %3</li>")
                             .arg(c.name.toHtmlEscaped(), c.type.toHtmlEscaped(), c.help.toHtmlEscaped()));
        return QStringLiteral("<ul>%1</ul>").arg(items.join(QString()));
    };
    QStringList params;
    for (const ParameterSpec &p : f.parameters)
        params.append(QStringLiteral("<li><b>%1</b> = %2: %3</li>")
                          .arg(p.name.toHtmlEscaped(), p.defaultValue.toString().toHtmlEscaped(),
                               p.help.toHtmlEscaped()));
    return QStringLiteral("<h3>%1 <small>%2</small></h3><p>%3</p><p><b>%4</b></p>%5<p><b>%6</b></p>%7"
                          "<p><b>%8</b></p><ul>%9</ul>")
        .arg(f.title.toHtmlEscaped(), f.version.toHtmlEscaped(), f.description.toHtmlEscaped(), tr("Inputs"),
             columns(f.inputs), tr("Outputs"), columns(f.outputs), tr("Parameters"),
             params.isEmpty() ? tr("none") : params.join(QString()));
}

} // namespace fastmap
