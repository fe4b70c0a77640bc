// SPDX-License-Identifier: GPL-3.0-or-later
#include "EngineRun.h"

#include "BenchWork.h"
#include "SystemInfo.h"

#include "dataset/Dataset.h"
#include "engine/BatchParser.h"
#include "engine/Engine.h"
#include "engine/ResultSink.h"
#include "plugin/PluginCatalog.h"

#include <QElapsedTimer>
#include <QtEndian>

#include <algorithm>
#include <atomic>
#include <cstring>

namespace fastmap::bench {

namespace {

// Reads back what demoWorkHexTo() wrote: exactly 16 lowercase hexadecimal digits. Eight digits
// at a time in a register, then checked by writing them again, so that the sink's own cost stays
// small next to the engine's (a digit loop cost about 26 ns per element, a quarter of the work
// at 0.1 us).
quint32 parseEightHex(const char *digits)
{
    quint64 x;
    std::memcpy(&x, digits, 8);
    // '0'-'9' are 0x30-0x39 and 'a'-'f' are 0x61-0x66: the low nibble, plus 9 for letters.
    x = (x & 0x0f0f0f0f0f0f0f0fULL) + ((x >> 6) & 0x0101010101010101ULL) * 9;
    x = qFromBigEndian(x); // the first digit is the most significant
    x = (x | (x >> 4)) & 0x00ff00ff00ff00ffULL;
    x = (x | (x >> 8)) & 0x0000ffff0000ffffULL;
    x = (x | (x >> 16)) & 0x00000000ffffffffULL;
    return quint32(x);
}

bool parseHash(std::string_view text, quint64 *hash)
{
    if (text.size() != 16)
        return false;
    const quint64 h = (quint64(parseEightHex(text.data())) << 32) | parseEightHex(text.data() + 8);
    char again[16];
    demo::demoWorkHexTo(h, again);
    *hash = h;
    return std::memcmp(again, text.data(), 16) == 0;
}

// Parses and sums each batch on the worker that computed it (prepare(), many threads at once),
// then adds the batch sums up in input order (consume(), one thread), checking that the
// batches arrive contiguous and in order. Only one sum per batch in flight is ever held.
class ChecksumSink : public ResultSink
{
public:
    void prepare(BatchResult &result) override
    {
        const Table &out = result.output.values();
        const int rows = result.batch.size();
        quint64 sum = 0;
        for (int r = 0; r < rows; ++r) {
            quint64 hash = 0;
            if (result.output.failed(r) || !parseHash(out.text(0, r), &hash)) {
                result.encoded.clear(); // consume() reports it
                return;
            }
            sum += checksumTerm(result.batch.firstRow + r, hash);
        }
        result.encoded = QByteArray(reinterpret_cast<const char *>(&sum), sizeof sum);
    }

    bool consume(const BatchResult &result, QString *error) override
    {
        if (result.batch.firstRow != elements) {
            *error = QStringLiteral("batch starting at element %1 delivered when %2 was expected")
                         .arg(result.batch.firstRow)
                         .arg(elements);
            return false;
        }
        if (result.encoded.size() != int(sizeof(quint64))) {
            *error =
                QStringLiteral("a result in the batch starting at element %1 failed or is not 16 hex digits")
                    .arg(result.batch.firstRow);
            return false;
        }
        quint64 sum = 0;
        std::memcpy(&sum, result.encoded.constData(), sizeof sum);
        checksum += sum;
        elements += result.batch.size();
        return true;
    }

