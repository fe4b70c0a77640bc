// SPDX-License-Identifier: GPL-3.0-or-later
#include "CrashPlugin.h"

#include <QElapsedTimer>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <span>
#include <stdexcept>
#include <vector>

namespace {

enum class Mode { None, Segv, Abort, Throw, Loop, Alloc, Exit };

Mode modeFrom(const QString &name)
{
    if (name == QLatin1String("segv"))
        return Mode::Segv;
    if (name == QLatin1String("abort"))
        return Mode::Abort;
    if (name == QLatin1String("throw"))
        return Mode::Throw;
    if (name == QLatin1String("loop"))
        return Mode::Loop;
    if (name == QLatin1String("alloc"))
        return Mode::Alloc;
    if (name == QLatin1String("exit"))
        return Mode::Exit;
    return Mode::None;
}

// Touches memory until the allocation fails or something kills the process; stops at 8 GiB so a
// host without a limit does not take the machine down with it.
void eatMemory()
{
    std::vector<char *> blocks;
    constexpr std::size_t kBlock = 32u << 20;
    for (int i = 0; i < 256; ++i) {
        char *block = new char[kBlock];
        std::memset(block, i + 1, kBlock);
        blocks.push_back(block);
    }
    throw std::runtime_error("allocated 8 GiB without running out of memory");
}

class CrashFunction : public fastmap::Function
{
public:
    explicit CrashFunction(const QVariantMap &p)
        : m_mode(modeFrom(p.value("mode").toString())), m_on(p.value("on").toLongLong()),
          m_modulo(p.value("on_modulo").toLongLong()), m_delayNs(p.value("delay_us").toLongLong() * 1000)
    {}

    void process(const fastmap::Table &input, fastmap::BatchOutput &output) const override
    {
        const std::span<const std::int64_t> xs = input.integers(0);
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
            if (chosen(x))
                misbehave(x);
            output.values().integers(0)[std::size_t(r)] = x * 2;
        }
    }

private:
    bool chosen(qint64 x) const
    {
        if (m_on < 0)
            return true;
        return m_modulo > 0 ? x % m_modulo == m_on : x == m_on;
    }

    void misbehave(qint64 x) const
    {
        switch (m_mode) {
        case Mode::None: return;
        case Mode::Segv: std::raise(SIGSEGV); return;
        case Mode::Abort: std::abort();
        case Mode::Throw: throw std::runtime_error("element " + std::to_string(x) + " threw");
        case Mode::Loop:
            for (volatile bool spinning = true; spinning;) {
            }
            return;
        case Mode::Alloc: eatMemory(); return;
        case Mode::Exit: std::_Exit(3);
        }
    }

    Mode m_mode;
    qint64 m_on;
    qint64 m_modulo;
    qint64 m_delayNs;
};

} // namespace

std::unique_ptr<fastmap::Function> CrashPlugin::create(const QVariantMap &params) const
{
    return std::make_unique<CrashFunction>(params);
}
