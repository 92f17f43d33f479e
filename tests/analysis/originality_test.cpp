// The copy detector against hand-built pieces (every expected bar and note count is worked out
// in the comments) and against 500 synthetic pieces with a planted copy; the index file's round
// trip, damage and hostile contents.
#include "analysis/originality.h"

#include "synthetic_pieces.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace {

using pm::analysis::Note;
using pm::analysis::NoteSequence;
using pm::analysis::OriginalityIndex;
using pm::analysis::OriginalityResult;
namespace fs = std::filesystem;

// `bars` bars of 4/4 (96 steps each).
NoteSequence bars44(std::size_t bars) {
    NoteSequence s;
    for (std::size_t b = 0; b < bars; ++b) s.barStarts.push_back(std::int64_t(b) * 96);
    s.end = std::int64_t(bars) * 96;
    return s;
}

void sortNotes(NoteSequence& s) {
    std::sort(s.notes.begin(), s.notes.end(), [](const Note& a, const Note& b) { return std::tie(a.onset, a.pitch) < std::tie(b.onset, b.pitch); });
}

// ---------------------------------------------------------------------------------------------
// Hand-built

// Source: 6 bars, each bar four quarter notes whose pitches walk a pattern no other bar repeats.
NoteSequence handSource() {
    NoteSequence s = bars44(6);
    const int pitches[6][4] = {{60, 62, 64, 65}, {67, 65, 64, 62}, {60, 67, 72, 71}, {69, 65, 62, 59}, {60, 64, 67, 72}, {70, 66, 63, 58}};
    for (int b = 0; b < 6; ++b)
        for (int k = 0; k < 4; ++k) s.notes.push_back({b * 96 + k * 24, 24, pitches[b][k], 64});
    return s;
}

TEST(Originality, FindsATransposedShiftedCopyWithItsBars) {
    const OriginalityIndex index = OriginalityIndex::build({handSource()});
    // Query: one bar of its own, then the source's bars 2-5 (1-based) up a fourth (+5), then
    // one more bar of its own. 4 bars x 4 notes = 16 copied notes.
    NoteSequence q = bars44(6);
    for (int k = 0; k < 4; ++k) q.notes.push_back({k * 24, 24, 50 + 3 * k, 64});
    const NoteSequence src = handSource();
    for (const Note& n : src.notes)
        if (n.onset >= 96 && n.onset < 5 * 96) q.notes.push_back({n.onset, n.duration, n.pitch + 5, 64});
    for (int k = 0; k < 4; ++k) q.notes.push_back({5 * 96 + k * 12, 12, 80 - k, 64});
    sortNotes(q);

    const OriginalityResult r = index.check(q);
    ASSERT_TRUE(r.longestCopy);
    const auto& c = *r.longestCopy;
    EXPECT_EQ(c.bars, 4u);
    EXPECT_EQ(c.notes, 16u);
    EXPECT_EQ(c.fileBarFirst, 2);
    EXPECT_EQ(c.fileBarLast, 5);
    EXPECT_EQ(c.sourceBarFirst, 2);
    EXPECT_EQ(c.sourceBarLast, 5);
    EXPECT_EQ(c.transposition, 5);
    EXPECT_EQ(c.source, "piece 0");
    EXPECT_EQ(pm::analysis::describePassage(c), "bars 2\u20135 copy piece 0 bars 2\u20135, transposed +5");

    // The same music an eighth later in the bar: the notes still match, the bar lines do not.
    // Query bar 2 mixes its own quarters (96, 120, 144) with copied notes (108, 132, 156, 180),
    // so the run starts at 156 (the gap before it, from 144, is the query's own): 156 and 180,
    // then bars 3-5 whole (12 notes) = 14 notes; whole bars 3-5.
    NoteSequence late = bars44(7);
    for (const Note& n : src.notes)
        if (n.onset >= 96 && n.onset < 5 * 96) late.notes.push_back({n.onset + 12, n.duration, n.pitch, 64});
    for (int k = 0; k < 3; ++k) late.notes.push_back({96 + k * 24, 24, 40 + k, 64});   // bar 2 starts with other notes
    sortNotes(late);
    const OriginalityResult rl = index.check(late);
    ASSERT_TRUE(rl.longestCopy);
    EXPECT_EQ(rl.longestCopy->notes, 14u);
    EXPECT_EQ(rl.longestCopy->fileBarFirst, 3);
    EXPECT_EQ(rl.longestCopy->fileBarLast, 5);
    EXPECT_EQ(rl.longestCopy->transposition, 0);
    // Query bar 3's first note (step 204) is the source's note at 192 (its bar 3); query bar 5's
    // last (468) is the source's 456 (its bar 5): source bars 3-5.
    EXPECT_EQ(rl.longestCopy->sourceBarFirst, 3);
    EXPECT_EQ(rl.longestCopy->sourceBarLast, 5);
    EXPECT_EQ(rl.barsCopied, 0u);   // no bar is verbatim: every note sits an eighth later in its bar
}

