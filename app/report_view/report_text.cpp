#include "report_view/report_text.h"

#include "analysis/music_features.h"

#include <QFileInfo>
#include <QRegularExpression>

#include <cstring>

namespace pm::app {

namespace {

// The registry's words, each marked for lupdate in this class's context; looked up by the engine's
// key (features) or its English text (units, bins), so the engine stays the one list.
struct Entry {
    const char* key;
    const char* text;
};

const Entry kFeatureNames[] = {
    {"notes_per_bar", QT_TRANSLATE_NOOP("pm::app::ReportText", "Notes per bar")},
    {"polyphony", QT_TRANSLATE_NOOP("pm::app::ReportText", "Polyphony (mean notes sounding)")},
    {"polyphony_2", QT_TRANSLATE_NOOP("pm::app::ReportText", "Time with ≥ 2 notes sounding")},
    {"polyphony_3", QT_TRANSLATE_NOOP("pm::app::ReportText", "Time with ≥ 3 notes sounding")},
    {"pitch_mean", QT_TRANSLATE_NOOP("pm::app::ReportText", "Mean pitch")},
    {"pitch_span", QT_TRANSLATE_NOOP("pm::app::ReportText", "Pitch span")},
    {"pitch_class_entropy", QT_TRANSLATE_NOOP("pm::app::ReportText", "Pitch-class entropy")},
    {"scale_consistency", QT_TRANSLATE_NOOP("pm::app::ReportText", "Scale consistency")},
    {"empty_beat_rate", QT_TRANSLATE_NOOP("pm::app::ReportText", "Empty beats")},
    {"groove_consistency", QT_TRANSLATE_NOOP("pm::app::ReportText", "Groove consistency")},
    {"pitch_class_histogram", QT_TRANSLATE_NOOP("pm::app::ReportText", "Pitch classes")},
    {"duration_histogram", QT_TRANSLATE_NOOP("pm::app::ReportText", "Note durations")},
    {"inter_onset_histogram", QT_TRANSLATE_NOOP("pm::app::ReportText", "Inter-onset intervals")},
    {"velocity_histogram", QT_TRANSLATE_NOOP("pm::app::ReportText", "Velocities")},
};

const Entry kUnits[] = {
    {"notes", QT_TRANSLATE_NOOP("pm::app::ReportText", "notes")},
    {"share", QT_TRANSLATE_NOOP("pm::app::ReportText", "share")},
    {"MIDI pitch", QT_TRANSLATE_NOOP("pm::app::ReportText", "MIDI pitch")},
    {"semitones", QT_TRANSLATE_NOOP("pm::app::ReportText", "semitones")},
    {"bits", QT_TRANSLATE_NOOP("pm::app::ReportText", "bits")},
    {"similarity", QT_TRANSLATE_NOOP("pm::app::ReportText", "similarity")},
};

// Rhythm bins and pitch classes; the velocity bins are numbers and need none.
const Entry kBins[] = {
    {"32nd", QT_TRANSLATE_NOOP("pm::app::ReportText", "32nd")},
    {"16th", QT_TRANSLATE_NOOP("pm::app::ReportText", "16th")},
    {"triplet 8th", QT_TRANSLATE_NOOP("pm::app::ReportText", "triplet 8th")},
    {"8th", QT_TRANSLATE_NOOP("pm::app::ReportText", "8th")},
    {"dotted 8th", QT_TRANSLATE_NOOP("pm::app::ReportText", "dotted 8th")},
    {"quarter", QT_TRANSLATE_NOOP("pm::app::ReportText", "quarter")},
    {"dotted quarter", QT_TRANSLATE_NOOP("pm::app::ReportText", "dotted quarter")},
    {"half", QT_TRANSLATE_NOOP("pm::app::ReportText", "half")},
    {"dotted half", QT_TRANSLATE_NOOP("pm::app::ReportText", "dotted half")},
    {"whole", QT_TRANSLATE_NOOP("pm::app::ReportText", "whole")},
    {"longer", QT_TRANSLATE_NOOP("pm::app::ReportText", "longer")},
    {"C", QT_TRANSLATE_NOOP("pm::app::ReportText", "C")},
    {"C#", QT_TRANSLATE_NOOP("pm::app::ReportText", "C#")},
    {"D", QT_TRANSLATE_NOOP("pm::app::ReportText", "D")},
    {"Eb", QT_TRANSLATE_NOOP("pm::app::ReportText", "Eb")},
    {"E", QT_TRANSLATE_NOOP("pm::app::ReportText", "E")},
    {"F", QT_TRANSLATE_NOOP("pm::app::ReportText", "F")},
    {"F#", QT_TRANSLATE_NOOP("pm::app::ReportText", "F#")},
    {"G", QT_TRANSLATE_NOOP("pm::app::ReportText", "G")},
    {"Ab", QT_TRANSLATE_NOOP("pm::app::ReportText", "Ab")},
    {"A", QT_TRANSLATE_NOOP("pm::app::ReportText", "A")},
    {"Bb", QT_TRANSLATE_NOOP("pm::app::ReportText", "Bb")},
    {"B", QT_TRANSLATE_NOOP("pm::app::ReportText", "B")},
};

template <std::size_t N>
const char* find(const Entry (&table)[N], const char* key) {
    for (const Entry& e : table)
        if (std::strcmp(e.key, key) == 0) return e.text;
    return nullptr;
}

bool hasLetter(const std::string& s) {
    for (const char c : s)
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return true;
    return false;
}

}  // namespace

QString ReportText::featureName(const char* key, const char* engineName) {
    const char* text = find(kFeatureNames, key);
    return text ? tr(text) : QString::fromUtf8(engineName);
}

QString ReportText::unit(const char* engineUnit) {
    const char* text = find(kUnits, engineUnit);
    return text ? tr(text) : QString::fromUtf8(engineUnit);
}

QString ReportText::binLabel(const std::string& engineLabel) {
    const char* text = find(kBins, engineLabel.c_str());
    return text ? tr(text) : QString::fromStdString(engineLabel);
}

QString ReportText::stage(const std::string& engineStage) {
    // buildReport's stages (engine/report/model_report.cpp); one not listed here is shown as it is.
    const QString s = QString::fromStdString(engineStage);
    if (s == QLatin1String("Reading the dataset")) return tr("Reading the dataset");
    if (s == QLatin1String("Indexing the training pieces")) return tr("Indexing the training pieces");
    static const QRegularExpression scoring(QStringLiteral("^Scoring (.+)$"));
    static const QRegularExpression generating(QStringLiteral("^Generating with (.+)$"));
    if (const auto m = scoring.match(s); m.hasMatch()) return tr("Scoring %1").arg(m.captured(1));
    if (const auto m = generating.match(s); m.hasMatch()) return tr("Generating with %1").arg(m.captured(1));
    return s;
}

QString ReportText::copyWarning(const pm::analysis::CopiedPassage& p) {
    const auto range = [](int first, int last) {
        return first == last ? tr("bar %1").arg(first) : tr("bars %1–%2").arg(first).arg(last);
    };
    const QString source = QFileInfo(QString::fromStdString(p.source)).fileName();
    // The multi-argument arg(): a file name holding "%1" is not read as a placeholder.
    const QString text = tr("%1 copy %2 %3", "which bars copy which file's bars")
                             .arg(range(p.fileBarFirst, p.fileBarLast), source, range(p.sourceBarFirst, p.sourceBarLast));
    if (p.transposition == 0) return text;
    const QString by = (p.transposition > 0 ? QStringLiteral("+") : QString()) + QString::number(p.transposition);
    return tr("%1, transposed %2", "a copied passage, transposed by N semitones").arg(text, by);
}

QStringList ReportText::untranslated() {
    QStringList missing;
    for (const auto& f : pm::analysis::scalarFeatures()) {
        if (!find(kFeatureNames, f.key)) missing << QString::fromUtf8(f.key);
        if (!find(kUnits, f.unit)) missing << QString::fromUtf8(f.unit);
    }
    for (const auto& h : pm::analysis::histogramFeatures()) {
        if (!find(kFeatureNames, h.key)) missing << QString::fromUtf8(h.key);
        for (const std::string& label : h.binLabels())
            if (hasLetter(label) && !find(kBins, label.c_str())) missing << QString::fromStdString(label);
    }
    missing.removeDuplicates();
    return missing;
}

}  // namespace pm::app
