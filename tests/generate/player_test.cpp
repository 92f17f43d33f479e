// pm::play::Player, the one "play this piece on this output, with fallback": outputs come from an
// injected factory (fakes that record, ports that fail), time from a fake clock where it matters.
#include "playback/player.h"
#include "playback/playback_fakes.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

using namespace pm::play;

namespace {

// Every port name except "" fails like a missing ALSA port; "" (the built-in piano) is a fake
// that records, unless the piano is broken too.
struct Outputs {
    const PlaybackClock* clock = nullptr;
    bool pianoBroken = false;
    int opened = 0;
    FakeMidiOutput* last = nullptr;   // owned by the Player
    OutputFactory factory() {
        return [this](const std::string& port, const std::string&, std::string* error) -> std::unique_ptr<MidiOutput> {
            ++opened;
            if (port == "good port" || (port.empty() && !pianoBroken)) {
                auto out = std::make_unique<FakeMidiOutput>(clock);
                last = out.get();
                return out;
            }
            *error = port.empty() ? "no soundfont" : "no such port";
            return nullptr;
        };
    }
};

std::vector<TimedMessage> scale(int notes, double spacing) {
    std::vector<TimedMessage> t;
    for (int i = 0; i < notes; ++i) {
        t.push_back({i * spacing, MidiMessage::noteOn(0, 60 + i, 80)});
        t.push_back({i * spacing + spacing / 2, MidiMessage::noteOff(0, 60 + i)});
    }
    return t;
}

int noteOns(const std::vector<RecordedMessage>& rec) {
    int n = 0;
    for (const auto& r : rec) n += r.message.status() == 0x90;
    return n;
}

TEST(Player, APortThatCannotOpenFallsBackToTheBuiltInPiano) {
    FakePlaybackClock clock;
    Outputs outputs;
    outputs.clock = &clock;
    Player player(&clock, outputs.factory());
    std::string error;
    ASSERT_TRUE(player.open("Unplugged Keyboard", "", &error)) << error;
    EXPECT_EQ(outputs.opened, 2);   // the port, then the piano
    EXPECT_EQ(player.outputName(), "Fake output");
    EXPECT_NE(player.notice().find("Unplugged Keyboard"), std::string::npos) << player.notice();
    EXPECT_NE(player.notice().find("no such port"), std::string::npos) << player.notice();
    EXPECT_NE(player.notice().find("built-in piano"), std::string::npos) << player.notice();
    // The same choice keeps what is open; another choice opens anew and forgets the notice.
    ASSERT_TRUE(player.open("Unplugged Keyboard", "", &error));
    EXPECT_EQ(outputs.opened, 2);
    ASSERT_TRUE(player.open("good port", "", &error));
    EXPECT_EQ(outputs.opened, 3);
    EXPECT_EQ(player.notice(), "");
}

TEST(Player, NothingToPlayOnIsAnErrorNamingBoth) {
    Outputs outputs;
    outputs.pianoBroken = true;
    Player player(nullptr, outputs.factory());
    std::string error;
    EXPECT_FALSE(player.open("Unplugged Keyboard", "", &error));
    EXPECT_NE(error.find("no such port"), std::string::npos) << error;
    EXPECT_NE(error.find("no soundfont"), std::string::npos) << error;
    EXPECT_EQ(player.outputName(), "");
    EXPECT_FALSE(player.play(scale(2, 0.1), true, 0, &error));
    EXPECT_FALSE(player.open("", "", &error));
    EXPECT_EQ(error, "no soundfont");
}

TEST(Player, PlaysAWholePieceAndWaitsForItsEnd) {
    FakePlaybackClock clock;
    Outputs outputs;
    outputs.clock = &clock;
    Player player(&clock, outputs.factory());
    std::string error;
    ASSERT_TRUE(player.open("", "", &error)) << error;
    ASSERT_TRUE(player.play(scale(8, 0.5), true, 0, &error)) << error;
    EXPECT_TRUE(player.hasScheduler());
    EXPECT_DOUBLE_EQ(player.duration(), 3.75);
    EXPECT_TRUE(player.waitUntilDone(nullptr, 1));
    EXPECT_FALSE(player.playing());
    const auto rec = outputs.last->recorded();
    EXPECT_EQ(noteOns(rec), 8);
    // Each note on at its time (the fake clock jumps to exactly the times the scheduler waits for).
    int on = 0;
    for (const auto& r : rec)
        if (r.message.status() == 0x90) {
            EXPECT_NEAR(r.seconds, 0.5 * on++, 1e-9);
        }
    // From the middle: only what comes after.
    outputs.last->clear();
    ASSERT_TRUE(player.play(scale(8, 0.5), true, 2.0, &error));
    EXPECT_TRUE(player.waitUntilDone(nullptr, 1));
    EXPECT_EQ(noteOns(outputs.last->recorded()), 4);
}

TEST(Player, StreamingAppendsPlayUntilMarkedComplete) {
    FakePlaybackClock clock;
    Outputs outputs;
    outputs.clock = &clock;
    Player player(&clock, outputs.factory());
    std::string error;
    ASSERT_TRUE(player.open("", "", &error));
    ASSERT_TRUE(player.play({}, false, 0, &error));
    player.append(scale(3, 0.5));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_TRUE(player.playing()) << "not complete: the player waits for more";
    auto more = scale(6, 0.5);
    more.erase(more.begin(), more.begin() + 6);   // notes 4-6
    player.append(more);
    player.markComplete();
    EXPECT_TRUE(player.waitUntilDone(nullptr, 1));
    EXPECT_EQ(noteOns(outputs.last->recorded()), 6);
}

TEST(Player, WaitUntilDoneReturnsOnCancelAndSilences) {
    // Real time: a piece 100 s long, cancelled after 50 ms.
    Outputs outputs;
    Player player(nullptr, outputs.factory());
    std::string error;
    ASSERT_TRUE(player.open("", "", &error));
    ASSERT_TRUE(player.play(scale(2, 100.0), true, 0, &error));
    std::atomic<bool> cancel{false};
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        cancel = true;
    });
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(player.waitUntilDone(&cancel));   // cancelled is not an error
    const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    canceller.join();
    EXPECT_LT(waited, 5.0);
    EXPECT_FALSE(player.playing());
    EXPECT_TRUE(player.hasScheduler());   // stopped, still loaded
    const auto rec = outputs.last->recorded();
    ASSERT_GE(rec.size(), 33u);
    EXPECT_EQ(rec.back().message, MidiMessage::allNotesOff(15));   // silenced
}

TEST(Player, AnOutputThatFailsMidPieceEndsTheWaitWithItsError) {
    FakePlaybackClock clock;
    Outputs outputs;
    outputs.clock = &clock;
    Player player(&clock, outputs.factory());
    std::string error;
    ASSERT_TRUE(player.open("", "", &error));
    outputs.last->failAfter(3);
    ASSERT_TRUE(player.play(scale(8, 0.5), true, 0, &error));
    EXPECT_FALSE(player.waitUntilDone(nullptr, 1));
    EXPECT_NE(player.error().find("stopped accepting"), std::string::npos) << player.error();
    player.close();
    EXPECT_EQ(player.outputName(), "");
    EXPECT_FALSE(player.hasScheduler());
}

}  // namespace
