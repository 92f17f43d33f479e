// Following a run that another process writes (train/metrics_follower.h): hand-written
// metrics.jsonl text in the trainer's format (nlohmann writes keys sorted), read while it grows,
// is cut, replaced, holds garbage or does not exist yet. Every expected value is worked out by
// hand in the comments, not taken from the follower.
#include "train/metrics_follower.h"

#include "../dataset/dataset_fixture.h"   // TempDir

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using pm::train::FollowUpdate;
using pm::train::MetricsFollower;
using pm::train::MetricsLine;
using pm::train::TrainEvent;
using K = pm::train::TrainEvent::Kind;

// Lines exactly as Run::metric writes them (trainer.cpp).
const std::string kPlanned =
    R"({"estimated_seconds":420.5,"event":"planned","message":"3 passes","passes":3.0,"patience":3,"steps":10,)"
    R"("time_capped":false,"tokens_per_pass":5000,"tokens_per_s":1234.5,"validate_every":5})";
const std::string kStep1 = R"({"elapsed":1.0,"epoch":0,"loss":5.5,"lr":0.0003,"step":1,"threads":2,"tokens_per_s":900.0})";
const std::string kStep2 = R"({"elapsed":3.0,"epoch":0,"loss":5.25,"lr":0.0003,"step":2,"threads":2,"tokens_per_s":950.0})";
const std::string kStep3 = R"({"elapsed":7.0,"epoch":1,"loss":5.0,"lr":0.0002,"step":3,"threads":1,"tokens_per_s":800.0})";
const std::string kVal = R"({"since_improvement":0,"step":3,"unigram_bits_per_note":9.0,"val_bits_per_note":7.5,)"
                         R"("val_bits_per_second":30.25,"val_loss":4.75})";

class Follower : public ::testing::Test {
protected:
    pm::test::TempDir tmp;
    std::string run = tmp / "run";
    std::string metrics = run + "/metrics.jsonl";
    void SetUp() override { fs::create_directories(run); }
    void append(const std::string& text) {
        std::ofstream out(metrics, std::ios::binary | std::ios::app);
        out << text;
    }
    void replaceWith(const std::string& text) {
        std::ofstream out(metrics, std::ios::binary | std::ios::trunc);
        out << text;
    }
};

