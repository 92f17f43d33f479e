// The trainer can fit data, not just lower a loss: a small model trained on two short synthetic
// pieces (no augmentation) drives its training loss close to zero. A broken gradient, optimiser
// or loss mask shows up here as a plateau far above zero.
#include "train/trainer.h"

#include "train_fixture.h"

#include <gtest/gtest.h>

#include <map>

TEST(TrainMemorise, ATinyModelReachesNearZeroLossOnTwoPieces) {
    pm::test::TempDir tmp;
    const std::string data = pm::test::buildSyntheticDataset(tmp, 2, 8, 0.0);
    pm::train::TrainConfig c;
    c.datasetDir = data;
    c.runDir = tmp / "run";
    c.customModel = pm::test::microConfig(0);
    c.customModel.nEmbd = 64;
    c.customModel.ffnDim = 256;
    c.batch.ctxLen = 128;
    c.batch.batchSize = 4;
    c.batch.augment = false;
    c.steps = 600;
    c.optim.lr = 3e-3;
    c.optim.lrFinal = 1e-4;
    c.optim.warmupSteps = 20;
    c.l2wrap = 0;
    c.validateEvery = 0;
    c.checkpointSeconds = 1e9;
    std::map<std::int64_t, double> loss;
    const auto r = pm::train::runTraining(c, nullptr, [&](const pm::train::TrainEvent& e) {
        if (e.kind == pm::train::TrainEvent::Kind::Step) loss[e.step] = e.loss;
    });
    ASSERT_TRUE(r.ok) << r.error;
    double first = 0, last = 0;
    for (int s = 1; s <= 10; ++s) first += loss.at(s) / 10;
    for (int s = 591; s <= 600; ++s) last += loss.at(s) / 10;
    std::printf("[memorise] loss %.4f (steps 1-10) -> %.4f (steps 591-600) nats/token\n", first, last);
    EXPECT_GT(first, 3.0);   // starts near ln(vocab)
    EXPECT_LT(last, 0.05);   // and ends near zero
}
