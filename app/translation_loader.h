// Installs the translators for the chosen language: PianoMuse's own strings (compiled into the
// binary from translations/*.ts) and Qt's standard dialogs (from Qt's translation folder).
#pragma once

#include <QString>

class QCoreApplication;

namespace pm::app {

// language: "" = the system locale, otherwise "de", "zh_CN", "en". Returns the locale name
// whose PianoMuse translation was installed, or "" when the English source strings are used.
QString installTranslations(QCoreApplication* app, const QString& language);

}  // namespace pm::app
