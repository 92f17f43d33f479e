#include "analysis/originality.h"

#include "analysis/originality_keys.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

namespace pm::analysis {

using detail::BarNote;

namespace {

constexpr std::uint32_t kMaxU32 = std::numeric_limits<std::uint32_t>::max();

// For each bar b of `seq`, the index of its first note; entry bars() is notes.size(). A note's bar
// is NoteSequence::barOf's (notes before the first bar line count to bar 0), so bar b holds the
// notes [first[b], first[b+1]).
std::vector<std::size_t> barFirstNotes(const NoteSequence& seq) {
    const std::size_t bars = seq.bars();
    std::vector<std::size_t> first(bars + 1, seq.notes.size());
    if (bars == 0) return first;
    first[0] = 0;
    for (std::size_t b = 1; b < bars; ++b)
        first[b] = std::size_t(std::lower_bound(seq.notes.begin() + std::ptrdiff_t(first[b - 1]), seq.notes.end(), seq.barStarts[b],
                                                [](const Note& n, std::int64_t step) { return n.onset < step; }) -
                               seq.notes.begin());
    return first;
}

// Signature of bar `b` of `seq` (notes [from, to)): see detail::barSignature.
std::uint64_t signatureOfBar(const NoteSequence& seq, std::size_t b, std::size_t from, std::size_t to, std::vector<BarNote>* scratch) {
    scratch->clear();
    int lowest = 127;
    for (std::size_t i = from; i < to; ++i) lowest = std::min(lowest, std::clamp(seq.notes[i].pitch, 0, 127));
    for (std::size_t i = from; i < to; ++i) {
        const Note& n = seq.notes[i];
        scratch->push_back({n.onset - seq.barStarts[b], n.duration, std::clamp(n.pitch, 0, 127) - lowest});
    }
    std::sort(scratch->begin(), scratch->end());
    return detail::barSignature(scratch->data(), scratch->size());
}

bool sortedByOnsetPitch(const NoteSequence& seq) {
    return std::is_sorted(seq.notes.begin(), seq.notes.end(),
                          [](const Note& a, const Note& b) { return std::tie(a.onset, a.pitch) < std::tie(b.onset, b.pitch); });
}

// The contract says sorted; a hand-built sequence may not be. Copies only then.
const NoteSequence& sortedView(const NoteSequence& seq, NoteSequence* storage) {
    if (sortedByOnsetPitch(seq)) return seq;
    *storage = seq;
    std::stable_sort(storage->notes.begin(), storage->notes.end(),
                     [](const Note& a, const Note& b) { return std::tie(a.onset, a.pitch) < std::tie(b.onset, b.pitch); });
    return *storage;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Building

OriginalityIndex::OriginalityIndex() = default;

OriginalityIndex::Builder::Builder(int stepsPerQuarter) { index_.stepsPerQuarter_ = stepsPerQuarter; }

OriginalityIndex::Builder::Piece OriginalityIndex::Builder::prepare(const NoteSequence& input) {
    NoteSequence storage;
    const NoteSequence& seq = sortedView(input, &storage);
    Piece out;
    out.stepsPerQuarter = seq.stepsPerQuarter;
    // Steps relative to the piece's own start keep them in 32 bits (keys only use differences).
    std::int64_t origin = 0;
    if (!seq.notes.empty()) origin = seq.notes.front().onset;
    if (!seq.barStarts.empty()) origin = seq.notes.empty() ? seq.barStarts.front() : std::min(origin, seq.barStarts.front());
    const auto rel = [origin](std::int64_t step) { return std::uint32_t(std::clamp<std::int64_t>(step - origin, 0, kMaxU32)); };
    out.onsets.reserve(seq.notes.size());
    out.pitches.reserve(seq.notes.size());
    for (const Note& n : seq.notes) {
        out.onsets.push_back(rel(n.onset));
        out.pitches.push_back(std::uint8_t(std::clamp(n.pitch, 0, 127)));
    }
    for (std::int64_t b : seq.barStarts) out.barStarts.push_back(rel(b));

    const std::vector<std::size_t> first = barFirstNotes(seq);
    std::vector<BarNote> scratch;
    for (std::size_t b = 0; b < seq.bars(); ++b)
        if (first[b + 1] - first[b] >= kMinBarNotes) out.barSignatures.push_back(signatureOfBar(seq, b, first[b], first[b + 1], &scratch));

    // The n-gram starting at each note that has kGramKeys notes after it.
    const std::size_t count = out.onsets.size(), n = std::size_t(kGramKeys);
    if (count > n) {
        std::vector<std::uint32_t> keys(count, 0);
        for (std::size_t i = 1; i < count; ++i) keys[i] = detail::noteKey(out.pitches[i - 1], out.pitches[i], out.onsets[i - 1], out.onsets[i]);
        out.gramHashes.reserve(count - n);
        for (std::size_t s = 0; s + n < count; ++s) out.gramHashes.push_back(detail::gramHash(&keys[s + 1], int(n)));
    }
    return out;
}

void OriginalityIndex::Builder::add(const Piece& piece) {
    if (piece.stepsPerQuarter != index_.stepsPerQuarter_)
        throw std::invalid_argument("a piece on a grid of " + std::to_string(piece.stepsPerQuarter) +
                                    " steps per quarter cannot join an index of " + std::to_string(index_.stepsPerQuarter_));
    if (index_.onset_.size() + piece.onsets.size() >= kMaxU32 || index_.barStart_.size() + piece.barStarts.size() >= kMaxU32 ||
        index_.pieces() + 1 >= kMaxU32)
        throw std::length_error("an originality index holds at most 2^32 - 1 notes, bars and pieces");
    const std::uint32_t p = std::uint32_t(index_.pieces());
    const std::uint32_t firstNote = std::uint32_t(index_.onset_.size());
    for (std::size_t s = 0; s < piece.gramHashes.size(); ++s) grams_.push_back({piece.gramHashes[s], firstNote + std::uint32_t(s)});
    for (std::uint64_t sig : piece.barSignatures) index_.bars_.push_back({sig, p});
    index_.onset_.insert(index_.onset_.end(), piece.onsets.begin(), piece.onsets.end());
    index_.pitch_.insert(index_.pitch_.end(), piece.pitches.begin(), piece.pitches.end());
    index_.barStart_.insert(index_.barStart_.end(), piece.barStarts.begin(), piece.barStarts.end());
    index_.pieceNotes_.push_back(std::uint32_t(index_.onset_.size()));
    index_.pieceBars_.push_back(std::uint32_t(index_.barStart_.size()));
}

OriginalityIndex OriginalityIndex::Builder::finish() {
    OriginalityIndex& x = index_;
    std::vector<Posting> grams = std::move(grams_);
    grams_.clear();
    // Buckets by the hash's top bits, about four n-grams each: a counting sort (two linear
    // passes, stable, so the file is the same for the same pieces).
    std::uint32_t bits = 0;
    while (bits < 28 && (std::size_t(1) << (bits + 2)) < grams.size()) ++bits;
    x.bucketBits_ = bits;
    x.bucketStart_.assign((std::size_t(1) << bits) + 1, 0);
    for (const Posting& g : grams) ++x.bucketStart_[detail::bucketOf(g.hash, bits) + 1];
    for (std::size_t b = 1; b < x.bucketStart_.size(); ++b) x.bucketStart_[b] += x.bucketStart_[b - 1];
    x.postings_.resize(grams.size());
    std::vector<std::uint32_t> fill(x.bucketStart_.begin(), x.bucketStart_.end() - 1);
    for (const Posting& g : grams) x.postings_[fill[detail::bucketOf(g.hash, bits)]++] = g;

    std::sort(x.bars_.begin(), x.bars_.end(),
              [](const BarEntry& a, const BarEntry& b) { return std::tie(a.signature, a.piece) < std::tie(b.signature, b.piece); });
    x.bars_.erase(std::unique(x.bars_.begin(), x.bars_.end(),
                              [](const BarEntry& a, const BarEntry& b) { return a.signature == b.signature && a.piece == b.piece; }),
                  x.bars_.end());
    OriginalityIndex out = std::move(index_);
    index_ = OriginalityIndex();
    index_.stepsPerQuarter_ = out.stepsPerQuarter_;
    return out;
}

OriginalityIndex OriginalityIndex::build(const std::vector<NoteSequence>& pieces, int stepsPerQuarter) {
    Builder b(stepsPerQuarter);
    for (const NoteSequence& p : pieces) b.add(p);
    return b.finish();
}

// ---------------------------------------------------------------------------------------------
// Lookups

std::uint32_t OriginalityIndex::key(std::size_t note) const {
    return detail::noteKey(pitch_[note - 1], pitch_[note], onset_[note - 1], onset_[note]);
}

std::size_t OriginalityIndex::pieceOfNote(std::size_t note) const {
    // Empty pieces share their offset with the next one; upper_bound steps over them.
    return std::size_t(std::upper_bound(pieceNotes_.begin(), pieceNotes_.end(), std::uint32_t(note)) - pieceNotes_.begin()) - 1;
}

int OriginalityIndex::barOfNote(std::size_t piece, std::size_t note) const {
    const auto first = barStart_.begin() + pieceBars_[piece], last = barStart_.begin() + pieceBars_[piece + 1];
    if (first == last) return 0;
    const auto after = std::upper_bound(first, last, onset_[note]);
    return after == first ? 0 : int(after - first) - 1;
}

std::string OriginalityIndex::source(std::size_t piece) const {
    if (piece < sources_.size() && !sources_[piece].empty()) return sources_[piece];
    return "piece " + std::to_string(piece);
}

std::size_t OriginalityIndex::includedPieces() const {
    std::size_t n = 0;
    for (std::size_t p = 0; p < pieces(); ++p) n += included(p) ? 1 : 0;
    return n;
}

OriginalityResult OriginalityIndex::check(const NoteSequence& input, int fromBar) const {
    if (input.stepsPerQuarter != stepsPerQuarter_)
        throw std::invalid_argument("the piece is on a grid of " + std::to_string(input.stepsPerQuarter) +
                                    " steps per quarter, the index on " + std::to_string(stepsPerQuarter_));
    NoteSequence storage;
    const NoteSequence& seq = sortedView(input, &storage);
    OriginalityResult r;
    const std::size_t bars = seq.bars(), q = seq.notes.size();
    if (bars == 0) {
        r.notesChecked = q;
        return r;
    }
    const std::size_t from = std::size_t(std::clamp<std::int64_t>(fromBar, 0, std::int64_t(bars)));
    const std::vector<std::size_t> barFirst = barFirstNotes(seq);
    const std::size_t firstNote = barFirst[from];
    r.notesChecked = q - firstNote;

    // Bars found verbatim (up to transposition) in an included piece.
    std::vector<BarNote> scratch;
    for (std::size_t b = from; b < bars; ++b) {
        if (barFirst[b + 1] - barFirst[b] < kMinBarNotes) continue;
        ++r.barsChecked;
        const std::uint64_t sig = signatureOfBar(seq, b, barFirst[b], barFirst[b + 1], &scratch);
        auto it = std::lower_bound(bars_.begin(), bars_.end(), sig, [](const BarEntry& e, std::uint64_t s) { return e.signature < s; });
        for (; it != bars_.end() && it->signature == sig; ++it)
            if (included(it->piece)) {
                ++r.barsCopied;
                break;
            }
    }
    r.copiedBarShare = r.barsChecked ? double(r.barsCopied) / double(r.barsChecked) : 0.0;

    const std::size_t n = std::size_t(gramKeys_);
    if (q < firstNote + n + 1 || postings_.empty()) return r;
    // Keys of the checked notes: qkey[i] links note i to note i - 1, both from fromBar on.
    std::vector<std::uint32_t> qkey(q, 0);
    for (std::size_t i = firstNote + 1; i < q; ++i)
        qkey[i] = detail::noteKey(seq.notes[i - 1].pitch, seq.notes[i].pitch, seq.notes[i - 1].onset, seq.notes[i].onset);
    std::vector<std::uint32_t> noteBar(q, 0);
    for (std::size_t b = 0; b < bars; ++b)
        for (std::size_t i = barFirst[b]; i < barFirst[b + 1]; ++i) noteBar[i] = std::uint32_t(b);

    std::optional<CopiedPassage> best;
    // A maximal run: query notes [a, c] match source notes [s, s + c - a] of piece p.
    const auto consider = [&](std::size_t a, std::size_t c, std::size_t s, std::size_t p) {
        const std::size_t barA = noteBar[a], barC = noteBar[c];
        // Whole bars only: the first bar counts when the run starts at its first note, the last
        // when it ends at its last one.
        const std::int64_t firstBar = a == barFirst[barA] ? std::int64_t(barA) : std::int64_t(barA) + 1;
        const std::int64_t lastBar = c + 1 == barFirst[barC + 1] ? std::int64_t(barC) : std::int64_t(barC) - 1;
        if (lastBar - firstBar + 1 < std::int64_t(kMinCopyBars)) return;
        CopiedPassage cp;
        cp.notes = c - a + 1;
        cp.bars = std::size_t(lastBar - firstBar + 1);
        cp.sourcePiece = p;
        cp.fileBarFirst = int(firstBar) + 1;
        cp.fileBarLast = int(lastBar) + 1;
        if (best && std::make_tuple(best->bars, best->notes, std::size_t(-1) - best->sourcePiece, -best->fileBarFirst) >=
                        std::make_tuple(cp.bars, cp.notes, std::size_t(-1) - cp.sourcePiece, -cp.fileBarFirst))
            return;
        // The source bars of the first note of the first whole bar and of the last of the last.
        const std::size_t qFirst = barFirst[std::size_t(firstBar)], qLast = barFirst[std::size_t(lastBar) + 1] - 1;
        cp.sourceBarFirst = barOfNote(p, s + (qFirst - a)) + 1;
        cp.sourceBarLast = barOfNote(p, s + (qLast - a)) + 1;
        cp.transposition = std::clamp(seq.notes[a].pitch, 0, 127) - int(pitch_[s]);
        cp.source = source(p);
        best = std::move(cp);
    };

    // Gram positions whose seeds were not all followed (too common); and, for runs extended from
    // a seed that could not be skipped, where each alignment's last run ends in the query. An
    // alignment is the difference between source and query note index: source note indices are
    // global, so a seed on a known alignment before its run's end lies inside that run, in the
    // same piece.
    std::vector<bool> truncated(q, false);
    std::unordered_map<std::int64_t, std::size_t> runEnd;
    for (std::size_t i = firstNote; i + n < q; ++i) {
        const std::uint32_t h = detail::gramHash(&qkey[i + 1], int(n));
        const std::uint32_t bucket = detail::bucketOf(h, bucketBits_);
        // Buckets hold about four n-grams; one this full is a single n-gram found in thousands of
        // places (a repeated note): it seeds nothing.
        if (bucketStart_[bucket + 1] - bucketStart_[bucket] > kMaxBucketScan) {
            truncated[i] = true;
            continue;
        }
        std::size_t seeds = 0;
        for (std::uint32_t e = bucketStart_[bucket]; e < bucketStart_[bucket + 1]; ++e) {
            if (postings_[e].hash != h) continue;
            const std::size_t s = postings_[e].note;
            const std::size_t p = pieceOfNote(s);
            if (!included(p)) continue;
            bool same = true;
            for (std::size_t k = 1; k <= n && same; ++k) same = key(s + k) == qkey[i + k];
            if (!same) continue;
            if (++seeds > kMaxSeedsPerGram) {
                truncated[i] = true;
                break;
            }
            const std::size_t start = pieceNotes_[p], end = pieceNotes_[p + 1];
            // Not the run's first n-gram: the n-gram before it found this run already (unless
            // that one was too common to follow all its seeds).
            const bool extendsLeft = i > firstNote && s > start && key(s) == qkey[i];
            if (extendsLeft && !truncated[i - 1]) continue;
            const std::int64_t alignment = std::int64_t(s) - std::int64_t(i);
            if (extendsLeft) {
                const auto known = runEnd.find(alignment);
                if (known != runEnd.end() && known->second >= i) continue;
            }
            std::size_t a = i, b = s;
            while (a > firstNote && b > start && key(b) == qkey[a]) --a, --b;
            std::size_t c = i + n, d = s + n;
            while (c + 1 < q && d + 1 < end && key(d + 1) == qkey[c + 1]) ++c, ++d;
            runEnd[alignment] = c;
            consider(a, c, b, p);
        }
    }
    r.longestCopy = std::move(best);
    return r;
}

// ---------------------------------------------------------------------------------------------
// Reporting

nlohmann::json toJson(const OriginalityResult& r) {
    nlohmann::json j;
    if (r.longestCopy) {
        const CopiedPassage& c = *r.longestCopy;
        j["longest_copy"] = {{"notes", c.notes},
                             {"bars", c.bars},
                             {"source", c.source},
                             {"source_piece", c.sourcePiece},
                             {"source_bars", {c.sourceBarFirst, c.sourceBarLast}},
                             {"file_bars", {c.fileBarFirst, c.fileBarLast}},
                             {"transposition", c.transposition}};
    } else {
        j["longest_copy"] = nullptr;
    }
    j["copied_bar_share"] = r.copiedBarShare;
    j["bars_checked"] = r.barsChecked;
    j["bars_copied"] = r.barsCopied;
    j["notes_checked"] = r.notesChecked;
    return j;
}

std::string describePassage(const CopiedPassage& c) {
    const std::size_t slash = c.source.find_last_of("/\\");
    const std::string name = slash == std::string::npos ? c.source : c.source.substr(slash + 1);
    const auto range = [](int a, int b) { return a == b ? "bar " + std::to_string(a) : "bars " + std::to_string(a) + "\u2013" + std::to_string(b); };
    std::string text = range(c.fileBarFirst, c.fileBarLast) + " copy " + name + " " + range(c.sourceBarFirst, c.sourceBarLast);
    if (c.transposition != 0) text += ", transposed " + std::string(c.transposition > 0 ? "+" : "") + std::to_string(c.transposition);
    return text;
}

std::optional<std::string> describeCopy(const OriginalityResult& r, const CopyFlagPolicy& policy) {
    if (!r.longestCopy) return std::nullopt;
    if (r.longestCopy->bars < policy.minBars && r.longestCopy->notes < policy.minNotes) return std::nullopt;
    return describePassage(*r.longestCopy);
}

}  // namespace pm::analysis