TEST(Originality, ACopyOfOneBarIsNoCopyAndNothingMatchesAnEmptyIndex) {
    const OriginalityIndex index = OriginalityIndex::build({handSource()});
    // Source bars 3-4 (8 notes) + 1 note: 9 notes, enough for one n-gram, but only bar 3 is
    // copied whole (bar 4 ends with a note of the query's own).
    NoteSequence q = bars44(3);
    const NoteSequence src = handSource();
    for (const Note& n : src.notes)
        if (n.onset >= 2 * 96 && n.onset < 4 * 96 - 24) q.notes.push_back({n.onset - 96, n.duration, n.pitch, 64});
    q.notes.push_back({96 + 72, 24, 30, 64});
    q.notes.push_back({2 * 96, 24, src.notes[16].pitch, 64});
    q.notes.push_back({2 * 96 + 24, 24, src.notes[17].pitch, 64});
    sortNotes(q);
    EXPECT_FALSE(index.check(q).longestCopy);
    EXPECT_FALSE(OriginalityIndex().check(handSource()).longestCopy);
    EXPECT_EQ(OriginalityIndex().check(handSource()).barsChecked, 6u);
}

TEST(Originality, FromBarSkipsThePromptAndRunsNeverReachBackIntoIt) {
    const OriginalityIndex index = OriginalityIndex::build({handSource()});
    // The whole source checked from bar 3 (0-based 2): the copy is bars 3-6 only.
    const OriginalityResult r = index.check(handSource(), 2);
    ASSERT_TRUE(r.longestCopy);
    EXPECT_EQ(r.longestCopy->fileBarFirst, 3);
    EXPECT_EQ(r.longestCopy->fileBarLast, 6);
    EXPECT_EQ(r.longestCopy->sourceBarFirst, 3);
    EXPECT_EQ(r.longestCopy->notes, 16u);
    EXPECT_EQ(r.barsChecked, 4u);
    EXPECT_EQ(r.notesChecked, 16u);
    // From bar 5: two bars, 8 notes: below one n-gram (9 notes), so no run at all.
    EXPECT_FALSE(index.check(handSource(), 4).longestCopy);
    EXPECT_EQ(index.check(handSource(), 4).barsCopied, 2u);
    // Past the end: nothing checked.
    const OriginalityResult past = index.check(handSource(), 99);
    EXPECT_EQ(past.barsChecked, 0u);
    EXPECT_EQ(past.notesChecked, 0u);
}

