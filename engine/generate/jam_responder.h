// Jam mode's musician (issue 17; docs/jam.md): the model listens to the player note by note and
// answers at the handover, in the player's tempo and metre.
//
// One token stream holds the whole session, player and model alike, and the model's recurrent
// state follows it: the player's positions are fed as they become final (jam/phrase_encoder.h),
// so at the handover only the last few tokens and the reply's first note remain to compute.
// The reply starts on the next beat of the player's grid after the handover (the first group is
// forced there and must hold a note), and that beat sounds at handover + replyOffsetSeconds: the
// offset hides the compute jitter, and the grid's phase moves with it so the reply keeps the
// player's tempo from its first note; the next phrase is read on the moved grid. A reply lasts
// replyBars bars from its first beat, never changes tempo or metre, never ends the piece.
//
// No threads and no clock of its own: the caller passes times (seconds on one clock) and sends
// what tick() returns; tests drive it with a fake clock. Not thread-safe: one owner thread.
#pragma once

#include "generate/generation_options.h"
#include "generate/sampler.h"
#include "jam/handover.h"
#include "jam/phrase_encoder.h"
#include "midi/midi_file.h"
#include "model/rwkv7_model.h"
#include "playback/midi_output.h"
#include "tokenizer/tokenizer.h"

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

namespace pm::model {
class Rwkv7FastStep;
}

namespace pm::gen {

struct JamOptions {
    jam::JamGrid grid;                 // tempo and metre, set by the player
    jam::Trigger trigger;
    int replyBars = 2;                 // 1..16
    double replyOffsetSeconds = 0.06;  // the reply's first note sounds this long after the handover
    double lookaheadSeconds = 0.4;     // the reply is generated this far ahead of playback
    SamplingOptions sampling;          // each reply seeds sampling.seed + its number
    WeightMode weights = WeightMode::Auto;
    int stepThreads = 1;
    int channel = 0;                   // the model's MIDI channel (0-based)
    // Bars of metronome clicks before the player comes in (0: none; the first note is then the
    // first downbeat). With a count-in the grid is the clicks' grid: the player may start anywhere
    // in the bar after them. Clicks: General MIDI wood blocks on channel 10.
    int countInBars = 0;
};

struct JamInput {
    enum class Kind { NoteOn, NoteOff, Control };
    double t = 0;
    Kind kind = Kind::NoteOn;
    int a = 0, b = 0;   // pitch and velocity, or controller and value
};

struct TimedMessage {
    double t = 0;
    play::MidiMessage message;
};

struct JamStats {
    int handovers = 0, replies = 0, interrupted = 0;
    std::vector<double> latencies;     // handover -> the reply's first note-on, as scheduled
    std::int64_t tokensFed = 0, tokensGenerated = 0;
};

class JamResponder {
public:
    // Throws std::invalid_argument for a model whose vocabulary is not the tokenizer's, or a grid
    // the vocabulary cannot say (metre, tempo).
    JamResponder(model::Rwkv7Model model, tok::Tokenizer tokenizer, JamOptions options);
    ~JamResponder();

    // The session starts at `now`: with a count-in, its clicks are scheduled (tick() sends them)
    // and the grid's first downbeat is right after them. Call once, before any input.
    void start(double now);
    // The player's event; during a reply a note-on interrupts it (its notes stop at once).
    void input(const JamInput& e);
    // A key in the window hands over now.
    void requestHandover(double t) { detector_.request(t); }
    // Everything due by `now`: final positions fed, the handover noticed, the reply generated
    // ahead; returns the messages to send now, in time order (never ones for later).
    std::vector<TimedMessage> tick(double now);
    // Ends what sounds (the session stops, or the output changes): note-offs and pedal up now.
    std::vector<TimedMessage> silence(double now);

    bool replying() const { return replying_; }
    // Takes the last finished reply back: the model and the recording return to the handover.
    bool undoLastReply();
    // Undo, then answer the same phrase again with the next seed.
    bool answerAgain(double now);

    // The whole jam: track 1 the player, track 2 the model, at the grid's tempo and metre.
    midi::MidiFile recording() const;
    const JamStats& stats() const { return stats_; }
    const jam::PhraseStats& phraseStats() const { return encoder_.stats(); }
    std::string stepDescription() const { return step_; }

private:
    struct RecordedNote {
        double on = 0, off = -1;   // off < 0: still sounding
        int pitch = 0, velocity = 0;
    };
    struct Snapshot {
        model::Rwkv7State state;
        std::vector<float> logits;
        tok::Grammar grammar;
        std::int64_t step = 0;   // the group the snapshot precedes
        bool replyPedal = false;
    };
    struct Reply {
        Reply(Snapshot b, jam::PhraseEncoder e) : before(std::move(b)), encoderBefore(std::move(e)) {}
        double handover = 0, start = 0, shift = 0;
        std::int64_t firstStep = 0, endStep = 0;
        Snapshot before;                 // the model before the reply's first group
        jam::PhraseEncoder encoderBefore;
        std::size_t modelNotesBefore = 0, modelPedalBefore = 0, playerNotesAtStart = 0;
        std::size_t tokens = 0;          // generated for this reply
        std::vector<Snapshot> groups;    // before each generated group and bar line (interruption)
        std::int64_t lastStep = -1;      // of the last generated group or bar line
        bool done = false, firstNote = false, notesInBar = false, pedal = false;
        std::uint64_t seed = 0;
    };

    void feed(tok::TokenId id);
    Snapshot snapshot(std::int64_t step, bool pedal) const;
    void restore(const Snapshot& s);
    void startReply(double handover, double now, std::uint64_t seed);
    void beginReply(double now, std::uint64_t seed);   // from the state after the player's phrase
    void generateAhead(double now, bool untilFirstNote = false);
    void finishReply();
    void interrupt(double t);
    void schedule(double t, const play::MidiMessage& m);
    double wall(std::int64_t step) const;   // the reply's clock

    model::Rwkv7Model model_;
    tok::Tokenizer tokenizer_;
    std::shared_ptr<const tok::Vocabulary> vocab_;
    JamOptions options_;
    std::unique_ptr<model::Rwkv7FastStep> fast_;
    model::Rwkv7State state_;          // the LibTorch step's (when there is no fused step)
    std::vector<float> logits_;
    tok::Grammar grammar_;
    jam::PhraseEncoder encoder_;
    jam::HandoverDetector detector_;
    std::unique_ptr<Sampler> sampler_;
    bool replying_ = false;
    std::deque<Reply> replies_;        // the last few, for undo (the newest at the back)
    std::vector<TimedMessage> outbox_; // scheduled, not yet due (time order)
    std::vector<RecordedNote> player_, model_notes_;
    std::vector<std::pair<double, bool>> playerPedal_, modelPedal_;
    std::vector<int> recentPitches_;
    double sessionStart_ = -1;
    double sentUntil_ = -1e300;        // the last tick's time: model messages due by then were handed out
    double gridStart_ = -1;            // the wall second of the first grid's first bar line
    JamStats stats_;
    std::string step_;
};

}  // namespace pm::gen
