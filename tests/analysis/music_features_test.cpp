// The music metrics on small pieces whose values are worked out by hand (in the comments), not
// taken from the code. docs/metrics.md has the definitions.
#include "analysis/music_features.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

namespace pm::analysis {
namespace {

// A piece on a 16th-note grid (4 steps per quarter) with bars of `barLength` steps.
NoteSequence piece(int bars, std::int64_t barLength = 16, int stepsPerQuarter = 4)
{
    NoteSequence out;
    out.stepsPerQuarter = stepsPerQuarter;
    for (int bar = 0; bar < bars; ++bar)
        out.barStarts.push_back(bar * barLength);
    out.end = bars * barLength;
    return out;
}

void add(NoteSequence& seq, std::int64_t onset, std::int64_t duration, int pitch, int velocity = 64)
{
    seq.notes.push_back(Note{onset, duration, pitch, velocity});
}

// Every number in the JSON is finite (nlohmann would write NaN as null; we want neither).
void expectAllFinite(const nlohmann::json& json)
{
    if (json.is_number_float()) {
        EXPECT_TRUE(std::isfinite(json.get<double>()));
    }
    EXPECT_FALSE(json.is_null());
    if (json.is_structured())
        for (const auto& item : json)
            expectAllFinite(item);
}

TEST(NoteSequence, BarOfFindsTheBarAndClamps)
{
    NoteSequence seq = piece(3);   // bars at 0, 16, 32; ends at 48
    EXPECT_EQ(seq.bars(), 3u);
    EXPECT_EQ(seq.barOf(-5), 0);
    EXPECT_EQ(seq.barOf(0), 0);
    EXPECT_EQ(seq.barOf(15), 0);
    EXPECT_EQ(seq.barOf(16), 1);
    EXPECT_EQ(seq.barOf(47), 2);
    EXPECT_EQ(seq.barOf(1000), 2);
    EXPECT_EQ(NoteSequence{}.barOf(0), -1);
}

// C D E F G A B C in quarters over two 4/4 bars.
TEST(MusicFeatures, CMajorScale)
{
    NoteSequence seq = piece(2);
    const int pitches[] = {60, 62, 64, 65, 67, 69, 71, 72};
    for (int i = 0; i < 8; ++i)
        add(seq, i * 4, 4, pitches[i]);
    const PieceFeatures f = computeFeatures(seq);

    EXPECT_EQ(f.notes, 8u);
    EXPECT_EQ(f.bars, 2u);
    EXPECT_DOUBLE_EQ(f.notesPerBar, 4.0);
    EXPECT_DOUBLE_EQ(f.polyphonyMean, 1.0);   // one note at a time, no gaps
    EXPECT_DOUBLE_EQ(f.polyphonyShare2, 0.0);
    EXPECT_DOUBLE_EQ(f.polyphonyShare3, 0.0);
    EXPECT_DOUBLE_EQ(f.pitchMean, 530.0 / 8);   // 60+62+64+65+67+69+71+72 = 530
    EXPECT_DOUBLE_EQ(f.pitchSpan, 12.0);
    // C twice, D E F G A B once each: 2/8 and six 1/8.
    ASSERT_EQ(f.pitchClassHistogram.size(), 12u);
    EXPECT_DOUBLE_EQ(f.pitchClassHistogram[0], 0.25);
    EXPECT_DOUBLE_EQ(f.pitchClassHistogram[1], 0.0);
    EXPECT_DOUBLE_EQ(f.pitchClassHistogram[11], 0.125);
    // -(1/4 log2 1/4 + 6 * 1/8 log2 1/8) = 0.5 + 2.25
    EXPECT_NEAR(f.pitchClassEntropy, 2.75, 1e-12);
    EXPECT_DOUBLE_EQ(f.scaleConsistency, 1.0);
    // C major and A minor hold the same notes; the tonic C has two notes, A one.
    EXPECT_EQ(f.keyName, "C major");
    EXPECT_EQ(f.keyTonic, 0);
    EXPECT_FALSE(f.keyMinor);
    EXPECT_DOUBLE_EQ(f.emptyBeatRate, 0.0);
    EXPECT_DOUBLE_EQ(f.grooveConsistency, 1.0);   // both bars: onsets at 0, 4, 8, 12
    // Every duration and every inter-onset interval is a quarter (bin 5).
    ASSERT_EQ(f.durationHistogram.size(), 11u);
    EXPECT_DOUBLE_EQ(f.durationHistogram[5], 1.0);
    EXPECT_DOUBLE_EQ(f.interOnsetHistogram[5], 1.0);
    ASSERT_EQ(f.velocityHistogram.size(), 8u);
    EXPECT_DOUBLE_EQ(f.velocityHistogram[3], 1.0);   // 64 is in 49-64
}

// A B C D E F G A: the same pitch set as C major, but the tonic A has two notes.
TEST(MusicFeatures, ANaturalMinorScale)
{
    NoteSequence seq = piece(2);
    const int pitches[] = {57, 59, 60, 62, 64, 65, 67, 69};
    for (int i = 0; i < 8; ++i)
        add(seq, i * 4, 4, pitches[i]);
    const PieceFeatures f = computeFeatures(seq);
    EXPECT_DOUBLE_EQ(f.scaleConsistency, 1.0);
    EXPECT_EQ(f.keyName, "A minor");
    EXPECT_EQ(f.keyTonic, 9);
    EXPECT_TRUE(f.keyMinor);
}

// G A B C D E F# F and a second G: 9 notes. G major (and E minor) holds all but the F: 8; C major
// (and A minor) all but the F#: 8; no scale holds both. On the tonic: G has 2 notes, C, E, A one.
TEST(MusicFeatures, ScaleConsistencyCountsEachNoteOnce)
{
    NoteSequence seq = piece(1);
    const int pitches[] = {67, 69, 71, 72, 74, 76, 78, 77};
    for (int i = 0; i < 8; ++i)
        add(seq, i * 2, 2, pitches[i]);
    add(seq, 0, 1, 67);
    const PieceFeatures f = computeFeatures(seq);
    EXPECT_DOUBLE_EQ(f.scaleConsistency, 8.0 / 9);   // all but the F (or the F#)
    EXPECT_EQ(f.keyName, "G major");
}

// Twelve semitones struck together for a quarter in one 4/4 bar.
TEST(MusicFeatures, ChromaticCluster)
{
    NoteSequence seq = piece(1);
    for (int pitch = 60; pitch < 72; ++pitch)
        add(seq, 0, 4, pitch);
    const PieceFeatures f = computeFeatures(seq);
    EXPECT_NEAR(f.pitchClassEntropy, std::log2(12.0), 1e-12);
    for (double share : f.pitchClassHistogram)
        EXPECT_DOUBLE_EQ(share, 1.0 / 12);
    EXPECT_DOUBLE_EQ(f.polyphonyMean, 12.0);
    EXPECT_DOUBLE_EQ(f.polyphonyShare2, 1.0);
    EXPECT_DOUBLE_EQ(f.polyphonyShare3, 1.0);
    EXPECT_DOUBLE_EQ(f.pitchSpan, 11.0);
    // Every scale holds 7 of the 12; all tie on tonic (1) and triad (3): major first, lowest tonic.
    EXPECT_DOUBLE_EQ(f.scaleConsistency, 7.0 / 12);
    EXPECT_EQ(f.keyName, "C major");
    EXPECT_DOUBLE_EQ(f.emptyBeatRate, 0.75);   // beat 1 sounds, beats 2-4 are silent
    EXPECT_DOUBLE_EQ(f.grooveConsistency, 1.0);   // one bar
    for (double share : f.interOnsetHistogram)   // one onset: no interval
        EXPECT_DOUBLE_EQ(share, 0.0);
}

// Overlaps drawn out (steps):  A [0,8)  B [4,12)  C [6,10)  then a rest, then D [16,20).
//   0-4: 1 note, 4-6: 2, 6-8: 3, 8-10: 2, 10-12: 1, 12-16: none, 16-20: 1.
//   Sounding time 16; note-time 4+4+6+4+2+4 = 24; >= 2 notes for 6 steps; >= 3 for 2.
TEST(MusicFeatures, PolyphonyOfConstructedOverlaps)
{
    NoteSequence seq = piece(2);
    add(seq, 0, 8, 60);
    add(seq, 4, 8, 64);
    add(seq, 6, 4, 67);
    add(seq, 16, 4, 72);
    const PieceFeatures f = computeFeatures(seq);
    EXPECT_DOUBLE_EQ(f.polyphonyMean, 24.0 / 16);
    EXPECT_DOUBLE_EQ(f.polyphonyShare2, 6.0 / 16);
    EXPECT_DOUBLE_EQ(f.polyphonyShare3, 2.0 / 16);
}

// Two 4/4 bars (8 beats of 4 steps). Sounding: [0,4) beat 0; [6,7) beat 1; [9,13) beats 2 and 3
// (held across the beat line); [20,22) beat 5; [30,34) beat 7 (it runs past the end). Silent:
// beats 4 and 6, so 2 of 8.
TEST(MusicFeatures, EmptyBeatsOfAPieceWithRests)
{
    NoteSequence seq = piece(2);
    add(seq, 0, 4, 60);
    add(seq, 6, 1, 62);
    add(seq, 9, 4, 64);
    add(seq, 20, 2, 65);
    add(seq, 30, 4, 67);
    EXPECT_DOUBLE_EQ(computeFeatures(seq).emptyBeatRate, 2.0 / 8);
}

// One 7/8 bar on a 16th grid: 14 steps = beats [0,4) [4,8) [8,12) and the half beat [12,14).
// Only the half beat sounds: 3 of 4 beats are empty.
TEST(MusicFeatures, EmptyBeatsCountAShortLastBeat)
{
    NoteSequence seq = piece(1, 14);
    add(seq, 12, 1, 60);
    EXPECT_DOUBLE_EQ(computeFeatures(seq).emptyBeatRate, 0.75);
}

// On the default grid (24 steps per quarter, a 4/4 bar = 96 steps). Bar 1 has onsets at beats
// 1-4; bar 2 the same plus one at step 84: one position of 96 differs.
TEST(MusicFeatures, GrooveOfTwoBarsWithOneDifferingOnset)
{
    NoteSequence seq = piece(2, 96, 24);
    for (std::int64_t beat : {0, 24, 48, 72}) {
        add(seq, beat, 12, 60);
        add(seq, beat, 12, 64);   // a chord: the same onset, counted once
        add(seq, 96 + beat, 12, 60);
    }
    add(seq, 96 + 84, 6, 67);
    EXPECT_DOUBLE_EQ(computeFeatures(seq).grooveConsistency, 1.0 - 1.0 / 96);
}

// Three bars A A B where B moves one onset (72 -> 60): pairs (A,A) = 0, (A,B) = 2/96; mean 1/96.
TEST(MusicFeatures, GrooveAveragesNeighbouringPairs)
{
    NoteSequence seq = piece(3, 96, 24);
    for (int bar = 0; bar < 3; ++bar)
        for (std::int64_t beat : {0, 24, 48, bar == 2 ? 60 : 72})
            add(seq, bar * 96 + beat, 12, 60);
    EXPECT_DOUBLE_EQ(computeFeatures(seq).grooveConsistency, 1.0 - 1.0 / 96);
}

// A 4/4 bar (96 steps) then a 3/4 bar (72): compared over 96 steps, the short bar padded with
// silence. Onsets 0 24 48 72 against 0 24 48: one position differs.
TEST(MusicFeatures, GrooveOfBarsOfDifferentLengths)
{
    NoteSequence seq;
    seq.stepsPerQuarter = 24;
    seq.barStarts = {0, 96};
    seq.end = 96 + 72;
    for (std::int64_t beat : {0, 24, 48, 72})
        add(seq, beat, 12, 60);
    for (std::int64_t beat : {0, 24, 48})
        add(seq, 96 + beat, 12, 60);
    EXPECT_DOUBLE_EQ(computeFeatures(seq).grooveConsistency, 1.0 - 1.0 / 96);
}

// One note of each named duration (24 steps per quarter) lands in its own bin.
TEST(MusicFeatures, DurationBinsAreTheNamedValues)
{
    const auto& edges = rhythmBinEdges();
    ASSERT_EQ(edges.size(), 11u);
    EXPECT_DOUBLE_EQ(edges[0], 0.0);
    EXPECT_DOUBLE_EQ(edges[1], std::sqrt(1.0 / 32));   // between a 32nd and a 16th
    EXPECT_DOUBLE_EQ(edges[5], std::sqrt(3.0 / 4));    // between a dotted 8th and a quarter
    EXPECT_DOUBLE_EQ(edges[10], std::sqrt(32.0));      // between a whole and a breve
    ASSERT_EQ(rhythmBinLabels().size(), 11u);
    EXPECT_EQ(rhythmBinLabels()[2], "triplet 8th");

    NoteSequence seq = piece(8, 96, 24);
    const std::int64_t steps[] = {3, 6, 8, 12, 18, 24, 36, 48, 72, 96, 192};
    for (std::size_t i = 0; i < 11; ++i)
        add(seq, static_cast<std::int64_t>(i) * 200, steps[i], 60);
    const PieceFeatures f = computeFeatures(seq);
    for (std::size_t bin = 0; bin < 11; ++bin)
        EXPECT_DOUBLE_EQ(f.durationHistogram[bin], 1.0 / 11) << rhythmBinLabels()[bin];

    // A quarter-note triplet (16 steps = 2/3 quarter) has no bin of its own: 0.667 is in
    // [sqrt(3/8), sqrt(3/4)) = [0.612, 0.866), the dotted 8th's.
    NoteSequence triplet = piece(1, 96, 24);
    add(triplet, 0, 16, 60);
    EXPECT_DOUBLE_EQ(computeFeatures(triplet).durationHistogram[4], 1.0);
}

// Onsets 0, 6, 6 (a chord), 18, 42 on the 24-step grid: intervals 6 (16th), 12 (8th), 24 (quarter).
TEST(MusicFeatures, InterOnsetIntervalsSkipChordNotes)
{
    NoteSequence seq = piece(1, 96, 24);
    add(seq, 0, 6, 60);
    add(seq, 6, 6, 60);
    add(seq, 6, 6, 64);
    add(seq, 18, 6, 60);
    add(seq, 42, 6, 60);
    const PieceFeatures f = computeFeatures(seq);
    EXPECT_DOUBLE_EQ(f.interOnsetHistogram[1], 1.0 / 3);
    EXPECT_DOUBLE_EQ(f.interOnsetHistogram[3], 1.0 / 3);
    EXPECT_DOUBLE_EQ(f.interOnsetHistogram[5], 1.0 / 3);
}

// Bins 1-16, 17-32, ..., 113-127; velocities outside 1..127 clamp.
TEST(MusicFeatures, VelocityBins)
{
    NoteSequence seq = piece(1);
    for (int velocity : {1, 16, 17, 64, 65, 127, 0, 200})
        add(seq, 0, 4, 60, velocity);
    const PieceFeatures f = computeFeatures(seq);
    const double expected[] = {3.0 / 8, 1.0 / 8, 0, 1.0 / 8, 1.0 / 8, 0, 0, 2.0 / 8};
    for (std::size_t bin = 0; bin < 8; ++bin)
        EXPECT_DOUBLE_EQ(f.velocityHistogram[bin], expected[bin]) << velocityBinLabels()[bin];
}

TEST(MusicFeatures, EmptyPieceHasDefinedValues)
{
    const PieceFeatures f = computeFeatures(NoteSequence{});
    EXPECT_EQ(f.notes, 0u);
    EXPECT_EQ(f.bars, 0u);
    EXPECT_EQ(f.notesPerBar, 0.0);
    EXPECT_EQ(f.polyphonyMean, 0.0);
    EXPECT_EQ(f.pitchMean, 0.0);
    EXPECT_EQ(f.pitchClassEntropy, 0.0);
    EXPECT_EQ(f.scaleConsistency, 0.0);
    EXPECT_EQ(f.keyTonic, -1);
    EXPECT_EQ(f.keyName, "");
    EXPECT_EQ(f.emptyBeatRate, 0.0);        // no bars, no beats
    EXPECT_EQ(f.grooveConsistency, 1.0);    // no neighbours to differ from
    EXPECT_EQ(f.pitchClassHistogram, std::vector<double>(12, 0.0));
    EXPECT_EQ(f.durationHistogram, std::vector<double>(11, 0.0));
    EXPECT_EQ(f.velocityHistogram, std::vector<double>(8, 0.0));
    expectAllFinite(toJson(f));
}

TEST(MusicFeatures, BarsWithoutNotesAreAllEmptyBeats)
{
    const PieceFeatures f = computeFeatures(piece(3));
    EXPECT_EQ(f.notesPerBar, 0.0);
    EXPECT_EQ(f.emptyBeatRate, 1.0);
    EXPECT_EQ(f.grooveConsistency, 1.0);   // all three patterns empty, all equal
    expectAllFinite(toJson(f));
}

TEST(MusicFeatures, SingleNote)
{
    NoteSequence seq = piece(1);
    add(seq, 0, 0, 60);   // zero length: sounds for one step
    const PieceFeatures f = computeFeatures(seq);
    EXPECT_EQ(f.notes, 1u);
    EXPECT_DOUBLE_EQ(f.polyphonyMean, 1.0);
    EXPECT_DOUBLE_EQ(f.polyphonyShare2, 0.0);
    EXPECT_DOUBLE_EQ(f.pitchMean, 60.0);
    EXPECT_DOUBLE_EQ(f.pitchSpan, 0.0);
    EXPECT_DOUBLE_EQ(f.pitchClassEntropy, 0.0);
    EXPECT_DOUBLE_EQ(f.scaleConsistency, 1.0);
    EXPECT_EQ(f.keyName, "C major");          // C major and C minor both have C as tonic: major first
    EXPECT_DOUBLE_EQ(f.emptyBeatRate, 0.75);  // it sounds in beat 1 only
    EXPECT_DOUBLE_EQ(f.durationHistogram[0], 1.0);
    expectAllFinite(toJson(f));
}

// Bad input gives numbers, not a crash: unsorted notes and bar lines, repeated bar lines, an end
// before the last bar line, a zero grid, a bar of absurd length.
TEST(MusicFeatures, BadInputIsMeasuredNotCrashed)
{
    NoteSequence seq;
    seq.stepsPerQuarter = 0;
    seq.barStarts = {32, 0, 16, 16};
    seq.end = 5;
    add(seq, 20, -3, 60);
    add(seq, 0, 4, 64);
    const PieceFeatures f = computeFeatures(seq);
    EXPECT_EQ(f.bars, 3u);
    expectAllFinite(toJson(f));

    NoteSequence huge;
    huge.barStarts = {0, 1};
    huge.end = std::int64_t{1} << 60;
    add(huge, 0, 1, 60);
    const PieceFeatures h = computeFeatures(huge);   // must not allocate per step or per beat
    EXPECT_GT(h.emptyBeatRate, 0.99);
    expectAllFinite(toJson(h));
}

TEST(MusicFeatures, RegistryCoversEveryFeatureOnce)
{
    std::set<std::string> keys;
    for (const ScalarFeature& feature : scalarFeatures())
        EXPECT_TRUE(keys.insert(feature.key).second) << feature.key;
    for (const HistogramFeature& feature : histogramFeatures())
        EXPECT_TRUE(keys.insert(feature.key).second) << feature.key;
    EXPECT_EQ(scalarFeatures().size(), 10u);
    EXPECT_EQ(histogramFeatures().size(), 4u);

    // The getters read the fields they name.
    PieceFeatures f;
    f.pitchSpan = 17;
    f.grooveConsistency = 0.25;
    for (const ScalarFeature& feature : scalarFeatures()) {
        if (std::string(feature.key) == "pitch_span") {
            EXPECT_EQ(feature.get(f), 17.0);
        }
        if (std::string(feature.key) == "groove_consistency") {
            EXPECT_EQ(feature.get(f), 0.25);
        }
    }
    const nlohmann::json json = toJson(computeFeatures(piece(1)));
    for (const ScalarFeature& feature : scalarFeatures())
        EXPECT_TRUE(json.contains(feature.key)) << feature.key;
    EXPECT_EQ(json.at("velocity_histogram").size(), 8u);
}

}  // namespace
}  // namespace pm::analysis
