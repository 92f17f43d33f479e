// The whole trainer on a synthetic dataset through the real builder and tokenizer: it learns,
// resume is exact, non-finite steps are skipped and then rolled back, stop leaves a loadable
// checkpoint and export, LoRA and state tuning export models that load, samples come from the hook;
// early stopping, export on request, the threads control, a stop during a forward pass and device
// errors.
#include "train/trainer.h"

#include "core/intra_op_threads.h"

#include "train/autocast_guard.h"

#include "model/checkpoint_io.h"
#include "train/optimizer.h"
#include "train/train_checkpoint.h"
#include "train_fixture.h"

#include <ATen/Parallel.h>   // at::get_num_threads
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <map>
#include <thread>

#include <dlfcn.h>   // dlsym: OpenBLAS's thread count, when OpenBLAS is the BLAS
#include <sys/resource.h>

namespace {

using pm::train::TrainEvent;

struct Recorder {
    std::vector<TrainEvent> events;
    std::map<std::int64_t, double> loss;
    int warnings = 0, checkpoints = 0, validations = 0, samples = 0;
    pm::train::TrainCallback callback(pm::train::TrainControl* stopAt = nullptr, std::int64_t stopStep = -1) {
        return [this, stopAt, stopStep](const TrainEvent& e) {
            events.push_back(e);
            if (e.kind == TrainEvent::Kind::Step) loss[e.step] = e.loss;
            warnings += e.kind == TrainEvent::Kind::Warning;
            checkpoints += e.kind == TrainEvent::Kind::Checkpoint;
            validations += e.kind == TrainEvent::Kind::Validation;
            samples += e.kind == TrainEvent::Kind::Sample;
            if (stopAt && e.kind == TrainEvent::Kind::Step && e.step == stopStep) stopAt->stop = true;
        };
    }
};

class TrainerTest : public ::testing::Test {
protected:
    pm::test::TempDir tmp;
    std::string dataset;
    void SetUp() override { dataset = pm::test::buildSyntheticDataset(tmp, 6, 8); }
    pm::train::TrainConfig config(const std::string& run, std::int64_t steps) {
        pm::train::TrainConfig c;
        c.datasetDir = dataset;
        c.runDir = tmp / run;
        c.customModel = pm::test::microConfig(0);
        c.batch.ctxLen = 48;
        c.batch.batchSize = 4;
        c.steps = steps;
        c.optim.lr = 3e-3;
        c.optim.lrFinal = 3e-4;
        c.optim.warmupSteps = 5;
        c.validateEvery = 0;
        c.checkpointSeconds = 1e9;
        return c;
    }
};

TEST_F(TrainerTest, LossFallsOnTheSyntheticPieces) {
    pm::train::TrainConfig c = config("learn", 120);
    c.validateEvery = 60;
    Recorder rec;
    const auto r = pm::train::runTraining(c, nullptr, rec.callback());
    ASSERT_TRUE(r.ok) << r.error;
    double early = 0, late = 0;
    for (int s = 1; s <= 10; ++s) early += rec.loss.at(s) / 10;
    for (int s = 111; s <= 120; ++s) late += rec.loss.at(s) / 10;
    std::printf("[trainer] synthetic: loss %.3f (steps 1-10) -> %.3f (steps 111-120)\n", early, late);
    EXPECT_LT(late, 0.5 * early);
    EXPECT_EQ(rec.validations, 2);
    // metrics.jsonl: one record per step, validation records with the required fields.
    std::ifstream in(c.runDir + "/metrics.jsonl");
    std::string line;
    int steps = 0, vals = 0;
    while (std::getline(in, line)) {
        const auto j = nlohmann::json::parse(line);
        if (j.contains("loss")) {
            ++steps;
            EXPECT_TRUE(j.contains("step") && j.contains("lr") && j.contains("tokens_per_s"));
        }
        if (j.contains("val_loss")) {
            ++vals;
            EXPECT_TRUE(j.contains("val_bits_per_note"));
        }
    }
    EXPECT_EQ(steps, 120);
    EXPECT_EQ(vals, 2);
    // The exported model loads, with the dataset's tokenizer config in its metadata.
    const pm::model::LoadedModel lm = pm::model::loadModel(r.finalModel);
    EXPECT_FALSE(lm.tokenizerJson.empty());
    EXPECT_FALSE(r.bestModel.empty());
}

TEST_F(TrainerTest, ResumeIsExact) {
    const std::int64_t N = 12;
    Recorder straight;
    pm::train::TrainConfig a = config("straight", N);
    a.batch.batchSize = 2;
    a.gradAccum = 2;   // accumulation and the batcher position both have to survive
    const auto ra = pm::train::runTraining(a, nullptr, straight.callback());
    ASSERT_TRUE(ra.ok) << ra.error;

    pm::train::TrainConfig b = a;
    b.runDir = tmp / "split";
    pm::train::TrainControl control;
    Recorder first;
    const auto rb = pm::train::runTraining(b, &control, first.callback(&control, N / 2));
    ASSERT_TRUE(rb.ok) << rb.error;
    EXPECT_TRUE(rb.stopped);
    EXPECT_EQ(rb.step, N / 2);
    b.resume = true;
    Recorder second;
    const auto rc = pm::train::runTraining(b, nullptr, second.callback());
    ASSERT_TRUE(rc.ok) << rc.error;
    EXPECT_EQ(rc.step, N);
    double worst = 0;
    for (std::int64_t s = N / 2 + 1; s <= N; ++s) worst = std::max(worst, std::abs(second.loss.at(s) - straight.loss.at(s)));
    std::printf("[trainer] resume: largest loss difference after resume %.3g\n", worst);
    EXPECT_LE(worst, 1e-6);
    // Final weights too.
    const auto ma = pm::model::loadModel(ra.finalModel), mc = pm::model::loadModel(rc.finalModel);
    auto pa = ma.model->named_parameters(), pc = mc.model->named_parameters();
    for (const auto& item : pa) EXPECT_LE((item.value() - pc[item.key()]).abs().max().item<double>(), 1e-6) << item.key();
    // metrics.jsonl records the resume.
    std::ifstream in(b.runDir + "/metrics.jsonl");
    std::string line;
    bool resumed = false;
    while (std::getline(in, line))
        if (nlohmann::json::parse(line).value("event", "") == "resume") resumed = nlohmann::json::parse(line)["step"] == N / 2;
    EXPECT_TRUE(resumed);
}

// Infilling rows (issue 19) are drawn by position: a stopped and resumed run sees the batches
// the straight run saw, and metrics.jsonl counts the rearranged rows of each step.
TEST_F(TrainerTest, ResumeIsExactWithInfilling) {
    const std::int64_t N = 8;
    pm::train::TrainConfig a = config("fim-straight", N);
    a.batch.ctxLen = 96;   // room for several bars per window
    a.batch.infillRate = 0.5;
    Recorder straight;
    const auto ra = pm::train::runTraining(a, nullptr, straight.callback());
    ASSERT_TRUE(ra.ok) << ra.error;
    pm::train::TrainConfig b = a;
    b.runDir = tmp / "fim-split";
    pm::train::TrainControl control;
    Recorder first, second;
    ASSERT_TRUE(pm::train::runTraining(b, &control, first.callback(&control, N / 2)).ok);
    b.resume = true;
    const auto rc = pm::train::runTraining(b, nullptr, second.callback());
    ASSERT_TRUE(rc.ok) << rc.error;
    for (std::int64_t s = N / 2 + 1; s <= N; ++s) EXPECT_LE(std::abs(second.loss.at(s) - straight.loss.at(s)), 1e-6) << s;
    EXPECT_EQ(second.warnings, 0) << "same rate: no warning";
    std::ifstream in(a.runDir + "/metrics.jsonl");
    std::string line;
    std::int64_t rows = 0;
    while (std::getline(in, line)) rows += nlohmann::json::parse(line).value("infill_rows", std::int64_t(0));
    EXPECT_GT(rows, 0);
    EXPECT_LT(rows, N * a.batch.batchSize);
    // Resuming with another rate works and says the batches now differ.
    b.steps = N + 2;
    b.batch.infillRate = 0;
    Recorder third;
    ASSERT_TRUE(pm::train::runTraining(b, nullptr, third.callback()).ok);
    EXPECT_EQ(third.warnings, 1);
}

TEST_F(TrainerTest, ResumeWithoutACheckpointFailsClearly) {
    pm::train::TrainConfig c = config("empty", 4);
    c.resume = true;
    const auto r = pm::train::runTraining(c, nullptr, {});
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("no checkpoint"), std::string::npos) << r.error;
}

