// The jam responder on a fake clock with a small random model: the reply's first note at
// handover + offset, in the player's metre (read back with our strict MIDI reader through the
// tokenizer), an interruption that silences the reply at once, undo and answer again, and a
// session exported as two tracks. A random model plays nonsense, but the grammar keeps it valid.
#include "generate/jam_responder.h"

#include "midi/midi_reader.h"
#include "midi/midi_writer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

using pm::gen::JamInput;
using pm::gen::JamOptions;
using pm::gen::JamResponder;
using pm::gen::TimedMessage;

namespace {

pm::model::Rwkv7Model randomModel(std::int64_t vocab) {
    pm::model::Rwkv7Config c;
    c.vocabSize = vocab;
    c.nEmbd = 64;
    c.nLayer = 2;
    c.headSize = 32;
    c.ffnDim = 256;
    c.loraW = c.loraA = c.loraV = c.loraG = 8;
    pm::model::Rwkv7Model m(c);
    m->initWeights(5);
    return m;
}

JamOptions options(double bpm = 120) {
    JamOptions o;
    o.grid.bpm = bpm;
    o.grid.metre = {4, 4};
    o.replyBars = 2;
    o.replyOffsetSeconds = 0.06;
    o.sampling.seed = 9;
    o.sampling.temperature = 1.0;
    return o;
}

struct Clocked {
    std::vector<TimedMessage> sent;
    void tickUntil(JamResponder& r, double& now, double until, double dt = 0.002) {
        for (; now <= until; now += dt)
            for (const TimedMessage& m : r.tick(now)) {
                EXPECT_LE(m.t, now + 1e-9) << "a message for later came early";
                sent.push_back(m);
            }
    }
    std::vector<TimedMessage> noteOns(double after = -1) const {
        std::vector<TimedMessage> out;
        for (const auto& m : sent)
            if (m.message.status() == 0x90 && m.message.bytes[2] > 0 && m.t > after) out.push_back(m);
        return out;
    }
};


// A C-major phrase of quarter notes at 120 BPM from t0.
double phrase(JamResponder& r, Clocked& run, double& now, double t0, int notes = 8) {
    for (int i = 0; i < notes; ++i) {
        const double t = t0 + 0.5 * i;
        run.tickUntil(r, now, t - 0.001);
        r.input({t, JamInput::Kind::NoteOn, 60 + (i * 2) % 12, 70 + i});
        run.tickUntil(r, now, t + 0.4);
        r.input({t + 0.4, JamInput::Kind::NoteOff, 60 + (i * 2) % 12, 0});
    }
    return t0 + 0.5 * (notes - 1) + 0.4;   // the last release
}

}  // namespace