TEST(Originality, CopiedBarShareCountsBarsWithThreeNotesOrMore) {
    // Source: bar 1 = C E G (quarters at 0, 24, 48); bar 2 = two notes (never counted);
    // bar 3 = D F A C (eighths); bar 4 = E G B at 0, 48, 72 (durations 48, 24, 24).
    NoteSequence src = bars44(4);
    src.notes = {{0, 24, 60, 64},   {24, 24, 64, 64},  {48, 24, 67, 64},  {96, 48, 60, 64},  {144, 48, 62, 64},
                 {192, 12, 62, 64}, {204, 12, 65, 64}, {216, 12, 69, 64}, {228, 12, 72, 64}, {288, 48, 64, 64},
                 {336, 24, 67, 64}, {360, 24, 71, 64}};
    const OriginalityIndex index = OriginalityIndex::build({src});
    // Query, 5 bars:
    //  1: source bar 1 up a fourth (F A C)                  -> counted, copied
    //  2: three notes of its own                             -> counted, not copied
    //  3: source bar 3 with one eighth made a sixteenth      -> counted, not copied (durations differ)
    //  4: two notes                                          -> not counted
    //  5: source bar 4 exactly, transposed down 12, and in the next bar's position 0..
    //     with its own lowest note the same intervals        -> counted, copied
    NoteSequence q = bars44(5);
    q.notes = {{0, 24, 65, 64},   {24, 24, 69, 64},  {48, 24, 72, 64},                                       // bar 1
               {96, 24, 50, 64},  {120, 24, 51, 64}, {150, 24, 52, 64},                                      // bar 2
               {192, 12, 62, 64}, {204, 6, 65, 64},  {216, 12, 69, 64},  {228, 12, 72, 64},                  // bar 3
               {288, 96, 40, 64}, {300, 12, 41, 64},                                                         // bar 4
               {384, 48, 52, 64}, {432, 24, 55, 64}, {456, 24, 59, 64}};                                     // bar 5
    const OriginalityResult r = index.check(q);
    EXPECT_EQ(r.barsChecked, 4u);
    EXPECT_EQ(r.barsCopied, 2u);
    EXPECT_DOUBLE_EQ(r.copiedBarShare, 0.5);
    EXPECT_FALSE(r.longestCopy);   // no two whole bars in a row
    const OriginalityResult from2 = index.check(q, 1);   // bars 2-5: 3 counted, bar 5 copied
    EXPECT_EQ(from2.barsChecked, 3u);
    EXPECT_EQ(from2.barsCopied, 1u);
    EXPECT_DOUBLE_EQ(from2.copiedBarShare, 1.0 / 3.0);
    // A piece the index does not include no longer counts.
    OriginalityIndex none = index;
    none.setIncluded({false});
    EXPECT_EQ(none.check(q).barsCopied, 0u);
    EXPECT_EQ(none.includedPieces(), 0u);
}

TEST(Originality, JsonAndTheFlagPolicy) {
    OriginalityResult r;
    EXPECT_EQ(pm::analysis::toJson(r).dump(),
              R"({"bars_checked":0,"bars_copied":0,"copied_bar_share":0.0,"longest_copy":null,"notes_checked":0})");
    pm::analysis::CopiedPassage c;
    c.notes = 30;
    c.bars = 3;
    c.source = "/music/chopin/Nocturne.mid";
    c.sourcePiece = 7;
    c.sourceBarFirst = 12;
    c.sourceBarLast = 14;
    c.fileBarFirst = 3;
    c.fileBarLast = 5;
    c.transposition = -2;
    r.longestCopy = c;
    r.copiedBarShare = 0.25;
    const nlohmann::json j = pm::analysis::toJson(r);
    EXPECT_EQ(j["longest_copy"]["notes"], 30);
    EXPECT_EQ(j["longest_copy"]["bars"], 3);
    EXPECT_EQ(j["longest_copy"]["source"], "/music/chopin/Nocturne.mid");
    EXPECT_EQ(j["longest_copy"]["source_bars"], nlohmann::json::array({12, 14}));
    EXPECT_EQ(j["longest_copy"]["file_bars"], nlohmann::json::array({3, 5}));
    EXPECT_EQ(j["longest_copy"]["transposition"], -2);
    EXPECT_EQ(j["copied_bar_share"], 0.25);
    // 3 bars and 30 notes (or 63): under both thresholds; 4 bars or 64 notes: flagged.
    EXPECT_FALSE(pm::analysis::describeCopy(r));
    r.longestCopy->notes = 63;
    EXPECT_FALSE(pm::analysis::describeCopy(r));
    r.longestCopy->notes = 64;
    EXPECT_EQ(pm::analysis::describeCopy(r).value_or(""), "bars 3\u20135 copy Nocturne.mid bars 12\u201314, transposed -2");
    r.longestCopy->notes = 10;
    r.longestCopy->bars = 4;
    EXPECT_TRUE(pm::analysis::describeCopy(r));
    EXPECT_FALSE(pm::analysis::describeCopy(r, {5, 100}));
}

TEST(Originality, TheGridMustMatch) {
    const OriginalityIndex index = OriginalityIndex::build({handSource()});
    NoteSequence other = handSource();
    other.stepsPerQuarter = 12;
    EXPECT_THROW(index.check(other), std::invalid_argument);
    OriginalityIndex::Builder b(24);
    EXPECT_THROW(b.add(other), std::invalid_argument);
}