TEST_F(TrainerTest, NonFiniteGradientsAreSkippedThenRolledBack) {
    pm::train::TrainConfig c = config("nan", 14);
    c.checkpointEvery = 4;
    c.afterBackward = [](std::int64_t step, pm::model::Rwkv7Model& m) {
        // step is 0-based here: poison steps 2 and 7, 8, 9 (three in a row).
        if (step == 2 || (step >= 7 && step <= 9)) m->named_parameters()["head.weight"].mutable_grad().fill_(NAN);
    };
    Recorder rec;
    const auto r = pm::train::runTraining(c, nullptr, rec.callback());
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(rec.warnings, 4 + 1);   // four skipped steps, one rollback
    EXPECT_EQ(rec.loss.count(3), 0u);   // skipped steps report no loss
    bool rolled = false;
    for (const auto& e : rec.events)
        if (e.kind == TrainEvent::Kind::Warning && e.message.find("rolled back") != std::string::npos) rolled = true;
    EXPECT_TRUE(rolled);
    pm::train::OptimOptions sched = c.optim;
    sched.totalSteps = 14;
    for (const auto& e : rec.events)
        if (e.kind == TrainEvent::Kind::Step && e.step > 10) {
            EXPECT_NEAR(e.lr, 0.5 * pm::train::learningRateAt(e.step - 1, sched), 1e-12) << e.step;
        }
    const auto lm = pm::model::loadModel(r.finalModel);
    for (const auto& p : lm.model->parameters()) EXPECT_TRUE(torch::isfinite(p).all().item<bool>());
}

