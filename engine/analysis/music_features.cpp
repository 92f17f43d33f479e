#include "analysis/music_features.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <utility>

namespace pm::analysis {

namespace {

// A note sounds over [onset, onset + max(duration, 1)): a zero-length note (a grace note, a
// damaged file) still sounds for one grid step, so it counts in polyphony and beats.
std::int64_t soundingEnd(const Note& note)
{
    return note.onset + std::max<std::int64_t>(note.duration, 1);
}

// The input made safe to measure: notes sorted by (onset, pitch), durations >= 0, velocities in
// 1..127; bar lines ascending without repeats; the end no earlier than the last bar line; at least
// one step per quarter. Bad input then gives odd numbers, never a crash or a division by zero.
struct CleanPiece {
    std::int64_t stepsPerQuarter = 24;
    std::vector<std::int64_t> barStarts;
    std::int64_t end = 0;
    std::vector<Note> notes;

    std::int64_t barEnd(std::size_t bar) const
    {
        return bar + 1 < barStarts.size() ? barStarts[bar + 1] : end;
    }
};

CleanPiece clean(const NoteSequence& piece)
{
    CleanPiece out;
    out.stepsPerQuarter = std::max(piece.stepsPerQuarter, 1);
    out.barStarts = piece.barStarts;
    std::sort(out.barStarts.begin(), out.barStarts.end());
    out.barStarts.erase(std::unique(out.barStarts.begin(), out.barStarts.end()), out.barStarts.end());
    out.end = out.barStarts.empty() ? piece.end : std::max(piece.end, out.barStarts.back());
    out.notes = piece.notes;
    for (Note& note : out.notes) {
        note.duration = std::max<std::int64_t>(note.duration, 0);
        note.velocity = std::clamp(note.velocity, 1, 127);
    }
    std::stable_sort(out.notes.begin(), out.notes.end(), [](const Note& a, const Note& b) {
        return a.onset != b.onset ? a.onset < b.onset : a.pitch < b.pitch;
    });
    return out;
}

int pitchClass(int pitch)
{
    return ((pitch % 12) + 12) % 12;
}

void normalise(std::vector<double>& histogram)
{
    double total = 0;
    for (double count : histogram)
        total += count;
    if (total > 0)
        for (double& count : histogram)
            count /= total;
}

void computePolyphony(const CleanPiece& piece, PieceFeatures& out)
{
    // Sweep the note starts (+1) and ends (-1) in time order; between two event times the number
    // of sounding notes is constant.
    std::vector<std::pair<std::int64_t, int>> events;
    events.reserve(piece.notes.size() * 2);
    for (const Note& note : piece.notes) {
        events.emplace_back(note.onset, +1);
        events.emplace_back(soundingEnd(note), -1);
    }
    std::sort(events.begin(), events.end());
    double sounding = 0, weighted = 0, atLeast2 = 0, atLeast3 = 0;
    int count = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
        count += events[i].second;
        if (i + 1 == events.size())
            break;
        const double span = static_cast<double>(events[i + 1].first - events[i].first);
        if (span <= 0 || count < 1)
            continue;
        sounding += span;
        weighted += span * count;
        if (count >= 2)
            atLeast2 += span;
        if (count >= 3)
            atLeast3 += span;
    }
    if (sounding > 0) {
        out.polyphonyMean = weighted / sounding;
        out.polyphonyShare2 = atLeast2 / sounding;
        out.polyphonyShare3 = atLeast3 / sounding;
    }
}

void computePitch(const CleanPiece& piece, PieceFeatures& out)
{
    out.pitchClassHistogram.assign(12, 0.0);
    if (piece.notes.empty())
        return;
    double sum = 0;
    int lowest = piece.notes.front().pitch, highest = lowest;
    for (const Note& note : piece.notes) {
        sum += note.pitch;
        lowest = std::min(lowest, note.pitch);
        highest = std::max(highest, note.pitch);
        out.pitchClassHistogram[static_cast<std::size_t>(pitchClass(note.pitch))] += 1;
    }
    out.pitchMean = sum / static_cast<double>(piece.notes.size());
    out.pitchSpan = highest - lowest;
    normalise(out.pitchClassHistogram);
    for (double share : out.pitchClassHistogram)
        if (share > 0)
            out.pitchClassEntropy -= share * std::log2(share);
}

// The 24 scales: 12 major and 12 natural minor. A major scale and its relative minor hold the same
// pitch classes, so the share alone cannot tell them apart; the tie-breaks can (see below).
void computeScale(const CleanPiece& piece, PieceFeatures& out)
{
    if (piece.notes.empty())
        return;
    std::array<std::int64_t, 12> perClass{};
    for (const Note& note : piece.notes)
        ++perClass[static_cast<std::size_t>(pitchClass(note.pitch))];
    static constexpr std::array<int, 7> kMajor{0, 2, 4, 5, 7, 9, 11};
    static constexpr std::array<int, 7> kMinor{0, 2, 3, 5, 7, 8, 10};

    // Best first by notes in the scale, then notes on its tonic, then notes on its tonic triad;
    // then major before minor and the lower tonic (the order the candidates are tried in).
    std::array<std::int64_t, 3> best{-1, -1, -1};
    for (int minor = 0; minor < 2; ++minor) {
        const auto& steps = minor ? kMinor : kMajor;
        for (int tonic = 0; tonic < 12; ++tonic) {
            std::int64_t inScale = 0;
            for (int step : steps)
                inScale += perClass[static_cast<std::size_t>((tonic + step) % 12)];
            const auto at = [&](int interval) { return perClass[static_cast<std::size_t>((tonic + interval) % 12)]; };
            const std::array<std::int64_t, 3> score{inScale, at(0), at(0) + at(minor ? 3 : 4) + at(7)};
            if (score > best) {
                best = score;
                out.keyTonic = tonic;
                out.keyMinor = minor == 1;
            }
        }
    }
    out.scaleConsistency = static_cast<double>(best[0]) / static_cast<double>(piece.notes.size());
    out.keyName = pitchClassNames()[static_cast<std::size_t>(out.keyTonic)] + (out.keyMinor ? " minor" : " major");
}

// The sounding time as disjoint intervals in time order.
std::vector<std::pair<std::int64_t, std::int64_t>> soundingIntervals(const CleanPiece& piece)
{
    std::vector<std::pair<std::int64_t, std::int64_t>> merged;
    for (const Note& note : piece.notes) {   // sorted by onset
        const std::int64_t stop = soundingEnd(note);
        if (!merged.empty() && note.onset <= merged.back().second)
            merged.back().second = std::max(merged.back().second, stop);
        else
            merged.emplace_back(note.onset, stop);
    }
    return merged;
}

// Beats are quarter notes counted from each bar line; a bar whose length is not a whole number of
// quarters ends with a shorter beat (a 7/8 bar: three beats and an eighth). Counting works on the
// intervals, never per beat, so a huge bar (bad input) costs nothing.
void computeEmptyBeats(const CleanPiece& piece, PieceFeatures& out)
{
    const auto intervals = soundingIntervals(piece);
    const std::int64_t quarter = piece.stepsPerQuarter;
    double beats = 0, heard = 0;
    std::size_t first = 0;   // the first interval that may reach into the current bar
    for (std::size_t bar = 0; bar < piece.barStarts.size(); ++bar) {
        const std::int64_t start = piece.barStarts[bar], stop = piece.barEnd(bar);
        if (stop <= start)
            continue;
        beats += static_cast<double>((stop - start + quarter - 1) / quarter);
        while (first < intervals.size() && intervals[first].second <= start)
            ++first;
        std::int64_t lastCounted = -1;   // beat index within this bar
        for (std::size_t i = first; i < intervals.size() && intervals[i].first < stop; ++i) {
            const std::int64_t from = std::max(intervals[i].first, start);
            const std::int64_t to = std::min(intervals[i].second, stop);   // exclusive
            const std::int64_t beatFrom = std::max((from - start) / quarter, lastCounted + 1);
            const std::int64_t beatTo = (to - 1 - start) / quarter;
            if (beatTo >= beatFrom) {
                heard += static_cast<double>(beatTo - beatFrom + 1);
                lastCounted = beatTo;
            }
        }
    }
    if (beats > 0)
        out.emptyBeatRate = (beats - heard) / beats;
}

// Onset patterns on the grid: a bar's pattern is the set of steps (from its bar line) where a note
// starts. Neighbouring bars of different lengths are compared over the longer one, the shorter
// padded with silence; the distance is the number of positions that differ over that length.
void computeGroove(const CleanPiece& piece, PieceFeatures& out)
{
    const std::size_t bars = piece.barStarts.size();
    if (bars < 2)
        return;   // stays 1: one bar (or none) has no neighbour to differ from
    std::vector<std::vector<std::int64_t>> onsets(bars);
    NoteSequence lookup;   // for barOf
    lookup.barStarts = piece.barStarts;
    for (std::size_t i = 0; i < piece.notes.size(); ++i) {
        const std::int64_t onset = piece.notes[i].onset;
        if ((i > 0 && onset == piece.notes[i - 1].onset) || onset < piece.barStarts.front() || onset >= piece.end)
            continue;
        const auto bar = static_cast<std::size_t>(lookup.barOf(onset));
        onsets[bar].push_back(onset - piece.barStarts[bar]);
    }
    double distanceSum = 0;
    for (std::size_t bar = 0; bar + 1 < bars; ++bar) {
        const std::int64_t length = std::max(piece.barEnd(bar) - piece.barStarts[bar],
                                             piece.barEnd(bar + 1) - piece.barStarts[bar + 1]);
        if (length <= 0)
            continue;
        const auto& a = onsets[bar];
        const auto& b = onsets[bar + 1];
        std::size_t common = 0;
        for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
            if (a[i] == b[j]) {
                ++common, ++i, ++j;
            } else if (a[i] < b[j]) {
                ++i;
            } else {
                ++j;
            }
        }
        const double differing = static_cast<double>(a.size() + b.size() - 2 * common);
        distanceSum += differing / static_cast<double>(length);
    }
    out.grooveConsistency = 1.0 - distanceSum / static_cast<double>(bars - 1);
}

