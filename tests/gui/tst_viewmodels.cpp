// SPDX-License-Identifier: GPL-3.0-or-later
// The GUI's non-widget parts: result, error and worker models, settings, the token store.
#include "AppSettings.h"
#include "ColumnMappingForm.h"
#include "ErrorTableModel.h"
#include "GuiResultSink.h"
#include "LiveData.h"
#include "ResultTableModel.h"
#include "TokenStore.h"
#include "WorkerTableModel.h"
#include "output/ResultWriter.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFile>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>

using namespace fastmap;

namespace {

// A batch of `n` elements starting at `first`: input x = index (kept as text, as the engine
// keeps a dataset's columns), output y = 2x (an integer); every element whose index is
// divisible by `failEvery` fails.
BatchResult makeBatch(qint64 first, int n, int failEvery = 0)
{
    BatchResult result;
    result.batch.firstRow = first;
    result.batch.records.count = n;
    result.batch.kept = Table({ColumnType::Text}, n);
    result.output = BatchOutput({ColumnType::Int64}, n);
    result.executor = QStringLiteral("local");
    for (int r = 0; r < n; ++r) {
        result.batch.kept.setText(0, r, QString::number(first + r));
        if (failEvery > 0 && (first + r) % failEvery == 0)
            result.output.fail(r, QStringLiteral("bad %1").arg(first + r));
        else
            result.output.values().integers(0)[std::size_t(r)] = 2 * (first + r);
    }
    return result;
}

// One output row of a retried element.
Table oneRow(std::int64_t y)
{
    Table t({ColumnType::Int64}, 1);
    t.integers(0)[0] = y;
    return t;
}

// A batch with a double, a text and a boolean output: d = `values`, s = "s<i>", b = odd i.
BatchResult makeTypedBatch(qint64 first, const std::vector<double> &values)
{
    const int n = int(values.size());
    BatchResult result;
    result.batch.firstRow = first;
    result.batch.records.count = n;
    result.batch.kept = Table({ColumnType::Text}, n);
    result.output = BatchOutput({ColumnType::Float64, ColumnType::Text, ColumnType::Bool}, n);
    Table &out = result.output.values();
    for (int r = 0; r < n; ++r) {
        result.batch.kept.setText(0, r, QString::number(first + r));
        out.doubles(0)[std::size_t(r)] = values[std::size_t(r)];
        out.setText(1, r, QStringLiteral("s%1").arg(first + r));
        out.bools(2)[std::size_t(r)] = (first + r) % 2;
    }
    return result;
}

// Restores Qt's default locale when a test that changes it ends, even by a failure.
struct DefaultLocale
{
    explicit DefaultLocale(const QLocale &locale) { QLocale::setDefault(locale); }
    ~DefaultLocale() { QLocale::setDefault(before); }
    QLocale before;
};

} // namespace

