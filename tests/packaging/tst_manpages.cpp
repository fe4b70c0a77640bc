// SPDX-License-Identifier: GPL-3.0-or-later
// The man pages in docs/man against the programs' --help: every option a program's help shows
// is in its man page and every option the man page names is in the help, every variable of the
// help is documented, and the pages lint without warnings.
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTest>

namespace {

QString binary(const QString &name)
{
    return QStringLiteral(FASTMAP_BINARY_DIR "/bin/") + name;
}

QString manPath(const QString &page)
{
    return QStringLiteral(FASTMAP_SOURCE_DIR "/docs/man/") + page;
}

// Runs a program and returns its standard output (help goes there), or fails the test.
QString output(const QString &program, const QStringList &arguments)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C")); // the English help
    env.remove(QStringLiteral("LANGUAGE"));
    process.setProcessEnvironment(env);
    process.start(binary(program), arguments);
    if (!process.waitForFinished(30000)) {
        process.kill();
        process.waitForFinished();
        return {};
    }
    return QString::fromUtf8(process.readAllStandardOutput());
}

// The man page's text as a reader sees it: no comments, font escapes or escaped dashes. In
// examples (.EX to .EE) only the program's own command lines count, not other commands'
// (runuser -u, systemctl enable --now).
QString manText(const QString &page, const QString &program)
{
    QFile file(manPath(page));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    static const QRegularExpression font(QStringLiteral("\\\\f[BIRP]"));
    QString text;
    bool inExample = false;
    bool continued = false;
    for (QString line : QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1String(".\\\"")))
            continue;
        line.remove(font);
        line.replace(QStringLiteral("\\-"), QStringLiteral("-"));
        line.replace(QStringLiteral("\\e"), QStringLiteral("\\"));
        line.replace(QStringLiteral("\\&"), QString());
        if (line == QLatin1String(".EX") || line == QLatin1String(".EE")) {
            inExample = line == QLatin1String(".EX");
            continue;
        }
        if (inExample) {
            const bool counts = continued || line.startsWith(program + QLatin1Char(' '));
            continued = counts && line.endsWith(QLatin1Char('\\'));
            if (!counts)
                continue;
        }
        text += line + QLatin1Char('\n');
    }
    return text;
}

// -x and --long-name, where they stand as options (not inside words like Ctrl-C or fastmap-cli).
QSet<QString> options(const QString &text)
{
    static const QRegularExpression option(QStringLiteral(
        "(?:^|(?<=[\\s,\\[(|\"`]))(--[a-z][a-z0-9-]*[a-z0-9]|-[a-zA-Z])(?=[\\s,<\\]=)|\"`.;]|$)"));
    QSet<QString> found;
    for (auto it = option.globalMatch(text); it.hasNext();)
        found.insert(it.next().captured(1));
    return found;
}

QSet<QString> variables(const QString &text)
{
    static const QRegularExpression variable(QStringLiteral("\\bFASTMAP_[A-Z_]+\\b"));
    QSet<QString> found;
    for (auto it = variable.globalMatch(text); it.hasNext();)
        found.insert(it.next().captured(0));
    return found;
}

// The command names of a main --help: the first word of each line of its "Commands:" section.
QStringList commands(const QString &help)
{
    QStringList names;
    bool inSection = false;
    for (const QString &line : help.split(QLatin1Char('\n'))) {
        if (line == QLatin1String("Commands:")) {
            inSection = true;
            continue;
        }
        if (inSection && line.trimmed().isEmpty())
            break;
        static const QRegularExpression command(QStringLiteral("^  ([a-z]+)\\b"));
        const auto match = command.match(line);
        if (inSection && match.hasMatch() && !names.contains(match.captured(1)))
            names << match.captured(1);
    }
    return names;
}

QString sorted(const QSet<QString> &set)
{
    QStringList list(set.begin(), set.end());
    list.sort();
    return list.join(QLatin1Char(' '));
}

} // namespace

class TestManPages : public QObject
{
    Q_OBJECT

