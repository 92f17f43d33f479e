// `pianomuse-cli train`: fine-tune or train a model on a dataset directory, with a progress bar,
// metrics.jsonl, checkpoints and exact resume; Ctrl-C stops after writing a checkpoint.
// `pianomuse-cli eval`: validation loss and bits per note of a model against the unigram baseline.
#include "command.h"
#include "progress_printer.h"

#include "dataset/dataset_store.h"
#include "generate/training_sampler.h"
#include "model/base_model.h"
#include "model/checkpoint_io.h"
#include "train/trainer.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace pm::cli {
namespace {

struct TrainOptions {
    std::string data, out, base, preset = "tiny", method = "full", device = "auto", precision = "auto", resumeFrom;
    int ctxLen = 256, batch = 8, accum = 1, loraRank = 16, keepLast = 3, sampleBars = 4;
    std::int64_t steps = 1000, epochs = 0, validateEvery = 100;
    double lr = -1, lrFinal = -1, loraAlpha = 32, checkpointSeconds = 60;
    std::uint64_t seed = 1;
    bool resume = false, deepEmbed = false, continuation = false, noAugment = false, scratch = false;
    bool presetGiven = false;   // --preset on the command line: a new model of that size
};

// The trainer polls this; a signal handler may only touch lock-free atomics.
std::atomic<bool>* g_stopFlag = nullptr;
std::atomic<int> g_interrupts{0};

extern "C" void onInterrupt(int) {
    // First Ctrl-C: stop after the current step and a checkpoint. Second: leave now.
    if (g_interrupts.fetch_add(1) >= 1) std::_Exit(130);
    if (g_stopFlag) g_stopFlag->store(true);
}

int runTrain(TrainOptions o) {
    train::TrainConfig c;
    c.datasetDir = o.data;
    // -o RUN_DIR, or -o MODEL.safetensors: the run directory sits beside it as MODEL-run/.
    namespace fs = std::filesystem;
    if (fs::path(o.out).extension() == ".safetensors") {
        c.exportPath = o.out;
        c.runDir = (fs::path(o.out).parent_path() / (fs::path(o.out).stem().string() + "-run")).string();
    } else {
        c.runDir = o.out;
    }
    // No --base: fine-tune the bundled base model, unless a new model was asked for (--scratch,
    // --preset, --deepembed) or the run resumes (its checkpoint knows the model).
    const bool resuming = o.resume || !o.resumeFrom.empty();
    if (o.base.empty() && !o.scratch && !o.presetGiven && !o.deepEmbed && !resuming) {
        o.base = model::bundledBaseModelPath();
        if (!o.base.empty())
            std::fprintf(stderr, "fine-tuning the bundled base model %s (--scratch trains a new model)\n", o.base.c_str());
        else
            std::fprintf(stderr, "no bundled base model found: training a new %s model\n", o.preset.c_str());
    }
    c.baseModel = o.base;
    c.preset = o.preset;
    c.deepEmbed = o.deepEmbed;
    if (!train::parseMethod(o.method, &c.method)) {
        printError("--method must be full, lora or state");
        return kExitUsage;
    }
    if (c.method != train::Method::Full && o.base.empty() && !o.resume && o.resumeFrom.empty()) {
        printError("--method " + o.method + " fine-tunes an existing model: give --base MODEL");
        return kExitUsage;
    }
    c.loraRank = o.loraRank;
    c.loraAlpha = o.loraAlpha;
    c.batch.ctxLen = o.ctxLen;
    c.batch.batchSize = o.batch;
    c.batch.seed = o.seed;
    c.batch.augment = !o.noAugment;
    c.batch.lossMode = o.continuation ? train::LossMode::Continuation : train::LossMode::AllTokens;
    c.gradAccum = o.accum;
    c.steps = o.steps;
    c.epochs = o.epochs;
    // From scratch learns fast; fine-tuning wants small rates (RWKV-LM: "use very small LR").
    const bool scratch = o.base.empty();
    c.optim.lr = o.lr > 0 ? o.lr : (scratch ? 1e-3 : (c.method == train::Method::Full ? 1e-5 : 1e-4));
    c.optim.lrFinal = o.lrFinal > 0 ? o.lrFinal : c.optim.lr / 10;
    c.validateEvery = o.validateEvery;
    c.checkpointSeconds = o.checkpointSeconds;
    c.keepLast = o.keepLast;
    c.device = o.device;
    c.precision = o.precision;
    c.resume = o.resume || !o.resumeFrom.empty();
    c.resumeFrom = o.resumeFrom;
    if (o.sampleBars > 0) {
        gen::TrainingSampleOptions so;
        so.bars = o.sampleBars;
        so.seed = o.seed;
        c.sampler = gen::trainingSampler(so);
    }

    train::TrainControl control;
    g_stopFlag = &control.stop;
    auto previous = std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);

