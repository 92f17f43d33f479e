#include "generate/infill.h"

#include "generate/generator.h"

#include "core/thread_share.h"
#include "midi/tempo_map.h"
#include "model/rwkv7_fast_step.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <map>
#include <thread>

namespace pm::gen {

using pm::tok::GrammarPhase;
using pm::tok::TokenId;
using pm::tok::TokenKind;
using Clock = std::chrono::steady_clock;

namespace {

constexpr pm::midi::Tick kTicksPerStep = pm::tok::StreamingDecoder::kTicksPerStep;

// Where each bar starts (grid steps) and where the piece ends, from its tokens.
struct BarGrid {
    std::vector<std::int64_t> starts;
    std::vector<int> metres;   // in force in each bar
    std::int64_t end = 0;
};

BarGrid barGrid(const pm::tok::Tokenizer& t, const std::vector<TokenId>& piece) {
    BarGrid grid;
    pm::tok::Grammar g = t.grammar();
    for (TokenId id : piece) {
        const bool bar = t.vocabulary().token(id).kind == TokenKind::Bar;
        if (!g.advance(id)) break;
        if (bar) grid.starts.push_back(g.state().barStart), grid.metres.push_back(g.state().metre);
        if (t.vocabulary().token(id).kind == TokenKind::TimeSig && !grid.metres.empty()) grid.metres.back() = g.state().metre;
    }
    grid.end = g.state().bars > 0 ? g.state().barStart + g.state().barLength : 0;
    return grid;
}

// The kept notes (before and after the gap) of each key, as [start, end) ticks, sorted.
class KeptKeys {
public:
    KeptKeys(const pm::midi::MidiFile& file, pm::midi::Tick gapStart, pm::midi::Tick gapEnd, pm::midi::Tick pieceEnd)
        : pieceEnd_(pieceEnd) {
        for (const auto& track : file.tracks)
            for (const pm::midi::Note& n : track.notes)
                if (n.start < gapStart || n.start >= gapEnd) keys_[n.pitch].emplace_back(n.start, n.end);
        for (auto& [key, spans] : keys_) std::sort(spans.begin(), spans.end());
    }
    // A kept note of this key sounds at `tick`.
    bool held(int key, pm::midi::Tick tick) const {
        const auto it = keys_.find(key);
        if (it == keys_.end()) return false;
        for (const auto& [s, e] : it->second)
            if (s <= tick && tick < e) return true;
        return false;
    }
    // The longest duration (steps) a note struck on `key` at `tick` may have: it ends by the next
    // kept onset of its key and by the end of the piece.
    std::int64_t maxSteps(int key, pm::midi::Tick tick) const {
        pm::midi::Tick limit = pieceEnd_;
        const auto it = keys_.find(key);
        if (it != keys_.end())
            for (const auto& [s, e] : it->second)
                if (s > tick) {
                    limit = std::min(limit, s);
                    break;
                }
        return limit > tick ? (limit - tick) / kTicksPerStep : 0;
    }
    // Same-key overlaps of `notes` (the new ones) with the kept notes: the seam check.
    std::size_t overlaps(const std::vector<pm::midi::Note>& notes) const {
        std::size_t n = 0;
        for (const pm::midi::Note& m : notes) {
            const auto it = keys_.find(m.pitch);
            if (it == keys_.end()) continue;
            for (const auto& [s, e] : it->second) n += m.start < e && s < m.end;
        }
        return n;
    }

private:
    std::map<int, std::vector<std::pair<pm::midi::Tick, pm::midi::Tick>>> keys_;
    pm::midi::Tick pieceEnd_;
};

// The model run token by token: a prefill of the prompt, then one step per sampled token.
class Stepper {
public:
    Stepper(pm::model::Rwkv7Model& model, const InfillRequest& request) : model_(model) {
        fast_ = pm::model::Rwkv7FastStep::tryCreate(*model_, nullptr, fastStepOptions(request.weights, request.stepThreads));
        step_ = fast_ ? "fused step, " + std::to_string(fast_->threads()) + (fast_->threads() == 1 ? " thread" : " threads")
                      : std::string("LibTorch step");
    }
    const std::vector<float>& prefill(const std::vector<TokenId>& prompt) {
        auto tokens = torch::empty({1, std::int64_t(prompt.size())}, torch::kLong);   // (1, T)
        std::copy(prompt.begin(), prompt.end(), tokens.data_ptr<std::int64_t>());
        state_ = model_->initialState(1);
        const torch::Tensor hidden = model_->forwardHidden(tokens, &state_);   // (1, T, C)
        const torch::Tensor last = model_->head(hidden.select(1, hidden.size(1) - 1)).to(torch::kFloat).contiguous();   // (1, V)
        logits_.assign(last.data_ptr<float>(), last.data_ptr<float>() + last.size(1));
        if (fast_) fast_->setState(state_);
        return logits_;
    }
    const std::vector<float>& step(TokenId id) {
        if (fast_) {
            const float* out = fast_->step(std::int64_t(id));
            std::copy(out, out + logits_.size(), logits_.begin());
        } else {
            auto input = torch::full({1}, std::int64_t(id), torch::kLong);
            const torch::Tensor out = model_->step(input, state_).to(torch::kFloat).contiguous();   // (1, V)
            std::copy(out.data_ptr<float>(), out.data_ptr<float>() + logits_.size(), logits_.begin());
        }
        return logits_;
    }
    const std::string& description() const { return step_; }

private:
    pm::model::Rwkv7Model& model_;
    std::unique_ptr<pm::model::Rwkv7FastStep> fast_;
    pm::model::Rwkv7State state_;
    std::vector<float> logits_;
    std::string step_;
};

// A piece the plain grammar reads to its end (EOS), so its bars are whole: re-encoded from its
// decoding when it is not (a generation stopped at a bar line with a note still sounding).
std::vector<TokenId> wholePiece(const pm::tok::Tokenizer& t, const std::vector<TokenId>& tokens) {
    pm::tok::Grammar g = t.grammar();
    bool ok = true;
    for (TokenId id : tokens)
        if (!(ok = g.advance(id))) break;
    if (ok && g.finished()) return tokens;
    return t.encode(t.decode(tokens).file).tokens;
}

}  // namespace

std::vector<double> barStartSeconds(const pm::tok::Tokenizer& t, const std::vector<TokenId>& tokens) {
    // The bars infill counts: those of the whole piece (an unfinished one re-encoded, so a note
    // ringing past its last bar line adds the bars it rings through, as the exported file does).
    const std::vector<TokenId> piece = wholePiece(t, tokens);
    const pm::midi::MidiFile file = t.decode(piece).file;
    const pm::midi::TempoMap map(file.division, file.tempos);
    std::vector<double> out;
    pm::tok::Grammar g = t.grammar();
    for (TokenId id : piece)
        if (g.advance(id) && t.vocabulary().token(id).kind == TokenKind::Bar) out.push_back(map.seconds(g.state().barStart * kTicksPerStep));
    return out;
}

std::string checkInfillBars(std::size_t bars, int firstBar, int lastBar) {
    if (bars == 0) return "the piece has no bars";
    if (bars == 1) return "the piece has only one bar: infilling keeps bars around the ones it regenerates";
    if (firstBar < 1 || lastBar < 1) return "bars are counted from 1";
    if (firstBar > lastBar)
        return "the first bar (" + std::to_string(firstBar) + ") comes after the last (" + std::to_string(lastBar) + ")";
    if (std::size_t(lastBar) > bars)
        return "bars " + std::to_string(firstBar) + "-" + std::to_string(lastBar) + " are outside the piece (" +
               std::to_string(bars) + " bars)";
    if (firstBar == 1 && std::size_t(lastBar) == bars)
        return "bars 1-" + std::to_string(lastBar) + " are the whole piece: keep at least one bar (or generate without infilling)";
    if (lastBar - firstBar + 1 > pm::tok::kMaxInfillBars)
        return "at most " + std::to_string(pm::tok::kMaxInfillBars) + " bars can be regenerated at once";
    return "";
}

bool parseBarRange(const std::string& text, int* firstBar, int* lastBar, std::string* error) {
    auto number = [](const std::string& s, int* out) {
        if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos) return false;
        *out = std::atoi(s.c_str());
        return true;
    };
    const std::size_t dash = text.find('-');
    const std::string a = text.substr(0, dash), b = dash == std::string::npos ? a : text.substr(dash + 1);
    if (!number(a, firstBar) || !number(b, lastBar)) {
        if (error) *error = "'" + text + "' is not a bar range like 5-8 (bars counted from 1)";
        return false;
    }
    return true;
}

