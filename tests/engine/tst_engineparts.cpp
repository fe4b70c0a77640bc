// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's small parts, each testable without threads or plugins.
#include "dataset/Dataset.h"
#include "engine/BatchParser.h"
#include "engine/BatchRunner.h"
#include "engine/BatchScheduler.h"
#include "engine/BatchSizer.h"
#include "engine/ColumnMapping.h"
#include "engine/ProgressMeter.h"
#include "engine/ReorderBuffer.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent>

#include <stdexcept>

using namespace fastmap;

namespace {

FunctionInfo functionWithInputs(const QStringList &inputs)
{
    FunctionInfo f;
    f.id = QStringLiteral("t.f");
    for (const QString &name : inputs)
        f.inputs.append({name, QStringLiteral("any"), {}});
    return f;
}

// Throws for any batch holding a negative number; fails 13 with fail().
class Picky : public Function
{
public:
    void process(const Table &in, BatchOutput &out) const override
    {
        ++calls;
        for (int r = 0; r < in.rowCount(); ++r) {
            const qint64 x = in.integers(0)[std::size_t(r)];
            if (x < 0)
                throw std::runtime_error("negative " + std::to_string(x));
            if (x == 13) {
                out.fail(r, QStringLiteral("unlucky"));
                continue;
            }
            out.values().integers(0)[std::size_t(r)] = x + 1;
        }
    }
    mutable int calls = 0;
};

} // namespace

class TestEngineParts : public QObject
{
    Q_OBJECT

private slots:
    void sizerAimsAtTheTargetDuration()
    {
        BatchSizer sizer(0.2, 100000);
        QCOMPARE(sizer.nextSize(), 64); // nothing known yet
        sizer.seed(1e-3);
        QCOMPARE(sizer.nextSize(), 200);
        sizer.seed(1e-9);
        QCOMPARE(sizer.nextSize(), 100000); // capped
        sizer.seed(10.0);
        QCOMPARE(sizer.nextSize(), 1); // never zero
    }

    void sizerKeepsAdaptingAsBatchesAreMeasured()
    {
        BatchSizer sizer(0.2, 1000000);
        sizer.seed(1e-3);
        for (int i = 0; i < 30; ++i)
            sizer.record(200, 0.02); // elements turned out ten times cheaper
        QVERIFY2(sizer.nextSize() > 1000, qPrintable(QString::number(sizer.nextSize())));
        for (int i = 0; i < 30; ++i)
            sizer.record(2000, 2.0); // and then ten times dearer
        QVERIFY2(sizer.nextSize() < 400, qPrintable(QString::number(sizer.nextSize())));
    }

    void reorderBufferReleasesOnlyInOrder()
    {
        ReorderBuffer buffer;
        const auto make = [](qint64 seq) {
            BatchResult r;
            r.batch.sequence = seq;
            return r;
        };
        buffer.push(make(2));
        buffer.push(make(1));
        QVERIFY(!buffer.popNext(0));
        buffer.push(make(0));
        for (qint64 s = 0; s < 3; ++s) {
            auto r = buffer.popNext(0);
            QVERIFY(r);
            QCOMPARE(r->batch.sequence, s);
        }
        QVERIFY(!buffer.popNext(10));
        QCOMPARE(buffer.peakSize(), 3);
    }

    void reorderBufferWaitsForTheMissingResult()
    {
        ReorderBuffer buffer;
        QFuture<void> later = QtConcurrent::run([&buffer] {
            QThread::msleep(50);
            BatchResult r;
            r.batch.sequence = 0;
            buffer.push(std::move(r));
        });
        QElapsedTimer timer;
        timer.start();
        auto r = buffer.popNext(5000);
        QVERIFY(r);
        QVERIFY(timer.elapsed() < 4000);
        later.waitForFinished();
    }

