// `pianomuse-cli train`: fine-tune or train a model on a dataset directory, with a progress bar,
// metrics.jsonl, checkpoints and exact resume; Ctrl-C stops after writing a checkpoint. Without
// --steps/--epochs the run is planned from the data and this machine (printed before it starts).
// `pianomuse-cli eval`: validation loss and bits per note of a model against the unigram baseline.
#include "command.h"
#include "progress_printer.h"

#include "core/resource_paths.h"
#include "core/system_info.h"
#include "dataset/dataset_store.h"
#include "dist/communicator.h"
#include "dist/launch_env.h"
#include "dist/local_launcher.h"
#include "generate/infill_eval.h"
#include "generate/training_sampler.h"
#include "model/base_model.h"
#include "model/checkpoint_io.h"
#include "train/train_defaults.h"
#include "train/train_plan.h"
#include "train/trainer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

namespace pm::cli {
namespace {

struct TrainOptions {
    train::TrainChoices choices;
    std::string method = "full";
    std::int64_t validateEvery = -1;   // -1: not given (the default); 0: only at the end
    double maxMinutes = 0;             // planned runs: 0 = the default budget (PlanOptions)
    bool noAugment = false, scratch = false;
    bool presetGiven = false;   // --preset on the command line: a new model of that size
    bool dryRun = false, json = false, probe = false;
    // Distributed (docs/distributed.md).
    int nproc = 0;                    // > 1: start that many local workers
    std::string masterAddr;           // overrides MASTER_ADDR (Slurm has none)
    int masterPort = 0;
    double distTimeout = 60;          // seconds: rendezvous, collectives, a lost rank
    std::int64_t checksumEvery = 50;
};

// The trainer polls this; a signal handler may only touch lock-free atomics.
std::atomic<bool>* g_stopFlag = nullptr;
std::atomic<int> g_interrupts{0};

extern "C" void onInterrupt(int) {
    // First Ctrl-C: stop after the current step and a checkpoint. Second: leave now.
    if (g_interrupts.fetch_add(1) >= 1) std::_Exit(130);
    if (g_stopFlag) g_stopFlag->store(true);
}

// The --nproc launcher only counts presses; runLocalWorkers forwards each one to the workers.
extern "C" void onLauncherInterrupt(int) { g_interrupts.fetch_add(1); }

// The workers' command line: ours without --nproc (they read their place from the environment).
std::vector<std::string> workerArguments() {
    std::vector<std::string> out;
    const std::vector<std::string>& in = rawArguments();
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == "--nproc") {
            ++i;
            continue;
        }
        if (in[i].rfind("--nproc=", 0) == 0) continue;
        out.push_back(in[i]);
    }
    return out;
}

int launchWorkers(const TrainOptions& o) {
    dist::LaunchEnv here;
    std::string error;
    if (dist::readLaunchEnv({}, &here, &error) && here.distributed) {
        printError("--nproc starts its own workers; under torchrun, Slurm or another launcher leave it out (this process is " +
                   dist::describe(here) + ")");
        return kExitUsage;
    }
    if (!dist::distributedAvailable(&error)) {
        printError(error);
        return kExitFailed;
    }
    dist::LocalLaunch l;
    l.program = executablePath();
    if (l.program.empty()) {
        printError("cannot find this program's own path to start the workers");
        return kExitFailed;
    }
    l.args = workerArguments();
    l.nproc = o.nproc;
    if (!o.masterAddr.empty()) l.masterAddr = o.masterAddr;
    l.masterPort = o.masterPort;
    l.timeoutSeconds = o.distTimeout;
    l.log = [](const std::string& line) { std::fprintf(stderr, "pianomuse-cli: %s\n", line.c_str()); };
    g_interrupts = 0;
    auto previous = std::signal(SIGINT, onLauncherInterrupt);
    std::signal(SIGTERM, onLauncherInterrupt);
    std::fprintf(stderr, "starting %d worker processes on this machine\n", o.nproc);
    const int code = dist::runLocalWorkers(l, &g_interrupts);
    std::signal(SIGINT, previous);
    std::signal(SIGTERM, SIG_DFL);
    return code;
}

