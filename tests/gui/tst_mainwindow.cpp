// SPDX-License-Identifier: GPL-3.0-or-later
// The real main window, offscreen: open the bundled dataset, pick a function, set a parameter,
// run, read the results table, export and read back, errors and retry, cancel, languages.
#include "ColumnMappingForm.h"
#include "DatasetPanel.h"
#include "ErrorTableModel.h"
#include "FunctionPicker.h"
#include "GuiTestHelpers.h"
#include "JobController.h"
#include "LanguageLoader.h"
#include "LiveView.h"
#include "ParameterForm.h"
#include "ResultTableModel.h"
#include "RunSettingsForm.h"
#include "plugin/PluginCatalog.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QHeaderView>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QMimeData>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>

using namespace fastmap;

class TestMainWindow : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    PluginCatalog m_catalog;
    const QString m_demo = QStringLiteral(FASTMAP_SOURCE_DIR "/resources/demo/city-pairs.csv");

    static QStringList readLines(const QString &path)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return {};
        return QString::fromUtf8(file.readAll())
            .split(QRegularExpression(QStringLiteral("\r?\n")), Qt::SkipEmptyParts);
    }

    static int demoRows()
    {
        return int(readLines(QStringLiteral(FASTMAP_SOURCE_DIR "/resources/demo/city-pairs.csv")).size()) - 1;
    }

    // Runs the window's job by clicking Run and waits for its end.
    static bool runAndWait(MainWindow &window, JobSummary *summary)
    {
        QSignalSpy finished(&window, &MainWindow::jobFinished);
        auto *run = window.findChild<QPushButton *>(QStringLiteral("runButton"));
        if (!run)
            return false;
        QTest::mouseClick(run, Qt::LeftButton);
        return window.controller()->isRunning() && waitForJob(finished, summary);
    }

    // The haversine job on the demo dataset with radius_km = 1: distances in radians.
    bool runHaversine(MainWindow &window, JobSummary *summary)
    {
        if (!window.openDataset(m_demo) || !window.selectFunction(QStringLiteral("geo.haversine")))
            return false;
        auto *radius =
            qobject_cast<QDoubleSpinBox *>(window.parameterForm()->editor(QStringLiteral("radius_km")));
        if (!radius)
            return false;
        radius->setValue(1.0);
        return runAndWait(window, summary);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        isolateSettings(m_dir, "tst_mainwindow");
        m_catalog.scan(
            {QStringLiteral(FASTMAP_PLUGIN_BUILD_DIR), QStringLiteral(FASTMAP_TEST_PLUGIN_DIR "/good")});
        QVERIFY(m_catalog.find(QStringLiteral("geo.haversine")));
        QVERIFY(m_catalog.find(QStringLiteral("test.control")));
    }

    void opensTheDatasetWithAPreview()
    {
        MainWindow window(&m_catalog);
        window.show();
        QVERIFY(window.openDataset(m_demo));
        auto *preview = window.findChild<QTableView *>(QStringLiteral("previewTable"));
        QVERIFY(preview);
        QCOMPARE(preview->model()->columnCount(), 6);
        QVERIFY(preview->model()->rowCount() >= 10);
        QCOMPARE(preview->model()->headerData(0, Qt::Horizontal).toString(), QStringLiteral("from"));
        QCOMPARE(preview->model()->data(preview->model()->index(0, 0)).toString(), QStringLiteral("Paris"));
        QVERIFY(AppSettings().recentFiles().contains(QFileInfo(m_demo).absoluteFilePath()));
        QVERIFY(!window.openDataset(m_dir.filePath(QStringLiteral("missing.csv"))));
        QVERIFY(!window.datasetPanel()->lastError().isEmpty());
    }

    void dropsOpenADataset()
    {
        MainWindow window(&m_catalog);
        window.show();
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(m_demo)});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &drop);
        QCOMPARE(window.datasetPanel()->spec(), m_demo);
    }

    void functionPickerSearchesAndDescribes()
    {
        MainWindow window(&m_catalog);
        window.functionPicker()->setFilter(QStringLiteral("great-circle"));
        QCOMPARE(window.functionPicker()->visibleCount(), 1);
        window.functionPicker()->setFilter(QString());
        QVERIFY(window.functionPicker()->visibleCount() >= 5);
        QVERIFY(window.selectFunction(QStringLiteral("test.control")));
        QVERIFY(qobject_cast<QSpinBox *>(window.parameterForm()->editor(QStringLiteral("delay_us"))));
        auto *delay = qobject_cast<QSpinBox *>(window.parameterForm()->editor(QStringLiteral("delay_us")));
        QCOMPARE(delay->maximum(), 1000000);
        QCOMPARE(delay->minimum(), 0);
        QVERIFY(delay->toolTip().contains(QStringLiteral("busy-wait")));
        QVERIFY(window.parameterForm()->editor(QStringLiteral("throw_batch"))->inherits("QCheckBox"));
    }

    void runsAndShowsTheResults()
    {
        MainWindow window(&m_catalog);
        window.show();
        QVERIFY(window.openDataset(m_demo));
        QVERIFY(window.selectFunction(QStringLiteral("geo.haversine")));
        QCOMPARE(window.mappingForm()->combo(QStringLiteral("lat1"))->currentText(), QStringLiteral("lat1"));
        QCOMPARE(window.mappingForm()->mapping().size(), 4);
        JobSummary summary;
        QVERIFY(runHaversine(window, &summary));
        QCOMPARE(summary.status, JobStatus::Completed);
        QAbstractItemModel *results = window.resultsView()->model();
        QCOMPARE(results->rowCount(), demoRows());
        QCOMPARE(results->headerData(6, Qt::Horizontal).toString(), QStringLiteral("km"));
        // Paris-London is 344 km on the Earth: 0.054 on a sphere of radius 1.
        const double km = results->data(results->index(0, 6), ResultTableModel::ValueRole).toDouble();
        // Shown in the locale with every digit, right-aligned.
        QCOMPARE(results->data(results->index(0, 6)).toString(),
                 QLocale().toString(km, 'g', QLocale::FloatingPointShortest));
        QCOMPARE(results->data(results->index(0, 6), Qt::TextAlignmentRole).toInt(),
                 int(Qt::AlignRight | Qt::AlignVCenter));
        QVERIFY2(km > 0.05 && km < 0.06, qPrintable(QString::number(km)));
        QVERIFY(window.resultsView()->isSortingEnabled());
        QVERIFY(window.statusText().contains(QString::number(demoRows())));
        QVERIFY(window.logText().contains(QStringLiteral("geo.haversine")));
        // Sorted by distance, descending, once the job is done.
        window.resultsView()->sortByColumn(6, Qt::DescendingOrder);
        QVERIFY(results->data(results->index(0, 6), ResultTableModel::ValueRole).toDouble() >=
                results->data(results->index(1, 6), ResultTableModel::ValueRole).toDouble());
        window.resultsView()->selectRow(0);
        window.copySelection();
        QVERIFY(QApplication::clipboard()->text().startsWith(QStringLiteral("from\tto\t")));
        QVERIFY(window.liveView()->redrawCount() > 0);
    }

    void badParametersAreRefusedWithTheReason()
    {
        MainWindow window(&m_catalog);
        QVERIFY(window.openDataset(m_demo));
        QVERIFY(window.selectFunction(QStringLiteral("geo.haversine")));
        window.parameterForm()->setValue(QStringLiteral("radius_km"), 0.0);
        QVERIFY(!window.run());
        QVERIFY2(window.statusText().contains(QStringLiteral("radius_km")), qPrintable(window.statusText()));
        QVERIFY(!window.controller()->isRunning());
    }

    void exportsResultsAndPlotsAndReadsThemBack()
    {
        MainWindow window(&m_catalog);
        window.show();
        JobSummary summary;
        QVERIFY(runHaversine(window, &summary));
        const QString csv = m_dir.filePath(QStringLiteral("distances.csv"));
        QVERIFY(window.exportResults(csv));
        const QStringList lines = readLines(csv);
        QCOMPARE(lines.size(), demoRows() + 1);
        QCOMPARE(lines.first(), QStringLiteral("from,to,lat1,lon1,lat2,lon2,km,error"));
        QVERIFY(lines.at(1).startsWith(QStringLiteral("Paris,London,48.8566,2.3522,51.5074,-0.1278,0.05")));

        const QString jsonl = m_dir.filePath(QStringLiteral("distances.jsonl"));
        QVERIFY(window.exportResults(jsonl));
        const QStringList objects = readLines(jsonl);
        QCOMPARE(objects.size(), demoRows());
        const QJsonObject first = QJsonDocument::fromJson(objects.first().toUtf8()).object();
        QCOMPARE(first.value(QStringLiteral("to")).toString(), QStringLiteral("London"));
        QVERIFY(first.value(QStringLiteral("km")).toDouble() > 0.05);

        const QString png = m_dir.filePath(QStringLiteral("plots.png"));
        QVERIFY(window.exportPlots(png));
        QVERIFY(!QImage(png).isNull());
        const QString svg = m_dir.filePath(QStringLiteral("plots.svg"));
        QVERIFY(window.exportPlots(svg));
        QFile svgFile(svg);
        QVERIFY(svgFile.open(QIODevice::ReadOnly));
        QVERIFY(svgFile.readAll().contains("<svg"));
        QVERIFY(!window.exportResults(m_dir.filePath(QStringLiteral("no/such/dir/out.csv"))));
    }

    void failuresAreListedAndRetried()
    {
        MainWindow window(&m_catalog);
        window.show();
        QVERIFY(window.openDataset(QStringLiteral("range:1000")));
        QVERIFY(window.selectFunction(QStringLiteral("test.control")));
        QVERIFY(window.parameterForm()->setValue(QStringLiteral("fail_modulo"), 7));
        window.runSettings()->setPolicy(JobSpec::Policy::Local);
        JobSummary summary;
        QVERIFY(runAndWait(window, &summary));
        QCOMPARE(summary.status, JobStatus::CompletedWithFailures);
        ErrorTableModel *errors = window.controller()->errors();
        QCOMPARE(errors->rowCount(), 143); // 0, 7, ..., 994
        QCOMPARE(errors->rows().at(1).index, qint64(7));
        QCOMPARE(errors->rows().at(1).input, QStringLiteral("x=7"));
        QVERIFY(!errors->rows().at(1).message.isEmpty());
        QVERIFY(!errors->rows().at(1).executor.isEmpty());

        // Fix the parameter, retry: only the failed elements run again, and their rows change.
        QVERIFY(window.parameterForm()->setValue(QStringLiteral("fail_modulo"), 0));
        QSignalSpy finished(&window, &MainWindow::jobFinished);
        auto *retry = window.findChild<QPushButton *>(QStringLiteral("retryButton"));
        QVERIFY(retry);
        QTest::mouseClick(retry, Qt::LeftButton);
        QVERIFY(waitForJob(finished, &summary));
        QCOMPARE(summary.elements, qint64(143));
        QCOMPARE(errors->rowCount(), 0);
        ResultTableModel *results = window.controller()->results();
        QCOMPARE(results->rowCount(), 1000);
        QCOMPARE(results->value(7, 0, false).toLongLong(), 14);
        QCOMPARE(results->value(994, 0, false).toLongLong(), 1988);
        QCOMPARE(results->value(995, 0, false).toLongLong(), 1990);
    }

    void pauseAndCancelStopALongJob()
    {
        MainWindow window(&m_catalog);
        window.show();
        QVERIFY(window.openDataset(QStringLiteral("range:100000000")));
        QVERIFY(window.selectFunction(QStringLiteral("test.control")));
        window.parameterForm()->setValue(QStringLiteral("delay_us"), 50);
        window.runSettings()->setPolicy(JobSpec::Policy::Local);
        QSignalSpy finished(&window, &MainWindow::jobFinished);
        QVERIFY(window.run());
        QTRY_VERIFY_WITH_TIMEOUT(window.controller()->results()->rowCount() > 0, 30000);
        window.togglePause();
        QVERIFY(window.controller()->isPaused());
        window.togglePause();
        QVERIFY(!window.controller()->isPaused());
        window.cancel();
        JobSummary summary;
        QVERIFY(waitForJob(finished, &summary, 60000));
        QCOMPARE(summary.status, JobStatus::Cancelled);
        QVERIFY(window.controller()->results()->rowCount() < 100000000);
    }

    void shortcutsAreBound()
    {
        MainWindow window(&m_catalog);
        QStringList shortcuts;
        const auto actions = window.findChildren<QAction *>();
        for (QAction *action : actions)
            shortcuts.append(action->shortcut().toString(QKeySequence::PortableText));
        QVERIFY(shortcuts.contains(QStringLiteral("Ctrl+R")));
        QVERIFY(shortcuts.contains(QStringLiteral("Ctrl+P")));
        QVERIFY(shortcuts.contains(QStringLiteral("Esc")));
    }

    void windowStateIsRemembered()
    {
        {
            MainWindow window(&m_catalog);
            window.show();
            window.resize(1111, 777);
            window.close();
        }
        MainWindow again(&m_catalog);
        QCOMPARE(again.size(), QSize(1111, 777));
    }

    void germanAndFrenchAreInstalled()
    {
        QCOMPARE(LanguageLoader::install(qApp, QStringLiteral("de")), QStringLiteral("de"));
        {
            MainWindow window(&m_catalog);
            QCOMPARE(window.tabs()->tabText(0), QStringLiteral("Ergebnisse"));
        }
        QCOMPARE(LanguageLoader::install(qApp, QStringLiteral("fr")), QStringLiteral("fr"));
        {
            MainWindow window(&m_catalog);
            QCOMPARE(window.tabs()->tabText(0), QStringLiteral("Résultats"));
        }
        QCOMPARE(LanguageLoader::install(qApp, QStringLiteral("xx")), QString());
        // English, the fallback, has its plural forms.
        QCOMPARE(QCoreApplication::translate("fastmap::MainWindow", "%n element(s) crashed the function and failed alone",
                                             nullptr, 1),
                 QStringLiteral("1 element crashed the function and failed alone"));
        QCOMPARE(QCoreApplication::translate("fastmap::MainWindow", "%n element(s) crashed the function and failed alone",
                                             nullptr, 3),
                 QStringLiteral("3 elements crashed the function and failed alone"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