    void runnerIsolatesTheElementsOfAThrowingBatch()
    {
        Picky picky;
        Table in({ColumnType::Int64}, 5);
        const qint64 values[] = {1, -2, 13, 4, -5};
        for (int r = 0; r < 5; ++r)
            in.integers(0)[std::size_t(r)] = values[r];
        BatchOutput out({ColumnType::Int64}, 5);
        BatchRunner::run(picky, in, out);
        QCOMPARE(picky.calls, 1 + 5); // the batch, then each element once; never more
        QCOMPARE(out.failedCount(), 3);
        QCOMPARE(out.error(1), QStringLiteral("negative -2"));
        QCOMPARE(out.error(2), QStringLiteral("unlucky"));
        QCOMPARE(out.error(4), QStringLiteral("negative -5"));
        QCOMPARE(out.values().integers(0)[0], 2);
        QCOMPARE(out.values().integers(0)[3], 5);
    }

    void runnerLeavesAGoodBatchAlone()
    {
        Picky picky;
        Table in({ColumnType::Int64}, 3);
        for (int r = 0; r < 3; ++r)
            in.integers(0)[std::size_t(r)] = r;
        BatchOutput out({ColumnType::Int64}, 3);
        BatchRunner::run(picky, in, out);
        QCOMPARE(picky.calls, 1);
        QVERIFY(!out.hasFailures());
        QCOMPARE(out.values().integers(0)[2], 3);
    }

    void runnerKeepsElementsFailedBeforeItRan()
    {
        Picky picky;
        Table in({ColumnType::Int64}, 3);
        in.integers(0)[0] = -1; // makes the batch throw, so each element runs alone
        BatchOutput out({ColumnType::Int64}, 3);
        out.fail(2, QStringLiteral("input 'x' is not a number: 'abc'"));
        BatchRunner::run(picky, in, out);
        QCOMPARE(out.failedCount(), 2);
        QCOMPARE(out.error(0), QStringLiteral("negative -1"));
        QCOMPARE(out.error(2), QStringLiteral("input 'x' is not a number: 'abc'"));
        QCOMPARE(out.values().integers(0)[1], 1);
    }

    void parserConvertsProjectsAndCutsAtAMalformedRecord()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("in.csv"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("id,x\n1,2.5\n2,abc\n3,4\n4,5,6\n5,7\n");
        file.close();
        InputError error;
        auto reader = Dataset::open(path, &error);
        QVERIFY2(reader, qPrintable(error.toString()));
        // x feeds a number input; id, as text, a second one.
        const BatchParser parser(reader->parser(), {{1, ColumnType::Float64, QStringLiteral("x")}, {0, ColumnType::Text, QStringLiteral("id")}},
                                 {ColumnType::Float64}, {{0, ColumnType::Text, QStringLiteral("id")}, {1, ColumnType::Text, QStringLiteral("x")}});
        BatchScheduler scheduler(reader.get(), 10);
        Batch batch;
        QVERIFY(scheduler.next(100, &batch));
        QCOMPARE(batch.size(), 5);
        BatchOutput output;
        const std::optional<InputError> cut = parser.parse(batch, &output);
        QVERIFY(cut);
        QVERIFY2(cut->toString().contains(QStringLiteral(":5")), qPrintable(cut->toString())); // line 5
        QCOMPARE(batch.size(), 3);
        QCOMPARE(output.rowCount(), 3);
        QCOMPARE(batch.input.doubles(0)[0], 2.5);
        QCOMPARE(batch.input.doubles(0)[2], 4.0);
        QCOMPARE(batch.input.string(1, 2), QStringLiteral("3"));
        QCOMPARE(output.failedCount(), 1);
        QVERIFY2(output.error(1).contains(QStringLiteral("'abc'")), qPrintable(output.error(1)));
        QCOMPARE(batch.kept.columnCount(), 2);
        QCOMPARE(batch.kept.string(1, 1), QStringLiteral("abc"));
    }