TEST(MetricsLineTest, EveryRecordTheTrainerWrites) {
    TrainEvent e;
    ASSERT_EQ(pm::train::parseMetricsLine(kStep3, &e), MetricsLine::Event);
    EXPECT_EQ(e.kind, K::Step);
    EXPECT_EQ(e.step, 3);
    EXPECT_DOUBLE_EQ(e.loss, 5.0);
    EXPECT_DOUBLE_EQ(e.lr, 0.0002);
    EXPECT_DOUBLE_EQ(e.tokensPerSec, 800.0);
    EXPECT_DOUBLE_EQ(e.elapsed, 7.0);
    EXPECT_EQ(e.epoch, 1u);
    EXPECT_EQ(e.threads, 1);

    e = {};
    ASSERT_EQ(pm::train::parseMetricsLine(kVal, &e), MetricsLine::Event);
    EXPECT_EQ(e.kind, K::Validation);
    EXPECT_EQ(e.step, 3);
    EXPECT_DOUBLE_EQ(e.valLoss, 4.75);
    EXPECT_DOUBLE_EQ(e.valBitsPerNote, 7.5);
    EXPECT_DOUBLE_EQ(e.valBitsPerSecond, 30.25);

    e = {};
    ASSERT_EQ(pm::train::parseMetricsLine(kPlanned, &e), MetricsLine::Event);
    EXPECT_EQ(e.kind, K::Planned);
    EXPECT_EQ(e.totalSteps, 10);
    EXPECT_DOUBLE_EQ(e.eta, 420.5);
    EXPECT_DOUBLE_EQ(e.tokensPerSec, 1234.5);
    EXPECT_EQ(e.message, "3 passes");

    struct Case {
        std::string line;
        K kind;
        std::int64_t step;
        std::string path, message;
    };
    const Case cases[] = {
        {R"({"event":"resume","step":40})", K::Resumed, 40, "", ""},
        {R"({"event":"checkpoint","path":"/r/checkpoints/ckpt-000000050.pmckpt","step":50})", K::Checkpoint, 50,
         "/r/checkpoints/ckpt-000000050.pmckpt", ""},
        {R"({"event":"sample","path":"/r/samples/sample-000000050.mid","step":50})", K::Sample, 50,
         "/r/samples/sample-000000050.mid", ""},
        {R"({"event":"exported","path":"/r/model-latest.safetensors","step":51})", K::Exported, 51,
         "/r/model-latest.safetensors", ""},
        {R"({"event":"warning","message":"sample not written","step":52})", K::Warning, 52, "", "sample not written"},
        {R"({"event":"finished","message":"finished: 60 of 60 steps","model":"/r/model-final.safetensors","step":60})",
         K::Finished, 60, "/r/model-final.safetensors", "finished: 60 of 60 steps"},
        {R"({"event":"stopped","message":"stopped","model":"/r/m.safetensors","step":7})", K::Finished, 7, "/r/m.safetensors", "stopped"},
        {R"({"event":"early_stopped","message":"early","model":"/r/m.safetensors","step":8})", K::Finished, 8, "/r/m.safetensors", "early"},
        {R"({"event":"time_limit","message":"budget","model":"/r/m.safetensors","step":9})", K::Finished, 9, "/r/m.safetensors", "budget"},
    };
    for (const Case& c : cases) {
        e = {};
        ASSERT_EQ(pm::train::parseMetricsLine(c.line, &e), MetricsLine::Event) << c.line;
        EXPECT_EQ(e.kind, c.kind) << c.line;
        EXPECT_EQ(e.step, c.step) << c.line;
        EXPECT_EQ(e.path, c.path) << c.line;
        EXPECT_EQ(e.message, c.message) << c.line;
    }
    // A sample's copy flag (absent or null: none).
    e = {};
    ASSERT_EQ(pm::train::parseMetricsLine(
                  R"({"copy":"bars 5–8 copy a.mid bars 1–4","event":"sample","path":"/r/s.mid","step":60})", &e),
              MetricsLine::Event);
    EXPECT_EQ(e.copy, "bars 5\u20138 copy a.mid bars 1\u20134");
    ASSERT_EQ(pm::train::parseMetricsLine(R"({"copy":null,"event":"sample","path":"/r/s.mid","step":61})", &e), MetricsLine::Event);
    EXPECT_EQ(e.copy, "");
    // Nothing to show, but not an error: the rollback's warning line precedes it; a newer
    // writer's kinds are passed over.
    EXPECT_EQ(pm::train::parseMetricsLine(R"({"event":"rollback","lr_scale":0.5,"step":12})", &e), MetricsLine::Ignored);
    EXPECT_EQ(pm::train::parseMetricsLine(R"({"event":"rank_joined","step":0})", &e), MetricsLine::Ignored);
    EXPECT_EQ(pm::train::parseMetricsLine(R"({"step":4,"world_size":2})", &e), MetricsLine::Ignored);
}

TEST(MetricsLineTest, BadLinesAreMalformedNeverAThrow) {
    for (const std::string& bad :
         {std::string("not json"), std::string("[1,2,3]"), std::string("42"), std::string(R"({"step":"three","loss":1.0})"),
          std::string(R"({"loss":1.0})"), std::string(R"({"step":1.5,"loss":1.0})"), std::string(R"({"step":1,"loss":null})"),
          std::string(R"({"step":1,"loss":"low"})"), std::string(R"({"step":1,"val_loss":[4]})"), std::string(R"({"event":5,"step":1})"),
          std::string(R"({"event":"planned"})"), std::string(R"({"event":"checkpoint","path":"/x"})"), std::string(R"({"step":1,"loss":5.)"),
          std::string("\xff\xfe{\"step\":1}")}) {
        TrainEvent e;
        EXPECT_EQ(pm::train::parseMetricsLine(bad, &e), MetricsLine::Malformed) << bad;
    }
    // A side field of the wrong type keeps its default instead of hiding the loss.
    TrainEvent e;
    ASSERT_EQ(pm::train::parseMetricsLine(R"({"loss":2.0,"lr":"fast","step":5,"threads":"two"})", &e), MetricsLine::Event);
    EXPECT_DOUBLE_EQ(e.loss, 2.0);
    EXPECT_DOUBLE_EQ(e.lr, 0.0);
    EXPECT_EQ(e.threads, 0);
}

