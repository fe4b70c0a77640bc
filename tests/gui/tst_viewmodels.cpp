// SPDX-License-Identifier: GPL-3.0-or-later
// The GUI's non-widget parts: result, error and worker models, settings, the token store.
#include "AppSettings.h"
#include "ColumnMappingForm.h"
#include "ErrorTableModel.h"
#include "ResultTableModel.h"
#include "TokenStore.h"
#include "WorkerTableModel.h"
#include "output/ResultWriter.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace fastmap;

namespace {

// A batch of `n` elements starting at `first`: input x = index, output y = 2x; every element
// whose index is divisible by `failEvery` fails.
BatchResult makeBatch(qint64 first, int n, int failEvery = 0)
{
    BatchResult result;
    result.batch.firstRow = first;
    result.batch.rows = Table(1, n);
    result.output = BatchOutput(1, n);
    result.executor = QStringLiteral("local");
    for (int r = 0; r < n; ++r) {
        result.batch.rows.set(r, 0, first + r);
        if (failEvery > 0 && (first + r) % failEvery == 0)
            result.output.fail(r, QStringLiteral("bad %1").arg(first + r));
        else
            result.output.values().set(r, 0, 2 * (first + r));
    }
    return result;
}

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
        QCOMPARE(model.data(model.index(13, 0)).toLongLong(), 13);
        QCOMPARE(model.data(model.index(13, 1)).toLongLong(), 26);
        QCOMPARE(model.data(model.index(12, 1)), QVariant());
        QCOMPARE(model.data(model.index(12, 2)).toString(), QStringLiteral("bad 12"));
        QCOMPARE(model.failedRows(), (QList<qint64>{0, 4, 8, 12}));
        QCOMPARE(model.toTsv({1, 2}), QStringLiteral("x\ty\terror\n1\t2\t\n2\t4\t\n"));
    }

    void retriedElementsReplaceTheirRowsAndExportPatched()
    {
        ResultTableModel model;
        model.reset({QStringLiteral("x")}, {QStringLiteral("y")});
        model.appendBatch(makeBatch(0, 6, 3));
        model.replaceElement(3, {QVariant(6)}, QString());
        model.replaceElement(0, {}, QStringLiteral("still bad"));
        QCOMPARE(model.failedRows(), (QList<qint64>{0}));
        QCOMPARE(model.data(model.index(3, 1)).toInt(), 6);
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
