// The report's words in the user's language: feature names, units and histogram bins (the engine's
// registry, engine/analysis/music_features.h, is the one list of features; this only translates
// what it says), the progress stages, and the copy warning. The Generate page words its copy
// warning here too, so both say it alike.
#pragma once

#include "analysis/originality.h"

#include <QCoreApplication>
#include <QString>
#include <QStringList>

#include <string>

namespace pm::app {

class ReportText {
    Q_DECLARE_TR_FUNCTIONS(pm::app::ReportText)
public:
    // A registry feature's name, translated; the engine's English name when the table below does
    // not know the key (a feature added to the engine shows up at once, in English).
    static QString featureName(const char* key, const char* engineName);
    static QString unit(const char* engineUnit);
    // A histogram bin's label ("quarter", "C#", "33-48").
    static QString binLabel(const std::string& engineLabel);
    // "Scoring A.safetensors" and the like, translated where the stage is known.
    static QString stage(const std::string& engineStage);
    // "bars 3–6 copy Nocturne.mid bars 12–15" (+ the transposition when there is one): the
    // engine's describePassage, worded for translation.
    static QString copyWarning(const pm::analysis::CopiedPassage& passage);
    // Registry keys, units and bin labels (those with letters) this file has no translation for:
    // empty when the table is complete (tst_report_page checks it).
    static QStringList untranslated();
};

}  // namespace pm::app