// The config as a person reads it (`--dry-run` without --json).
void printConfig(const train::TrainConfig& c) {
    std::printf("dataset      %s\n", c.datasetDir.c_str());
    std::printf("run          %s\n", c.runDir.c_str());
    if (!c.exportPath.empty()) std::printf("export       %s\n", c.exportPath.c_str());
    if (c.resume) std::printf("model        resumed from %s\n", c.resumeFrom.empty() ? "the newest checkpoint" : c.resumeFrom.c_str());
    else if (c.baseModel.empty()) std::printf("model        a new %s model%s\n", c.preset.c_str(), c.deepEmbed ? " (DeepEmbed)" : "");
    else std::printf("model        fine-tune %s\n", c.baseModel.c_str());
    std::printf("method       %s", train::methodName(c.method));
    if (c.method == train::Method::Lora) std::printf(" (rank %d, alpha %g)", c.loraRank, c.loraAlpha);
    std::printf("\nlr           %g -> %g (cosine, %lld warm-up steps)\n", c.optim.lr, c.optim.lrFinal,
                static_cast<long long>(c.optim.warmupSteps));
    if (c.steps > 0) std::printf("length       %lld steps\n", static_cast<long long>(c.steps));
    else if (c.epochs > 0) std::printf("length       %lld passes over the data\n", static_cast<long long>(c.epochs));
    else
        std::printf("length       planned: %g passes over the data within %.0f minutes, measured before training "
                    "(--probe measures now)\n", c.plan.targetPasses, c.plan.maxSeconds / 60);
    std::printf("batch        %d windows x %d tokens%s\n", c.batch.batchSize, c.batch.ctxLen,
                c.gradAccum > 1 ? (", " + std::to_string(c.gradAccum) + " batches per step").c_str() : "");
    if (c.validateEvery > 0) std::printf("validation   every %lld steps", static_cast<long long>(c.validateEvery));
    else if (c.validateEvery == 0) std::printf("validation   at the end");
    else std::printf("validation   as the plan decides");
    if (c.patience > 0) std::printf(", stops early after %d without improvement", c.patience);
    std::printf("\ndevice       %s, precision %s\n", c.device.c_str(), c.precision.c_str());
}