    // All the help a program prints: its main help and each command's.
    static QString allHelp(const QString &program, const QString &page, QStringList *commandNames)
    {
        const QString main = output(program, {QStringLiteral("--help")});
        QString help = main;
        *commandNames = commands(main);
        for (const QString &command : *commandNames) {
            if (command == QLatin1String("help"))
                continue;
            help += program == QLatin1String("fastmap-cli")
                        ? output(program, {QStringLiteral("help"), command})
                        : output(program, {command, QStringLiteral("--help")});
        }
        Q_UNUSED(page);
        return help;
    }

private slots:
    void helpAndManPageAgree_data()
    {
        QTest::addColumn<QString>("program");
        QTest::addColumn<QString>("page");
        QTest::addColumn<int>("minimumCommands");
        QTest::newRow("fastmap") << "fastmap"
                                 << "fastmap.1" << 0;
        QTest::newRow("fastmap-cli") << "fastmap-cli"
                                     << "fastmap-cli.1" << 10;
        QTest::newRow("fastmap-worker") << "fastmap-worker"
                                        << "fastmap-worker.8" << 4;
    }

    void helpAndManPageAgree()
    {
        QFETCH(QString, program);
        QFETCH(QString, page);
        QFETCH(int, minimumCommands);
        QStringList commandNames;
        const QString help = allHelp(program, page, &commandNames);
        QVERIFY2(help.contains(QLatin1String("--help")), qPrintable(program + " printed no help"));
        QVERIFY2(commandNames.size() >= minimumCommands, qPrintable(commandNames.join(' ')));
        const QString man = manText(page, program);
        QVERIFY2(!man.isEmpty(), qPrintable(manPath(page)));

        const QSet<QString> inHelp = options(help);
        const QSet<QString> inMan = options(man);
        QVERIFY2(inHelp.size() >= 3, qPrintable(sorted(inHelp)));
        QVERIFY2((inHelp - inMan).isEmpty(), qPrintable(QStringLiteral("in %1's --help but not in %2: %3")
                                                            .arg(program, page, sorted(inHelp - inMan))));
        QVERIFY2((inMan - inHelp).isEmpty(), qPrintable(QStringLiteral("in %1 but in no --help of %2: %3")
                                                            .arg(page, program, sorted(inMan - inHelp))));

        const QSet<QString> helpVariables = variables(help);
        QVERIFY2((helpVariables - variables(man)).isEmpty(),
                 qPrintable(QStringLiteral("variables in %1's --help but not in %2: %3")
                                .arg(program, page, sorted(helpVariables - variables(man)))));

        for (const QString &command : commandNames)
            QVERIFY2(
                man.contains(QRegularExpression(
                    QStringLiteral("^\\.B[R]? (%1 )?%2\\b").arg(QRegularExpression::escape(program), command),
                    QRegularExpression::MultilineOption)),
                qPrintable(QStringLiteral("%1 does not describe the command %2").arg(page, command)));
    }

    void pagesLintCleanly_data()
    {
        QTest::addColumn<QString>("page");
        QTest::newRow("fastmap.1") << "fastmap.1";
        QTest::newRow("fastmap-cli.1") << "fastmap-cli.1";
        QTest::newRow("fastmap-worker.8") << "fastmap-worker.8";
    }

    void pagesLintCleanly()
    {
        QFETCH(QString, page);
        int linters = 0;
        // mandoc's lint and groff with every warning on; either prints nothing for a clean page.
        const QList<std::pair<QString, QStringList>> checks = {
            {QStringLiteral("mandoc"),
             {QStringLiteral("-T"), QStringLiteral("lint"), QStringLiteral("-W"), QStringLiteral("warning"),
              manPath(page)}},
            {QStringLiteral("groff"),
             {QStringLiteral("-ww"), QStringLiteral("-z"), QStringLiteral("-man"), manPath(page)}}};
        for (const auto &[tool, arguments] : checks) {
            const QString path = QStandardPaths::findExecutable(tool);
            if (path.isEmpty())
                continue;
            ++linters;
            QProcess process;
            process.setProcessChannelMode(QProcess::MergedChannels);
            process.start(path, arguments);
            QVERIFY(process.waitForFinished(30000));
            const QString said = QString::fromUtf8(process.readAll());
            QVERIFY2(said.trimmed().isEmpty() && process.exitCode() == 0,
                     qPrintable(QStringLiteral("%1 %2: %3").arg(tool, page, said)));
        }
        if (linters == 0)
            QSKIP("neither mandoc nor groff is installed (scripts/install-deps.sh installs both)");
    }
};

QTEST_GUILESS_MAIN(TestManPages)
#include "tst_manpages.moc"
