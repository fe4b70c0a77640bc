// SPDX-License-Identifier: GPL-3.0-or-later
// fastmap: the desktop app. Everything but main() is in ui/ and core/.
#include "AppSettings.h"
#include "JobHistoryModel.h"
#include "JobsPanel.h"
#include "LanguageLoader.h"
#include "LiveView.h"
#include "MainWindow.h"
#include "ParameterForm.h"
#include "plugin/PluginCatalog.h"
#include "util/Version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Fastmap"));
    QApplication::setApplicationName(QStringLiteral("fastmap"));
    QApplication::setApplicationVersion(fastmap::versionString());
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/fastmap.svg")));
    // The app id: resources/org.fastmap.Fastmap.desktop, its metainfo and icon.
    QApplication::setDesktopFileName(QStringLiteral("org.fastmap.Fastmap"));
    fastmap::LanguageLoader::install(&app, fastmap::AppSettings().language());

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Fastmap Desktop: runs a function over every element of a dataset."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("DATASET"),
                                 QApplication::translate("main", "A dataset to open."),
                                 QStringLiteral("[DATASET]"));
    const QCommandLineOption function(QStringLiteral("function"),
                                      QApplication::translate("main", "Select this function."),
                                      QStringLiteral("ID"));
    const QCommandLineOption param(QStringLiteral("param"),
                                   QApplication::translate("main", "Set a parameter (repeatable)."),
                                   QStringLiteral("NAME=VALUE"));
    const QCommandLineOption run(QStringLiteral("run"),
                                 QApplication::translate("main", "Start the job at once."));
    QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                  QStringLiteral("Save a picture of the window after the job and quit."),
                                  QStringLiteral("FILE"));
    screenshot.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption showLive(QStringLiteral("show-live"),
                                QStringLiteral("Show the live plots from the start."));
    showLive.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption jobsScreenshot(QStringLiteral("jobs-screenshot"),
                                      QStringLiteral("Save a picture of the Jobs tab and quit."),
                                      QStringLiteral("FILE"));
    jobsScreenshot.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOptions({function, param, run, screenshot, showLive, jobsScreenshot});
    parser.process(app);

    fastmap::PluginCatalog catalog;
    catalog.scan(fastmap::PluginCatalog::defaultSearchPaths());
    fastmap::MainWindow window(&catalog);
    window.show();
    if (parser.isSet(showLive))
        window.tabs()->setCurrentWidget(window.liveView());
    if (!parser.positionalArguments().isEmpty())
        window.openDataset(parser.positionalArguments().first());
    if (parser.isSet(function))
        window.selectFunction(parser.value(function));
    for (const QString &assignment : parser.values(param))
        window.parameterForm()->setValue(assignment.section(QLatin1Char('='), 0, 0),
                                         assignment.section(QLatin1Char('='), 1));
    if (parser.isSet(screenshot)) {
        window.setScreenshotOnFinish(parser.value(screenshot));
        // The log goes to stderr too, for scripts (and the plots' cost measurement).
        QObject::connect(&window, &fastmap::MainWindow::screenshotTaken, &app, [&window] {
            std::fputs(qPrintable(window.logText() + QLatin1Char('\n')), stderr);
            QApplication::quit();
        });
    }
    if (parser.isSet(jobsScreenshot)) {
        // For docs/screenshots: the history with its newest job selected.
        window.tabs()->setCurrentWidget(window.jobsPanel());
        window.jobsPanel()->selectJob(window.jobHistory()->jobIdAt(0));
        QTimer::singleShot(1500, &window, [&window, path = parser.value(jobsScreenshot)] {
            QApplication::exit(window.grab().save(path) ? 0 : 1);
        });
    }
    if (parser.isSet(run) || parser.isSet(screenshot))
        QTimer::singleShot(200, &window, [&window] {
            if (!window.run())
                QApplication::exit(1);
        });
    return app.exec();
}