// `bars` bars of notes `step` steps apart, all on `pitch`.
NoteSequence repeatedNote(std::size_t bars, int pitch, int step) {
    NoteSequence s = bars44(bars);
    for (std::int64_t at = 0; at < std::int64_t(bars) * 96; at += step) s.notes.push_back({at, step, pitch, 64});
    return s;
}

TEST(Originality, RepetitiveMusicIsCheckedQuicklyAndStillFindsWhatItCan) {
    // 40 pieces of 64 bars of a repeated sixteenth (one n-gram in 40,000 places: its bucket is
    // skipped), 3 of a repeated eighth (1,500 places: followed for 1,024 seeds per n-gram, then
    // capped), and the hand-built source. The query repeats sixteenths for 32 bars, eighths for
    // 32, then copies 4 bars of the hand-built source. Following every alignment of the repeated
    // notes would take minutes.
    std::vector<NoteSequence> pieces;
    for (int k = 0; k < 40; ++k) pieces.push_back(repeatedNote(64, 60, 6));
    for (int k = 0; k < 3; ++k) pieces.push_back(repeatedNote(64, 62, 12));
    pieces.push_back(handSource());
    const OriginalityIndex index = OriginalityIndex::build(pieces);
    NoteSequence q = bars44(68);
    for (std::int64_t at = 0; at < 32 * 96; at += 6) q.notes.push_back({at, 6, 60, 64});
    for (std::int64_t at = 32 * 96; at < 64 * 96; at += 12) q.notes.push_back({at, 12, 62, 64});
    pm::test::plantBars(handSource(), 1, 4, 2, q, 64);
    const auto t0 = std::chrono::steady_clock::now();
    const OriginalityResult r = index.check(q);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::printf("[originality] repetitive query of %zu notes against %zu notes: %.1f ms\n", q.notes.size(), index.notes(), ms);
    EXPECT_LT(ms, 3000.0);
    // The eighths: a copy of 32 whole bars of the first piece of eighths (the sixteenths seed
    // nothing). The run starts at the first eighth (the gap before it is a sixteenth's).
    ASSERT_TRUE(r.longestCopy);
    EXPECT_EQ(r.longestCopy->sourcePiece, 40u);
    EXPECT_EQ(r.longestCopy->bars, 32u);
    EXPECT_EQ(r.longestCopy->fileBarFirst, 33);
    EXPECT_EQ(r.longestCopy->fileBarLast, 64);
    EXPECT_EQ(r.longestCopy->notes, 32u * 8u);
    // From bar 65 on: the hand-built copy, found past the repeated notes.
    const OriginalityResult tail = index.check(q, 64);
    ASSERT_TRUE(tail.longestCopy);
    EXPECT_EQ(tail.longestCopy->sourcePiece, 43u);
    EXPECT_EQ(tail.longestCopy->fileBarFirst, 65);
    EXPECT_EQ(tail.longestCopy->transposition, 2);
}

// ---------------------------------------------------------------------------------------------
// 500 synthetic pieces

class SyntheticSet : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        pieces_ = new std::vector<NoteSequence>;
        for (std::uint64_t i = 0; i < 500; ++i) pieces_->push_back(pm::test::syntheticPiece(i));
        index_ = new OriginalityIndex(OriginalityIndex::build(*pieces_));
        std::vector<std::string> names;
        for (std::size_t i = 0; i < pieces_->size(); ++i) names.push_back("set/piece-" + std::to_string(i) + ".mid");
        index_->setSources(names);
    }
    static void TearDownTestSuite() {
        delete index_;
        delete pieces_;
    }
    static std::vector<NoteSequence>* pieces_;
    static OriginalityIndex* index_;
};
std::vector<NoteSequence>* SyntheticSet::pieces_ = nullptr;
OriginalityIndex* SyntheticSet::index_ = nullptr;

// A 4/4 piece of the set with at least `bars` bars.
std::size_t fourFourPiece(const std::vector<NoteSequence>& pieces, std::size_t from, std::size_t bars) {
    for (std::size_t i = from; i < pieces.size(); ++i)
        if (pieces[i].barStarts.size() >= bars && pieces[i].barStarts[1] == 96) return i;
    return pieces.size();
}

