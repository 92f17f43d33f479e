// The jam phrase encoder against the tokenizer itself: a performance fed event by event (with the
// clock ticking at random moments) must yield exactly the tokens pm::tok::encode writes for a MIDI
// file of the same notes — an independent path (MIDI ticks, the reader's structures, the
// quantizer and the token writer). Plus hand-computed cases for held, stray and long notes.
#include "jam/phrase_encoder.h"

#include "midi/midi_file.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/value_bins.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <tuple>

using pm::jam::JamGrid;
using pm::jam::PhraseEncoder;
using pm::tok::TokenId;
using pm::tok::TokenKind;

namespace {

constexpr int kTicksPerBeat = 480;      // 20 ticks per grid step at 24 steps per quarter
constexpr double kBpm = 100;            // 600,000 us per quarter: the file's tempo is exact
constexpr double kOrigin = 12.5;        // wall-clock second of the first note

double secondsOfTick(std::int64_t tick) { return kOrigin + double(tick) / kTicksPerBeat * 60.0 / kBpm; }

struct Played {
    std::int64_t tick;
    int kind;   // 0 pedal up, 1 pedal down, 2 note off, 3 note on (the order within one tick)
    int pitch, velocity;
};

pm::tok::Tokenizer tokenizer;

std::shared_ptr<const pm::tok::Vocabulary> vocab() { return std::make_shared<pm::tok::Vocabulary>(tokenizer.config()); }

JamGrid grid(int num, int den) {
    JamGrid g;
    g.bpm = kBpm;
    g.metre = {num, den};
    return g;
}

// A random performance: notes (no key overlapping itself), pedal switches at least a step apart.
std::vector<Played> randomPerformance(std::mt19937& rng, std::int64_t* endTick) {
    std::vector<Played> ev;
    std::uniform_int_distribution<int> pitch(21, 108), vel(1, 127), gapSteps(0, 10), durTicks(3, 2400), jitter(-7, 7);
    std::vector<std::int64_t> freeAt(128, 0);
    std::int64_t tick = 0;
    for (int i = 0; i < 60; ++i) {
        if (i > 0) tick = std::max<std::int64_t>(1, (tick / 20 + gapSteps(rng)) * 20 + jitter(rng));
        int p = pitch(rng);
        while (freeAt[std::size_t(p)] > tick) p = pitch(rng);
        const std::int64_t off = tick + durTicks(rng);
        freeAt[std::size_t(p)] = off + 1;
        ev.push_back({tick, 3, p, vel(rng)});
        ev.push_back({off, 2, p, 0});
        if (i == 0) tick = 0;
    }
    std::int64_t last = 0;
    for (const Played& e : ev) last = std::max(last, e.tick);
    // Pedal: alternate down/up at steps at least 3 apart, from step 2 on.
    bool down = false;
    for (std::int64_t step = 2; step * 20 < last; step += 3 + gapSteps(rng)) {
        down = !down;
        ev.push_back({step * 20 + jitter(rng) / 2, down ? 1 : 0, 0, 0});
    }
    if (down) ev.push_back({last + 40, 0, 0, 0});
    std::stable_sort(ev.begin(), ev.end(), [](const Played& a, const Played& b) { return std::tie(a.tick, a.kind) < std::tie(b.tick, b.kind); });
    *endTick = ev.back().tick;
    return ev;
}

pm::midi::MidiFile fileOf(const std::vector<Played>& ev, std::int64_t endTick, int num, int denPower) {
    pm::midi::MidiFile f;
    f.format = 1;
    f.division.ticksPerBeat = kTicksPerBeat;
    f.tempos.push_back({0, std::uint32_t(60e6 / kBpm), 0});
    f.timeSignatures.push_back({0, std::uint8_t(num), std::uint8_t(denPower), 24, 8, 0});
    pm::midi::Track t;
    t.name = "piano";
    std::map<int, Played> on;
    for (const Played& e : ev) {
        if (e.kind == 3) on[e.pitch] = e;
        else if (e.kind == 2) {
            pm::midi::Note n;
            n.start = pm::midi::Tick(on[e.pitch].tick);
            n.end = pm::midi::Tick(e.tick);
            n.pitch = std::uint8_t(e.pitch);
            n.velocity = std::uint8_t(on[e.pitch].velocity);
            t.notes.push_back(n);
        } else {
            t.sustain.push_back({pm::midi::Tick(e.tick), 0, std::uint8_t(e.kind == 1 ? 127 : 0)});
        }
    }
    std::sort(t.notes.begin(), t.notes.end(), [](const pm::midi::Note& a, const pm::midi::Note& b) {
        return std::tie(a.start, a.pitch, a.channel, a.end, a.velocity) < std::tie(b.start, b.pitch, b.channel, b.end, b.velocity);
    });
    t.endTick = pm::midi::Tick(endTick);
    f.tracks.push_back(t);
    return f;
}

void feed(PhraseEncoder& enc, const Played& e) {
    const double t = secondsOfTick(e.tick);
    if (e.kind == 3) enc.noteOn(t, e.pitch, e.velocity);
    else if (e.kind == 2) enc.noteOff(t, e.pitch);
    else enc.pedal(t, e.kind == 1);
}

}  // namespace

