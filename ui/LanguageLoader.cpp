// SPDX-License-Identifier: GPL-3.0-or-later
#include "LanguageLoader.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QTranslator>

namespace fastmap {

QString LanguageLoader::install(QCoreApplication *app, const QString &language)
{
    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
    auto *translator = new QTranslator(app);
    // A language without its own file (or the C locale) gets English, whose file holds only the
    // plural forms: "1 element", not "1 element(s)".
    const bool own = translator->load(locale, QStringLiteral("fastmap"), QStringLiteral("_"), QStringLiteral(":/i18n"));
    if (!own && !translator->load(QStringLiteral(":/i18n/fastmap_en"))) {
        delete translator;
        return {};
    }
    app->installTranslator(translator);
    const QString code = locale.name().section(QLatin1Char('_'), 0, 0);
    if (!own || code == QLatin1String("en"))
        return {};
    auto *qt = new QTranslator(app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        app->installTranslator(qt);
    else
        delete qt;
    QLocale::setDefault(locale);
    return code;
}

QStringList LanguageLoader::available()
{
    return {QStringLiteral("en"), QStringLiteral("de"), QStringLiteral("fr")};
}

QString LanguageLoader::displayName(const QString &language)
{
    return QLocale(language).nativeLanguageName();
}

} // namespace fastmap