int runTrain(TrainOptions o, int threads) {
    if (o.nproc > 1 && !o.dryRun) return launchWorkers(o);
    train::TrainChoices& ch = o.choices;
    // -o RUN_DIR, or -o MODEL.safetensors: the run directory sits beside it as MODEL-run/.
    namespace fs = std::filesystem;
    const std::string out = ch.runDir;
    if (fs::path(out).extension() == ".safetensors") {
        ch.exportPath = out;
        ch.runDir = (fs::path(out).parent_path() / (fs::path(out).stem().string() + "-run")).string();
    }
    // No --base: fine-tune the bundled base model, unless a new model was asked for (--scratch,
    // --preset, --deepembed) or the run resumes (its checkpoint knows the model).
    const bool resuming = ch.resume || !ch.resumeFrom.empty();
    if (ch.baseModel.empty() && !o.scratch && !o.presetGiven && !ch.deepEmbed && !resuming) {
        ch.baseModel = model::bundledBaseModelPath();
        if (!ch.baseModel.empty())
            std::fprintf(stderr, "fine-tuning the bundled base model %s (--scratch trains a new model)\n", ch.baseModel.c_str());
        else
            std::fprintf(stderr, "no bundled base model found: training a new %s model\n", ch.preset.c_str());
    }
    if (!train::parseMethod(o.method, &ch.method)) {
        printError("--method must be full, lora or state");
        return kExitUsage;
    }
    ch.augment = !o.noAugment;
    ch.validateEvery = o.validateEvery < 0 ? 0 : o.validateEvery == 0 ? -1 : o.validateEvery;
    ch.maxSeconds = o.maxMinutes * 60;
    if (std::string problem = train::checkTrainChoices(ch); !problem.empty()) {
        printError(problem);
        return kExitUsage;
    }

    train::TrainConfig c = train::makeTrainConfig(ch);
    const bool planned = c.steps <= 0 && c.epochs <= 0 && !c.resume;
    if (ch.sampleBars > 0) {
        gen::TrainingSampleOptions so;
        so.bars = ch.sampleBars;
        so.seed = ch.seed;
        c.sampler = gen::trainingSampler(so);   // before a --probe too: the plan counts the samples' time
    }

    if (o.dryRun) {
        if (o.probe && planned) {
            const train::TrainPlan plan = train::planTraining(c, c.plan, nullptr);
            if (!plan.ok) {
                printError(plan.error);
                return kExitFailed;
            }
            train::applyPlan(plan, &c);
            std::fprintf(stderr, "plan: %s\n", train::describePlan(plan).c_str());
        }
        if (o.json) std::cout << train::trainConfigJson(c) << '\n';
        else printConfig(c);
        return kExitOk;
    }

    // A worker of a distributed run (torchrun, Slurm, --nproc): join the others first.
    dist::LaunchEnv env;
    std::string envError;
    dist::LaunchOverrides overrides;
    overrides.masterAddr = o.masterAddr;
    overrides.masterPort = o.masterPort;
    if (!dist::readLaunchEnv(overrides, &env, &envError)) {
        printError(envError);
        return kExitFailed;
    }
    const bool quiet = env.distributed && env.rank != 0;   // rank 0 reports; the others only fail
    auto rankError = [&](const std::string& message) {
        printError(env.distributed && env.world > 1 ? "rank " + std::to_string(env.rank) + ": " + message : message);
    };
    if (env.distributed) {
        if (std::string why; !dist::distributedAvailable(&why)) {
            if (env.world > 1) {
                printError(why);
                return kExitFailed;
            }
        } else {
            // One GPU per local rank, as torchrun expects (LOCAL_RANK -> cuda:LOCAL_RANK).
            ComputeDevice dev;
            std::string devError;
            if ((c.device == "cuda" || c.device == "auto") && resolveDevice(c.device, &dev, &devError) &&
                dev.kind == DeviceKind::Cuda)
                c.device = "cuda:" + std::to_string(env.localRank);
            // The machine's cores shared between its ranks, unless --threads said otherwise.
            if (threads == 0 && env.localWorld > 1) {
                const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
                threads = std::max(1, int(cores) / env.localWorld);
            }
            dist::CommOptions co;
            co.timeoutSeconds = o.distTimeout;
            co.cuda = c.device.rfind("cuda", 0) == 0;
            co.cudaDevice = env.localRank;
            try {
                c.comm = dist::Communicator::connect(env, co);
            } catch (const std::exception& ex) {
                rankError(ex.what());
                return kExitFailed;
            }
            c.checksumEvery = o.checksumEvery;
            if (!quiet) std::fprintf(stderr, "distributed: %d processes over %s, master %s:%d\n", env.world, c.comm->backend().c_str(),
                                     env.masterAddr.c_str(), env.masterPort);
        }
    }

    if (planned && !quiet) std::fprintf(stderr, "planning: measuring training speed on this machine ...\n");

    train::TrainControl control;
    // The root's --threads: main() set LibTorch's count already; through the control the trainer
    // also sizes OpenBLAS's pool, which at::set_num_threads leaves alone.
    control.threads = threads;
    g_stopFlag = &control.stop;
    auto previous = std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
#ifdef SIGBREAK
    std::signal(SIGBREAK, onInterrupt);   // Windows: the --nproc launcher forwards Ctrl-C as Ctrl-Break
#endif

    ProgressPrinter progress("train");
    double lastVal = -1;
    std::string endMessage;
    const train::TrainResult r = train::runTraining(c, &control, [&](const train::TrainEvent& e) {
        using K = train::TrainEvent::Kind;
        if (quiet) return;
        char buf[200];
        switch (e.kind) {
        case K::Planned:
            progress.finish();
            std::fprintf(stderr, "plan: %s\n", e.message.c_str());
            break;
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
        case K::Exported:
            break;
        case K::Finished:
            progress.finish();
            endMessage = e.message;
            break;
        }
    });
    std::signal(SIGINT, previous);
    std::signal(SIGTERM, SIG_DFL);
    g_stopFlag = nullptr;
    progress.finish();
    if (!r.ok) {
        rankError(r.error);
        return kExitFailed;
    }
    if (quiet) return kExitOk;
    std::printf("%s\nloss %.4f\nmodel: %s\n", endMessage.c_str(), r.lastLoss, r.finalModel.c_str());
    if (!r.bestModel.empty()) std::printf("best: %s\n", r.bestModel.c_str());
    std::printf("checkpoint: %s\n", r.lastCheckpoint.c_str());
    return kExitOk;
}

