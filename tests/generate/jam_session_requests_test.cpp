// Requests other threads hand to a running jam session (engine/generate/jam_session.h,
// JamSessionRequests; what the app's Undo answer / Answer again / Export while jamming use): they
// run on the loop's thread, in the order posted, at the top of an iteration with that iteration's
// time; everyIteration runs once per iteration; undo and answer again act on the responder there
// (the answer again counts as a handover and its notes go out). A clock that moves 4 ms per call
// keeps the run independent of the machine's load.
#include "generate/jam_session.h"

#include "playback/playback_fakes.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

using pm::gen::JamSessionEvent;
using pm::play::MidiMessage;

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

// Each now() moves 4 ms on and runs the hooks due by then (on the loop's thread); past 60 s it
// stops the session.
class StepClock : public pm::play::PlaybackClock {
public:
    explicit StepClock(std::atomic<bool>& stop) : stop_(stop) {}
    double now() const override {
        ++calls;
        t_ += 0.004;
        while (!hooks_.empty() && hooks_.begin()->first <= t_) {
            auto hook = hooks_.begin()->second;
            hooks_.erase(hooks_.begin());
            hook();
        }
        if (t_ > 60) stop_ = true;
        return t_;
    }
    void sleepUntil(double) override {}
    void at(double t, std::function<void()> hook) { hooks_.emplace(t, std::move(hook)); }
    mutable int calls = 0;

private:
    std::atomic<bool>& stop_;
    mutable double t_ = 0;
    mutable std::multimap<double, std::function<void()>> hooks_;
};

// Posts from a thread of its own, as the GUI does.
void postFromAnotherThread(pm::gen::JamSessionRequests& requests, pm::gen::JamSessionRequests::Request r) {
    std::thread([&requests, r = std::move(r)]() mutable { requests.post(std::move(r)); }).join();
}

}  // namespace

TEST(JamSessionRequests, RunOnTheLoopsThreadInOrderAndUndoActsThere) {
    pm::tok::Tokenizer tok;
    pm::gen::JamOptions o;
    o.grid.bpm = 120;
    o.replyBars = 1;
    o.sampling.seed = 9;
    std::string error;
    ASSERT_TRUE(pm::jam::parseTrigger("silence:10s", &o.trigger, &error)) << error;
    pm::gen::JamResponder responder(randomModel(std::int64_t(tok.vocabulary().size())), tok, o);
    pm::play::FakeMidiInput input;
    pm::play::FakeMidiOutput output;
    std::atomic<bool> stop{false};
    std::atomic<bool> handoverNow{false};
    StepClock clock(stop);
    pm::gen::JamSessionRequests requests;

    const std::thread::id loopThread = std::this_thread::get_id();
    std::vector<std::string> log;
    std::vector<double> times;
    bool offThread = false;
    auto record = [&](const std::string& what) {
        return [&, what](pm::gen::JamResponder&, double now) {
            log.push_back(what);
            times.push_back(now);
            if (std::this_thread::get_id() != loopThread) offThread = true;
        };
    };
    // Posted before the loop starts: both run in its first iteration, in order, at its time.
    postFromAnotherThread(requests, record("a"));
    postFromAnotherThread(requests, record("b"));
    int iterations = 0;
    requests.everyIteration = [&](pm::gen::JamResponder&, double) { ++iterations; };

    // The phrase (8 sixteenths at 120 BPM), delivered at 1.2 s; Space-like hand-over at 1.3 s.
    clock.at(1.2, [&] {
        for (int i = 0; i < 8; ++i) {
            input.play(MidiMessage::noteOn(0, 60 + i, 70), 0.2 + 0.125 * i);
            input.play(MidiMessage::noteOff(0, 60 + i), 0.3 + 0.125 * i);
        }
    });
    clock.at(1.3, [&] { handoverNow = true; });

    int replies = 0, handovers = 0;
    bool undone = false;
    std::size_t modelNotesAfterUndo = 99;
    const auto result = pm::gen::runJamSession(
        responder, input, output, clock, stop,
        [&](const JamSessionEvent& e) {
            if (e.kind == JamSessionEvent::Kind::Handover) ++handovers;
            if (e.kind != JamSessionEvent::Kind::ReplyEnded) return;
            ++replies;
            if (replies == 1) {
                // First answer over: take it back, then answer again, from another thread.
                postFromAnotherThread(requests, [&](pm::gen::JamResponder& r, double) {
                    undone = r.undoLastReply();
                    modelNotesAfterUndo = r.recording().tracks.at(1).notes.size();
                    stop = true;
                });
            }
        },
        &handoverNow, &requests);
    EXPECT_EQ(result.message, "");
    ASSERT_GE(log.size(), 2u);
    EXPECT_EQ(log[0], "a");
    EXPECT_EQ(log[1], "b");
    EXPECT_DOUBLE_EQ(times[0], 0.004) << "the first iteration's time";
    EXPECT_DOUBLE_EQ(times[1], 0.004);
    EXPECT_FALSE(offThread);
    // Once per iteration: every now() but the last (the one that silences at the end).
    EXPECT_EQ(iterations, clock.calls - 1);

    EXPECT_TRUE(undone);
    EXPECT_EQ(modelNotesAfterUndo, 0u) << "the undone answer left the recording";
    EXPECT_EQ(replies, 1);
    EXPECT_EQ(handovers, 1);

    // Answer again needs an answer: after the undo there is none, so it is refused there too.
    bool refused = true;
    requests.post([&](pm::gen::JamResponder& r, double now) { refused = !r.answerAgain(now); });
    EXPECT_EQ(requests.run(responder, 100.0), 1u);
    EXPECT_TRUE(refused);
}