class TestViewModels : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                           m_dir.filePath(QStringLiteral("settings")));
        QCoreApplication::setOrganizationName(QStringLiteral("FastmapTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_viewmodels"));
    }

    void resultModelStreamsBatches()
    {
        ResultTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset({QStringLiteral("x")}, {QStringLiteral("y")});
        QCOMPARE(model.columnCount(), 3);
        QCOMPARE(model.headerData(2, Qt::Horizontal).toString(), QStringLiteral("error"));
        model.appendBatch(makeBatch(0, 10, 4));
        model.appendBatch(makeBatch(10, 5, 4));
        QCOMPARE(model.rowCount(), 15);
        QCOMPARE(model.data(model.index(13, 0)).toString(), QStringLiteral("13"));
        QCOMPARE(model.data(model.index(13, 1), ResultTableModel::ValueRole), QVariant(qlonglong(26)));
        QCOMPARE(model.data(model.index(13, 1)).toString(), QStringLiteral("26"));
        QCOMPARE(model.data(model.index(12, 1)), QVariant());
        QCOMPARE(model.data(model.index(12, 1), ResultTableModel::ValueRole), QVariant());
        QCOMPARE(model.data(model.index(12, 2)).toString(), QStringLiteral("bad 12"));
        QCOMPARE(model.failedRows(), (QList<qint64>{0, 4, 8, 12}));
        QCOMPARE(model.toTsv({1, 2}), QStringLiteral("x\ty\terror\n1\t2\t\n2\t4\t\n"));
    }

    void retriedElementsReplaceTheirRowsAndExportPatched()
    {
        ResultTableModel model;
        model.reset({QStringLiteral("x")}, {QStringLiteral("y")});
        model.appendBatch(makeBatch(0, 6, 3));
        model.replaceElement(3, oneRow(6), 0, QString());
        model.replaceElement(0, oneRow(99), 0, QStringLiteral("still bad"));
        QCOMPARE(model.failedRows(), (QList<qint64>{0}));
        QCOMPARE(model.data(model.index(3, 1), ResultTableModel::ValueRole), QVariant(qlonglong(6)));
        QCOMPARE(model.value(0, 0, false), QVariant()); // a failed retry has no outputs
        QCOMPARE(model.inputField(3, 0), std::string_view("3"));
        QCOMPARE(model.error(0), QStringLiteral("still bad"));

        ErrorTableModel errors;
        errors.rebuild(model);
        QCOMPARE(errors.rowCount(), 1);
        QCOMPARE(errors.rows().first().message, QStringLiteral("still bad"));
        QCOMPARE(errors.rows().first().input, QStringLiteral("x=0"));

        const QString path = m_dir.filePath(QStringLiteral("patched.csv"));
        CsvResultWriter writer(path, ResultWriterOptions{true});
        QString error;
        QVERIFY2(model.writeTo(&writer, &error), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines =
            QString::fromUtf8(file.readAll()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 7);
        QCOMPARE(lines.at(1), QStringLiteral("0,,still bad"));
        QCOMPARE(lines.at(4), QStringLiteral("3,6,"));
        QCOMPARE(lines.at(6), QStringLiteral("5,10,"));
    }

    // Numbers show in the locale, right-aligned, with every digit a double needs; sorting and
    // copying use the typed value.
    void resultModelShowsTypedValues()
    {
        const DefaultLocale german(QLocale(QLocale::German, QLocale::Germany));
        ResultTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset({QStringLiteral("x")}, {QStringLiteral("d"), QStringLiteral("s"), QStringLiteral("b")});
        const double third = 1.0 / 3.0;
        model.appendBatch(makeTypedBatch(0, {0.1 + 0.2, 1234567.25, third, 10.0, -2.5}));
        BatchResult nulls = makeTypedBatch(5, {std::numeric_limits<double>::quiet_NaN(), 9.0});
        nulls.output.values().setNull(0, 1);
        model.appendBatch(nulls);
        QCOMPARE(model.rowCount(), 7);

        QCOMPARE(model.data(model.index(0, 1)).toString(), QStringLiteral("0,30000000000000004"));
        QCOMPARE(model.data(model.index(1, 1)).toString(), QStringLiteral("1.234.567,25"));
        QCOMPARE(model.data(model.index(2, 1)).toString(), QStringLiteral("0,3333333333333333"));
        QCOMPARE(model.data(model.index(2, 1), ResultTableModel::ValueRole), QVariant(third));
        QCOMPARE(model.data(model.index(2, 1), Qt::EditRole), QVariant(third));
        QCOMPARE(model.data(model.index(6, 1)), QVariant()); // a null
        QCOMPARE(model.data(model.index(1, 2)).toString(), QStringLiteral("s1"));
        QCOMPARE(model.data(model.index(1, 3)), QVariant(true));
        QCOMPARE(model.data(model.index(0, 0)), QVariant(QStringLiteral("0"))); // kept input: text

        const QVariant right(int(Qt::AlignRight | Qt::AlignVCenter));
        QCOMPARE(model.data(model.index(0, 1), Qt::TextAlignmentRole), right);
        QCOMPARE(model.data(model.index(0, 0), Qt::TextAlignmentRole), QVariant()); // input text
        QCOMPARE(model.data(model.index(0, 2), Qt::TextAlignmentRole), QVariant()); // text output

        // Copied text is the exact number, whatever the locale.
        QCOMPARE(model.toTsv({1, 2, 5}), QStringLiteral("x\td\ts\tb\terror\n"
                                                        "1\t1234567.25\ts1\ttrue\t\n"
                                                        "2\t0.3333333333333333\ts2\tfalse\t\n"
                                                        "5\tnan\ts5\ttrue\t\n"));

        // Sorted as numbers (as text, "10" would come before "2,5"); the null last, as Qt sorts invalid
        // values.
        ResultTableModel numbers;
        numbers.reset({QStringLiteral("x")}, {QStringLiteral("d"), QStringLiteral("s"), QStringLiteral("b")});
        BatchResult unsorted = makeTypedBatch(0, {0.1 + 0.2, 1234567.25, third, 10.0, 2.5, 0.0});
        unsorted.output.values().setNull(0, 5);
        numbers.appendBatch(unsorted);
        QSortFilterProxyModel sorted;
        sorted.setSortRole(ResultTableModel::ValueRole);
        sorted.setSourceModel(&numbers);
        sorted.sort(1);
        QList<int> order;
        for (int r = 0; r < sorted.rowCount(); ++r)
            order.append(sorted.mapToSource(sorted.index(r, 1)).row());
        QCOMPARE(order, (QList<int>{0, 2, 4, 3, 1, 5}));
    }

    void liveHistogramReadsTypedColumns()
    {
        ResultTableModel model;
        model.reset({QStringLiteral("x")}, {QStringLiteral("d"), QStringLiteral("s"), QStringLiteral("b")});
        BatchResult batch = makeTypedBatch(0, {1, 2, 3, 4, std::numeric_limits<double>::infinity()});
        batch.output.values().setNull(0, 1);
        batch.output.fail(2, QStringLiteral("bad"));
        model.appendBatch(batch);

        LiveData live;
        live.setHistogramColumn(0, model);
        QCOMPARE(live.histogram().count(), 2); // 1 and 4: no null, no failed element, no infinity
        live.addBatch(makeTypedBatch(5, {10, 20}));
        QCOMPARE(live.histogram().count(), 4);
        QCOMPARE(live.histogram().maximum(), 20.0);

        // A retried element counts with its new value.
        Table retried({ColumnType::Float64, ColumnType::Text, ColumnType::Bool}, 1);
        retried.doubles(0)[0] = -7;
        model.replaceElement(2, retried, 0, QString());
        live.setHistogramColumn(0, model);
        QCOMPARE(live.histogram().count(), 3);
        QCOMPARE(live.histogram().minimum(), -7.0);

        // Text and boolean outputs have no histogram; integers do.
        live.setHistogramColumn(1, model);
        QCOMPARE(live.histogram().count(), 0);
        live.setHistogramColumn(2, model);
        QCOMPARE(live.histogram().count(), 0);
        ResultTableModel integers;
        integers.reset({QStringLiteral("x")}, {QStringLiteral("y")});
        integers.appendBatch(makeBatch(0, 10, 4));
        live.setHistogramColumn(0, integers);
        QCOMPARE(live.histogram().count(), 7);
        QCOMPARE(live.histogram().maximum(), 18.0);
    }

    // The app keeps the dataset's columns only because the results view shows them.
    void guiSinkWantsInputForTheView()
    {
        GuiResultSink sink;
        QVERIFY(sink.wantsInput());
        sink.setWantsInput(false);
        QVERIFY(!sink.wantsInput());
        CsvResultWriter keeping(m_dir.filePath(QStringLiteral("k.csv")), ResultWriterOptions{true});
        sink.setFile(&keeping);
        QVERIFY(sink.wantsInput()); // the file asks for it
        CsvResultWriter plain(m_dir.filePath(QStringLiteral("p.csv")), ResultWriterOptions{false});
        sink.setFile(&plain);
        QVERIFY(!sink.wantsInput());
        QVERIFY(ResultTableModel().showsInput());
    }

    void errorModelListsFailuresAsTheyCome()
    {
        ErrorTableModel errors;
        QAbstractItemModelTester tester(&errors, QAbstractItemModelTester::FailureReportingMode::QtTest);
        errors.appendFailures(makeBatch(0, 10, 5), {QStringLiteral("x")});
        errors.appendFailures(makeBatch(10, 10), {QStringLiteral("x")});
        QCOMPARE(errors.indexes(), (QList<qint64>{0, 5}));
        QCOMPARE(errors.data(errors.index(1, ErrorTableModel::MessageColumn)).toString(),
                 QStringLiteral("bad 5"));
        QCOMPARE(errors.data(errors.index(1, ErrorTableModel::ExecutorColumn)).toString(),
                 QStringLiteral("local"));
        errors.clear();
        QCOMPARE(errors.rowCount(), 0);
    }

    void workerModelMergesConfiguredAndStats()
    {
        WorkerTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setConfigured({QStringLiteral("http://a:1"), QStringLiteral("http://b:2")});
        QCOMPARE(model.rowCount(), 2);
        RemoteStats b;
        b.url = QStringLiteral("http://b:2");
        b.state = QStringLiteral("busy");
        b.elements = 500;
        b.batches = 5;
        b.busySeconds = 2;
        b.charge = 0.0125;
        b.rttSeconds = 0.0021;
        model.setStats({b});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.data(model.index(1, WorkerTableModel::StateColumn)).toString(),
                 QStringLiteral("busy"));
        QCOMPARE(model.data(model.index(1, WorkerTableModel::ElementsColumn)).toLongLong(), 500);
        QCOMPARE(model.data(model.index(1, WorkerTableModel::RateColumn)).toString(),
                 QStringLiteral("250/s"));
        QCOMPARE(model.data(model.index(1, WorkerTableModel::ChargeColumn)).toString(),
                 QStringLiteral("$0.0125"));
        QCOMPARE(model.data(model.index(1, WorkerTableModel::LatencyColumn)).toString(),
                 QStringLiteral("2.1 ms"));
        model.setConfigured({QStringLiteral("http://a:1")});
        QCOMPARE(model.rowCount(), 2); // b still has stats in this job
        model.setStats({});
        QCOMPARE(model.rowCount(), 1);
    }

    void settingsRoundTrip()
    {
        {
            AppSettings settings;
            QCOMPARE(settings.defaultPolicy(), JobSpec::Policy::Adaptive);
            QVERIFY(settings.confirmCharges());
            QVERIFY(settings.spendCap() < 0);
            settings.setWorkers({QStringLiteral("https://w:8750")});
            settings.setDefaultPolicy(JobSpec::Policy::Local);
            settings.setConfirmCharges(false);
            settings.setSpendCap(2.5);
            settings.setThreads(3);
            settings.setBatchSeconds(0.5);
            settings.setLanguage(QStringLiteral("fr"));
            for (int i = 0; i < 12; ++i)
                settings.addRecentFile(QStringLiteral("/data/%1.csv").arg(i));
            settings.addRecentFile(QStringLiteral("/data/3.csv"));
        }
        AppSettings settings;
        QCOMPARE(settings.workers(), QStringList{QStringLiteral("https://w:8750")});
        QCOMPARE(settings.defaultPolicy(), JobSpec::Policy::Local);
        QVERIFY(!settings.confirmCharges());
        QCOMPARE(settings.spendCap(), 2.5);
        QCOMPARE(settings.threads(), 3);
        QCOMPARE(settings.batchSeconds(), 0.5);
        QCOMPARE(settings.language(), QStringLiteral("fr"));
        const QStringList recent = settings.recentFiles();
        QCOMPARE(recent.size(), AppSettings::kMaxRecentFiles);
        QCOMPARE(recent.first(), QStringLiteral("/data/3.csv"));
        QCOMPARE(recent.at(1), QStringLiteral("/data/11.csv"));
    }

    void tokenFallsBackToAPrivateFile()
    {
        TokenStore store;
        store.setKeychainEnabled(false);
        QVERIFY(store.save("tok-123"));
        QVERIFY(store.usedFallback());
        QVERIFY(store.warning().contains(TokenStore::fallbackPath()));
        const QFile::Permissions permissions = QFile(TokenStore::fallbackPath()).permissions();
        QVERIFY(permissions & QFileDevice::ReadOwner);
        QVERIFY(!(permissions & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteOther)));
        TokenStore again;
        again.setKeychainEnabled(false);
        QCOMPARE(again.load(), QByteArray("tok-123"));
    }

    void keychainFailureIsDetected()
    {
        // No keychain service runs under the test (no D-Bus session): the job's error is seen
        // and the file takes over. Where a keychain does answer, the token round-trips there.
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/fastmap-test-bus");
        TokenStore store;
        QVERIFY(store.save("tok-456"));
        QCOMPARE(store.load(), QByteArray("tok-456"));
        QVERIFY2(store.usedFallback(), "expected no keychain in the test environment");
    }

    void columnsMatchByName()
    {
        const QStringList columns{QStringLiteral("from"), QStringLiteral("LAT1"), QStringLiteral("lon1")};
        QCOMPARE(ColumnMappingForm::autoMatch(QStringLiteral("lon1"), 4, columns), QStringLiteral("lon1"));
        QCOMPARE(ColumnMappingForm::autoMatch(QStringLiteral("lat1"), 4, columns), QStringLiteral("LAT1"));
        QCOMPARE(ColumnMappingForm::autoMatch(QStringLiteral("lat2"), 4, columns), QString());
        QCOMPARE(ColumnMappingForm::autoMatch(QStringLiteral("x"), 1, {QStringLiteral("value")}),
                 QStringLiteral("value"));
    }
};

QTEST_MAIN(TestViewModels)
#include "tst_viewmodels.moc"