TEST(JamResponder, AnswersOnTheNextBeatAtTheFixedOffsetInThePlayersMetre) {
    pm::tok::Tokenizer tok;
    JamResponder r(randomModel(std::int64_t(tok.vocabulary().size())), tok, options());
    Clocked run;
    double now = 0;
    const double lastRelease = phrase(r, run, now, 1.0);
    EXPECT_FALSE(r.replying());
    run.tickUntil(r, now, lastRelease + 0.5 + 0.01);   // the silence ends at release + 500 ms
    ASSERT_TRUE(r.replying() || r.stats().replies == 1);
    run.tickUntil(r, now, lastRelease + 6.0);
    EXPECT_FALSE(r.replying()) << "2 bars at 120 BPM last 4 s; handovers " << r.stats().handovers << " generated "
                               << r.stats().tokensGenerated << " fed " << r.stats().tokensFed << " sent " << run.sent.size();
    ASSERT_EQ(r.stats().handovers, 1);
    ASSERT_EQ(r.stats().latencies.size(), 1u);
    EXPECT_NEAR(r.stats().latencies[0], 0.06, 1e-9) << "handover -> first reply note, as scheduled";
    const auto ons = run.noteOns();
    ASSERT_FALSE(ons.empty());
    EXPECT_NEAR(ons.front().t, lastRelease + 0.5 + 0.06, 0.0021) << "sent within one tick of its time";
    // Everything the model played lies within its two bars (4 s) after the first note.
    for (const auto& m : ons) EXPECT_LT(m.t, ons.front().t + 4.0 + 1e-6);
    // Every note-on has its note-off on the model's channel.
    std::multiset<int> open;
    for (const auto& m : run.sent) {
        if (m.message.status() == 0x90) open.insert(m.message.bytes[1]);
        if (m.message.status() == 0x80) {
            ASSERT_TRUE(open.count(m.message.bytes[1]));
            open.erase(open.find(m.message.bytes[1]));
        }
    }
    EXPECT_TRUE(open.empty());

    // The session as a file: two tracks, read back by our strict reader, and through the tokenizer
    // still in 4/4 at 120 BPM (no metre or tempo change anywhere).
    const pm::midi::MidiFile f = r.recording();
    ASSERT_EQ(f.tracks.size(), 2u);
    EXPECT_EQ(f.tracks[0].notes.size(), 8u);
    EXPECT_EQ(f.tracks[1].notes.size(), ons.size());
    const std::string path = (std::filesystem::temp_directory_path() / "pianomuse-jam-test.mid").string();
    ASSERT_TRUE(pm::midi::writeMidiFile(f, path).ok());
    pm::midi::ReadOptions strict;
    strict.mode = pm::midi::ReadMode::Strict;
    const auto back = pm::midi::readMidiFile(path, strict);
    ASSERT_TRUE(back.ok()) << back.error().toString();
    const pm::tok::Encoding e = tok.encode(back.value());
    int metres = 0, tempos = 0;
    for (pm::tok::TokenId id : e.tokens) {
        metres += tok.vocabulary().token(id).kind == pm::tok::TokenKind::TimeSig;
        tempos += tok.vocabulary().token(id).kind == pm::tok::TokenKind::Tempo;
    }
    EXPECT_EQ(metres, 1) << "only the prefix's";
    EXPECT_EQ(tempos, 1);
    std::filesystem::remove(path);
}

TEST(JamResponder, PlayingDuringTheReplyStopsItAtOnce) {
    pm::tok::Tokenizer tok;
    JamResponder r(randomModel(std::int64_t(tok.vocabulary().size())), tok, options());
    Clocked run;
    double now = 0;
    const double lastRelease = phrase(r, run, now, 1.0, 4);
    run.tickUntil(r, now, lastRelease + 0.5 + 0.8);   // the reply has sounded for ~0.7 s
    ASSERT_TRUE(r.replying());
    const std::size_t before = run.noteOns().size();
    ASSERT_GT(before, 0u);
    const double cut = now;
    r.input({cut, JamInput::Kind::NoteOn, 67, 90});
    EXPECT_FALSE(r.replying());
    run.tickUntil(r, now, cut + 0.299);
    EXPECT_EQ(run.noteOns(cut).size(), 0u) << "no reply note after the player came back";
    // Whatever the reply left sounding got its note-off at the interruption.
    std::multiset<int> open;
    for (const auto& m : run.sent) {
        if (m.message.status() == 0x90) open.insert(m.message.bytes[1]);
        if (m.message.status() == 0x80 && open.count(m.message.bytes[1])) open.erase(open.find(m.message.bytes[1]));
    }
    EXPECT_TRUE(open.empty());
    EXPECT_EQ(r.stats().interrupted, 1);
    // The jam goes on: the new phrase gets its own answer.
    r.input({cut + 0.3, JamInput::Kind::NoteOff, 67, 0});
    run.tickUntil(r, now, cut + 0.3 + 0.5 + 0.1);
    EXPECT_EQ(r.stats().handovers, 2);
    run.tickUntil(r, now, cut + 6);
    EXPECT_EQ(r.stats().replies, 1);
    EXPECT_GT(run.noteOns(cut + 0.8).size(), 0u);
}

