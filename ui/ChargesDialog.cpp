// SPDX-License-Identifier: GPL-3.0-or-later
#include "ChargesDialog.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace fastmap {

ChargesDialog::ChargesDialog(const Estimate &e, double spendCap, QWidget *parent)
    : QDialog(parent), m_cap(new QDoubleSpinBox(this))
{
    setWindowTitle(tr("Use paid remote workers?"));
    setObjectName(QStringLiteral("chargesDialog"));
    auto *intro =
        new QLabel(tr("A sample measured the function. Local threads keep working while you decide."), this);
    intro->setWordWrap(true);
    auto *form = new QFormLayout;
    const auto add = [&](const QString &label, const QString &value, const char *name) {
        auto *field = new QLabel(value, this);
        field->setObjectName(QLatin1String(name));
        field->setTextInteractionFlags(Qt::TextSelectableByMouse);
        form->addRow(label, field);
    };
    add(tr("Elements"),
        e.elements < 0 ? tr("unknown") : (e.elementsEstimated ? tr("about %L1") : tr("%L1")).arg(e.elements),
        "elements");
    add(tr("Time per element"), tr("%1 µs").arg(e.secondsPerElement * 1e6, 0, 'f', 1), "perElement");
    add(tr("Time, local only"), formatDuration(e.localOnlySeconds), "localTime");
    add(tr("Time, with remote"), formatDuration(e.withRemoteSeconds), "remoteTime");
    add(tr("Remote vCPU-hours"), QString::number(e.remoteVcpuHours, 'f', 4), "vcpuHours");
    add(tr("Price"), tr("up to $%1 per vCPU-hour").arg(e.maxPricePerVcpuHour, 0, 'f', 2), "price");
    add(tr("Estimated cost"), QStringLiteral("$%1").arg(e.cost, 0, 'f', 4), "cost");
    double credits = -1;
    for (const WorkerProbe &w : e.workers) {
        if (w.creditsLeft >= 0)
            credits = credits < 0 ? w.creditsLeft : qMin(credits, w.creditsLeft);
    }
    add(tr("Credits left"),
        credits < 0 ? tr("unlimited or unknown") : QStringLiteral("$%1").arg(credits, 0, 'f', 2), "credits");
    m_cap->setObjectName(QStringLiteral("spendCap"));
    m_cap->setRange(0, 1e9);
    m_cap->setDecimals(2);
    m_cap->setPrefix(QStringLiteral("$"));
    m_cap->setSpecialValueText(tr("no cap"));
    m_cap->setValue(spendCap < 0 ? 0 : spendCap);
    m_cap->setToolTip(tr("Paid workers stop taking batches at this amount. It applies from the next run."));
    form->addRow(tr("Spend cap (next runs)"), m_cap);

    auto *buttons = new QDialogButtonBox(this);
    m_remote = buttons->addButton(tr("Run with remote workers"), QDialogButtonBox::AcceptRole);
    m_local = buttons->addButton(tr("Run locally only"), QDialogButtonBox::RejectRole);
    m_cancel = buttons->addButton(tr("Cancel"), QDialogButtonBox::DestructiveRole);
    m_local->setDefault(true);
    connect(m_remote, &QPushButton::clicked, this, [this] { finishWith(RunRemote); });
    connect(m_local, &QPushButton::clicked, this, [this] { finishWith(RunLocal); });
    connect(m_cancel, &QPushButton::clicked, this, [this] { finishWith(CancelJob); });
    // Closing the dialog (Esc, the window's close button) means "locally only".
    connect(this, &QDialog::rejected, this, [this] {
        if (!m_done) {
            m_done = true;
            emit answered(RunLocal);
        }
    });

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

void ChargesDialog::finishWith(Answer answer)
{
    if (m_done)
        return;
    m_done = true;
    m_answer = answer;
    emit answered(answer);
    done(answer == RunRemote ? Accepted : Rejected);
}

double ChargesDialog::spendCap() const
{
    return m_cap->value() <= 0 ? -1 : m_cap->value();
}

QPushButton *ChargesDialog::button(Answer answer) const
{
    switch (answer) {
    case RunRemote: return m_remote;
    case RunLocal: return m_local;
    case CancelJob: return m_cancel;
    }
    return nullptr;
}

QString ChargesDialog::formatDuration(double seconds)
{
    if (seconds < 0)
        return tr("unknown");
    if (seconds < 120)
        return tr("%1 s").arg(seconds, 0, 'f', 1);
    if (seconds < 7200)
        return tr("%1 min").arg(seconds / 60, 0, 'f', 1);
    return tr("%1 h").arg(seconds / 3600, 0, 'f', 1);
}

} // namespace fastmap
