// SPDX-License-Identifier: GPL-3.0-or-later
#include "ColumnMappingForm.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>

namespace fastmap {

ColumnMappingForm::ColumnMappingForm(QWidget *parent)
    : QGroupBox(tr("Columns"), parent), m_form(new QFormLayout(this))
{
    rebuild();
}

void ColumnMappingForm::setFunction(const FunctionInfo *function)
{
    m_function = function ? *function : FunctionInfo();
    rebuild();
}

void ColumnMappingForm::setColumns(const QStringList &columns)
{
    m_columns = columns;
    rebuild();
}

QString ColumnMappingForm::autoMatch(const QString &input, int inputCount, const QStringList &columns)
{
    if (columns.contains(input))
        return input;
    for (const QString &c : columns) {
        if (c.compare(input, Qt::CaseInsensitive) == 0)
            return c;
    }
    if (inputCount == 1 && columns.size() == 1)
        return columns.first();
    return {};
}

void ColumnMappingForm::rebuild()
{
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_combos.clear();
    if (m_function.inputs.isEmpty()) {
        m_form->addRow(new QLabel(tr("Pick a function and a dataset."), this));
        return;
    }
    for (const ColumnSpec &input : m_function.inputs) {
        auto *combo = new QComboBox(this);
        combo->setObjectName(QStringLiteral("map_") + input.name);
        combo->addItem(tr("(not mapped)"), QString());
        for (const QString &c : m_columns)
            combo->addItem(c, c);
        const QString match = autoMatch(input.name, int(m_function.inputs.size()), m_columns);
        combo->setCurrentIndex(qMax(0, combo->findData(match)));
        combo->setToolTip(input.help);
        m_form->addRow(QStringLiteral("%1 (%2)").arg(input.name, input.type), combo);
        m_combos.insert(input.name, combo);
    }
}

QMap<QString, QString> ColumnMappingForm::mapping() const
{
    QMap<QString, QString> out;
    for (auto it = m_combos.constBegin(); it != m_combos.constEnd(); ++it) {
        const QString column = it.value()->currentData().toString();
        if (!column.isEmpty())
            out.insert(it.key(), column);
    }
    return out;
}

} // namespace fastmap