TEST(PhraseEncoder, APerformanceFedLiveEncodesLikeTheTokenizer) {
    for (const auto& [num, denPower] : std::vector<std::pair<int, int>>{{4, 2}, {3, 2}, {6, 3}}) {
        for (unsigned seed = 1; seed <= 8; ++seed) {
            std::mt19937 rng(seed * 31 + unsigned(num));
            std::int64_t endTick = 0;
            const std::vector<Played> ev = randomPerformance(rng, &endTick);
            PhraseEncoder enc(vocab(), grid(num, 1 << denPower));
            std::vector<TokenId> live;
            std::uniform_real_distribution<double> tick01(0, 1);
            for (const Played& e : ev) {
                // The clock ticks at random moments before each event, as a 20 ms timer would.
                if (tick01(rng) < 0.5) {
                    const auto r = enc.takeReady(secondsOfTick(e.tick) - 0.001);
                    live.insert(live.end(), r.begin(), r.end());
                }
                feed(enc, e);
            }
            const double end = secondsOfTick(endTick) + 0.01;
            const auto rest = enc.flush(end, 0);   // no bar lines for a reply (AHeldNoteEndsAtTheHandover has them)
            live.insert(live.end(), rest.begin(), rest.end());

            const pm::tok::Encoding reference = tokenizer.encode(fileOf(ev, endTick, num, denPower));
            ASSERT_GE(reference.tokens.size(), live.size()) << "seed " << seed;
            std::size_t firstDiff = 0;
            while (firstDiff < live.size() && live[firstDiff] == reference.tokens[firstDiff]) ++firstDiff;
            ASSERT_EQ(firstDiff, live.size()) << "metre " << num << " seed " << seed << ": token " << firstDiff << " is "
                                              << tokenizer.vocabulary().name(live[firstDiff]) << ", the tokenizer wrote "
                                              << tokenizer.vocabulary().name(reference.tokens[firstDiff]);
            // What the tokenizer writes beyond: only bar lines for the last notes' tails, then EOS.
            for (std::size_t i = live.size(); i < reference.tokens.size(); ++i) {
                const TokenKind k = tokenizer.vocabulary().token(reference.tokens[i]).kind;
                EXPECT_TRUE(k == TokenKind::Bar || k == TokenKind::Eos) << tokenizer.vocabulary().name(reference.tokens[i]);
            }
            EXPECT_EQ(enc.stats().notes, 60);
            // The stream is grammatical as it stands.
            pm::tok::Grammar g = tokenizer.grammar();
            for (TokenId id : live) ASSERT_TRUE(g.advance(id)) << tokenizer.vocabulary().name(id);
        }
    }
}

TEST(PhraseEncoder, NothingIsFedWhileItsNoteStillSounds) {
    PhraseEncoder enc(vocab(), grid(4, 4));
    enc.noteOn(1.0, 60, 80);
    EXPECT_TRUE(enc.takeReady(1.5).empty());   // its duration is not known yet
    enc.noteOff(1.3, 60);                        // 0.3 s at 100 BPM = 0.5 quarter = 12 steps
    const auto& voc = tokenizer.vocabulary();
    const std::vector<TokenId> expected = {voc.id(TokenKind::Bos), voc.id(TokenKind::TimeSig, voc.metreIndex({4, 4})),
                                           voc.id(TokenKind::Tempo, pm::tok::tempoBin(kBpm, tokenizer.config())),
                                           voc.id(TokenKind::Bar), voc.id(TokenKind::Position, 0), voc.id(TokenKind::Pitch, 60),
                                           voc.id(TokenKind::Velocity, pm::tok::velocityBin(80, tokenizer.config())),
                                           voc.id(TokenKind::Duration, 12)};
    EXPECT_EQ(enc.takeReady(1.31), expected);
    EXPECT_TRUE(enc.takeReady(5.0).empty());
}

