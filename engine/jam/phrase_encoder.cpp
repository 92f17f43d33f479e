#include "jam/phrase_encoder.h"

#include "tokenizer/value_bins.h"

#include <algorithm>
#include <cmath>
#include <climits>
#include <limits>
#include <stdexcept>
#include <tuple>

namespace pm::jam {

using tok::TokenId;
using tok::TokenKind;

namespace {
// Half up, as the tokenizer rounds ticks to steps (docs/tokenizer.md, "The grid"). Seconds are
// doubles: an exact half (a tie the tokenizer's integer ticks resolve upwards) may arrive as
// 46.4999999999; a nanostep of slack rounds it the same way.
std::int64_t roundHalfUp(double x) { return std::int64_t(std::floor(x + 0.5 + 1e-9)); }
}  // namespace

PhraseEncoder::PhraseEncoder(std::shared_ptr<const tok::Vocabulary> vocabulary, JamGrid grid)
    : vocab_(std::move(vocabulary)), grid_(grid) {
    if (!vocab_) throw std::invalid_argument("no vocabulary");
    if (vocab_->metreIndex(grid_.metre) < 0)
        throw std::invalid_argument("metre " + std::to_string(grid_.metre.numerator) + "/" + std::to_string(grid_.metre.denominator) +
                                    " is not in the model's vocabulary");
    if (!(grid_.bpm > 0)) throw std::invalid_argument("the tempo must be positive");
    grid_.positionsPerQuarter = vocab_->config().positionsPerQuarter;
    barSteps_ = tok::barSteps(grid_.metre, grid_.positionsPerQuarter);
}

std::int64_t PhraseEncoder::stepAt(double t) const {
    if (!origin_) return 0;
    return roundHalfUp((t - *origin_) / grid_.secondsPerStep());
}

double PhraseEncoder::secondsAt(std::int64_t step) const { return origin_.value_or(0.0) + double(step) * grid_.secondsPerStep(); }

std::int64_t PhraseEncoder::maxDuration() const { return tok::maxDurationSteps(vocab_->config()); }

void PhraseEncoder::end(Note& n, double t) {
    n.duration = std::clamp<std::int64_t>(roundHalfUp((t - n.onsetSeconds) / grid_.secondsPerStep()), 0, maxDuration());
}

void PhraseEncoder::setOrigin(double t) {
    if (origin_) return;
    origin_ = t;
    pedalAtOrigin_ = pedalNow_;
}

void PhraseEncoder::noteOn(double t, int pitch, int velocity) {
    if (pitch < 21 || pitch > 108) {
        ++stats_.outOfRange;
        return;
    }
    if (!origin_) {
        origin_ = t;   // the grid starts at the player's first note
        pedalAtOrigin_ = pedalNow_;
    }
    if (auto it = held_.find(pitch); it != held_.end()) {
        // The key sounds already (a lost note-off, or two sources): its note ends here.
        for (Note& n : pending_)
            if (n.id == it->second) end(n, t);
        held_.erase(it);
        ++stats_.retriggered;
    }
    Note n;
    n.id = nextId_++;
    n.onsetSeconds = t;
    n.onset = stepAt(t);
    if (n.onset < 0) {   // before the counted-in downbeat
        n.onset = 0;
        n.onsetSeconds = *origin_;
        ++stats_.early;
    }
    if (n.onset <= lastStep_) {
        // Its step is already in the stream (fed before a flush or a reply): the next free one.
        n.onset = lastStep_ + 1;
        ++stats_.late;
    }
    n.pitch = pitch;
    n.velocityBin = tok::velocityBin(velocity, vocab_->config());
    // Onset order: input arrives in time order, but a "late" onset may have been moved forward.
    auto at = std::upper_bound(pending_.begin(), pending_.end(), n.onset, [](std::int64_t s, const Note& x) { return s < x.onset; });
    pending_.insert(at, n);
    held_[pitch] = n.id;
}

void PhraseEncoder::noteOff(double t, int pitch) {
    auto it = held_.find(pitch);
    if (it == held_.end()) {
        ++stats_.strayReleases;
        return;
    }
    for (Note& n : pending_)
        if (n.id == it->second) end(n, t);
    held_.erase(it);
}

void PhraseEncoder::pedal(double t, bool down) {
    if (down == pedalNow_) return;   // a repeated value (controllers send 127 many times)
    pedalNow_ = down;
    if (!origin_) return;            // before the first note: the prefix takes the state
    std::int64_t step = stepAt(t);
    if (step <= lastStep_) step = lastStep_ + 1;
    pedalEvents_.emplace_back(step, down);
}

void PhraseEncoder::emitPrefix(std::vector<TokenId>& out) {
    out.push_back(vocab_->id(TokenKind::Bos));
    out.push_back(vocab_->id(TokenKind::TimeSig, vocab_->metreIndex(grid_.metre)));
    out.push_back(vocab_->id(TokenKind::Tempo, tok::tempoBin(grid_.bpm, vocab_->config())));
    // The pedal at the first bar line: the foot when the first note came, then its switches
    // inside that first step (the grammar puts them in the prefix, never at bar 0's Position_0).
    bool down = pedalAtOrigin_;
    while (!pedalEvents_.empty() && pedalEvents_.front().first <= 0) {
        down = pedalEvents_.front().second;
        pedalEvents_.erase(pedalEvents_.begin());
    }
    if (down) out.push_back(vocab_->id(TokenKind::PedalOn));
    pedalDown_ = down;
    prefixDone_ = true;
}

void PhraseEncoder::emitBarsThrough(std::int64_t step, std::vector<TokenId>& out) {
    const std::int64_t bar = step >= 0 ? step / barSteps_ : 0;
    while (bar_ < bar) {
        out.push_back(vocab_->id(TokenKind::Bar));
        ++bar_;
    }
}

void PhraseEncoder::emitGroup(std::int64_t step, std::vector<TokenId>& out) {
    std::vector<TokenId> group;
    // The pedal's switches at this step, collapsed to at most "release, then press".
    bool released = false, down = pedalDown_;
    const bool before = pedalDown_;
    while (!pedalEvents_.empty() && pedalEvents_.front().first <= step) {
        if (down && !pedalEvents_.front().second) released = true;
        down = pedalEvents_.front().second;
        pedalEvents_.erase(pedalEvents_.begin());
    }
    const bool release = before && released, press = down && (!before || release);
    pedalDown_ = down;
    // The first bar's Position_0 carries no pedal (the prefix said it).
    const bool firstDownbeat = step == 0 && bar_ <= 0;
    if (release && !firstDownbeat) group.push_back(vocab_->id(TokenKind::PedalOff));
    if (press && !firstDownbeat) group.push_back(vocab_->id(TokenKind::PedalOn));
    // Its notes ascend by (pitch, velocity, duration), as the grammar wants.
    std::vector<Note> notes;
    while (!pending_.empty() && pending_.front().onset == step) {
        notes.push_back(pending_.front());
        pending_.erase(pending_.begin());
    }
    std::sort(notes.begin(), notes.end(), [](const Note& a, const Note& b) {
        return std::tie(a.pitch, a.velocityBin, *a.duration) < std::tie(b.pitch, b.velocityBin, *b.duration);
    });
    const std::int64_t span = std::int64_t(vocab_->config().durationTokenQuarters) * grid_.positionsPerQuarter;
    for (const Note& n : notes) {
        group.push_back(vocab_->id(TokenKind::Pitch, n.pitch));
        group.push_back(vocab_->id(TokenKind::Velocity, n.velocityBin));
        const std::int64_t extra = *n.duration / span;
        if (extra > 0) group.push_back(vocab_->id(TokenKind::DurationExtra, int(extra)));
        group.push_back(vocab_->id(TokenKind::Duration, int(*n.duration % span)));
        ++stats_.notes;
    }
    if (group.empty()) return;   // a pedal tap inside one step: nothing to say
    emitBarsThrough(step, out);
    out.push_back(vocab_->id(TokenKind::Position, int(step - bar_ * barSteps_)));
    out.insert(out.end(), group.begin(), group.end());
    lastStep_ = step;
}

std::vector<TokenId> PhraseEncoder::takeReady(double now) {
    std::vector<TokenId> out;
    if (!origin_) return out;
    const double half = 0.5 * grid_.secondsPerStep();
    // Notes held longer than the tokens can say end there.
    for (Note& n : pending_)
        if (!n.duration && now - n.onsetSeconds > double(maxDuration()) * grid_.secondsPerStep()) {
            n.duration = maxDuration();
            for (auto it = held_.begin(); it != held_.end(); ++it)
                if (it->second == n.id) {
                    held_.erase(it);
                    break;
                }
            ++stats_.clippedLong;
        }
    for (;;) {
        std::int64_t step = INT64_MAX;
        if (!pending_.empty()) step = pending_.front().onset;
        if (!pedalEvents_.empty()) step = std::min(step, pedalEvents_.front().first);
        if (step == INT64_MAX || now < secondsAt(step) + half) break;   // a later onset may still round here
        bool known = true;
        for (const Note& n : pending_) {
            if (n.onset != step) break;
            known = known && n.duration.has_value();
        }
        if (!known) break;   // a note of this step still sounds
        if (!prefixDone_) emitPrefix(out);
        emitGroup(step, out);
    }
    return out;
}

std::vector<TokenId> PhraseEncoder::flush(double t, std::int64_t untilStep) {
    std::vector<TokenId> out;
    if (!origin_) return out;
    for (auto& [pitch, id] : held_)
        for (Note& n : pending_)
            if (n.id == id && !n.duration) {
                end(n, t);
                ++stats_.resolvedAtHandover;
            }
    held_.clear();
    // Everything up to the handover is final now, whatever the clock says (every note has its
    // duration, so no "now" can clip one).
    out = takeReady(std::numeric_limits<double>::infinity());
    if (!prefixDone_) emitPrefix(out);
    emitBarsThrough(untilStep, out);
    return out;
}

void PhraseEncoder::continueAfter(std::int64_t lastStep, bool pedalDown, double shiftSeconds) {
    lastStep_ = std::max(lastStep_, lastStep);
    bar_ = std::max(bar_, lastStep_ / barSteps_);
    pedalDown_ = pedalDown;
    if (origin_) *origin_ += shiftSeconds;
    // The reply's pedal was lifted on the output when it ended; unless the player's own foot is
    // down, the stream says so right after the reply's last group (else the model would hear the
    // player's next phrase as pedalled).
    if (pedalDown_ && !pedalNow_) {
        const std::pair<std::int64_t, bool> release{lastStep_ + 1, false};
        pedalEvents_.insert(std::lower_bound(pedalEvents_.begin(), pedalEvents_.end(), release,
                                             [](const auto& a, const auto& b) { return a.first < b.first; }),
                            release);
    }
}

}  // namespace pm::jam