    quint64 checksum = 0;
    qint64 elements = 0;
};

} // namespace

MethodResult runEngine(PluginCatalog &catalog, qint64 n, qint64 iterations, int threads, double sampleSeconds,
                       JobSummary *summary, JobSpec::Isolation isolation)
{
    JobSpec spec;
    spec.isolation = isolation;
    spec.functionId = QStringLiteral("demo.work");
    spec.params.insert(QStringLiteral("iterations"), iterations);
    spec.input = QStringLiteral("range:%1").arg(n);
    spec.threads = threads;
    spec.serialFallback = JobSpec::SerialFallback::Never; // measure the threaded path, always
    if (sampleSeconds >= 0)
        spec.sampleSeconds = sampleSeconds;

    ChecksumSink sink;
    Engine engine(&catalog);
    MethodResult r;
    StartError error;
    QElapsedTimer timer;
    timer.start();
    const double cpuStart = processCpuSeconds();
    if (!engine.start(spec, &sink, &error)) {
        r.ok = false;
        r.note = QStringLiteral("the engine refused the job: ") + error.message;
        return r;
    }
    const JobSummary s = engine.wait();
    r.seconds = double(timer.nsecsElapsed()) * 1e-9;
    r.cpuSeconds = processCpuSeconds() - cpuStart;
    r.checksum = sink.checksum;
    r.elements = sink.elements;
    if (s.status != JobStatus::Completed || sink.elements != n) {
        r.ok = false;
        r.note = QStringLiteral("the job ended %1 after %2 of %3 elements: %4")
                     .arg(jobStatusName(s.status))
                     .arg(sink.elements)
                     .arg(n)
                     .arg(s.message);
    } else {
        r.note =
            QStringLiteral("%1 batches on %2 threads, serial sample %3 us/element, peak %4 batches in flight")
                .arg(s.batches)
                .arg(s.threads)
                .arg(s.sampleSecondsPerElement * 1e6, 0, 'f', 3)
                .arg(s.peakBatchesInFlight);
    }
    if (summary)
        *summary = s;
    return r;
}

Breakdown measureBreakdown(PluginCatalog &catalog, qint64 iterations, int rows, int batches)
{
    Breakdown b;
    QString message;
    const std::shared_ptr<const Function> function = catalog.instantiate(
        QStringLiteral("demo.work"), {{QStringLiteral("iterations"), iterations}}, &message);
    InputError inputError;
    const std::unique_ptr<DatasetReader> reader =
        Dataset::open(QStringLiteral("range:%1").arg(qint64(rows) * batches), &inputError, {});
    if (!function || !reader) {
        b.ok = false;
        b.error = function ? inputError.toString() : message;
        return b;
    }
    const BatchParser parser(reader->parser(), {{0, ColumnType::Text, QStringLiteral("x")}}, {ColumnType::Text}, {});
    ChecksumSink sink;
    double best[5] = {1e300, 1e300, 1e300, 1e300, 1e300};
    quint64 kernelSum = 0;
    qint64 first = 0;
    for (int k = 0; k < batches; ++k) {
        double t[6];
        t[0] = threadCpuSeconds();
        // Cutting and parsing: what the scheduler and the executor do before the function runs.
        Batch batch;
        const int n = reader->readRecords(batch.records, rows);
        BatchOutput output;
        parser.parse(batch, &output);
        t[1] = threadCpuSeconds();
        function->process(batch.input, output);
        t[2] = threadCpuSeconds();
        {
            BatchResult result;
            result.batch = std::move(batch);
            result.batch.firstRow = first;
            result.output = std::move(output);
            sink.prepare(result);
            t[3] = threadCpuSeconds();
            if (result.encoded.size() != int(sizeof(quint64))) {
                b.ok = false;
                b.error = QStringLiteral("the plugin's output did not parse");
                return b;
            }
        }
        t[4] = threadCpuSeconds();
        for (qint64 i = first; i < first + n; ++i)
            kernelSum += elementHash(i, iterations);
        t[5] = threadCpuSeconds();
        first += n;
        for (int step = 0; step < 5; ++step)
            best[step] = std::min(best[step], (t[step + 1] - t[step]) * 1e9 / n);
    }
    static std::atomic<quint64> keep;
    keep.store(kernelSum, std::memory_order_relaxed);
    b.readNs = best[0];
    b.processNs = best[1];
    b.prepareNs = best[2];
    b.freeNs = best[3];
    b.kernelNs = best[4];
    return b;
}

} // namespace fastmap::bench