TEST(PhraseEncoder, AHeldNoteEndsAtTheHandover) {
    PhraseEncoder enc(vocab(), grid(4, 4));
    const auto& voc = tokenizer.vocabulary();
    enc.noteOn(2.0, 64, 100);
    enc.noteOn(2.3, 67, 100);   // step 12
    enc.noteOff(2.6, 67);       // 12 steps
    EXPECT_TRUE(enc.takeReady(3.0).empty()) << "the held E blocks the G behind it";
    // Handover at 3.2 s: the E ends there (1.2 s = 2 quarters = 48 steps); the reply will start
    // at step 96 (bar 1), so one more bar line follows.
    const auto out = enc.flush(3.2, 96);
    ASSERT_GE(out.size(), 4u);
    const std::vector<TokenId> tail(out.end() - 9, out.end());
    const std::vector<TokenId> expected = {voc.id(TokenKind::Position, 0), voc.id(TokenKind::Pitch, 64),
                                           voc.id(TokenKind::Velocity, pm::tok::velocityBin(100, tokenizer.config())),
                                           voc.id(TokenKind::Duration, 48), voc.id(TokenKind::Position, 12),
                                           voc.id(TokenKind::Pitch, 67),
                                           voc.id(TokenKind::Velocity, pm::tok::velocityBin(100, tokenizer.config())),
                                           voc.id(TokenKind::Duration, 12), voc.id(TokenKind::Bar)};
    EXPECT_EQ(tail, expected);
    EXPECT_EQ(enc.stats().resolvedAtHandover, 1);
    EXPECT_EQ(enc.currentBar(), 1);
    // Its real release later changes nothing.
    enc.noteOff(4.0, 64);
    EXPECT_EQ(enc.stats().strayReleases, 1);
    EXPECT_TRUE(enc.takeReady(10.0).empty());
}

TEST(PhraseEncoder, StrayReleasesRetriggersAndKeysOffThePianoAreCounted) {
    PhraseEncoder enc(vocab(), grid(4, 4));
    enc.noteOff(0.5, 60);       // before anything
    enc.noteOn(1.0, 10, 90);    // not a piano key
    enc.noteOn(1.0, 60, 90);
    enc.noteOn(1.3, 60, 90);    // the same key again: the first ends at 1.3
    enc.noteOff(1.6, 60);
    enc.flush(2.0, enc.stepAt(2.0));
    EXPECT_EQ(enc.stats().strayReleases, 1);
    EXPECT_EQ(enc.stats().outOfRange, 1);
    EXPECT_EQ(enc.stats().retriggered, 1);
    EXPECT_EQ(enc.stats().notes, 2);
}

TEST(PhraseEncoder, ANoteHeldForMinutesStopsBlockingAtTheLongestDuration) {
    PhraseEncoder enc(vocab(), grid(4, 4));
    enc.noteOn(0.0, 48, 70);
    enc.noteOn(1.0, 72, 70);
    enc.noteOff(1.2, 72);
    // 64 quarters at 100 BPM = 38.4 s: until then the low C blocks; after, it is fed at the maximum.
    EXPECT_TRUE(enc.takeReady(30.0).empty());
    const auto out = enc.takeReady(40.0);
    const auto& voc = tokenizer.vocabulary();
    const std::int64_t longest = pm::tok::maxDurationSteps(tokenizer.config());
    const std::int64_t span = std::int64_t(tokenizer.config().durationTokenQuarters) * tokenizer.config().positionsPerQuarter;
    const auto extra = std::find(out.begin(), out.end(), voc.id(TokenKind::DurationExtra, int(longest / span)));
    ASSERT_NE(extra, out.end());
    EXPECT_EQ(*(extra + 1), voc.id(TokenKind::Duration, int(longest % span)));
    EXPECT_EQ(enc.stats().clippedLong, 1);
    EXPECT_EQ(enc.heldNotes(), 0u);
}

