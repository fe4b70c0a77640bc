// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/CostModel.h"

#include <QDialog>

class QDoubleSpinBox;
class QPushButton;

namespace fastmap {

// The estimate behind a paid remote run, and the user's answer. Local threads keep working
// while it is open.
class ChargesDialog : public QDialog
{
    Q_OBJECT
public:
    enum Answer { RunRemote, RunLocal, CancelJob };

    ChargesDialog(const Estimate &estimate, double spendCap, QWidget *parent = nullptr);

    Answer answer() const { return m_answer; }
    // USD for the next runs; < 0: no cap.
    double spendCap() const;
    QPushButton *button(Answer answer) const;

    static QString formatDuration(double seconds);

signals:
    void answered(fastmap::ChargesDialog::Answer answer);

private:
    void finishWith(Answer answer);

    Answer m_answer = RunLocal;
    bool m_done = false;
    QDoubleSpinBox *m_cap;
    QPushButton *m_remote;
    QPushButton *m_local;
    QPushButton *m_cancel;
};

} // namespace fastmap
