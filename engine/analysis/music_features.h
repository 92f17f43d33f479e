// What a piece sounds like in numbers: the music metrics of the model report (notes per bar,
// polyphony, pitch, scale, rests, groove, rhythm and dynamics histograms). Every definition, bin
// edge and edge case is written down in docs/metrics.md; the code follows it.
#pragma once

#include "analysis/note_sequence.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace pm::analysis {

struct PieceFeatures {
    std::size_t notes = 0;
    std::size_t bars = 0;
    double notesPerBar = 0;            // notes / bars; 0 without bars

    // Polyphony over the time where at least one note sounds (0 when none does).
    double polyphonyMean = 0;          // time-weighted mean number of sounding notes
    double polyphonyShare2 = 0;        // share of that time with >= 2 notes sounding
    double polyphonyShare3 = 0;        // ... with >= 3

    double pitchMean = 0;              // MIDI pitch; 0 without notes
    double pitchSpan = 0;              // highest - lowest pitch, semitones; 0 without notes

    std::vector<double> pitchClassHistogram;   // 12 bins (C..B), sums to 1; all 0 without notes
    double pitchClassEntropy = 0;              // bits, 0..log2(12)

    double scaleConsistency = 0;       // best share of notes in one major / natural-minor scale
    int keyTonic = -1;                 // pitch class 0..11 of the chosen scale's tonic; -1 without notes
    bool keyMinor = false;
    std::string keyName;               // "C major", "A minor"; empty without notes

    double emptyBeatRate = 0;          // share of the bars' quarter-note beats where nothing sounds
    double grooveConsistency = 1;      // 1 - mean normalised Hamming distance of neighbouring bars

    std::vector<double> durationHistogram;      // rhythmBinLabels() bins, sums to 1 (or all 0)
    std::vector<double> interOnsetHistogram;    // same bins
    std::vector<double> velocityHistogram;      // velocityBinLabels() bins, sums to 1 (or all 0)
};

PieceFeatures computeFeatures(const NoteSequence& piece);

// {"notes", "bars", every scalar feature by its registry key, "key", "key_tonic", "key_minor",
// every histogram by its registry key}; never NaN or infinity.
nlohmann::json toJson(const PieceFeatures& features);

// The bins of the duration and inter-onset histograms, in quarter notes: bin i holds values in
// [rhythmBinEdges()[i], rhythmBinEdges()[i+1]) (the last bin is open above). The edges are the
// geometric means of neighbouring named values (32nd, 16th, triplet 8th, 8th, dotted 8th,
// quarter, dotted quarter, half, dotted half, whole, breve), so a value on the grid never sits
// on an edge.
const std::vector<double>& rhythmBinEdges();            // 11 lower edges, the first 0
const std::vector<std::string>& rhythmBinLabels();      // "32nd", "16th", ...
// Velocity bins: 8 bins of 16 values, 1-16, 17-32, ..., 113-127.
const std::vector<std::string>& velocityBinLabels();
const std::vector<std::string>& pitchClassNames();      // "C", "C#", "D", "Eb", ...

// The registry: every scalar and histogram feature in one place, so the report, its JSON and the
// app iterate over the same list in the same order.
struct ScalarFeature {
    const char* key;    // JSON key, e.g. "notes_per_bar"
    const char* name;   // human name, e.g. "Notes per bar"
    const char* unit;   // e.g. "notes", "semitones", "bits", "share"
    double (*get)(const PieceFeatures&);
    // Whether the feature says something about this piece (pitch mean needs notes, groove needs
    // two bars): a set comparison leaves the other pieces out of this feature's distribution.
    bool (*applies)(const PieceFeatures&);
};
const std::vector<ScalarFeature>& scalarFeatures();

struct HistogramFeature {
    const char* key;    // e.g. "pitch_class_histogram"
    const char* name;   // e.g. "Pitch classes"
    const std::vector<std::string>& (*binLabels)();
    const std::vector<double>& (*get)(const PieceFeatures&);
};
const std::vector<HistogramFeature>& histogramFeatures();

}  // namespace pm::analysis