TEST_F(TrainerTest, StopWritesALoadableCheckpointAndModel) {
    pm::train::TrainConfig c = config("stop", 1000);
    pm::train::TrainControl control;
    Recorder rec;
    const auto r = pm::train::runTraining(c, &control, rec.callback(&control, 3));
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_TRUE(r.stopped);
    EXPECT_EQ(r.step, 3);
    EXPECT_EQ(pm::train::latestCheckpoint(c.runDir), r.lastCheckpoint);
    nlohmann::json meta;
    EXPECT_EQ(pm::train::readCheckpointMeta(r.lastCheckpoint, &meta), "");
    EXPECT_EQ(meta["step"], 3);
    EXPECT_NO_THROW(pm::model::loadModel(r.finalModel));
    // A damaged checkpoint is refused with a message, not a crash.
    std::ofstream(c.runDir + "/bad.pmckpt") << "PMTRCKPT garbage";
    EXPECT_NE(pm::train::readCheckpointMeta(c.runDir + "/bad.pmckpt", &meta), "");
}

TEST_F(TrainerTest, LoraAndStateTuningExportLoadableModels) {
    for (auto method : {pm::train::Method::Lora, pm::train::Method::State}) {
        pm::train::TrainConfig c = config(std::string("m-") + pm::train::methodName(method), 6);
        c.method = method;
        c.loraRank = 4;
        c.loraAlpha = 8;
        c.optim.lr = 1e-2;
        Recorder rec;
        const auto r = pm::train::runTraining(c, nullptr, rec.callback());
        ASSERT_TRUE(r.ok) << r.error;
        const auto lm = pm::model::loadModel(r.finalModel);
        bool hasState = false;
        for (const auto& item : lm.model->named_parameters()) {
            EXPECT_EQ(item.key().find("lora_"), std::string::npos);
            hasState |= item.key().find("time_state") != std::string::npos;
        }
        EXPECT_EQ(hasState, method == pm::train::Method::State);
    }
}