TEST_F(Follower, AFileThatAppearsLaterIsReadWhenItDoes) {
    MetricsFollower f(run);
    FollowUpdate u = f.poll();
    EXPECT_TRUE(u.events.empty());
    EXPECT_FALSE(u.restarted);
    EXPECT_FALSE(f.fileExists());
    EXPECT_FALSE(f.isLive());
    EXPECT_EQ(f.secondsSinceWrite(), -1);

    append(kStep1 + "\n");
    u = f.poll();
    EXPECT_TRUE(f.fileExists());
    EXPECT_FALSE(u.restarted);   // nothing was shown before: no reason to start over
    ASSERT_EQ(u.events.size(), 1u);
    EXPECT_EQ(u.events[0].step, 1);
    EXPECT_EQ(f.offset(), kStep1.size() + 1);
}

TEST_F(Follower, AHalfWrittenLineWaitsForItsNewline) {
    MetricsFollower f(run);
    // One line and the first 20 bytes of the next, as a reader may find them mid-write.
    append(kStep1 + "\n" + kStep2.substr(0, 20));
    FollowUpdate u = f.poll();
    ASSERT_EQ(u.events.size(), 1u);
    EXPECT_EQ(u.events[0].step, 1);
    EXPECT_EQ(u.malformed, 0u);
    EXPECT_EQ(f.offset(), kStep1.size() + 1);   // up to the newline only

    EXPECT_TRUE(f.poll().events.empty());        // still half: nothing new, nothing lost
    append(kStep2.substr(20));                    // the rest, still without its newline
    EXPECT_TRUE(f.poll().events.empty());
    append("\n");
    u = f.poll();
    ASSERT_EQ(u.events.size(), 1u);
    EXPECT_EQ(u.events[0].step, 2);
    EXPECT_DOUBLE_EQ(u.events[0].loss, 5.25);
    EXPECT_EQ(f.malformedLines(), 0u);
    EXPECT_EQ(f.offset(), kStep1.size() + kStep2.size() + 2);
}

TEST_F(Follower, GarbageLinesAreSkippedAndCounted) {
    MetricsFollower f(run);
    // Five bad lines, a blank one (not a record, not an error) and a CRLF line among three good ones.
    append(kStep1 + "\n" + "garbage\n" + "{\"step\":\n" + "\n" + "[1]\n" + kStep2 + "\r\n" + "{\"loss\":1}\n" +
           "\x01\x02\x03\n" + kStep3 + "\n");
    const FollowUpdate u = f.poll();
    ASSERT_EQ(u.events.size(), 3u);
    EXPECT_EQ(u.events[0].step, 1);
    EXPECT_EQ(u.events[1].step, 2);
    EXPECT_EQ(u.events[2].step, 3);
    EXPECT_EQ(u.malformed, 5u);
    EXPECT_EQ(f.malformedLines(), 5u);
}

TEST_F(Follower, PlanEtaBestAndEndAreDerivedAsTheTrainerDoes) {
    MetricsFollower f(run);
    const std::string val1 = R"({"step":1,"val_bits_per_note":8.0,"val_loss":3.0})";
    const std::string val2 = R"({"step":2,"val_bits_per_note":7.0,"val_loss":2.5})";
    const std::string val3 = R"({"step":3,"val_bits_per_note":7.5,"val_loss":2.7})";
    const std::string end = R"({"event":"early_stopped","message":"stopped early","model":"/r/model-final.safetensors","step":3})";
    append(kPlanned + "\n" + kStep1 + "\n" + val1 + "\n" + kStep2 + "\n" + val2 + "\n" + kStep3 + "\n" + val3 + "\n");
    FollowUpdate u = f.poll();
    ASSERT_EQ(u.events.size(), 7u);
    EXPECT_EQ(u.events[0].kind, K::Planned);
    EXPECT_EQ(f.totalSteps(), 10);
    // Seconds per step: step 1 at 1.0 s starts the average at 1.0/1 = 1.0 -> ETA (10-1) x 1.0 = 9.0;
    // step 2 at 3.0 s: 2.0 s for one step -> 0.9 x 1.0 + 0.1 x 2.0 = 1.1 -> (10-2) x 1.1 = 8.8;
    // step 3 at 7.0 s: 4.0 s -> 0.9 x 1.1 + 0.1 x 4.0 = 1.39 -> (10-3) x 1.39 = 9.73.
    const double etas[] = {9.0, 8.8, 9.73};
    int k = 0;
    for (const TrainEvent& e : u.events)
        if (e.kind == K::Step) {
            EXPECT_EQ(e.totalSteps, 10);
            EXPECT_NEAR(e.eta, etas[k++], 1e-9) << e.step;
        }
    EXPECT_EQ(k, 3);
    // Best: 3.0 (first), 2.5 (< 3.0), 2.7 (not < 2.5).
    EXPECT_TRUE(u.events[2].best);
    EXPECT_TRUE(u.events[4].best);
    EXPECT_FALSE(u.events[6].best);
    EXPECT_DOUBLE_EQ(f.bestValidationLoss(), 2.5);
    EXPECT_EQ(f.lastStep(), 3);
    EXPECT_TRUE(f.isLive());    // just written, not ended
    EXPECT_FALSE(f.ended());

    append(end + "\n");
    u = f.poll();
    ASSERT_EQ(u.events.size(), 1u);
    const TrainEvent& fin = u.events[0];
    EXPECT_EQ(fin.kind, K::Finished);
    EXPECT_EQ(fin.path, "/r/model-final.safetensors");
    EXPECT_DOUBLE_EQ(fin.loss, 5.0);      // the last step's loss
    EXPECT_DOUBLE_EQ(fin.valLoss, 2.5);   // the best validation loss
    EXPECT_TRUE(f.ended());
    EXPECT_EQ(f.endReason(), "early_stopped");
    EXPECT_FALSE(f.isLive());

    // Resumed into the same folder: it is running again.
    append(R"({"event":"resume","step":3})" "\n" R"({"elapsed":9.0,"loss":4.5,"lr":0.0001,"step":4})" "\n");
    u = f.poll();
    ASSERT_EQ(u.events.size(), 2u);
    EXPECT_EQ(u.events[0].kind, K::Resumed);
    EXPECT_FALSE(f.ended());
    EXPECT_EQ(f.endReason(), "");
    // After a resume the average goes on from the checkpoint's time (9.0 s at step 4 says nothing
    // about one step): 1.39 as before, ETA (10-4) x 1.39 = 8.34.
    EXPECT_NEAR(u.events[1].eta, 8.34, 1e-9);
}