InfillResult infill(Generator& generator, const InfillRequest& request, const std::atomic<bool>* cancel) {
    const auto t0 = Clock::now();
    InfillResult r;
    const pm::tok::Tokenizer& t = generator.tokenizer();
    const pm::tok::Vocabulary& v = t.vocabulary();
    if (request.piece.empty()) {
        r.error = "no piece to regenerate bars of";
        return r;
    }
    try {
        torch::InferenceMode inference;
        const std::vector<TokenId> piece = wholePiece(t, request.piece);
        const std::vector<pm::tok::BarStart> bars = pm::tok::indexBars(v, piece.data(), piece.size());
        r.bars = bars.size();
        if (std::string e = checkInfillBars(bars.size(), request.firstBar, request.lastBar); !e.empty()) {
            r.error = e;
            return r;
        }
        pm::tok::PieceTokens pt;
        pt.tokens = piece.data();
        pt.tokenCount = piece.size();
        pt.bars = bars.data();
        pt.barCount = bars.size();

        // The gap and the context around it: whole bars within the token budgets.
        pm::tok::InfillGap gap;
        gap.gapBegin = std::size_t(request.firstBar - 1);
        gap.gapEnd = std::size_t(request.lastBar);
        const auto offset = [&](std::size_t bar) { return bar < bars.size() ? std::size_t(bars[bar].tokenOffset) : piece.size(); };
        // At least the bar before the gap: the middle is written as it continues the piece's bars.
        gap.contextBegin = gap.gapBegin > 0 ? gap.gapBegin - 1 : 0;
        while (gap.contextBegin > 0 && (request.contextBefore == 0 ||
                                        offset(gap.gapBegin) - offset(gap.contextBegin - 1) <= request.contextBefore))
            --gap.contextBegin;
        gap.contextEnd = gap.gapEnd;
        while (gap.contextEnd < bars.size() &&
               (gap.contextEnd == gap.gapEnd || request.contextAfter == 0 || offset(gap.contextEnd + 1) - offset(gap.gapEnd) <= request.contextAfter))
            ++gap.contextEnd;
        const pm::tok::InfillLayout prompt = pm::tok::buildInfillLayout(v, pt, gap, false);
        if (!prompt.error.empty()) {
            r.error = prompt.error;
            return r;
        }
        r.promptTokens = prompt.tokens.size();

        // The kept notes around the gap, on the decoded piece's ticks.
        const BarGrid grid = barGrid(t, piece);
        const std::int64_t gapStartStep = grid.starts[gap.gapBegin];
        const std::int64_t promptStartStep = grid.starts[gap.contextBegin];   // the prefix's step 0
        const std::int64_t gapEndStep = gap.gapEnd < grid.starts.size() ? grid.starts[gap.gapEnd] : grid.end;
        r.gapStartTick = gapStartStep * kTicksPerStep;
        r.gapEndTick = gapEndStep * kTicksPerStep;
        const pm::midi::MidiFile original = t.decode(piece).file;
        const KeptKeys kept(original, r.gapStartTick, r.gapEndTick, grid.end * kTicksPerStep);

        pm::tok::Grammar grammar = t.grammar(pm::tok::GrammarMode::Infill);
        for (TokenId id : prompt.tokens)
            if (!grammar.advance(id)) {
                r.error = "internal error: the infilling prompt is not grammar-valid";
                return r;
            }

        pm::model::Rwkv7Model model = generator.model();
        Stepper stepper(model, request);
        r.step = stepper.description();
        std::vector<float> logits = stepper.prefill(prompt.tokens);
        const std::size_t V = logits.size();
        Sampler sampler(request.sampling);
        r.seed = request.sampling.seed;

        const TokenId barId = v.id(TokenKind::Bar), eosId = v.id(TokenKind::Eos);
        const int span = v.count(TokenKind::Duration);
        const auto isKind = [&](TokenId id, TokenKind k) { return v.token(id).kind == k; };
        std::vector<TokenId> middle;   // the gap's bars as they continue the bars before it
        std::vector<TokenId> allowed, recentPitches;
        std::size_t notesInBar = 1;   // no bar of ours is open yet
        while (!grammar.finished()) {
            if (cancel && cancel->load()) {
                r.cancelled = true;
                r.error = "cancelled";
                return r;
            }
            if (r.generatedTokens >= 2 * request.maxTokens + 64) {   // the cap's closing could not finish the bars
                r.error = "the model did not finish the bars within " + std::to_string(r.generatedTokens) + " tokens";
                return r;
            }
            const pm::tok::GrammarState& s = grammar.state();
            const pm::midi::Tick tick = (promptStartStep + grammar.currentStep()) * kTicksPerStep;
            const std::int64_t middleBar = s.bars - s.barsBeforeGap;   // the gap's bar being written (from 1; 0 before its first)
            const bool capped = r.generatedTokens >= request.maxTokens;
            // Narrowing, strongest first; a step that would leave nothing drops the weaker ones.
            for (int strength = 2; strength >= 0; --strength) {
                allowed.clear();
                for (const pm::tok::TokenRange& range : grammar.allowed())
                    for (std::uint32_t i = range.begin; i < range.end; ++i) {
                        const TokenId id = TokenId(i);
                        const TokenKind kind = v.token(id).kind;
                        if (kind == TokenKind::Mask) continue;   // the gap's length is given
                        // Each bar has the original bar's metre: the bars after the gap keep their time.
                        if (kind == TokenKind::TimeSig && s.phase == GrammarPhase::BarOpen && middleBar >= 1 &&
                            v.token(id).value != grid.metres[gap.gapBegin + std::size_t(middleBar) - 1])
                            continue;
                        // The gap keeps the tempo in force at its start: the bars after it stay where they were in seconds.
                        if (kind == TokenKind::Tempo) continue;
                        if (kind == TokenKind::Pitch && kept.held(v.token(id).value, tick)) continue;
                        if (kind == TokenKind::DurationExtra || kind == TokenKind::Duration) {
                            const std::int64_t most = kept.maxSteps(s.pitch, tick);
                            const std::int64_t steps = kind == TokenKind::DurationExtra ? std::int64_t(v.token(id).value) * span
                                                                                        : std::int64_t(s.extra) * span + v.token(id).value;
                            if (steps > most && !(kind == TokenKind::Duration && v.token(id).value == 0 && s.extra == 0)) continue;
                        }
                        if (strength >= 1) {
                            // Every bar gets a note: no closing it (or a changes-only group) before one.
                            const bool needNote = notesInBar == 0 && !capped;
                            if (needNote && (id == barId || id == eosId)) continue;
                            if (needNote && s.phase == GrammarPhase::GroupOpen && s.stage == pm::tok::GroupStage::Empty &&
                                kind != TokenKind::Pitch)
                                continue;
                        }
                        allowed.push_back(id);
                    }
                if (strength >= 2 && capped && grammar.atEventBoundary()) {
                    // Past the cap: close bars as soon as the grammar lets us.
                    std::vector<TokenId> closing;
                    for (TokenId id : allowed)
                        if (id == barId || id == eosId) closing.push_back(id);
                    if (!closing.empty()) allowed.swap(closing);
                }
                // The metre of a new bar is not optional: when the original changed it, only its TimeSig.
                if (s.phase == GrammarPhase::BarOpen && middleBar >= 1 && s.bars >= 2 && !s.barMetreSet &&
                    grid.metres[gap.gapBegin + std::size_t(middleBar) - 1] != s.metre) {
                    const TokenId metre = v.id(TokenKind::TimeSig, grid.metres[gap.gapBegin + std::size_t(middleBar) - 1]);
                    allowed.assign(1, metre);
                }
                if (!allowed.empty()) break;
            }
            if (allowed.empty()) {
                r.error = "no key is free to play at bar " + std::to_string(gap.gapBegin + std::size_t(std::max<std::int64_t>(middleBar, 1))) +
                          " (every key is held by the bars kept around it)";
                return r;
            }
            const TokenId id = sampler.sample(logits.data(), V, allowed, recentPitches, eosId);
            if (id == pm::tok::kNotAToken || !grammar.advance(id)) {
                r.error = "internal error: the sampler chose a token the grammar refuses";
                return r;
            }
            middle.push_back(id);
            ++r.generatedTokens;
            if (id == barId) notesInBar = 0;
            if (isKind(id, TokenKind::Pitch)) {
                ++notesInBar;
                ++r.generatedNotes;
                recentPitches.push_back(id);
            }
            if (id == eosId) break;
            logits = stepper.step(id);
        }

        const pm::tok::JoinedPiece joined = pm::tok::joinInfill(v, pt, gap.gapBegin, gap.gapEnd, middle);
        if (!joined.error.empty()) {
            r.error = "internal error: " + joined.error;
            return r;
        }
        r.tokens = joined.tokens;
        r.middleBegin = joined.middleBegin;
        r.middleEnd = joined.middleEnd;
        const pm::tok::Decoded d = t.decode(r.tokens);
        r.file = d.file;
        r.stats = d.stats;
        std::vector<pm::midi::Note> fresh;
        for (const auto& track : r.file.tracks)
            for (const pm::midi::Note& n : track.notes)
                if (n.start >= r.gapStartTick && n.start < r.gapEndTick) fresh.push_back(n);
        r.seamOverlaps = kept.overlaps(fresh);
        const pm::midi::TempoMap map(r.file.division, r.file.tempos);
        r.gapStartSeconds = map.seconds(r.gapStartTick);
        r.gapEndSeconds = map.seconds(r.gapEndTick);
    } catch (const std::exception& e) {
        r = InfillResult();
        r.error = e.what();
    }
    r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return r;
}

}  // namespace pm::gen