TEST(JamResponder, UndoTakesTheReplyBackAndAnswerAgainGivesAnother) {
    pm::tok::Tokenizer tok;
    JamResponder r(randomModel(std::int64_t(tok.vocabulary().size())), tok, options());
    Clocked run;
    double now = 0;
    const double lastRelease = phrase(r, run, now, 1.0, 4);
    run.tickUntil(r, now, lastRelease + 6);
    ASSERT_EQ(r.stats().replies, 1);
    const auto first = r.recording().tracks[1].notes;
    ASSERT_FALSE(first.empty());
    ASSERT_TRUE(r.undoLastReply());
    EXPECT_TRUE(r.recording().tracks[1].notes.empty());
    EXPECT_FALSE(r.undoLastReply()) << "nothing left to undo";
    // Answer again: the phrase is remembered; a new seed plays something else.
    JamResponder again(randomModel(std::int64_t(tok.vocabulary().size())), tok, options());
    Clocked run2;
    double now2 = 0;
    const double last2 = phrase(again, run2, now2, 1.0, 4);
    run2.tickUntil(again, now2, last2 + 6);
    ASSERT_TRUE(again.answerAgain(now2));
    run2.tickUntil(again, now2, now2 + 6);
    const auto second = again.recording().tracks[1].notes;
    ASSERT_FALSE(second.empty());
    bool differs = second.size() != first.size();
    for (std::size_t i = 0; !differs && i < first.size(); ++i) differs = second[i].pitch != first[i].pitch;
    EXPECT_TRUE(differs) << "another seed, another answer";
    EXPECT_NEAR(again.stats().latencies.back(), 0.06, 0.0021);
}

TEST(JamResponder, AControllerHandsOverWhileKeysAreStillHeld) {
    pm::tok::Tokenizer tok;
    JamOptions o = options();
    std::string error;
    ASSERT_TRUE(pm::jam::parseTrigger("cc:67", &o.trigger, &error));
    JamResponder r(randomModel(std::int64_t(tok.vocabulary().size())), tok, o);
    Clocked run;
    double now = 0;
    r.input({1.0, JamInput::Kind::NoteOn, 48, 80});   // held through the handover
    r.input({1.5, JamInput::Kind::NoteOn, 64, 80});
    r.input({1.9, JamInput::Kind::NoteOff, 64, 0});
    run.tickUntil(r, now, 2.0);
    r.input({now, JamInput::Kind::Control, 67, 127});
    const double handover = now;
    run.tickUntil(r, now, handover + 0.2);
    ASSERT_EQ(r.stats().handovers, 1);
    EXPECT_NEAR(r.stats().latencies[0], 0.06, 1e-9);
    EXPECT_EQ(r.phraseStats().resolvedAtHandover, 1) << "the held C ends where the player handed over";
    r.input({now, JamInput::Kind::NoteOff, 48, 0});   // its real release changes nothing
    run.tickUntil(r, now, handover + 6);
    EXPECT_EQ(r.stats().replies, 1);
}

TEST(JamResponder, ACountInClicksOneBarAndTheRecordingStartsOnItsDownbeat) {
    pm::tok::Tokenizer tok;
    JamOptions o = options();
    o.countInBars = 1;
    JamResponder r(randomModel(std::int64_t(tok.vocabulary().size())), tok, o);
    Clocked run;
    double now = 0;
    r.start(0.0);
    run.tickUntil(r, now, 2.0);
    // Four clicks at 120 BPM from 0.1 s: 0.1, 0.6, 1.1, 1.6 on channel 10, the first accented.
    std::vector<double> clicks;
    for (const auto& m : run.sent)
        if (m.message.bytes[0] == 0x99) clicks.push_back(m.t);
    ASSERT_EQ(clicks.size(), 4u);
    for (int i = 0; i < 4; ++i) EXPECT_NEAR(clicks[std::size_t(i)], 0.1 + 0.5 * i, 0.0021);
    // The player comes in an eighth after the downbeat (2.1 s + 0.25 s).
    r.input({2.35, JamInput::Kind::NoteOn, 60, 80});
    run.tickUntil(r, now, 2.55);
    r.input({2.55, JamInput::Kind::NoteOff, 60, 0});
    run.tickUntil(r, now, 2.6);
    const pm::midi::MidiFile f = r.recording();
    ASSERT_EQ(f.tracks[0].notes.size(), 1u);
    // Tick 0 is the count-in's first click: the note is at bar 2, half a beat in (4.5 beats).
    EXPECT_EQ(f.tracks[0].notes[0].start, pm::midi::Tick(4.5 * 480));
}
