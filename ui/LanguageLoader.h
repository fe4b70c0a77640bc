// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLocale>
#include <QString>

class QCoreApplication;
class QTranslator;

namespace fastmap {

// Installs the app's translation (and Qt's own) for a language code, or for the system
// locale when the code is empty.
class LanguageLoader
{
public:
    // Returns the language that was installed ("de", "fr"), or empty for English (whose plural
    // forms are installed for any language without its own translation).
    static QString install(QCoreApplication *app, const QString &language);
    static QStringList available(); // language codes with a translation, English first
    static QString displayName(const QString &language);
};

} // namespace fastmap