TEST_F(Follower, TheCallersTotalIsUsedUntilTheFileSaysOtherwise) {
    MetricsFollower f(run);
    f.setTotalSteps(300);
    append(kStep1 + "\n");
    FollowUpdate u = f.poll();
    ASSERT_EQ(u.events.size(), 1u);
    EXPECT_EQ(u.events[0].totalSteps, 300);
    EXPECT_NEAR(u.events[0].eta, 299.0, 1e-9);   // (300-1) x 1.0 s
    // A writer that puts the total on its step lines wins.
    append(R"({"elapsed":2.0,"loss":5.0,"step":2,"total_steps":40})" "\n");
    u = f.poll();
    ASSERT_EQ(u.events.size(), 1u);
    EXPECT_EQ(u.events[0].totalSteps, 40);
    EXPECT_EQ(f.totalSteps(), 40);
}

TEST_F(Follower, AFileThatShrankIsReadAgainFromTheStart) {
    MetricsFollower f(run);
    append(kStep1 + "\n" + kStep2 + "\n" + kStep3 + "\n");
    EXPECT_EQ(f.poll().events.size(), 3u);
    // A new run in the same folder, shorter than what was read.
    const std::string fresh = R"({"elapsed":0.5,"loss":6.0,"step":1})";
    replaceWith(fresh + "\n");
    const FollowUpdate u = f.poll();
    EXPECT_TRUE(u.restarted);
    ASSERT_EQ(u.events.size(), 1u);
    EXPECT_DOUBLE_EQ(u.events[0].loss, 6.0);
    EXPECT_EQ(f.restarts(), 1u);
    EXPECT_EQ(f.offset(), fresh.size() + 1);
    EXPECT_EQ(f.lastStep(), 1);
}

TEST_F(Follower, AReplacedFileIsReadAgainEvenWhenItIsLonger) {
    MetricsFollower f(run);
    append(kStep1 + "\n");
    EXPECT_EQ(f.poll().events.size(), 1u);
    // Replaced (as a rename would) by a longer file that starts differently: not an append.
    const std::string other = R"({"elapsed":0.25,"loss":7.0,"step":1})";
    const std::string tmpFile = run + "/metrics.jsonl.new";
    {
        std::ofstream out(tmpFile, std::ios::binary);
        out << other << "\n" << kStep2 << "\n" << kStep3 << "\n";
    }
    fs::rename(tmpFile, metrics);
    const FollowUpdate u = f.poll();
    EXPECT_TRUE(u.restarted);
    ASSERT_EQ(u.events.size(), 3u);
    EXPECT_DOUBLE_EQ(u.events[0].loss, 7.0);
    EXPECT_EQ(u.events[2].step, 3);
}

