// SPDX-License-Identifier: GPL-3.0-or-later
#include "ParameterForm.h"

#include "plugin/ParameterBinder.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>

#include <algorithm>
#include <limits>

namespace fastmap {

ParameterForm::ParameterForm(QWidget *parent)
    : QGroupBox(tr("Parameters"), parent), m_form(new QFormLayout(this)), m_problem(nullptr)
{
    setFunction(nullptr);
}

void ParameterForm::setFunction(const FunctionInfo *function)
{
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_editors.clear();
    // removeRow() deleted the previous problem label with its row.
    m_problem = new QLabel(this);
    m_problem->setStyleSheet(QStringLiteral("color: #b00020"));
    m_problem->setWordWrap(true);
    m_problem->hide();
    m_function = function ? *function : FunctionInfo();
    for (const ParameterSpec &spec : m_function.parameters) {
        QWidget *editor = createEditor(spec);
        editor->setObjectName(QStringLiteral("param_") + spec.name);
        editor->setToolTip(spec.help);
        auto *label = new QLabel(spec.name, this);
        label->setToolTip(spec.help);
        m_form->addRow(label, editor);
        m_editors.insert(spec.name, editor);
    }
    if (m_function.parameters.isEmpty())
        m_form->addRow(
            new QLabel(function ? tr("This function has no parameters.") : tr("Pick a function."), this));
    m_form->addRow(m_problem);
}

QWidget *ParameterForm::createEditor(const ParameterSpec &spec)
{
    if (spec.type == QLatin1String("integer")) {
        auto *box = new QSpinBox(this);
        const qlonglong lo =
            spec.minimum.isValid() ? spec.minimum.toLongLong() : std::numeric_limits<int>::min();
        const qlonglong hi =
            spec.maximum.isValid() ? spec.maximum.toLongLong() : std::numeric_limits<int>::max();
        constexpr qlonglong intMin = std::numeric_limits<int>::min();
        constexpr qlonglong intMax = std::numeric_limits<int>::max();
        box->setRange(int(std::clamp(lo, intMin, intMax)), int(std::clamp(hi, intMin, intMax)));
        box->setValue(spec.defaultValue.toInt());
        box->setGroupSeparatorShown(true);
        return box;
    }
    if (spec.type == QLatin1String("number")) {
        auto *box = new QDoubleSpinBox(this);
        box->setDecimals(6);
        box->setRange(spec.minimum.isValid() ? spec.minimum.toDouble() : -1e15,
                      spec.maximum.isValid() ? spec.maximum.toDouble() : 1e15);
        box->setValue(spec.defaultValue.toDouble());
        return box;
    }
    if (spec.type == QLatin1String("boolean")) {
        auto *box = new QCheckBox(this);
        box->setChecked(spec.defaultValue.toBool());
        return box;
    }
    if (spec.type == QLatin1String("choice")) {
        auto *box = new QComboBox(this);
        box->addItems(spec.choices);
        box->setCurrentText(spec.defaultValue.toString());
        return box;
    }
    auto *edit = new QLineEdit(spec.defaultValue.toString(), this);
    return edit;
}

QVariantMap ParameterForm::values() const
{
    QVariantMap out;
    for (auto it = m_editors.constBegin(); it != m_editors.constEnd(); ++it) {
        if (auto *spin = qobject_cast<QSpinBox *>(it.value()))
            out.insert(it.key(), qlonglong(spin->value()));
        else if (auto *dspin = qobject_cast<QDoubleSpinBox *>(it.value()))
            out.insert(it.key(), dspin->value());
        else if (auto *check = qobject_cast<QCheckBox *>(it.value()))
            out.insert(it.key(), check->isChecked());
        else if (auto *combo = qobject_cast<QComboBox *>(it.value()))
            out.insert(it.key(), combo->currentText());
        else if (auto *edit = qobject_cast<QLineEdit *>(it.value()))
            out.insert(it.key(), edit->text());
    }
    return out;
}

bool ParameterForm::setValue(const QString &name, const QVariant &value)
{
    QWidget *w = m_editors.value(name);
    if (auto *spin = qobject_cast<QSpinBox *>(w))
        spin->setValue(value.toInt());
    else if (auto *dspin = qobject_cast<QDoubleSpinBox *>(w))
        dspin->setValue(value.toDouble());
    else if (auto *check = qobject_cast<QCheckBox *>(w))
        check->setChecked(value.toBool());
    else if (auto *combo = qobject_cast<QComboBox *>(w))
        combo->setCurrentText(value.toString());
    else if (auto *edit = qobject_cast<QLineEdit *>(w))
        edit->setText(value.toString());
    else
        return false;
    return true;
}

bool ParameterForm::validate(QString *error)
{
    QVariantMap bound;
    const bool ok = ParameterBinder::bind(m_function, values(), &bound, error);
    m_problem->setText(ok ? QString() : *error);
    m_problem->setVisible(!ok);
    return ok;
}

} // namespace fastmap