struct EvalOptions {
    std::string model, data;
    int ctxLen = 256, batch = 8;
    bool json = false;
    bool infill = false;             // --infill: both sides vs the left side only (issue 19)
    int infillGaps = 4, infillMaxBars = 4;
    std::uint64_t infillSeed = 1;
    std::size_t infillBefore = gen::InfillEvalOptions().contextBefore, infillAfter = gen::InfillEvalOptions().contextAfter;
};

// `eval --infill`: bits per note of true middles given both sides vs the left side only.
int runInfillEval(const EvalOptions& o) {
    dataset::DatasetContents data;
    if (std::string e = dataset::loadDataset(o.data, &data); !e.empty()) {
        printError(e);
        return kExitFailed;
    }
    model::LoadedModel lm;
    try {
        lm = model::loadModel(o.model);
    } catch (const std::exception& e) {
        printError(e.what());
        return kExitFailed;
    }
    gen::InfillEvalOptions io;
    io.gapsPerPiece = o.infillGaps;
    io.maxGapBars = o.infillMaxBars;
    io.seed = o.infillSeed;
    io.contextBefore = o.infillBefore;
    io.contextAfter = o.infillAfter;
    const gen::InfillEvalResult r = gen::evaluateInfill(lm.model, data, io);
    if (!r.error.empty()) {
        printError(r.error);
        return kExitFailed;
    }
    const double saved = r.bitsPerNoteLeft() > 0 ? 100.0 * (1.0 - r.bitsPerNoteBoth() / r.bitsPerNoteLeft()) : 0.0;
    if (o.json) {
        std::cout << nlohmann::json{{"pieces", r.pieces},
                                    {"gaps", r.gaps},
                                    {"notes", r.notes},
                                    {"context_before_tokens", o.infillBefore},
                                    {"context_after_tokens", o.infillAfter},
                                    {"bits_per_note_both_sides", r.bitsPerNoteBoth()},
                                    {"bits_per_note_left_only", r.bitsPerNoteLeft()},
                                    {"right_side_saves_percent", saved}}
                         .dump()
                  << '\n';
    } else {
        std::printf("infilling: %zu gaps of 1-%d bars in %zu validation pieces (%zu notes)\n", r.gaps, o.infillMaxBars,
                    r.pieces, r.notes);
        std::printf("given both sides     %.3f bits/note\n", r.bitsPerNoteBoth());
        std::printf("given the left only  %.3f bits/note\n", r.bitsPerNoteLeft());
        std::printf("the bars after the gap save %.1f %%\n", saved);
    }
    return kExitOk;
}

int runEval(const EvalOptions& o) {
    if (o.infill) return runInfillEval(o);
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

// "1e-3 for a new model; fine-tuning 1e-4 (full), 1e-3 (lora), 1e-2 (state)": read from the
// policy itself so the help cannot drift from what the run does.
std::string learningRateHelp() {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "Peak learning rate (default %g for a new model; fine-tuning %g full, %g LoRA, %g state)",
                  train::defaultLearningRate(true, train::Method::Full), train::defaultLearningRate(false, train::Method::Full),
                  train::defaultLearningRate(false, train::Method::Lora), train::defaultLearningRate(false, train::Method::State));
    return buf;
}

}  // namespace