std::size_t rhythmBin(double quarters)
{
    const auto& edges = rhythmBinEdges();
    const auto above = std::upper_bound(edges.begin(), edges.end(), quarters);
    return above == edges.begin() ? 0 : static_cast<std::size_t>(above - edges.begin()) - 1;
}

void computeHistograms(const CleanPiece& piece, PieceFeatures& out)
{
    const double quarter = static_cast<double>(piece.stepsPerQuarter);
    out.durationHistogram.assign(rhythmBinLabels().size(), 0.0);
    out.interOnsetHistogram.assign(rhythmBinLabels().size(), 0.0);
    out.velocityHistogram.assign(velocityBinLabels().size(), 0.0);
    for (std::size_t i = 0; i < piece.notes.size(); ++i) {
        const Note& note = piece.notes[i];
        out.durationHistogram[rhythmBin(static_cast<double>(note.duration) / quarter)] += 1;
        out.velocityHistogram[static_cast<std::size_t>((note.velocity - 1) / 16)] += 1;
    }
    // Inter-onset intervals between consecutive distinct onsets (a chord is one onset).
    for (std::size_t i = 1, previous = 0; i < piece.notes.size(); ++i) {
        if (piece.notes[i].onset == piece.notes[previous].onset)
            continue;
        out.interOnsetHistogram[rhythmBin(static_cast<double>(piece.notes[i].onset - piece.notes[previous].onset) / quarter)] += 1;
        previous = i;
    }
    normalise(out.durationHistogram);
    normalise(out.interOnsetHistogram);
    normalise(out.velocityHistogram);
}

