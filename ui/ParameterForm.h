// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "plugin/FunctionInfo.h"

#include <QGroupBox>
#include <QHash>

class QFormLayout;
class QLabel;

namespace fastmap {

// Editors for a function's parameters, generated from its metadata: spin boxes with the
// metadata's range, a combo box for choices, a check box for booleans, a line edit otherwise.
class ParameterForm : public QGroupBox
{
    Q_OBJECT
public:
    explicit ParameterForm(QWidget *parent = nullptr);

    void setFunction(const FunctionInfo *function);
    QVariantMap values() const;
    bool setValue(const QString &name, const QVariant &value);
    QWidget *editor(const QString &name) const { return m_editors.value(name); }
    // Checks the values with ParameterBinder; shows and returns the problem.
    bool validate(QString *error);

private:
    QWidget *createEditor(const ParameterSpec &spec);

    FunctionInfo m_function;
    QFormLayout *m_form;
    QLabel *m_problem;
    QHash<QString, QWidget *> m_editors;
};

} // namespace fastmap