    void mappingMatchesByNameExplicitlyOrTheOnlyColumn()
    {
        QList<int> indexes;
        QString error;
        const FunctionInfo geo = functionWithInputs({"lat1", "lon1", "lat2", "lon2"});
        QVERIFY(ColumnMapping::resolve(geo, {"id", "lon2", "lat2", "lon1", "lat1"}, {}, &indexes, &error));
        QCOMPARE(indexes, (QList<int>{4, 3, 2, 1}));

        QVERIFY(ColumnMapping::resolve(geo, {"a", "b", "LAT2", "lon2"}, {{"lat1", "a"}, {"lon1", "b"}}, &indexes, &error));
        QCOMPARE(indexes, (QList<int>{0, 1, 2, 3})); // LAT2 by a unique case-insensitive match

        const FunctionInfo one = functionWithInputs({"x"});
        QVERIFY(ColumnMapping::resolve(one, {"value"}, {}, &indexes, &error));
        QCOMPARE(indexes, QList<int>{0});

        QVERIFY(!ColumnMapping::resolve(one, {"a", "b"}, {}, &indexes, &error));
        QVERIFY2(error.contains("--map x=COLUMN") && error.contains("a, b"), qPrintable(error));
        QVERIFY(!ColumnMapping::resolve(one, {"a"}, {{"x", "nope"}}, &indexes, &error));
        QVERIFY2(error.contains("no column \"nope\""), qPrintable(error));
        QVERIFY(!ColumnMapping::resolve(one, {"a"}, {{"y", "a"}}, &indexes, &error));
        QVERIFY2(error.contains("no input \"y\""), qPrintable(error));
    }

    void meterGivesRecentRateAndEta()
    {
        ProgressMeter meter(2.0);
        QCOMPARE(meter.rate(), 0.0);
        QCOMPARE(meter.etaSeconds(0, 100), -1.0);
        for (int t = 0; t <= 10; ++t)
            meter.add(t, t * 100); // 100/s
        QCOMPARE(meter.rate(), 100.0);
        QCOMPARE(meter.etaSeconds(1000, 3000), 20.0);
        QCOMPARE(meter.etaSeconds(1000, -1), -1.0);
        for (int t = 11; t <= 20; ++t)
            meter.add(t, 1000 + (t - 10) * 10); // slowed to 10/s
        QVERIFY2(meter.rate() < 15, qPrintable(QString::number(meter.rate())));
    }

    void schedulerHoldsBackWhenTooFarAhead()
    {
        InputError error;
        auto reader = Dataset::open(QStringLiteral("range:1000"), &error);
        QVERIFY(reader);
        BatchScheduler scheduler(reader.get(), 2);
        Batch a, b, c;
        QVERIFY(scheduler.next(10, &a));
        QVERIFY(scheduler.next(10, &b));
        QCOMPARE(b.firstRow, 10);
        QCOMPARE(b.records.firstRow, 10);
        QCOMPARE(b.input.columnCount(), 0); // parsed later, by the executor
        std::atomic<bool> gotThird{false};
        QFuture<void> third = QtConcurrent::run([&] {
            gotThird = scheduler.next(10, &c);
        });
        QThread::msleep(100);
        QVERIFY(!gotThird); // two batches ahead of the output: the third waits
        scheduler.completed();
        scheduler.emitted(a.sequence);
        third.waitForFinished();
        QVERIFY(gotThird);
        QCOMPARE(c.sequence, 2);
        QCOMPARE(c.firstRow, 20);
    }

    void schedulerRequeuesFirstAndDrains()
    {
        InputError error;
        auto reader = Dataset::open(QStringLiteral("range:25"), &error);
        BatchScheduler scheduler(reader.get(), 100);
        Batch batch;
        QList<Batch> out;
        while (out.size() < 3 && scheduler.next(10, &batch))
            out << batch;
        QCOMPARE(out.size(), 3);
        QCOMPARE(out[2].size(), 5);
        QCOMPARE(out[1].records.firstRow, 10);
        QCOMPARE(out[1].records.count, 10);
        scheduler.completed();
        scheduler.completed();
        scheduler.requeue(Batch(out[1]));
        QVERIFY(scheduler.next(10, &batch)); // the requeued batch comes back
        QCOMPARE(batch.sequence, 1);
        QCOMPARE(batch.attempts, 1);
        QVERIFY(!scheduler.isDrained());
        scheduler.completed();
        QVERIFY(!scheduler.next(10, &batch));
        QVERIFY(scheduler.isDrained());
        QCOMPARE(scheduler.rowsRead(), 25);
    }
};

QTEST_MAIN(TestEngineParts)
#include "tst_engineparts.moc"
