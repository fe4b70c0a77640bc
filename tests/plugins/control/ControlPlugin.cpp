// SPDX-License-Identifier: GPL-3.0-or-later
#include "ControlPlugin.h"

#include <QElapsedTimer>
#include <QThread>

#include <stdexcept>

namespace {

class ControlFunction : public fastmap::Function
{
public:
    explicit ControlFunction(const QVariantMap &p)
        : m_modulo(p.value("fail_modulo").toLongLong()), m_remainder(p.value("fail_remainder").toLongLong()),
          m_delayNs(p.value("delay_us").toLongLong() * 1000), m_throwBatch(p.value("throw_batch").toBool())
    {
    }

    void process(const fastmap::Table &input, fastmap::BatchOutput &output) const override
    {
        const QString thread = QString::number(quintptr(QThread::currentThreadId()), 16);
        for (int r = 0; r < input.rowCount(); ++r) {
            const qint64 x = fastmap::toInteger(input.at(r, 0), "x");
            if (m_delayNs > 0) {
                QElapsedTimer t;
                t.start();
                while (t.nsecsElapsed() < m_delayNs) {
                }
            }
            if (m_modulo > 0 && x % m_modulo == m_remainder) {
                if (m_throwBatch)
                    throw std::runtime_error("element " + std::to_string(x) + " is cursed");
                output.fail(r, QStringLiteral("element %1 is cursed").arg(x));
                continue;
            }
            output.values().set(r, 0, x * 2);
            output.values().set(r, 1, thread);
        }
    }

private:
    qint64 m_modulo;
    qint64 m_remainder;
    qint64 m_delayNs;
    bool m_throwBatch;
};

} // namespace

std::unique_ptr<fastmap::Function> ControlPlugin::create(const QVariantMap &params) const
{
    return std::make_unique<ControlFunction>(params);
}
