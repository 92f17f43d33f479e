// The demo trains as a run does, so the app's core sharing must reach it: the thread count given
// through DemoOptions::trainingThreads is what its training steps run with, and a change made
// from another thread mid-training applies from the next step (the app lowers it when a
// generation starts beside the demo).
#include "pipeline/demo.h"

#include "../dataset/dataset_fixture.h"

#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>

TEST(DemoThreads, TrainingFollowsTheThreadCountGivenFromOutside) {
    pm::test::TempDir tmp;
    const int original = at::get_num_threads();
    std::atomic<int> threads{1};
    pm::DemoOptions options;
    options.device = "cpu";
    options.measureBlas = false;
    options.renderWav = false;
    options.trainSteps = 4;
    options.trainMinutes = 0;
    options.contextLength = 64;
    options.batchSize = 2;
    options.generateBars = 1;
    options.workDir = tmp / "demo";
    options.trainingThreads = &threads;
    std::map<std::size_t, int> seen;   // step -> threads the step ran on
    pm::DemoResult result;
    const bool ok = pm::runDemo(
        options,
        [&](const pm::DemoStageReport& r) {
            if (r.stage != "train" || !r.progress) return;
            seen[r.done] = r.threads;
            if (r.done == 2) threads = 2;           // as the controller does when a generation ends
        },
        &result);
    ASSERT_TRUE(ok) << result.error;
    ASSERT_EQ(seen.size(), 4u);
    EXPECT_EQ(seen.at(1), 1);
    EXPECT_EQ(seen.at(2), 1);
    EXPECT_EQ(seen.at(3), 2);
    EXPECT_EQ(seen.at(4), 2);
    at::set_num_threads(original);
}