TEST_F(TrainerTest, SamplesAreWrittenAtCheckpointsThroughTheHook) {
    pm::train::TrainConfig c = config("sample", 4);
    c.checkpointEvery = 2;
    // Stub sampler (the real one, pm::gen::trainingSampler, is tested in tests/generate): the
    // prompt and its last eight tokens again.
    c.sampler = [](pm::model::Rwkv7Model&, const std::vector<std::uint16_t>& prompt, const std::string&) {
        std::vector<std::uint16_t> piece = prompt;
        piece.insert(piece.end(), prompt.end() - std::min<std::ptrdiff_t>(8, std::ptrdiff_t(prompt.size())), prompt.end());
        return piece;
    };
    Recorder rec;
    const auto r = pm::train::runTraining(c, nullptr, rec.callback());
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(rec.samples, 2);
    for (const auto& e : rec.events)
        if (e.kind == TrainEvent::Kind::Sample) {
            EXPECT_TRUE(std::filesystem::exists(e.path)) << e.path;
        }
}

TEST_F(TrainerTest, ASampleThatCopiesATrainingPieceIsFlagged) {
    // Stub sampler: a training piece's own tokens, all 8 bars of it (the originality check skips
    // only the bars the sample shares with the prompt it was given: none here).
    pm::dataset::DatasetContents data;
    ASSERT_EQ(pm::dataset::loadDataset(dataset, &data), "");
    std::size_t piece = 0;
    while (piece < data.pieces.size() && data.pieces[piece].split != pm::dataset::Split::Train) ++piece;
    ASSERT_LT(piece, data.pieces.size());
    const auto& p = data.pieces[piece];
    const std::vector<std::uint16_t> copy(data.tokens.begin() + std::ptrdiff_t(p.firstToken),
                                          data.tokens.begin() + std::ptrdiff_t(p.firstToken + p.tokenCount));
    std::string file;
    for (const auto& f : data.manifest.files)
        if (f.piece == std::int64_t(piece)) file = std::filesystem::path(f.path).filename().string();
    pm::train::TrainConfig c = config("sample-copies", 2);
    c.checkpointEvery = 2;
    c.sampler = [copy](pm::model::Rwkv7Model&, const std::vector<std::uint16_t>&, const std::string&) { return copy; };
    Recorder rec;
    const auto r = pm::train::runTraining(c, nullptr, rec.callback());
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(rec.samples, 1);
    for (const auto& e : rec.events) {
        if (e.kind == TrainEvent::Kind::Sample) {
            EXPECT_EQ(e.copy, "bars 1\u20138 copy " + file + " bars 1\u20138");
        }
        if (e.kind == TrainEvent::Kind::Warning) {   // the dataset stores its copy index: nothing built on the fly
            EXPECT_EQ(e.message.find("copy"), std::string::npos) << e.message;
        }
    }
    // metrics.jsonl's sample line carries it too.
    std::ifstream in(c.runDir + "/metrics.jsonl");
    std::string line, sampleLine;
    while (std::getline(in, line))
        if (line.find("\"sample\"") != std::string::npos) sampleLine = line;
    const nlohmann::json j = nlohmann::json::parse(sampleLine);
    EXPECT_EQ(j.at("copy"), "bars 1\u20138 copy " + file + " bars 1\u20138");
}

TEST_F(TrainerTest, AFailingSamplerIsAWarningNotAFailedRun) {
    pm::train::TrainConfig c = config("sample-fails", 2);
    c.checkpointEvery = 1;
    c.sampler = [](pm::model::Rwkv7Model&, const std::vector<std::uint16_t>&, const std::string&) -> std::vector<std::uint16_t> {
        throw std::runtime_error("no generator today");
    };
    Recorder rec;
    const auto r = pm::train::runTraining(c, nullptr, rec.callback());
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(rec.samples, 0);
    EXPECT_GE(rec.warnings, 2);
}

}  // namespace