TEST(PhraseEncoder, AfterAReplyTheNextPhraseContinuesTheStream) {
    PhraseEncoder enc(vocab(), grid(4, 4));
    enc.noteOn(0.0, 60, 80);
    enc.noteOff(0.3, 60);
    pm::tok::Grammar g = tokenizer.grammar();
    for (TokenId id : enc.flush(1.0, 96)) ASSERT_TRUE(g.advance(id));
    // The reply played bar 1 up to step 150 and was shifted 0.05 s late; the player comes back in
    // at step ~140 (inside what the reply covered): that onset moves after the reply's last step.
    enc.continueAfter(150, false, 0.05);
    enc.noteOn(enc.secondsAt(140), 62, 80);
    enc.noteOff(enc.secondsAt(150), 62);
    const auto out = enc.takeReady(enc.secondsAt(300));
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.front(), tokenizer.vocabulary().id(TokenKind::Position, 151 - 96));
    EXPECT_EQ(enc.stats().late, 1);
}

TEST(PhraseEncoder, ACountInSetsTheDownbeat) {
    PhraseEncoder enc(vocab(), grid(4, 4));
    enc.setOrigin(5.0);
    enc.noteOn(4.95, 55, 80);   // a hair early: onto the downbeat
    enc.noteOff(5.15, 55);
    enc.noteOn(5.3, 60, 80);    // 0.3 s after the downbeat at 100 BPM: half a quarter = step 12
    enc.noteOff(5.6, 60);
    const auto& voc = tokenizer.vocabulary();
    const int vel = pm::tok::velocityBin(80, tokenizer.config());
    const std::vector<TokenId> expected = {voc.id(TokenKind::Bos), voc.id(TokenKind::TimeSig, voc.metreIndex({4, 4})),
                                           voc.id(TokenKind::Tempo, pm::tok::tempoBin(kBpm, tokenizer.config())), voc.id(TokenKind::Bar),
                                           voc.id(TokenKind::Position, 0), voc.id(TokenKind::Pitch, 55), voc.id(TokenKind::Velocity, vel),
                                           voc.id(TokenKind::Duration, 6),   // 5.0 .. 5.15: 0.15 s = 6 steps
                                           voc.id(TokenKind::Position, 12), voc.id(TokenKind::Pitch, 60), voc.id(TokenKind::Velocity, vel),
                                           voc.id(TokenKind::Duration, 12)};
    EXPECT_EQ(enc.takeReady(6.0), expected);
    EXPECT_EQ(enc.stats().early, 1);
}

TEST(PhraseEncoder, AReplysPedalIsLiftedInTheStreamAfterIt) {
    PhraseEncoder enc(vocab(), grid(4, 4));
    enc.noteOn(0.0, 60, 80);
    enc.noteOff(0.3, 60);
    pm::tok::Grammar g = tokenizer.grammar();
    for (TokenId id : enc.flush(1.0, 96)) ASSERT_TRUE(g.advance(id));
    ASSERT_TRUE(g.advance(tokenizer.vocabulary().id(TokenKind::Position, 0)));   // the reply: bar 1,
    ASSERT_TRUE(g.advance(tokenizer.vocabulary().id(TokenKind::PedalOn)));       // pedal down, and a note
    ASSERT_TRUE(g.advance(tokenizer.vocabulary().id(TokenKind::Pitch, 64)));
    ASSERT_TRUE(g.advance(tokenizer.vocabulary().id(TokenKind::Velocity, 10)));
    ASSERT_TRUE(g.advance(tokenizer.vocabulary().id(TokenKind::Duration, 24)));
    enc.continueAfter(96, true, 0.0);   // the reply ended with the pedal down; the player's foot is up
    const auto out = enc.takeReady(enc.secondsAt(200));
    const std::vector<TokenId> expected = {tokenizer.vocabulary().id(TokenKind::Position, 1), tokenizer.vocabulary().id(TokenKind::PedalOff)};
    EXPECT_EQ(out, expected);
    for (TokenId id : out) EXPECT_TRUE(g.advance(id));
}
