#include "generate/jam_responder.h"

#include "model/rwkv7_fast_step.h"
#include "tokenizer/value_bins.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <thread>
#include <tuple>

namespace pm::gen {

using tok::TokenId;
using tok::TokenKind;

namespace {

model::Rwkv7State copyState(const model::Rwkv7State& s) {
    model::Rwkv7State out;
    for (const auto& l : s.layers)
        out.layers.push_back({l.attXPrev.defined() ? l.attXPrev.clone() : l.attXPrev, l.wkv.defined() ? l.wkv.clone() : l.wkv,
                              l.ffnXPrev.defined() ? l.ffnXPrev.clone() : l.ffnXPrev});
    return out;
}

constexpr std::size_t kMaxReplyTokens = 6000;   // a safety cap: 16 dense bars stay far below it
constexpr std::size_t kUndoDepth = 8;

}  // namespace

JamResponder::JamResponder(model::Rwkv7Model model, tok::Tokenizer tokenizer, JamOptions options)
    : model_(std::move(model)),
      tokenizer_(std::move(tokenizer)),
      vocab_(std::make_shared<tok::Vocabulary>(tokenizer_.config())),
      options_(options),
      grammar_(tokenizer_.grammar()),
      encoder_(vocab_, options.grid),
      detector_(options.trigger) {
    if (std::size_t(model_->config().vocabSize) < tokenizer_.vocabulary().size())
        throw std::invalid_argument("the model's vocabulary is smaller than the tokenizer's");
    options_.replyBars = std::clamp(options_.replyBars, 1, 16);
    options_.replyOffsetSeconds = std::clamp(options_.replyOffsetSeconds, 0.0, 1.0);
    torch::NoGradGuard ng;
    model_->eval();
    model::FastStepOptions fo;
    fo.weights = options_.weights == WeightMode::Fp32   ? model::FastStepWeights::Exact
                 : options_.weights == WeightMode::Bf16 ? model::FastStepWeights::Bf16
                 : options_.weights == WeightMode::Int8 ? model::FastStepWeights::Int8
                                                        : model::FastStepWeights::Auto;
    fo.threads = std::max(1, options_.stepThreads);
    fast_ = model::Rwkv7FastStep::tryCreate(*model_, nullptr, fo);
    if (fast_) {
        fast_->reset();
        step_ = "fused step, " + std::to_string(fast_->threads()) + (fast_->threads() == 1 ? " thread" : " threads");
    } else {
        state_ = model_->initialState(1);
        step_ = "LibTorch step";
    }
}

JamResponder::~JamResponder() = default;

void JamResponder::feed(TokenId id) {
    if (!grammar_.advance(id))
        throw std::logic_error("jam: the token stream broke the grammar at " + tokenizer_.vocabulary().name(id));
    const std::size_t V = std::size_t(model_->config().vocabSize);
    if (fast_) {
        const float* out = fast_->step(std::int64_t(id));
        logits_.assign(out, out + V);
    } else {
        torch::NoGradGuard ng;
        const torch::Tensor input = torch::full({1}, std::int64_t(id), torch::kLong);
        const torch::Tensor out = model_->step(input, state_).to(torch::kFloat).contiguous();
        logits_.assign(out.data_ptr<float>(), out.data_ptr<float>() + V);
    }
    ++stats_.tokensFed;
}

JamResponder::Snapshot JamResponder::snapshot(std::int64_t step, bool pedal) const {
    return {fast_ ? fast_->state() : copyState(state_), logits_, grammar_, step, pedal};
}

void JamResponder::restore(const Snapshot& s) {
    if (fast_) fast_->setState(s.state);
    else state_ = copyState(s.state);
    logits_ = s.logits;
    grammar_ = s.grammar;
}

void JamResponder::schedule(double t, const play::MidiMessage& m) {
    const auto at = std::upper_bound(outbox_.begin(), outbox_.end(), t, [](double v, const TimedMessage& x) { return v < x.t; });
    outbox_.insert(at, {t, m});
}

double JamResponder::wall(std::int64_t step) const { return encoder_.secondsAt(step) + replies_.back().shift; }

void JamResponder::start(double now) {
    if (sessionStart_ < 0) sessionStart_ = now;
    if (options_.countInBars <= 0) return;
    const auto& m = options_.grid.metre;
    const double beat = 60.0 / options_.grid.bpm * 4.0 / double(m.denominator);
    const double first = now + 0.1;   // a moment to get ready
    constexpr int kDrums = 9, kDownbeat = 76, kBeat = 77;   // GM: hi and low wood block
    const int beats = std::min(options_.countInBars, 4) * m.numerator;
    for (int i = 0; i < beats; ++i) {
        const double t = first + beat * i;
        const int note = i % m.numerator == 0 ? kDownbeat : kBeat;
        schedule(t, play::MidiMessage::noteOn(kDrums, note, i % m.numerator == 0 ? 110 : 80));
        schedule(t + std::min(0.05, beat / 2), play::MidiMessage::noteOff(kDrums, note));
    }
    encoder_.setOrigin(first + beat * beats);
    gridStart_ = first;   // the recording starts with the count-in's bars
}

void JamResponder::input(const JamInput& e) {
    if (sessionStart_ < 0) sessionStart_ = e.t;
    switch (e.kind) {
    case JamInput::Kind::NoteOn:
        if (e.b > 0) {
            if (replying_) interrupt(e.t);
            if (detector_.noteOn(e.t, e.a)) {
                encoder_.noteOn(e.t, e.a, e.b);
                if (gridStart_ < 0) gridStart_ = encoder_.origin();   // the first note is the first downbeat
                player_.push_back({e.t, -1, e.a, e.b});
            }
            break;
        }
        [[fallthrough]];   // velocity 0 is a release
    case JamInput::Kind::NoteOff:
        if (detector_.noteOff(e.t, e.a)) {
            encoder_.noteOff(e.t, e.a);
            for (auto it = player_.rbegin(); it != player_.rend(); ++it)
                if (it->pitch == e.a && it->off < 0) {
                    it->off = e.t;
                    break;
                }
        }
        break;
    case JamInput::Kind::Control:
        if (detector_.control(e.t, e.a, e.b) && e.a == 64) {
            const bool down = e.b >= 64;
            if (playerPedal_.empty() || playerPedal_.back().second != down) playerPedal_.emplace_back(e.t, down);
            encoder_.pedal(e.t, down);
        }
        break;
    }
}

std::vector<TimedMessage> JamResponder::tick(double now) {
    if (!replying_) {
        for (TokenId id : encoder_.takeReady(now)) feed(id);
        if (const auto h = detector_.poll(now)) startReply(*h, now, options_.sampling.seed + std::uint64_t(stats_.handovers));
    }
    if (replying_) {
        generateAhead(now);
        if (replies_.back().done && outbox_.empty()) finishReply();
    }
    std::vector<TimedMessage> due;
    std::size_t n = 0;
    while (n < outbox_.size() && outbox_[n].t <= now) ++n;
    due.assign(outbox_.begin(), outbox_.begin() + std::ptrdiff_t(n));
    sentUntil_ = now;   // the caller sends these now
    outbox_.erase(outbox_.begin(), outbox_.begin() + std::ptrdiff_t(n));
    return due;
}

void JamResponder::startReply(double handover, double now, std::uint64_t seed) {
    ++stats_.handovers;
    // The next beat of the player's grid after the handover, past everything they played.
    const auto& m = options_.grid.metre;
    const std::int64_t beat = std::max<std::int64_t>(1, std::int64_t(vocab_->config().positionsPerQuarter) * 4 / m.denominator);
    std::int64_t first = (encoder_.stepAt(handover) + beat - 1) / beat * beat;
    while (first <= encoder_.lastEmittedStep()) first += beat;
    for (TokenId id : encoder_.flush(handover, first)) feed(id);

    Reply r(snapshot(first, grammar_.state().pedalDown), encoder_);
    r.handover = handover;
    r.firstStep = first;
    r.modelNotesBefore = model_notes_.size();
    r.modelPedalBefore = modelPedal_.size();
    r.playerNotesAtStart = player_.size();
    replies_.push_back(std::move(r));
    if (replies_.size() > kUndoDepth) replies_.pop_front();
    beginReply(now, seed);
}

void JamResponder::beginReply(double now, std::uint64_t seed) {
    Reply& r = replies_.back();
    r.seed = seed;
    r.start = std::max(r.handover + options_.replyOffsetSeconds, now);
    r.shift = r.start - encoder_.secondsAt(r.firstStep);
    r.endStep = r.firstStep + std::int64_t(options_.replyBars) * encoder_.barSteps();
    r.groups.clear();
    r.done = r.firstNote = r.notesInBar = false;
    r.pedal = grammar_.state().pedalDown;
    r.tokens = 0;
    SamplingOptions so = options_.sampling;
    so.seed = seed;
    sampler_ = std::make_unique<Sampler>(so);
    // The reply's first group is on that beat, and holds a note (generateAhead allows only
    // pitches until one comes).
    feed(vocab_->id(TokenKind::Position, int(r.firstStep - grammar_.state().barStart)));
    r.lastStep = r.firstStep;
    replying_ = true;
    // Only the first note now: the handover's tick stays short (the note is due at the offset),
    // the following ticks fill the lookahead.
    generateAhead(now, true);
}

void JamResponder::generateAhead(double now, bool untilFirstNote) {
    Reply& r = replies_.back();
    const TokenId eos = vocab_->id(TokenKind::Eos);
    const std::size_t V = std::size_t(model_->config().vocabSize);
    std::vector<TokenId> allowed;
    std::vector<TokenId> recent;
    for (int p : recentPitches_) recent.push_back(TokenId(p));
    while (!r.done) {
        const tok::GrammarState& gs = grammar_.state();
        const tok::AllowedTokens ranges = grammar_.allowed();
        const bool groupChoice = ranges.contains(vocab_->id(TokenKind::Bar));   // between groups
        if (groupChoice && r.firstNote && (untilFirstNote || wall(gs.barStart + std::max(gs.position, 0)) > now + options_.lookaheadSeconds))
            break;
        if (r.tokens >= kMaxReplyTokens) {
            r.done = true;
            break;
        }
        allowed.clear();
        for (const auto& range : ranges)
            for (std::uint32_t id = range.begin; id < range.end; ++id) {
                const TokenKind k = vocab_->token(TokenId(id)).kind;
                // The session goes on, in the player's tempo and metre.
                if (k == TokenKind::Eos || k == TokenKind::TimeSig || k == TokenKind::Tempo) continue;
                // The first group must sound (the latency promise), and every bar gets a note.
                if (!r.firstNote && k != TokenKind::Pitch && k != TokenKind::Velocity && k != TokenKind::Duration &&
                    k != TokenKind::DurationExtra)
                    continue;
                if (k == TokenKind::Bar && !r.notesInBar) continue;
                allowed.push_back(TokenId(id));
            }
        if (allowed.empty()) {
            r.done = true;
            break;
        }
        const TokenId id = sampler_->sample(logits_.data(), V, allowed, recent, eos);
        if (id == tok::kNotAToken) {
            r.done = true;
            break;
        }
        const tok::Token tk = vocab_->token(id);
        if (tk.kind == TokenKind::Bar || tk.kind == TokenKind::Position) {
            const std::int64_t step = tk.kind == TokenKind::Bar ? gs.barStart + gs.barLength : gs.barStart + tk.value;
            if (step >= r.endStep) {   // the reply's length: this group is not played, nor fed
                r.done = true;
                break;
            }
            // Before each group and each bar line: an interruption goes back to one of them, and
            // the stream must then be in the bar the encoder continues in (the bar of the last
            // step heard). Restoring a group's snapshot taken after an unheard bar line would
            // leave the model a bar ahead of the player (every later position a bar late).
            r.groups.push_back(snapshot(step, r.pedal));
            r.lastStep = step;
        }
        feed(id);
        ++r.tokens;
        ++stats_.tokensGenerated;
        const tok::GrammarState& after = grammar_.state();
        const std::int64_t step = after.barStart + std::max(after.position, 0);
        switch (tk.kind) {
        case TokenKind::Bar: r.notesInBar = false; break;
        case TokenKind::Pitch:
            r.notesInBar = true;
            recent.push_back(id);
            recentPitches_.push_back(id);
            if (recentPitches_.size() > 256) recentPitches_.erase(recentPitches_.begin(), recentPitches_.begin() + 128);
            break;
        case TokenKind::Duration: {
            const double on = std::max(wall(step), now);
            const double steps = after.lastDuration > 0 ? double(after.lastDuration) : 0.25;   // Duration_0: a quarter step
            // A reply's notes end with it (its last bar line): the player has the floor then.
            const double off = std::max(on + 0.001, std::min(wall(step) + steps * options_.grid.secondsPerStep(), wall(r.endStep)));
            const int velocity = tok::velocityOfBin(after.lastVelocity, vocab_->config());
            if (!r.firstNote) {
                r.firstNote = true;
                stats_.latencies.push_back(on - r.handover);
            }
            schedule(on, play::MidiMessage::noteOn(options_.channel, after.lastPitch, velocity));
            schedule(off, play::MidiMessage::noteOff(options_.channel, after.lastPitch));
            model_notes_.push_back({on, off, after.lastPitch, velocity});
            break;
        }
        case TokenKind::PedalOn:
        case TokenKind::PedalOff: {
            const bool down = tk.kind == TokenKind::PedalOn;
            r.pedal = down;
            schedule(std::max(wall(step), now), play::MidiMessage::sustain(options_.channel, down));
            modelPedal_.emplace_back(std::max(wall(step), now), down);
            break;
        }
        default: break;
        }
    }
}

void JamResponder::finishReply() {
    Reply& r = replies_.back();
    // The model's pedal is lifted when its reply ends (the stream keeps its word until the player's
    // next pedal change; docs/jam.md).
    if (r.pedal && !modelPedal_.empty() && modelPedal_.back().second) {
        const double t = modelPedal_.back().first;
        const double up = std::max(t, model_notes_.empty() ? t : model_notes_.back().off);
        modelPedal_.emplace_back(up, false);
        // And on the output (everything else of the reply has gone out: this tick sends it).
        schedule(up, play::MidiMessage::sustain(options_.channel, false));
    }
    encoder_.continueAfter(r.lastStep, r.pedal, r.shift);
    detector_.reset();
    replying_ = false;
    ++stats_.replies;
}

void JamResponder::interrupt(double t) {
    Reply& r = replies_.back();
    // What sounded stops now; what was to come never comes. What sounded is what the last tick
    // handed out, which may be later than the player's note (it arrived while that tick ran): a
    // note sent then sounds, and must get its note-off.
    const double sent = std::max(t, sentUntil_);
    outbox_.clear();
    for (RecordedNote& n : model_notes_)
        if (n.on <= sent && (n.off < 0 || n.off > t)) {
            n.off = std::max(t, n.on);
            schedule(t, play::MidiMessage::noteOff(options_.channel, n.pitch));
        }
    model_notes_.erase(std::remove_if(model_notes_.begin() + std::ptrdiff_t(std::min(r.modelNotesBefore, model_notes_.size())),
                                      model_notes_.end(), [sent](const RecordedNote& n) { return n.on > sent; }),
                       model_notes_.end());
    modelPedal_.erase(std::remove_if(modelPedal_.begin() + std::ptrdiff_t(std::min(r.modelPedalBefore, modelPedal_.size())),
                                     modelPedal_.end(), [sent](const std::pair<double, bool>& p) { return p.first > sent; }),
                      modelPedal_.end());
    if (r.pedal || (!modelPedal_.empty() && modelPedal_.back().second)) {
        schedule(t, play::MidiMessage::sustain(options_.channel, false));
        modelPedal_.emplace_back(t, false);
    }
    // The model keeps only the groups that sounded: back to the state before the first group at or
    // after the interruption (on the reply's clock).
    const std::int64_t heardUntil =
        r.firstStep + std::int64_t(std::floor((t - r.start) / options_.grid.secondsPerStep()));
    if (heardUntil < r.firstStep || !r.firstNote) {
        restore(r.before);
        encoder_.continueAfter(encoder_.lastEmittedStep(), r.before.grammar.state().pedalDown, 0);
    } else {
        std::int64_t last = r.firstStep;
        bool pedal = r.pedal;
        for (const Snapshot& g : r.groups)
            if (g.step > heardUntil) {
                restore(g);
                pedal = g.replyPedal;
                break;
            } else {
                last = g.step;
            }
        encoder_.continueAfter(last, pedal, r.shift);
    }
    r.done = true;
    detector_.reset();
    replying_ = false;
    ++stats_.interrupted;
}

std::vector<TimedMessage> JamResponder::silence(double now) {
    outbox_.clear();
    std::vector<TimedMessage> out;
    // Only what a tick handed out sounded (notes due since then were never sent).
    const double sent = std::min(now, sentUntil_);
    for (RecordedNote& n : model_notes_)
        if (n.on <= sent && (n.off < 0 || n.off > now)) {
            n.off = now;
            out.push_back({now, play::MidiMessage::noteOff(options_.channel, n.pitch)});
        }
    model_notes_.erase(std::remove_if(model_notes_.begin(), model_notes_.end(), [sent](const RecordedNote& n) { return n.on > sent; }),
                       model_notes_.end());
    modelPedal_.erase(std::remove_if(modelPedal_.begin(), modelPedal_.end(), [sent](const std::pair<double, bool>& p) { return p.first > sent; }),
                      modelPedal_.end());
    out.push_back({now, play::MidiMessage::sustain(options_.channel, false)});
    out.push_back({now, play::MidiMessage::allNotesOff(options_.channel)});
    if (replying_) {
        replies_.back().done = true;
        finishReply();
        outbox_.clear();   // its pedal-up is in `out` already
    }
    return out;
}

bool JamResponder::undoLastReply() {
    if (replying_ || replies_.empty()) return false;
    Reply& r = replies_.back();
    // Only while nothing was played after it: the player's later notes were heard after the reply.
    if (player_.size() != r.playerNotesAtStart) return false;
    restore(r.before);
    encoder_ = r.encoderBefore;
    model_notes_.resize(std::min(model_notes_.size(), r.modelNotesBefore));
    modelPedal_.resize(std::min(modelPedal_.size(), r.modelPedalBefore));
    replies_.pop_back();
    detector_.reset();
    return true;
}

bool JamResponder::answerAgain(double now) {
    if (replies_.empty()) return false;
    if (replying_) interrupt(now);
    Reply& r = replies_.back();
    if (player_.size() != r.playerNotesAtStart) return false;
    const std::uint64_t seed = r.seed + 1;
    restore(r.before);
    encoder_ = r.encoderBefore;
    model_notes_.resize(std::min(model_notes_.size(), r.modelNotesBefore));
    modelPedal_.resize(std::min(modelPedal_.size(), r.modelPedalBefore));
    r.handover = now;   // the new answer starts now
    ++stats_.handovers;
    beginReply(now, seed);
    return true;
}

midi::MidiFile JamResponder::recording() const {
    midi::MidiFile f;
    f.format = 1;
    f.division.ticksPerBeat = 480;
    f.tempos.push_back({0, std::uint32_t(std::lround(60e6 / options_.grid.bpm)), 0});
    int power = 0;
    while ((1 << power) < options_.grid.metre.denominator) ++power;
    f.timeSignatures.push_back({0, std::uint8_t(options_.grid.metre.numerator), std::uint8_t(power), 24, 8, 0});
    // Tick 0 on a bar line of the player's first grid, so the file's bars are the jam's bars.
    const double t0 = gridStart_ >= 0 ? gridStart_ : sessionStart_ < 0 ? 0 : sessionStart_;
    const double ticksPerSecond = 480.0 * options_.grid.bpm / 60.0;
    auto tick = [&](double t) { return midi::Tick(std::max<std::int64_t>(0, std::llround((t - t0) * ticksPerSecond))); };
    double last = t0;
    for (const auto* notes : {&player_, &model_notes_})
        for (const RecordedNote& n : *notes) last = std::max({last, n.on, n.off});
    auto track = [&](const std::string& name, const std::vector<RecordedNote>& notes, const std::vector<std::pair<double, bool>>& pedal,
                     int channel) {
        midi::Track tr;
        tr.name = name;
        for (const RecordedNote& n : notes) {
            midi::Note m;
            m.start = tick(n.on);
            m.end = std::max(m.start, tick(n.off < 0 ? last : n.off));
            m.pitch = std::uint8_t(n.pitch);
            m.velocity = std::uint8_t(std::clamp(n.velocity, 1, 127));
            m.channel = std::uint8_t(channel);
            tr.notes.push_back(m);
        }
        std::sort(tr.notes.begin(), tr.notes.end(), [](const midi::Note& a, const midi::Note& b) {
            return std::tie(a.start, a.pitch, a.channel, a.end, a.velocity) < std::tie(b.start, b.pitch, b.channel, b.end, b.velocity);
        });
        for (const auto& [t, down] : pedal) tr.sustain.push_back({tick(t), std::uint8_t(channel), std::uint8_t(down ? 127 : 0)});
        std::stable_sort(tr.sustain.begin(), tr.sustain.end(), [](const midi::SustainEvent& a, const midi::SustainEvent& b) { return a.tick < b.tick; });
        tr.endTick = tick(last);
        return tr;
    };
    f.tracks.push_back(track("Player", player_, playerPedal_, 0));
    f.tracks.push_back(track("PianoMuse", model_notes_, modelPedal_, options_.channel == 0 ? 1 : options_.channel));
    return f;
}

}  // namespace pm::gen