TEST_F(SyntheticSet, FindsAPlantedEightBarCopyTransposedUpThree) {
    // A new piece (seed outside the set), 4/4, whose bars 5-12 are bars 12-19 of a set piece,
    // three semitones up.
    pm::test::SyntheticOptions o;
    o.allowThreeFour = false;
    o.minBars = 24;
    NoteSequence generated = pm::test::syntheticPiece(100000, o);
    const std::size_t source = fourFourPiece(*pieces_, 321, 24);
    ASSERT_LT(source, pieces_->size());
    const std::size_t planted = pm::test::plantBars((*pieces_)[source], 11, 8, +3, generated, 4);

    const OriginalityResult r = index_->check(generated);
    ASSERT_TRUE(r.longestCopy);
    const auto& c = *r.longestCopy;
    EXPECT_EQ(c.sourcePiece, source);
    EXPECT_EQ(c.source, "set/piece-" + std::to_string(source) + ".mid");
    EXPECT_EQ(c.bars, 8u);
    EXPECT_EQ(c.fileBarFirst, 5);
    EXPECT_EQ(c.fileBarLast, 12);
    EXPECT_EQ(c.sourceBarFirst, 12);
    EXPECT_EQ(c.sourceBarLast, 19);
    EXPECT_EQ(c.transposition, 3);
    EXPECT_GE(c.notes, planted);
    EXPECT_LE(c.notes, planted + 8);   // a neighbouring note or two may match by chance, no more
    // The 8 planted bars are verbatim (up to transposition) in the source.
    EXPECT_GE(r.barsCopied, 8u);
    EXPECT_EQ(pm::analysis::describeCopy(r).value_or(""),
              "bars 5\u201312 copy piece-" + std::to_string(source) + ".mid bars 12\u201319, transposed +3");

    // Checked from bar 9 on (as if bars 1-8 were a prompt): the copy's second half only.
    const OriginalityResult tail = index_->check(generated, 8);
    ASSERT_TRUE(tail.longestCopy);
    EXPECT_EQ(tail.longestCopy->fileBarFirst, 9);
    EXPECT_EQ(tail.longestCopy->fileBarLast, 12);
    EXPECT_EQ(tail.longestCopy->sourceBarFirst, 16);
}

TEST_F(SyntheticSet, APieceBuiltToShareNothingHasNoCopy) {
    // Onset gaps of 5 and 7 steps never occur in the set (its rhythms are multiples of 6 and 8),
    // and 3 notes per bar at positions 0, 5, 12 with durations 5/7 are no bar of it either.
    NoteSequence q = bars44(16);
    int pitch = 60;
    for (int b = 0; b < 16; ++b)
        for (int k = 0; k < 8; ++k) {
            const std::int64_t at = b * 96 + (k / 2) * 24 + (k % 2) * 5 + (k >= 6 ? 7 : 0);
            pitch = 48 + (pitch * 7 + k) % 40;
            q.notes.push_back({at, k % 2 ? 7 : 5, pitch, 64});
        }
    sortNotes(q);
    const OriginalityResult r = index_->check(q);
    EXPECT_FALSE(r.longestCopy);
    EXPECT_EQ(r.barsChecked, 16u);
    EXPECT_EQ(r.barsCopied, 0u);
    EXPECT_EQ(r.copiedBarShare, 0.0);
}

TEST_F(SyntheticSet, AnUnrelatedPieceOfTheSameStyleIsNotFlagged) {
    // Same generator, a seed outside the set: shared accompaniment figures and scales, but no
    // four-bar copy (the flag policy's threshold).
    for (std::uint64_t seed = 200000; seed < 200010; ++seed) {
        const OriginalityResult r = index_->check(pm::test::syntheticPiece(seed));
        EXPECT_FALSE(pm::analysis::describeCopy(r)) << seed << ": " << pm::analysis::describeCopy(r).value_or("");
    }
}

TEST_F(SyntheticSet, EveryPieceFindsItselfWhole) {
    // Checked against an index of all pieces, a piece of the set is a copy of itself, bar 1 to
    // its last (or a piece with the same music: none in a seeded set of random walks).
    for (std::size_t i : {std::size_t(0), std::size_t(137), std::size_t(499)}) {
        const NoteSequence& p = (*pieces_)[i];
        const OriginalityResult r = index_->check(p);
        ASSERT_TRUE(r.longestCopy) << i;
        EXPECT_EQ(r.longestCopy->sourcePiece, i);
        EXPECT_EQ(r.longestCopy->notes, p.notes.size());
        EXPECT_EQ(std::size_t(r.longestCopy->fileBarLast), p.bars());
        EXPECT_EQ(r.longestCopy->sourceBarFirst, 1);
        EXPECT_EQ(r.copiedBarShare, 1.0);
    }
}