namespace {

TEST(AutocastGuard, SwitchesBf16OnAndRestoresTheState) {
    ASSERT_FALSE(pm::train::AutocastGuard::active(c10::DeviceType::CPU));
    {
        pm::train::AutocastGuard g(c10::DeviceType::CPU, true);
        EXPECT_TRUE(pm::train::AutocastGuard::active(c10::DeviceType::CPU));
        const torch::Tensor a = torch::ones({4, 8}), b = torch::ones({8, 2});
        EXPECT_EQ(torch::matmul(a, b).scalar_type(), torch::kBFloat16);   // the product autocasts
        {
            pm::train::AutocastGuard off(c10::DeviceType::CPU, false);   // a disabled guard changes nothing
            EXPECT_TRUE(pm::train::AutocastGuard::active(c10::DeviceType::CPU));
        }
    }
    EXPECT_FALSE(pm::train::AutocastGuard::active(c10::DeviceType::CPU));
    EXPECT_EQ(torch::matmul(torch::ones({4, 8}), torch::ones({8, 2})).scalar_type(), torch::kFloat);
}

TEST(AutocastGuard, PrecisionNames) {
    EXPECT_FALSE(pm::train::useBf16Autocast("auto", c10::DeviceType::CPU));   // CPU: fp32 unless asked
    EXPECT_TRUE(pm::train::useBf16Autocast("bf16", c10::DeviceType::CPU));
    EXPECT_FALSE(pm::train::useBf16Autocast("fp32", c10::DeviceType::CUDA));
    EXPECT_THROW(pm::train::useBf16Autocast("fp8", c10::DeviceType::CPU), std::invalid_argument);
}

}  // namespace

TEST_F(TrainerTest, Bf16AutocastTrainsLikeFp32) {
    // The CUDA path's mixed precision, exercised on the CPU: same data, same seed. fp32 twice gives
    // the same losses, so a difference in the bf16 run is autocast's doing (not the order of the
    // runs); the bf16 run's losses differ from fp32's, but only by bf16 rounding, and it learns.
    // With more than one core each batch's rows are split over threads and autocast is
    // thread-local: without a guard in every shard the bf16 run was plain fp32 (LibTorch 2.5).
    const char* precision[3] = {"fp32", "fp32", "bf16"};
    std::map<std::int64_t, double> loss[3];
    for (int i = 0; i < 3; ++i) {
        pm::train::TrainConfig c = config(std::string(precision[i]) + std::to_string(i), 30);
        c.precision = precision[i];
        Recorder rec;
        const auto r = pm::train::runTraining(c, nullptr, rec.callback());
        ASSERT_TRUE(r.ok) << r.error;
        loss[i] = rec.loss;
        EXPECT_FALSE(pm::train::AutocastGuard::active(c10::DeviceType::CPU));
    }
    bool differs = false;
    for (std::int64_t s = 1; s <= 30; ++s) {
        ASSERT_TRUE(std::isfinite(loss[2].at(s)));
        EXPECT_EQ(loss[1].at(s), loss[0].at(s)) << "fp32 is not deterministic at step " << s;
        differs = differs || loss[0].at(s) != loss[2].at(s);
        EXPECT_NEAR(loss[2].at(s), loss[0].at(s), 0.05 * loss[0].at(s) + 0.05) << "step " << s;
    }
    EXPECT_TRUE(differs);
    EXPECT_LT(loss[2].at(30), 0.8 * loss[2].at(1));
}

