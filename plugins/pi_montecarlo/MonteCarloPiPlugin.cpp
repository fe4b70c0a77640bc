// SPDX-License-Identifier: GPL-3.0-or-later
#include "MonteCarloPiPlugin.h"

#include "PluginParams.h"

#include <array>
#include <bit>

namespace fastmap::plugins {

namespace {

// xoshiro256** (Blackman and Vigna), written out here so results do not depend on the standard
// library. Its four state words come from successive outputs of splitmix64 started at the seed.
class Xoshiro256StarStar
{
public:
    explicit Xoshiro256StarStar(quint64 seed)
    {
        quint64 counter = seed;
        for (quint64 &word : m_state) {
            counter += 0x9e3779b97f4a7c15ULL;
            quint64 z = counter;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            word = z ^ (z >> 31);
        }
    }

    quint64 next()
    {
        const quint64 result = std::rotl(m_state[1] * 5, 7) * 9;
        const quint64 shifted = m_state[1] << 17;
        m_state[2] ^= m_state[0];
        m_state[3] ^= m_state[1];
        m_state[1] ^= m_state[2];
        m_state[0] ^= m_state[3];
        m_state[2] ^= shifted;
        m_state[3] = std::rotl(m_state[3], 45);
        return result;
    }

    // A double in [0, 1): the top 53 bits of the next output, scaled by 2^-53.
    double nextDouble() { return double(next() >> 11) * 0x1.0p-53; }

private:
    std::array<quint64, 4> m_state;
};

class MonteCarloPiFunction final : public fastmap::ElementFunction
{
public:
    explicit MonteCarloPiFunction(qint64 samples) : m_samples(samples) {}

protected:
    void processElement(const fastmap::InputRow &in, fastmap::OutputRow &out) const override
    {
        Xoshiro256StarStar random(quint64(in.integer(0)));
        qint64 inside = 0;
        for (qint64 i = 0; i < m_samples; ++i) {
            const double x = random.nextDouble();
            const double y = random.nextDouble();
            inside += (x * x + y * y < 1.0) ? 1 : 0; // branch-free: the outcome is unpredictable
        }
        out.setNumber(0, 4.0 * double(inside) / double(m_samples));
        out.setInteger(1, inside);
    }

private:
    const qint64 m_samples;
};

} // namespace

std::unique_ptr<fastmap::Function> MonteCarloPiPlugin::create(const QVariantMap &params) const
{
    const qint64 samples = integerParam(params, "samples", 1, 10000000000LL);
    return std::make_unique<MonteCarloPiFunction>(samples);
}

} // namespace fastmap::plugins