// ---------------------------------------------------------------------------------------------
// ngrams.bin

// The checksum as docs/dataset-format.md states it, written out independently of the library.
std::uint64_t mix(std::uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}
void resum(std::string& bytes) {
    std::uint64_t h = mix(bytes.size());
    for (std::size_t at = 0; at + 8 <= bytes.size(); at += 8) {
        std::uint64_t w = 0;
        if (at != 96)
            for (int i = 7; i >= 0; --i) w = (w << 8) | std::uint8_t(bytes[at + std::size_t(i)]);
        h = mix(h ^ w);
    }
    for (int i = 0; i < 8; ++i) bytes[96 + std::size_t(i)] = char((h >> (8 * i)) & 0xff);
}
void putU32(std::string& bytes, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes[at + std::size_t(i)] = char((v >> (8 * i)) & 0xff);
}

std::vector<NoteSequence> fewPieces() {
    std::vector<NoteSequence> p;
    for (std::uint64_t i = 0; i < 12; ++i) p.push_back(pm::test::syntheticPiece(i));
    p.push_back(NoteSequence());   // a piece without notes keeps its place
    p.push_back(handSource());
    return p;
}

TEST(OriginalityFile, RoundTripGivesTheSameIndexAndAnswers) {
    const OriginalityIndex a = OriginalityIndex::build(fewPieces());
    const std::string bytes = a.encode("0123456789abcdef0123456789abcdef");
    EXPECT_EQ(bytes.size() % 8, 0u);
    EXPECT_EQ(bytes.substr(0, 8), "PMNGRAMS");
    std::string error, id;
    const std::optional<OriginalityIndex> b = OriginalityIndex::decode(bytes, &error, &id);
    ASSERT_TRUE(b) << error;
    EXPECT_EQ(id, "0123456789abcdef0123456789abcdef");
    EXPECT_EQ(b->pieces(), 14u);
    EXPECT_EQ(b->notes(), a.notes());
    EXPECT_EQ(b->grams(), a.grams());
    EXPECT_EQ(b->encode("0123456789abcdef0123456789abcdef"), bytes);

    NoteSequence q = bars44(6);
    pm::test::plantBars(handSource(), 1, 4, -7, q, 1);
    const OriginalityResult ra = a.check(q), rb = b->check(q);
    ASSERT_TRUE(rb.longestCopy);
    EXPECT_EQ(pm::analysis::toJson(ra), pm::analysis::toJson(rb));
    EXPECT_EQ(rb.longestCopy->sourcePiece, 13u);
    EXPECT_EQ(rb.longestCopy->transposition, -7);

    const fs::path dir = fs::temp_directory_path() / ("pm-orig-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
    fs::create_directories(dir);
    const std::string path = (dir / "ngrams.bin").string();
    ASSERT_EQ(a.save(path, "x"), "");
    const auto c = OriginalityIndex::load(path, &error, &id);
    ASSERT_TRUE(c) << error;
    EXPECT_EQ(id, "x");
    EXPECT_EQ(pm::analysis::toJson(c->check(q)), pm::analysis::toJson(ra));
    EXPECT_FALSE(fs::exists(path + ".tmp"));
    EXPECT_FALSE(OriginalityIndex::load((dir / "missing.bin").string(), &error));
    EXPECT_NE(error.find("missing.bin"), std::string::npos);
    fs::remove_all(dir);

    // The empty index too.
    const auto empty = OriginalityIndex::decode(OriginalityIndex().encode(), &error);
    ASSERT_TRUE(empty) << error;
    EXPECT_EQ(empty->pieces(), 0u);
    EXPECT_FALSE(empty->check(handSource()).longestCopy);
}

TEST(OriginalityFile, DamageIsAnErrorNeverACrash) {
    const std::string good = OriginalityIndex::build(fewPieces()).encode("id");
    std::string error;
    const auto rejects = [&](std::string bytes, const std::string& why) {
        error.clear();
        EXPECT_FALSE(OriginalityIndex::decode(bytes, &error)) << why;
        EXPECT_FALSE(error.empty()) << why;
        EXPECT_EQ(error.find('\n'), std::string::npos) << why;
        return error;
    };
    rejects("", "empty");
    rejects("PMNGRAMS", "header only");
    rejects(std::string(200, 'x'), "no magic");
    // Truncated anywhere, or a byte flipped anywhere: size or checksum.
    for (std::size_t cut : {std::size_t(100), std::size_t(128), good.size() / 2, good.size() - 8})
        rejects(good.substr(0, cut), "cut at " + std::to_string(cut));
    for (std::size_t at : {std::size_t(9), std::size_t(140), good.size() / 3, good.size() - 9}) {
        std::string bad = good;
        bad[at] = char(bad[at] ^ 0x40);
        rejects(bad, "flip at " + std::to_string(at));
    }
    std::string flipped = good;
    flipped[good.size() / 2] = char(flipped[good.size() / 2] ^ 1);
    EXPECT_NE(rejects(flipped, "checksum").find("checksum"), std::string::npos);
    // Counts that claim gigabytes: refused from the size arithmetic, before any allocation.
    std::string huge = good;
    for (int i = 0; i < 8; ++i) huge[32 + std::size_t(i)] = char(0xff);   // notes = 2^64 - 1
    resum(huge);
    rejects(huge, "note count 2^64");
    huge = good;
    putU32(huge, 28, 0xfffffffeu);   // pieces
    resum(huge);
    rejects(huge, "piece count 2^32 - 2");
    huge = good;
    putU32(huge, 24, 29);   // bucket bits beyond the limit
    resum(huge);
    rejects(huge, "bucket bits");
    std::string version = good;
    putU32(version, 8, 2);
    resum(version);
    EXPECT_NE(rejects(version, "version 2").find("version 2"), std::string::npos);
}

TEST(OriginalityFile, AHostileFileWithAValidChecksumIsStillChecked) {
    const OriginalityIndex index = OriginalityIndex::build(fewPieces());
    const std::string good = index.encode();
    // Payload offsets: the header is 128 bytes; pieces P = 14: two u32[15] tables, then the
    // onsets (u32[N]), bar lines (u32[B]), buckets (u32[2^bits + 1]), then the n-grams.
    const std::size_t notes = index.notes();
    std::uint64_t bars = 0, bits = 0;
    for (int i = 7; i >= 0; --i) bars = (bars << 8) | std::uint8_t(good[40 + std::size_t(i)]);
    for (int i = 3; i >= 0; --i) bits = (bits << 8) | std::uint8_t(good[24 + std::size_t(i)]);
    const std::size_t grams = 128 + 2 * 4 * 15 + 4 * notes + 4 * bars + 4 * ((std::size_t(1) << bits) + 1);
    std::string error;
    const auto rejectsAfterResum = [&](std::string bytes, const char* what) {
        resum(bytes);
        EXPECT_FALSE(OriginalityIndex::decode(bytes, &error)) << what;
        EXPECT_NE(error.find("inconsistent"), std::string::npos) << what << ": " << error;
    };
    std::string bad = good;
    putU32(bad, grams + 4, std::uint32_t(notes + 5));   // the first n-gram's note past the end
    rejectsAfterResum(bad, "n-gram note out of range");
    bad = good;
    putU32(bad, grams + 4, std::uint32_t(notes - 1));   // inside, but no n notes after it
    rejectsAfterResum(bad, "n-gram past its piece");
    bad = good;
    putU32(bad, 128 + 4 * 3, 0xffffff00u);   // a piece's first note beyond the note count
    rejectsAfterResum(bad, "piece offsets");
    bad = good;
    putU32(bad, 128 + 2 * 4 * 15 + 4 * 5, 0);   // the 6th onset before the 5th
    rejectsAfterResum(bad, "onsets out of order");
    // The pitches are the last N bytes before the zero padding: make the last one 255.
    std::uint64_t sigs = 0;
    for (int i = 7; i >= 0; --i) sigs = (sigs << 8) | std::uint8_t(good[56 + std::size_t(i)]);
    const std::size_t lastPitch = grams + 8 * index.grams() + 16 * sigs + notes - 1;
    ASSERT_LT(lastPitch, good.size());
    EXPECT_EQ(std::uint8_t(good[lastPitch]), 58);   // handSource's last note, the last piece's last
    bad = good;
    bad[lastPitch] = char(0xff);
    rejectsAfterResum(bad, "pitch 255");
}

}  // namespace