    ProgressPrinter progress("train");
    double lastVal = -1;
    const train::TrainResult r = train::runTraining(c, &control, [&](const train::TrainEvent& e) {
        using K = train::TrainEvent::Kind;
        char buf[200];
        switch (e.kind) {
        case K::Started:
        case K::Resumed:
            progress.finish();
            std::fprintf(stderr, "%s %s\n", e.kind == K::Started ? "training:" : "resumed at step",
                         e.kind == K::Started ? e.message.c_str() : (std::to_string(e.step) + " from " + e.path).c_str());
            break;
        case K::Step:
            if (lastVal >= 0) std::snprintf(buf, sizeof buf, "loss %.4f  val %.4f  lr %.2e  %.0f tok/s", e.loss, lastVal, e.lr, e.tokensPerSec);
            else std::snprintf(buf, sizeof buf, "loss %.4f  lr %.2e  %.0f tok/s", e.loss, e.lr, e.tokensPerSec);
            progress.update(std::size_t(e.step), std::size_t(e.totalSteps), buf);
            break;
        case K::Validation:
            lastVal = e.valLoss;
            progress.finish();
            std::fprintf(stderr, "step %lld: validation loss %.4f, %.3f bits/note, %.1f bits/s%s\n",
                         static_cast<long long>(e.step), e.valLoss, e.valBitsPerNote, e.valBitsPerSecond, e.best ? " (best)" : "");
            break;
        case K::Warning:
            progress.finish();
            std::fprintf(stderr, "warning: %s\n", e.message.c_str());
            break;
        case K::Sample:
            progress.finish();
            std::fprintf(stderr, "step %lld: sample %s\n", static_cast<long long>(e.step), e.path.c_str());
            break;
        case K::Checkpoint:
            break;
        case K::Finished:
            progress.finish();
            break;
        }
    });
    std::signal(SIGINT, previous);
    std::signal(SIGTERM, SIG_DFL);
    g_stopFlag = nullptr;
    progress.finish();
    if (!r.ok) {
        printError(r.error);
        return kExitFailed;
    }
    std::printf("%s at step %lld, loss %.4f\nmodel: %s\n", r.stopped ? "stopped" : "finished", static_cast<long long>(r.step),
                r.lastLoss, r.finalModel.c_str());
    if (!r.bestModel.empty()) std::printf("best: %s\n", r.bestModel.c_str());
    std::printf("checkpoint: %s\n", r.lastCheckpoint.c_str());
    return kExitOk;
}

struct EvalOptions {
    std::string model, data;
    int ctxLen = 256, batch = 8;
    bool json = false;
};

int runEval(const EvalOptions& o) {
    try {
        dataset::DatasetContents data;
        if (std::string e = dataset::loadDataset(o.data, &data); !e.empty()) throw std::runtime_error(e);
        model::LoadedModel lm = model::loadModel(o.model);
        train::BatcherOptions bo;
        bo.ctxLen = o.ctxLen;
        bo.batchSize = o.batch;
        bo.augment = false;
        train::Batcher trainSplit(data, dataset::Split::Train, bo), val(data, dataset::Split::Validation, bo);
        if (val.windowCount() == 0) throw std::runtime_error("the dataset has no validation pieces");
        if (lm.model->config().vocabSize < std::int64_t(val.vocabulary().size()))
            throw std::runtime_error("the model's vocabulary is smaller than the dataset's");
        const train::EvalResult r = train::evaluateWithBaseline(lm.model, trainSplit, val, data, 0, 2048);
        if (o.json) {
            std::cout << nlohmann::json{{"val_loss", r.loss},
                                        {"val_bits_per_note", r.bitsPerNote},
                                        {"val_bits_per_second", r.bitsPerSecond},
                                        {"unigram_bits_per_note", r.unigramBitsPerNote},
                                        {"n_notes", r.notes}}
                             .dump()
                      << '\n';
        } else {
            std::printf("validation loss   %.4f nats/token (%lld tokens)\n", r.loss, static_cast<long long>(r.tokens));
            std::printf("bits per note     %.3f (%lld notes)\n", r.bitsPerNote, static_cast<long long>(r.notes));
            std::printf("unigram baseline  %.3f bits/note\n", r.unigramBitsPerNote);
            std::printf("bits per second   %.1f\n", r.bitsPerSecond);
        }
        return kExitOk;
    } catch (const std::exception& e) {
        printError(e.what());
        return kExitFailed;
    }
}

}  // namespace