// JSON never carries NaN or infinity (nlohmann writes them as null anyway; say so explicitly).
nlohmann::json number(double value)
{
    return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

}  // namespace

PieceFeatures computeFeatures(const NoteSequence& input)
{
    const CleanPiece piece = clean(input);
    PieceFeatures out;
    out.notes = piece.notes.size();
    out.bars = piece.barStarts.size();
    if (out.bars > 0)
        out.notesPerBar = static_cast<double>(out.notes) / static_cast<double>(out.bars);
    computePolyphony(piece, out);
    computePitch(piece, out);
    computeScale(piece, out);
    computeEmptyBeats(piece, out);
    computeGroove(piece, out);
    computeHistograms(piece, out);
    return out;
}

const std::vector<double>& rhythmBinEdges()
{
    static const std::vector<double> edges = [] {
        // The named values (quarter notes); each bin's edges lie halfway between its value and its
        // neighbours' on a log scale.
        const double named[] = {1.0 / 8, 1.0 / 4, 1.0 / 3, 1.0 / 2, 3.0 / 4, 1.0, 3.0 / 2, 2.0, 3.0, 4.0, 8.0};
        std::vector<double> lower{0.0};
        for (std::size_t i = 1; i < std::size(named); ++i)
            lower.push_back(std::sqrt(named[i - 1] * named[i]));
        return lower;
    }();
    return edges;
}

