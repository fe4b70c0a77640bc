// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "plugin/FunctionInfo.h"

#include <QGroupBox>
#include <QHash>
#include <QMap>

class QComboBox;
class QFormLayout;

namespace fastmap {

// One combo box per function input, choosing the dataset column that feeds it. Inputs are
// matched by name first (as the engine does), and the user can change each.
class ColumnMappingForm : public QGroupBox
{
    Q_OBJECT
public:
    explicit ColumnMappingForm(QWidget *parent = nullptr);

    void setFunction(const FunctionInfo *function);
    void setColumns(const QStringList &columns);
    // function input -> dataset column
    QMap<QString, QString> mapping() const;
    QComboBox *combo(const QString &input) const { return m_combos.value(input); }
    // The column an input gets automatically: the same name, else a one-column dataset's only column.
    static QString autoMatch(const QString &input, int inputCount, const QStringList &columns);

private:
    void rebuild();

    FunctionInfo m_function;
    QStringList m_columns;
    QFormLayout *m_form;
    QHash<QString, QComboBox *> m_combos;
};

} // namespace fastmap