TEST_F(Follower, AFileThatVanishedAndCameBackIsANewFile) {
    MetricsFollower f(run);
    append(kStep1 + "\n" + kStep2 + "\n");
    EXPECT_EQ(f.poll().events.size(), 2u);
    fs::remove(metrics);
    FollowUpdate u = f.poll();
    EXPECT_FALSE(f.fileExists());
    EXPECT_TRUE(u.events.empty());
    // Back with the same first line and more: a plain length or prefix check would call this an
    // append and skip the first two records.
    append(kStep1 + "\n" + kStep2 + "\n" + kStep3 + "\n");
    u = f.poll();
    EXPECT_TRUE(u.restarted);
    EXPECT_EQ(u.events.size(), 3u);
}

TEST_F(Follower, EachPollReadsABoundedAmount) {
    pm::train::FollowOptions o;
    o.maxBytesPerPoll = 256;
    MetricsFollower f(run, o);
    // 10 lines of ~90 bytes: 3 fit a 256-byte poll at most -> at least 4 polls, `more` until the last.
    std::string all;
    for (int s = 1; s <= 10; ++s) all += R"({"elapsed":)" + std::to_string(s) + R"(.0,"epoch":0,"loss":5.0,"lr":0.001,"step":)" +
                                         std::to_string(s) + R"(,"threads":2,"tokens_per_s":1000.0})" "\n";
    append(all);
    int polls = 0, events = 0;
    std::uint64_t before = 0;
    for (;;) {
        const FollowUpdate u = f.poll();
        ++polls;
        EXPECT_LE(f.offset() - before, 256u);
        before = f.offset();
        for (const TrainEvent& e : u.events) EXPECT_EQ(e.step, ++events);
        if (!u.more) break;
        ASSERT_LT(polls, 50);
    }
    EXPECT_EQ(events, 10);
    EXPECT_GE(polls, 4);
    EXPECT_EQ(f.offset(), all.size());
}

TEST_F(Follower, ALineLongerThanTheBudgetIsSkippedNotHeld) {
    pm::train::FollowOptions o;
    o.maxBytesPerPoll = 128;   // above a record's ~90 bytes
    MetricsFollower f(run, o);
    // 1,000 bytes without a newline (a corrupt file), then its newline and a good record.
    append(std::string(1000, 'x'));
    std::size_t malformed = 0;
    for (int i = 0; i < 20; ++i) malformed += f.poll().malformed;
    EXPECT_EQ(malformed, 1u);            // counted once, however many polls it took
    EXPECT_EQ(f.offset(), 1000u);        // consumed: not re-read on every poll
    append("\n" + kStep1 + "\n");
    std::size_t events = 0;
    for (int i = 0; i < 5; ++i) events += f.poll().events.size();
    EXPECT_EQ(events, 1u);
    EXPECT_EQ(f.malformedLines(), 1u);
}

TEST_F(Follower, LiveMeansRecentlyWrittenAndNotEnded) {
    pm::train::FollowOptions o;
    o.liveSeconds = 30;
    MetricsFollower f(run, o);
    append(kStep1 + "\n");
    f.poll();
    EXPECT_TRUE(f.isLive());
    EXPECT_LT(f.secondsSinceWrite(), 30.0);
    // Last written five minutes ago: the writer is gone (or stuck).
    fs::last_write_time(metrics, fs::file_time_type::clock::now() - std::chrono::seconds(300));
    f.poll();
    EXPECT_FALSE(f.isLive());
    EXPECT_GE(f.secondsSinceWrite(), 299.0);
    EXPECT_LT(f.secondsSinceWrite(), 400.0);
}

TEST_F(Follower, SkipExistingStartsAfterAnOlderRun) {
    append(kPlanned + "\n" + kStep1 + "\n" + R"({"event":"finished","message":"done","model":"/m","step":1})" "\n");
    MetricsFollower f(run);
    f.skipExisting();
    EXPECT_FALSE(f.ended());
    EXPECT_EQ(f.totalSteps(), 0);   // the old plan's 10 steps are not this run's
    const std::string step = R"({"elapsed":2.0,"loss":4.0,"step":1})";
    append(step + "\n");
    const FollowUpdate u = f.poll();
    EXPECT_FALSE(u.restarted);
    ASSERT_EQ(u.events.size(), 1u);
    EXPECT_DOUBLE_EQ(u.events[0].loss, 4.0);
    EXPECT_NEAR(u.events[0].eta, 0.0, 1e-12);   // no total known: no ETA
}

}  // namespace
