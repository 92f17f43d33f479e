// Does a piece copy another? The longest passage it shares note for note with a piece of an
// index (in practice a dataset's training pieces), whatever the key, and the share of its bars
// that occur verbatim there. docs/originality.md defines every measure and the index file.
//
//   pm::analysis::OriginalityIndex::Builder b(24);
//   for (const NoteSequence& piece : trainingPieces) b.add(piece);
//   pm::analysis::OriginalityIndex index = b.finish();
//   pm::analysis::OriginalityResult r = index.check(generated, /*fromBar=*/promptBars);
//   if (auto flag = pm::analysis::describeCopy(r)) warn(*flag);   // "bars 5–8 copy X.mid bars 12–15"
//
// A dataset keeps its index beside its tokens (gen-N/ngrams.bin); engine/dataset/copy_index.h
// opens it (or builds it when an older dataset has none) with the manifest's file names.
#pragma once

#include "analysis/note_sequence.h"

#include <nlohmann/json.hpp>   // nlohmann::json (toJson)

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pm::analysis {

// A run of consecutive notes (ordered by onset, then pitch) that a source piece has too, with the
// same pitch intervals and the same onset gaps: the same music, possibly in another key and
// starting anywhere in the bar.
struct CopiedPassage {
    std::size_t notes = 0;          // notes in the run
    std::size_t bars = 0;           // bars of the checked piece copied whole: fileBarLast - fileBarFirst + 1
    std::string source;             // the source piece's name (a dataset's: its manifest path)
    std::size_t sourcePiece = 0;    // its index in the index (a dataset's piece index)
    int sourceBarFirst = 0, sourceBarLast = 0;   // 1-based bars of the source those bars came from
    int fileBarFirst = 0, fileBarLast = 0;       // 1-based bars of the checked piece
    int transposition = 0;          // semitones: checked piece's pitch - source's pitch
};

struct OriginalityResult {
    // The longest copied passage (most whole bars, then most notes), when one copies at least
    // OriginalityIndex::kMinCopyBars whole bars; nothing otherwise.
    std::optional<CopiedPassage> longestCopy;
    // barsCopied / barsChecked (0 when nothing was checked).
    double copiedBarShare = 0;
    std::size_t barsChecked = 0;    // bars from fromBar on with at least kMinBarNotes notes
    std::size_t barsCopied = 0;     // of those, bars some indexed piece has verbatim
    std::size_t notesChecked = 0;   // notes from fromBar on
};

class OriginalityIndex {
public:
    // An n-gram is 8 consecutive keys (9 notes): about half a bar of the piano texture of the
    // test corpus (15.7 notes per bar, docs/originality.md). Shorter n-grams (4-5 notes) are
    // scales and broken chords that every piece shares, so lookups return thousands of false
    // starts; longer ones cannot seed a copy of two sparse bars. Whatever n is, a found run is
    // extended note by note to its full length, so n only decides what can be found, not what is
    // reported.
    static constexpr int kGramKeys = 8;
    // Bars with fewer notes are not counted in the copied-bar share: one or two notes in a bar
    // (a held chord's bass, a final note) occur verbatim in almost every piece.
    static constexpr std::size_t kMinBarNotes = 3;
    // A passage is a copy when it covers at least this many whole bars.
    static constexpr std::size_t kMinCopyBars = 2;
    // An n-gram that more than this many indexed places share (a repeated note, a trill) seeds no
    // further runs, and one whose bucket holds more than kMaxBucketScan entries (buckets average
    // four) none at all: the runs through it are found from their other, rarer n-grams. This
    // keeps a check of repetitive music (a sample stuck on one note) from following millions of
    // alignments.
    static constexpr std::size_t kMaxSeedsPerGram = 1024;
    static constexpr std::size_t kMaxBucketScan = 8192;

    // Adds pieces one at a time, in index order, then makes the lookup tables (below).
    class Builder;
    static OriginalityIndex build(const std::vector<NoteSequence>& pieces, int stepsPerQuarter = 24);

    OriginalityIndex();   // empty: checks find nothing

    std::size_t pieces() const { return pieceNotes_.size() - 1; }
    std::size_t notes() const { return onset_.size(); }
    std::size_t grams() const { return postings_.size(); }
    int stepsPerQuarter() const { return stepsPerQuarter_; }

    // Names of the pieces (a dataset's manifest paths), reported as CopiedPassage::source;
    // a piece without one is "piece N" (0-based).
    void setSources(std::vector<std::string> names) { sources_ = std::move(names); }
    std::string source(std::size_t piece) const;
    // Which pieces a check may match (a dataset's training pieces, say); all when never set.
    // Missing entries count as included.
    void setIncluded(std::vector<bool> included) { included_ = std::move(included); }
    std::size_t includedPieces() const;

    // Checks the notes of `seq` from bar `fromBar` (0-based) on: a prompt copied from a real piece
    // before that bar never counts, and no run reaches back into it. `seq` must be on the index's
    // grid (std::invalid_argument otherwise). A sequence without bar lines has no bars to copy:
    // only notesChecked is set. Runs in well under a millisecond per note against 1,000 pieces.
    OriginalityResult check(const NoteSequence& seq, int fromBar = 0) const;

    // The index as the bytes of ngrams.bin (little-endian; layout in docs/dataset-format.md).
    // `sourceId` (at most 32 bytes) says what it was built from; a dataset stores its tokens'
    // checksum there, so an index left beside other tokens is recognised as stale.
    std::string encode(const std::string& sourceId = {}) const;
    // Reads what encode wrote. Sizes are checked against the byte count before anything is
    // allocated, then the checksum, then every offset and index: a damaged or hostile file gives
    // an error, never a crash or an allocation beyond its own size.
    static std::optional<OriginalityIndex> decode(const std::string& bytes, std::string* error, std::string* sourceId = nullptr);
    // encode/decode through a file (written to a temporary, then renamed over `path`). Files
    // over 4 GiB are refused unread.
    std::string save(const std::string& path, const std::string& sourceId = {}) const;   // "" or a message
    static std::optional<OriginalityIndex> load(const std::string& path, std::string* error, std::string* sourceId = nullptr);

private:
    struct Posting {
        std::uint32_t hash = 0;   // of the n-gram starting at `note`
        std::uint32_t note = 0;   // global note index
    };
    struct BarEntry {
        std::uint64_t signature = 0;
        std::uint32_t piece = 0;
    };
    std::uint32_t key(std::size_t note) const;   // key of global note `note` (> its piece's first)
    std::size_t pieceOfNote(std::size_t note) const;
    int barOfNote(std::size_t piece, std::size_t note) const;
    bool included(std::size_t piece) const { return piece >= included_.size() || included_[piece]; }
    std::string validate() const;   // "" or what is inconsistent (decode)

    int stepsPerQuarter_ = 24;
    int gramKeys_ = kGramKeys;
    std::vector<std::uint32_t> pieceNotes_{0};   // per piece + 1: first note (prefix offsets)
    std::vector<std::uint32_t> pieceBars_{0};    // per piece + 1: first bar in barStart_
    std::vector<std::uint32_t> onset_;           // per note: step, relative to its piece's origin
    std::vector<std::uint8_t> pitch_;            // per note
    std::vector<std::uint32_t> barStart_;        // per bar of every piece: step, same origin
    std::uint32_t bucketBits_ = 0;
    std::vector<std::uint32_t> bucketStart_{0, 0};   // 2^bucketBits + 1 offsets into postings_
    std::vector<Posting> postings_;              // grouped by bucket (top bits of the hash)
    std::vector<BarEntry> bars_;                 // sorted by (signature, piece), no repeats
    std::vector<std::string> sources_;
    std::vector<bool> included_;
};

// Adds pieces one at a time, in index order, then makes the lookup tables.
class OriginalityIndex::Builder {
public:
    // One piece's share of the index: everything about it that does not depend on the other
    // pieces. prepare() touches nothing shared, so threads can prepare pieces side by side and
    // the builder adds them in order.
    struct Piece {
        int stepsPerQuarter = 24;
        std::vector<std::uint32_t> onsets, barStarts;   // steps from the piece's origin
        std::vector<std::uint8_t> pitches;
        std::vector<std::uint64_t> barSignatures;       // of the bars with kMinBarNotes notes or more
        std::vector<std::uint32_t> gramHashes;          // one per note with kGramKeys notes after it
    };
    static Piece prepare(const NoteSequence& piece);

    explicit Builder(int stepsPerQuarter = 24);
    // Throws std::invalid_argument when the piece's grid differs from the builder's, and
    // std::length_error past 2^32 - 1 notes in all.
    void add(const NoteSequence& piece) { add(prepare(piece)); }
    void add(const Piece& piece);
    std::size_t pieces() const { return index_.pieceNotes_.size() - 1; }
    OriginalityIndex finish();

private:
    OriginalityIndex index_;
    std::vector<Posting> grams_;
};

// {"longest_copy": {"notes", "bars", "source", "source_piece", "source_bars": [a, b],
//  "file_bars": [c, d], "transposition"} or null, "copied_bar_share", "bars_checked",
//  "bars_copied", "notes_checked"}; bars 1-based.
nlohmann::json toJson(const OriginalityResult& result);

// "bars 3–6 copy Nocturne.mid bars 12–15, transposed +3" (the source's file name without its
// folders; no transposition part when it is 0).
std::string describePassage(const CopiedPassage& passage);

// When a copy is worth a warning (training samples, the Generate page, the report): the one
// place this policy lives. Four whole bars are a phrase; 64 notes are about four bars of the
// test corpus's texture (15.7 notes per bar), so a dense copy of fewer bars is flagged too.
struct CopyFlagPolicy {
    std::size_t minBars = 4;
    std::size_t minNotes = 64;
};
// describePassage of the longest copy when it reaches the policy's bars or notes; nothing
// otherwise.
std::optional<std::string> describeCopy(const OriginalityResult& result, const CopyFlagPolicy& policy = {});

}  // namespace pm::analysis