TEST(JamSessionRequests, AnAnswerAgainPostedByAnotherThreadIsAHandoverWithNotesOut) {
    pm::tok::Tokenizer tok;
    pm::gen::JamOptions o;
    o.grid.bpm = 120;
    o.replyBars = 1;
    o.sampling.seed = 9;
    std::string error;
    ASSERT_TRUE(pm::jam::parseTrigger("silence:10s", &o.trigger, &error)) << error;
    pm::gen::JamResponder responder(randomModel(std::int64_t(tok.vocabulary().size())), tok, o);
    pm::play::FakeMidiInput input;
    pm::play::FakeMidiOutput output;
    std::atomic<bool> stop{false};
    std::atomic<bool> handoverNow{false};
    StepClock clock(stop);
    pm::gen::JamSessionRequests requests;
    clock.at(1.2, [&] {
        for (int i = 0; i < 8; ++i) {
            input.play(MidiMessage::noteOn(0, 60 + i, 70), 0.2 + 0.125 * i);
            input.play(MidiMessage::noteOff(0, 60 + i), 0.3 + 0.125 * i);
        }
    });
    clock.at(1.3, [&] { handoverNow = true; });
    int replies = 0, handovers = 0;
    bool answered = false;
    std::size_t sentBefore = 0, firstAnswerNotes = 0;
    pm::gen::runJamSession(
        responder, input, output, clock, stop,
        [&](const JamSessionEvent& e) {
            if (e.kind == JamSessionEvent::Kind::Handover) ++handovers;
            if (e.kind != JamSessionEvent::Kind::ReplyEnded) return;
            if (++replies == 1) {
                sentBefore = output.recorded().size();
                firstAnswerNotes = responder.recording().tracks.at(1).notes.size();
                postFromAnotherThread(requests, [&](pm::gen::JamResponder& r, double now) { answered = r.answerAgain(now); });
            } else {
                stop = true;
            }
        },
        &handoverNow, &requests);
    EXPECT_TRUE(answered);
    EXPECT_EQ(handovers, 2) << "an answer again is a handover";
    EXPECT_EQ(replies, 2);
    EXPECT_GT(firstAnswerNotes, 0u);
    // The new answer went out after the request, and it replaced the first in the recording.
    int notesAfter = 0;
    const auto sent = output.recorded();
    for (std::size_t i = sentBefore; i < sent.size(); ++i)
        if (sent[i].message.status() == 0x90 && sent[i].message.bytes[2] > 0) ++notesAfter;
    EXPECT_GT(notesAfter, 0);
    EXPECT_EQ(responder.recording().tracks.at(1).notes.size(), std::size_t(notesAfter));
}