TEST_F(TrainerTest, AFullDiskWhileCheckpointingKeepsThePreviousCheckpoint) {
    // "Disk full" for real writes: after the first checkpoint the file-size limit drops to 64 KiB,
    // so the next checkpoint's write fails (EFBIG) part-way; the limit is lifted again when the
    // trainer reports that failure.
    pm::train::TrainConfig c = config("disk-full", 3);
    c.checkpointEvery = 1;
    rlimit original{};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &original), 0);
    const auto previousHandler = std::signal(SIGXFSZ, SIG_IGN);
    int checkpoints = 0;
    std::vector<std::string> warnings;
    const auto r = pm::train::runTraining(c, nullptr, [&](const TrainEvent& e) {
        if (e.kind == TrainEvent::Kind::Checkpoint && ++checkpoints == 1) {
            rlimit small = original;
            small.rlim_cur = 64 * 1024;
            ::setrlimit(RLIMIT_FSIZE, &small);
        }
        if (e.kind == TrainEvent::Kind::Warning) {
            warnings.push_back(e.message);
            ::setrlimit(RLIMIT_FSIZE, &original);
        }
    });
    ::setrlimit(RLIMIT_FSIZE, &original);
    std::signal(SIGXFSZ, previousHandler);
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_FALSE(warnings.empty());
    EXPECT_NE(warnings.front().find("checkpoint not written"), std::string::npos) << warnings.front();
    const std::string dir = c.runDir + "/checkpoints/";
    nlohmann::json meta;
    EXPECT_EQ(pm::train::readCheckpointMeta(dir + "ckpt-000000001.pmckpt", &meta), "");
    EXPECT_FALSE(std::filesystem::exists(dir + "ckpt-000000002.pmckpt"));
    EXPECT_FALSE(std::filesystem::exists(dir + "ckpt-000000002.pmckpt.tmp"));   // no torn leftovers
    EXPECT_EQ(pm::train::readCheckpointMeta(dir + "ckpt-000000003.pmckpt", &meta), "");
}

TEST_F(TrainerTest, EarlyStoppingEndsARunWhoseValidationStopsImproving) {
    // A learning rate of 1e-12 leaves the weights as they are, so the validation loss never
    // improves by more than 1e-3 after the first validation: with validation every 2 steps and
    // patience 3 the run ends after the validations at 4, 6 and 8, at step 8 of 100.
    pm::train::TrainConfig c = config("early", 100);
    c.optim.lr = 1e-12;
    c.optim.lrFinal = 1e-13;
    c.validateEvery = 2;
    c.patience = 3;
    Recorder rec;
    const auto r = pm::train::runTraining(c, nullptr, rec.callback());
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_TRUE(r.earlyStopped);
    EXPECT_FALSE(r.stopped);
    EXPECT_EQ(r.step, 8);
    EXPECT_EQ(rec.validations, 4);
    EXPECT_GE(r.bestStep, 2);
    EXPECT_LE(r.bestValLoss, r.firstValLoss);
    EXPECT_NEAR(r.bestValLoss, r.firstValLoss, 1e-6);
    ASSERT_EQ(rec.events.back().kind, TrainEvent::Kind::Finished);
    EXPECT_EQ(rec.events.back().message.rfind("stopped early after 8 of 100 steps", 0), 0u) << rec.events.back().message;
    // The best model was exported when it was best and loads; the final model too.
    EXPECT_NO_THROW(pm::model::loadModel(c.runDir + "/model-best.safetensors"));
    EXPECT_NO_THROW(pm::model::loadModel(r.finalModel));
}

TEST_F(TrainerTest, EarlyStoppingStateSurvivesAResume) {
    // Stopped at step 5 (after the validations at 2 and 4: one without improvement), resumed: the
    // count goes on, so the run still ends at step 8 as the uninterrupted one did.
    pm::train::TrainConfig c = config("early-resume", 100);
    c.optim.lr = 1e-12;
    c.optim.lrFinal = 1e-13;
    c.validateEvery = 2;
    c.patience = 3;
    pm::train::TrainControl control;
    Recorder first;
    ASSERT_TRUE(pm::train::runTraining(c, &control, first.callback(&control, 5)).stopped);
    c.resume = true;
    c.patience = 0;   // the checkpoint's schedule wins over the config's
    Recorder second;
    const auto r = pm::train::runTraining(c, nullptr, second.callback());
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_TRUE(r.earlyStopped);
    EXPECT_EQ(r.step, 8);
}

