// SPDX-License-Identifier: GPL-3.0-or-later
#include "ControlPlugin.h"

#include <QElapsedTimer>
#include <QThread>

#include <span>
#include <stdexcept>
#include <string_view>

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
        const QByteArray thread = QByteArray::number(quintptr(QThread::currentThreadId()), 16);
        const std::string_view threadText(thread.constData(), std::size_t(thread.size()));
        const std::span<const std::int64_t> xs = input.integers(0);
        fastmap::Table &out = output.values();
        for (int r = 0; r < input.rowCount(); ++r) {
            if (output.failed(r))
                continue;
            const qint64 x = xs[std::size_t(r)];
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
            out.integers(0)[std::size_t(r)] = x * 2;
            out.setText(1, r, threadText);
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