const std::vector<std::string>& rhythmBinLabels()
{
    static const std::vector<std::string> labels{"32nd", "16th", "triplet 8th", "8th", "dotted 8th", "quarter",
                                                 "dotted quarter", "half", "dotted half", "whole", "longer"};
    return labels;
}

const std::vector<std::string>& velocityBinLabels()
{
    static const std::vector<std::string> labels{"1-16", "17-32", "33-48", "49-64", "65-80", "81-96", "97-112", "113-127"};
    return labels;
}

const std::vector<std::string>& pitchClassNames()
{
    static const std::vector<std::string> names{"C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"};
    return names;
}

const std::vector<ScalarFeature>& scalarFeatures()
{
    static const std::vector<ScalarFeature> features{
        {"notes_per_bar", "Notes per bar", "notes",
         [](const PieceFeatures& f) { return f.notesPerBar; }, [](const PieceFeatures& f) { return f.bars > 0; }},
        {"polyphony", "Polyphony (mean notes sounding)", "notes",
         [](const PieceFeatures& f) { return f.polyphonyMean; }, [](const PieceFeatures& f) { return f.notes > 0; }},
        {"polyphony_2", "Time with >= 2 notes sounding", "share",
         [](const PieceFeatures& f) { return f.polyphonyShare2; }, [](const PieceFeatures& f) { return f.notes > 0; }},
        {"polyphony_3", "Time with >= 3 notes sounding", "share",
         [](const PieceFeatures& f) { return f.polyphonyShare3; }, [](const PieceFeatures& f) { return f.notes > 0; }},
        {"pitch_mean", "Mean pitch", "MIDI pitch",
         [](const PieceFeatures& f) { return f.pitchMean; }, [](const PieceFeatures& f) { return f.notes > 0; }},
        {"pitch_span", "Pitch span", "semitones",
         [](const PieceFeatures& f) { return f.pitchSpan; }, [](const PieceFeatures& f) { return f.notes > 0; }},
        {"pitch_class_entropy", "Pitch-class entropy", "bits",
         [](const PieceFeatures& f) { return f.pitchClassEntropy; }, [](const PieceFeatures& f) { return f.notes > 0; }},
        {"scale_consistency", "Scale consistency", "share",
         [](const PieceFeatures& f) { return f.scaleConsistency; }, [](const PieceFeatures& f) { return f.notes > 0; }},
        {"empty_beat_rate", "Empty beats", "share",
         [](const PieceFeatures& f) { return f.emptyBeatRate; }, [](const PieceFeatures& f) { return f.bars > 0; }},
        {"groove_consistency", "Groove consistency", "similarity",
         [](const PieceFeatures& f) { return f.grooveConsistency; }, [](const PieceFeatures& f) { return f.bars >= 2; }},
    };
    return features;
}

const std::vector<HistogramFeature>& histogramFeatures()
{
    static const std::vector<HistogramFeature> features{
        {"pitch_class_histogram", "Pitch classes", &pitchClassNames,
         [](const PieceFeatures& f) -> const std::vector<double>& { return f.pitchClassHistogram; }},
        {"duration_histogram", "Note durations", &rhythmBinLabels,
         [](const PieceFeatures& f) -> const std::vector<double>& { return f.durationHistogram; }},
        {"inter_onset_histogram", "Inter-onset intervals", &rhythmBinLabels,
         [](const PieceFeatures& f) -> const std::vector<double>& { return f.interOnsetHistogram; }},
        {"velocity_histogram", "Velocities", &velocityBinLabels,
         [](const PieceFeatures& f) -> const std::vector<double>& { return f.velocityHistogram; }},
    };
    return features;
}

nlohmann::json toJson(const PieceFeatures& features)
{
    nlohmann::json out = nlohmann::json::object();
    out["notes"] = features.notes;
    out["bars"] = features.bars;
    for (const ScalarFeature& feature : scalarFeatures())
        out[feature.key] = number(feature.get(features));
    out["key"] = features.keyName;
    out["key_tonic"] = features.keyTonic;
    out["key_minor"] = features.keyMinor;
    for (const HistogramFeature& feature : histogramFeatures()) {
        nlohmann::json bins = nlohmann::json::array();
        for (double share : feature.get(features))
            bins.push_back(number(share));
        out[feature.key] = std::move(bins);
    }
    return out;
}

}  // namespace pm::analysis