TEST_F(TrainerTest, ExportNowWritesTheLatestModelWhileTrainingGoesOn) {
    pm::train::TrainConfig c = config("export", 16);
    pm::train::TrainControl control;
    std::vector<TrainEvent> exported;
    std::int64_t stepsAfterExport = 0;
    std::atomic<bool> exportedWhilePaused{false};
    std::thread helper;
    const auto r = pm::train::runTraining(c, &control, [&](const TrainEvent& e) {
        if (e.kind == TrainEvent::Kind::Step && e.step == 4) control.exportNow = true;
        if (e.kind == TrainEvent::Kind::Step && e.step == 9) {
            // Paused: an export asked for now still happens, before training resumes.
            control.pause = true;
            helper = std::thread([&] {
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
                control.exportNow = true;
                while (!exportedWhilePaused.load()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
                control.pause = false;
            });
        }
        if (e.kind == TrainEvent::Kind::Exported) {
            exported.push_back(e);
            if (exported.size() == 2) exportedWhilePaused = true;
        }
        if (e.kind == TrainEvent::Kind::Step && !exported.empty()) ++stepsAfterExport;
    });
    if (helper.joinable()) helper.join();
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(exported.size(), 2u);
    EXPECT_EQ(exported[0].step, 4);   // at the next step boundary
    EXPECT_EQ(exported[1].step, 9);   // while paused after step 9
    EXPECT_EQ(exported[0].path, c.runDir + "/model-latest.safetensors");
    EXPECT_FALSE(control.exportNow.load());
    EXPECT_EQ(stepsAfterExport, 12);   // steps 5-16 after the first export
    EXPECT_EQ(r.step, 16);
    // The file holds the weights of step 9 (the second export): the final model differs from it.
    const auto latest = pm::model::loadModel(exported[0].path), final = pm::model::loadModel(r.finalModel);
    EXPECT_FALSE(latest.tokenizerJson.empty());
    double diff = 0;
    auto pl = latest.model->named_parameters(), pf = final.model->named_parameters();
    for (const auto& item : pl) diff += (item.value() - pf[item.key()]).abs().sum().item<double>();
    EXPECT_GT(diff, 0);
}

TEST_F(TrainerTest, ThreadsControlSplitsRowsOverThatManyThreadsFromTheNextStep) {
    // threads = 1: the trainer's own thread does all (intra-op 1, OpenBLAS 1). threads = 2 (from
    // step 5): each batch's rows are split over two single-threaded shards, OpenBLAS stays at 1.
    // The thread that started the run keeps its own count, and the trainer thread gets its own
    // back when the run ends.
    const int original = at::get_num_threads();
    pm::train::TrainConfig c = config("threads", 8);
    pm::train::TrainControl control;
    control.threads = 1;
    std::map<std::int64_t, int> seen, used, blas;
    using GetThreads = int (*)();
    const auto openblasThreads = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    pm::train::TrainResult r;
    int trainerBefore = 0, trainerAfter = 0, blasBefore = 0, blasAfter = 0;
    std::thread trainer([&] {
        pm::setThisThreadIntraOpThreads(3);   // something the run does not use itself
        trainerBefore = at::get_num_threads();
        if (openblasThreads) blasBefore = openblasThreads();
        r = pm::train::runTraining(c, &control, [&](const TrainEvent& e) {
            if (e.kind != TrainEvent::Kind::Step) return;
            seen[e.step] = at::get_num_threads();   // the callback runs on the trainer's thread
            used[e.step] = e.threads;
            if (openblasThreads) blas[e.step] = openblasThreads();
            if (e.step == 4) control.threads = 2;
        });
        trainerAfter = at::get_num_threads();
        if (openblasThreads) blasAfter = openblasThreads();
    });
    trainer.join();
    ASSERT_TRUE(r.ok) << r.error;
    for (std::int64_t s = 1; s <= 4; ++s) {
        EXPECT_EQ(seen.at(s), 1) << "step " << s;
        EXPECT_EQ(used.at(s), 1) << "step " << s;
    }
    for (std::int64_t s = 5; s <= 8; ++s) {
        EXPECT_EQ(seen.at(s), 1) << "step " << s;   // each shard single-threaded
        EXPECT_EQ(used.at(s), 2) << "step " << s;
    }
    if (openblasThreads) {
        EXPECT_EQ(blas.at(4), 1);
        EXPECT_EQ(blas.at(5), 1);
        EXPECT_EQ(blasAfter, blasBefore);
    }
    EXPECT_EQ(trainerBefore, 3);
    EXPECT_EQ(trainerAfter, 3);
    EXPECT_EQ(at::get_num_threads(), original);
}

TEST_F(TrainerTest, RowsSplitOverThreadsGiveTheOneThreadGradients) {
    // The same steps with the rows split over 2 and 3 threads (3 does not divide the batch) as on
    // one thread: the losses agree to float rounding, and each split count is deterministic.
    auto losses = [&](const std::string& name, int threads) {
        pm::train::TrainConfig c = config(name, 6);
        c.l2wrap = 1;   // its factor is the whole batch's in every shard
        pm::train::TrainControl control;
        control.threads = threads;
        Recorder rec;
        const auto r = pm::train::runTraining(c, &control, rec.callback());
        EXPECT_TRUE(r.ok) << r.error;
        return rec.loss;
    };
    const auto one = losses("split-1", 1), two = losses("split-2", 2), three = losses("split-3", 3), twoAgain = losses("split-2b", 2);
    ASSERT_EQ(one.size(), 6u);
    for (const auto& [step, loss] : one) {
        EXPECT_NEAR(two.at(step), loss, 2e-5 * std::abs(loss)) << "step " << step;
        EXPECT_NEAR(three.at(step), loss, 2e-5 * std::abs(loss)) << "step " << step;
        EXPECT_EQ(twoAgain.at(step), two.at(step)) << "step " << step;
    }
}

TEST_F(TrainerTest, AStopDuringAForwardAbandonsTheStepBeforeItsBackward) {
    // The stop arrives during step 4's forward: its backward never runs, the run ends at step 3,
    // and the checkpoint resumes exactly (step 4 is replayed with the same batch).
    const std::int64_t N = 8;
    Recorder straight;
    const auto ra = pm::train::runTraining(config("straight-fwd", N), nullptr, straight.callback());
    ASSERT_TRUE(ra.ok) << ra.error;

    pm::train::TrainConfig c = config("stop-fwd", N);
    pm::train::TrainControl control;
    int backwards = 0;
    c.afterForward = [&](std::int64_t step, pm::model::Rwkv7Model&) {
        if (step == 3) control.stop = true;   // 0-based: the fourth step
    };
    c.afterBackward = [&](std::int64_t, pm::model::Rwkv7Model&) { ++backwards; };
    Recorder first;
    const auto rb = pm::train::runTraining(c, &control, first.callback());
    ASSERT_TRUE(rb.ok) << rb.error;
    EXPECT_TRUE(rb.stopped);
    EXPECT_EQ(rb.step, 3);
    EXPECT_EQ(backwards, 3);
    EXPECT_EQ(first.loss.count(4), 0u);

    c.afterForward = nullptr;
    c.afterBackward = nullptr;
    c.resume = true;
    Recorder second;
    const auto rc = pm::train::runTraining(c, nullptr, second.callback());
    ASSERT_TRUE(rc.ok) << rc.error;
    for (std::int64_t s = 4; s <= N; ++s) EXPECT_NEAR(second.loss.at(s), straight.loss.at(s), 1e-6) << "step " << s;
}

TEST_F(TrainerTest, AnUnavailableDeviceIsOneLineNamingTheAvailableOnes) {
    pm::train::TrainConfig c = config("no-such-gpu", 2);
    c.device = "cuda:99";
    const auto r = pm::train::runTraining(c, nullptr, {});
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("cuda:99"), std::string::npos) << r.error;
    EXPECT_NE(r.error.find("available: cpu"), std::string::npos) << r.error;
    EXPECT_EQ(r.error.find('\n'), std::string::npos);
    c.device = "cpu";
    EXPECT_TRUE(pm::train::runTraining(c, nullptr, {}).ok);
}