void addTrainCommand(CLI::App& root, CommandList& commands) {
    auto o = std::make_shared<TrainOptions>();
    train::TrainChoices& ch = o->choices;
    const train::PlanOptions planDefaults;
    CLI::App* app = root.add_subcommand(
        "train", "Train or fine-tune a model on a dataset (resumable; Ctrl-C saves a checkpoint). Without --steps or "
                 "--epochs the run is planned from the data and this machine and printed before it starts");
    app->add_option("--data,--dataset", ch.datasetDir, "Dataset directory (pianomuse-cli dataset build)")->required()->check(CLI::ExistingDirectory);
    app->add_option("-o,--out", ch.runDir, "Run directory (metrics.jsonl, checkpoints, exported models), or MODEL.safetensors")->required();
    auto* base = app->add_option("--base", ch.baseModel, "Model to fine-tune (.safetensors or .pth); default: the bundled base model")
                     ->check(CLI::ExistingFile);
    auto* scratch = app->add_flag("--scratch", o->scratch, "Train a new model instead of fine-tuning the base model");
    scratch->excludes(base);
    auto* preset = app->add_option("--preset", ch.preset, "Size of a new model (implies --scratch)")
                       ->check(CLI::IsMember(model::Rwkv7Config::presetNames()));
    preset->excludes(base);
    preset->each([o](const std::string&) { o->presetGiven = true; });
    app->add_flag("--deepembed", ch.deepEmbed, "New model with RWKV-8 \"Heron\" DeepEmbed");
    app->add_option("--method", o->method, "full, lora or state")->check(CLI::IsMember({"full", "lora", "state"}))->capture_default_str();
    app->add_option("--lora-rank", ch.loraRank, "LoRA rank")->check(CLI::Range(1, 1024))->capture_default_str();
    app->add_option("--lora-alpha", ch.loraAlpha, "LoRA alpha (default 2 x rank)")->check(CLI::PositiveNumber);
    app->add_option("--ctx-len,--ctx", ch.ctxLen, "Tokens per training window")->check(CLI::Range(8, 65536))->capture_default_str();
    app->add_option("--batch", ch.batchSize, "Windows per batch")->check(CLI::Range(1, 4096))->capture_default_str();
    app->add_option("--grad-accum", ch.gradAccum, "Batches per optimiser step")->check(CLI::Range(1, 4096))->capture_default_str();
    auto* steps = app->add_option("--steps", ch.steps, "Optimiser steps (default: planned from the data and this machine)")
                      ->check(CLI::Range(int64_t(1), int64_t(1) << 40));
    app->add_option("--epochs", ch.epochs, "Passes over the training windows (instead of --steps)")
        ->check(CLI::Range(int64_t(1), int64_t(1) << 30))
        ->excludes(steps);
    char planHelp[200];
    std::snprintf(planHelp, sizeof planHelp, "Planned runs: passes over the data wanted (default %g)", planDefaults.targetPasses);
    app->add_option("--passes", ch.targetPasses, planHelp)->check(CLI::PositiveNumber)->excludes(steps);
    std::snprintf(planHelp, sizeof planHelp, "Planned runs: time budget in minutes (default %g)", planDefaults.maxSeconds / 60);
    app->add_option("--max-minutes", o->maxMinutes, planHelp)->check(CLI::PositiveNumber)->excludes(steps);
    app->add_option("--lr", ch.lr, learningRateHelp())->check(CLI::PositiveNumber);
    app->add_option("--lr-final", ch.lrFinal, "Learning rate at the end of the cosine (default lr/10)")->check(CLI::PositiveNumber);
    char validateHelp[200];
    std::snprintf(validateHelp, sizeof validateHelp,
                  "Steps between validations (default: the plan's, or %lld with --steps/--epochs; 0 = only at the end)",
                  static_cast<long long>(train::kDefaultValidateEvery));
    app->add_option("--validate-every", o->validateEvery, validateHelp)->check(CLI::Range(int64_t(0), int64_t(1) << 40));
    char patienceHelp[200];
    std::snprintf(patienceHelp, sizeof patienceHelp,
                  "Stop after N validations without improvement (default %d for planned runs, off with --steps/--epochs; "
                  "0 = never)",
                  train::defaultPatience());
    app->add_option("--patience", ch.patience, patienceHelp)->check(CLI::Range(0, 1000000));
    app->add_option("--checkpoint-seconds", ch.checkpointSeconds, "Seconds between checkpoints")->check(CLI::PositiveNumber)->capture_default_str();
    app->add_option("--keep", ch.keepLast, "Checkpoints to keep (plus the best)")->check(CLI::Range(1, 1000))->capture_default_str();
    app->add_option("--sample-bars", ch.sampleBars, "Bars generated as a sample at each checkpoint (0 = no samples)")
        ->check(CLI::Range(0, 64))->capture_default_str();
    app->add_flag("--continuation", ch.continuation, "Loss only on each window's completion span");
    app->add_flag("--no-augment", o->noAugment, "No transposition / tempo stretch");
    app->add_option("--fim-rate", ch.fimRate,
                    "Fraction of training windows rearranged for infilling (fill in the middle; 0 = none)")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    app->add_option("--device", ch.device, "auto, cpu, cuda or cuda:N")->check(deviceSpecValidator())->capture_default_str();
    app->add_option("--precision", ch.precision, "auto (bf16 autocast on CUDA GPUs that support it), fp32 or bf16")
        ->check(CLI::IsMember({"auto", "fp32", "bf16"}))->capture_default_str();
    app->add_option("--seed", ch.seed, "Seed for initialisation, order and augmentation")->capture_default_str();
    app->add_flag("--resume", ch.resume, "Continue from the newest checkpoint in the run directory (with its schedule)");
    app->add_option("--resume-from", ch.resumeFrom, "Continue from this checkpoint file")->check(CLI::ExistingFile);
    auto* dry = app->add_flag("--dry-run", o->dryRun, "Print the run's configuration and exit (nothing is measured or written)");
    app->add_flag("--json", o->json, "With --dry-run: the configuration as one JSON object on stdout")->needs(dry);
    app->add_option("--nproc", o->nproc,
                    "Start N worker processes on this machine (data parallel; --batch is per process). Under torchrun or "
                    "Slurm leave it out: their RANK/WORLD_SIZE (SLURM_PROCID/SLURM_NTASKS) are read instead")
        ->check(CLI::Range(1, 1024));
    app->add_option("--master-addr", o->masterAddr, "Distributed: rank 0's host (default MASTER_ADDR; needed under Slurm)");
    app->add_option("--master-port", o->masterPort, "Distributed: the rendezvous port (default MASTER_PORT, else 29500)")
        ->check(CLI::Range(1, 65535));
    app->add_option("--dist-timeout", o->distTimeout,
                    "Distributed: seconds to wait for the other processes (joining, each all-reduce, a lost one)")
        ->check(CLI::Range(1.0, 86400.0))->capture_default_str();
    app->add_option("--checksum-every", o->checksumEvery, "Distributed: steps between parameter checks across processes (0 = off)")
        ->check(CLI::Range(int64_t(0), int64_t(1) << 40))->capture_default_str();
    app->add_flag("--probe", o->probe, "With --dry-run: measure this machine's speed and apply the plan (a few seconds)")
        ->needs(dry);
    commands.push_back({app, [o, &root] {
        const CLI::Option* threads = root.get_option("--threads");   // the root's, see cli/main.cpp
        return runTrain(*o, threads->count() > 0 ? threads->as<int>() : 0);
    }});

    auto e = std::make_shared<EvalOptions>();
    CLI::App* ev = root.add_subcommand("eval", "Validation loss and bits per note of a model on a dataset");
    ev->add_option("--model", e->model, "Model file")->required()->check(CLI::ExistingFile);
    ev->add_option("--data,--dataset", e->data, "Dataset directory")->required()->check(CLI::ExistingDirectory);
    ev->add_option("--ctx-len,--ctx", e->ctxLen, "Tokens per window")->check(CLI::Range(8, 65536));
    ev->add_option("--batch", e->batch, "Windows per batch")->check(CLI::Range(1, 4096));
    ev->add_flag("--json", e->json, "One JSON object on stdout");
    ev->add_flag("--infill", e->infill,
                 "Infilling instead: bits per note of random gaps given the bars on both sides vs the bars before only");
    ev->add_option("--infill-gaps", e->infillGaps, "--infill: random gaps per validation piece")
        ->check(CLI::Range(1, 1000))->capture_default_str();
    ev->add_option("--infill-max-bars", e->infillMaxBars, "--infill: gaps of 1 to this many bars")
        ->check(CLI::Range(1, 64))->capture_default_str();
    ev->add_option("--infill-seed", e->infillSeed, "--infill: seed of the gaps")->capture_default_str();
    ev->add_option("--infill-before", e->infillBefore,
                   "--infill: tokens of context before the gap (whole bars; at least the bar before it)")
        ->check(CLI::Range(1, 65536))->capture_default_str();
    ev->add_option("--infill-after", e->infillAfter,
                   "--infill: tokens of context after the gap (whole bars; at least the bar after it)")
        ->check(CLI::Range(1, 65536))->capture_default_str();
    commands.push_back({ev, [e] { return runEval(*e); }});
}

}  // namespace pm::cli