void addTrainCommand(CLI::App& root, CommandList& commands) {
    auto o = std::make_shared<TrainOptions>();
    CLI::App* app = root.add_subcommand("train", "Train or fine-tune a model on a dataset (resumable; Ctrl-C saves a checkpoint)");
    app->add_option("--data,--dataset", o->data, "Dataset directory (pianomuse-cli dataset build)")->required()->check(CLI::ExistingDirectory);
    app->add_option("-o,--out", o->out, "Run directory (metrics.jsonl, checkpoints, exported models), or MODEL.safetensors")->required();
    auto* base = app->add_option("--base", o->base, "Model to fine-tune (.safetensors or .pth); default: the bundled base model")
                     ->check(CLI::ExistingFile);
    auto* scratch = app->add_flag("--scratch", o->scratch, "Train a new model instead of fine-tuning the base model");
    scratch->excludes(base);
    auto* preset = app->add_option("--preset", o->preset, "Size of a new model (implies --scratch)")
                       ->check(CLI::IsMember(model::Rwkv7Config::presetNames()));
    preset->excludes(base);
    preset->each([o](const std::string&) { o->presetGiven = true; });
    app->add_flag("--deepembed", o->deepEmbed, "New model with RWKV-8 \"Heron\" DeepEmbed");
    app->add_option("--method", o->method, "full, lora or state")->check(CLI::IsMember({"full", "lora", "state"}));
    app->add_option("--lora-rank", o->loraRank, "LoRA rank")->check(CLI::Range(1, 1024));
    app->add_option("--lora-alpha", o->loraAlpha, "LoRA alpha");
    app->add_option("--ctx-len,--ctx", o->ctxLen, "Tokens per training window")->check(CLI::Range(8, 65536));
    app->add_option("--batch", o->batch, "Windows per batch")->check(CLI::Range(1, 4096));
    app->add_option("--grad-accum", o->accum, "Batches per optimiser step")->check(CLI::Range(1, 4096));
    auto* steps = app->add_option("--steps", o->steps, "Optimiser steps")->check(CLI::Range(int64_t(1), int64_t(1) << 40));
    app->add_option("--epochs", o->epochs, "Passes over the training windows (instead of --steps)")
        ->check(CLI::Range(int64_t(1), int64_t(1) << 30))
        ->excludes(steps);
    app->add_option("--lr", o->lr, "Peak learning rate (default 1e-3 new, 1e-5 full fine-tune, 1e-4 LoRA/state)")->check(CLI::PositiveNumber);
    app->add_option("--lr-final", o->lrFinal, "Learning rate at the end of the cosine (default lr/10)")->check(CLI::PositiveNumber);
    app->add_option("--validate-every", o->validateEvery, "Steps between validations (0 = at the end)");
    app->add_option("--checkpoint-seconds", o->checkpointSeconds, "Seconds between checkpoints")->check(CLI::PositiveNumber);
    app->add_option("--keep", o->keepLast, "Checkpoints to keep (plus the best)")->check(CLI::Range(1, 1000));
    app->add_option("--sample-bars", o->sampleBars, "Bars generated as a sample at each checkpoint (0 = no samples)")
        ->check(CLI::Range(0, 64));
    app->add_flag("--continuation", o->continuation, "Loss only on each window's completion span");
    app->add_flag("--no-augment", o->noAugment, "No transposition / tempo stretch");
    app->add_option("--device", o->device, "cpu, cuda or auto")->check(CLI::IsMember({"auto", "cpu", "cuda"}));
    app->add_option("--precision", o->precision, "auto (bf16 autocast on CUDA GPUs that support it), fp32 or bf16")
        ->check(CLI::IsMember({"auto", "fp32", "bf16"}));
    app->add_option("--seed", o->seed, "Seed for initialisation, order and augmentation");
    app->add_flag("--resume", o->resume, "Continue from the newest checkpoint in the run directory");
    app->add_option("--resume-from", o->resumeFrom, "Continue from this checkpoint file")->check(CLI::ExistingFile);
    commands.push_back({app, [o] { return runTrain(*o); }});

    auto e = std::make_shared<EvalOptions>();
    CLI::App* ev = root.add_subcommand("eval", "Validation loss and bits per note of a model on a dataset");
    ev->add_option("--model", e->model, "Model file")->required()->check(CLI::ExistingFile);
    ev->add_option("--data,--dataset", e->data, "Dataset directory")->required()->check(CLI::ExistingDirectory);
    ev->add_option("--ctx-len,--ctx", e->ctxLen, "Tokens per window")->check(CLI::Range(8, 65536));
    ev->add_option("--batch", e->batch, "Windows per batch")->check(CLI::Range(1, 4096));
    ev->add_flag("--json", e->json, "One JSON object on stdout");
    commands.push_back({ev, [e] { return runEval(*e); }});
}

}  // namespace pm::cli
