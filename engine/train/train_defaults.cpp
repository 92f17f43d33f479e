#include "train/train_defaults.h"

#include "core/system_info.h"   // isDeviceSpec

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>

namespace pm::train {

double defaultLearningRate(bool newModel, Method method) {
    // From scratch: RWKV-LM's rate for small models (the bundled base was pretrained at 1e-3).
    if (newModel) return 1e-3;
    // Fine-tuning rates measured with planned runs of the bundled base model on the demo set and
    // on /work/shared/data/midi (docs/training.md, "Choosing the defaults"): full 3e-4 learnt new
    // music much faster than 1e-4 in the same budget (early stopping catches its quicker overfit on
    // music the base already knows). State tuning trains only the initial WKV states and wants a
    // large rate: 1e-1 beat 1e-2 on both sets.
    switch (method) {
    case Method::Full: return 3e-4;
    case Method::Lora: return 1e-3;
    case Method::State: return 1e-1;
    }
    return 1e-4;
}

double defaultLoraAlpha(int rank) { return 2.0 * rank; }

int defaultPatience() { return 3; }

std::string checkTrainChoices(const TrainChoices& c) {
    const bool resuming = c.resume || !c.resumeFrom.empty();
    if (c.datasetDir.empty()) return "no dataset chosen";
    if (c.runDir.empty()) return "no run directory chosen";
    if (c.method != Method::Full && c.baseModel.empty() && !resuming)
        return std::string("the ") + methodName(c.method) + " method fine-tunes an existing model: choose a base model";
    if (c.steps < 0 || c.epochs < 0) return "steps and epochs cannot be negative";
    if (c.targetPasses < 0 || c.maxSeconds < 0) return "passes and the time budget cannot be negative";
    if (c.steps > 0 && c.epochs > 0) return "give steps or epochs, not both";
    if (c.loraRank < 1) return "the LoRA rank must be at least 1";
    if (c.loraAlpha < 0) return "the LoRA alpha cannot be negative";
    if (c.lr < 0 || c.lrFinal < 0) return "learning rates cannot be negative";
    if (c.ctxLen < 8) return "the context length must be at least 8 tokens";
    if (c.batchSize < 1 || c.gradAccum < 1) return "batch size and gradient accumulation must be at least 1";
    if (!(c.fimRate >= 0 && c.fimRate <= 1)) return "the infilling rate must be between 0 and 1";
    if (!isDeviceSpec(c.device)) return "device '" + c.device + "' must be auto, cpu, cuda or cuda:N";
    if (c.precision != "auto" && c.precision != "fp32" && c.precision != "bf16")
        return "precision '" + c.precision + "' must be auto, fp32 or bf16";
    return "";
}

TrainConfig makeTrainConfig(const TrainChoices& ch) {
    TrainConfig c;
    c.datasetDir = ch.datasetDir;
    c.runDir = ch.runDir;
    c.exportPath = ch.exportPath;
    c.baseModel = ch.baseModel;
    c.preset = ch.preset;
    c.deepEmbed = ch.deepEmbed;
    c.method = ch.method;
    c.loraRank = ch.loraRank;
    c.loraAlpha = ch.loraAlpha > 0 ? ch.loraAlpha : defaultLoraAlpha(ch.loraRank);

    c.batch.ctxLen = ch.ctxLen;
    c.batch.batchSize = ch.batchSize;
    c.batch.seed = ch.seed;
    c.batch.augment = ch.augment;
    c.batch.lossMode = ch.continuation ? LossMode::Continuation : LossMode::AllTokens;
    c.batch.infillRate = ch.fimRate;
    c.gradAccum = ch.gradAccum;

    c.steps = ch.steps;
    c.epochs = ch.epochs;
    if (ch.targetPasses > 0) c.plan.targetPasses = ch.targetPasses;
    if (ch.maxSeconds > 0) c.plan.maxSeconds = ch.maxSeconds;
    const bool planned = ch.steps <= 0 && ch.epochs <= 0;
    // A resumed run takes its model and schedule from the checkpoint; the rate here is only what
    // a checkpoint without a stored schedule (older runs) falls back to.
    const bool newModel = ch.baseModel.empty();
    c.optim.lr = ch.lr > 0 ? ch.lr : defaultLearningRate(newModel, ch.method);
    c.optim.lrFinal = ch.lrFinal > 0 ? ch.lrFinal : c.optim.lr / 10;

    // Planned runs: -1 lets the plan choose the interval; fixed runs keep the old 100 steps.
    c.validateEvery = ch.validateEvery > 0 ? ch.validateEvery : ch.validateEvery < 0 ? 0 : planned ? -1 : kDefaultValidateEvery;
    // Early stopping is part of the one-click plan; a run with a fixed length does what it was told
    // unless patience was asked for.
    c.patience = ch.patience >= 0 ? ch.patience : planned ? defaultPatience() : 0;
    c.checkpointSeconds = ch.checkpointSeconds;
    c.keepLast = ch.keepLast;
    c.device = ch.device;
    c.precision = ch.precision;
    c.resume = ch.resume || !ch.resumeFrom.empty();
    c.resumeFrom = ch.resumeFrom;
    return c;
}

namespace {

// The shortest text that reads back as the same double, in the C locale whatever the process's
// locale is (Qt sets LC_NUMERIC from the user's: printf would write "0,0003" in German, which the
// CLI would refuse).
std::string exactNumber(double v) {
    char buf[64];
    const std::to_chars_result r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

}  // namespace

std::vector<std::string> trainCommandLine(const TrainChoices& c, int processes, std::string* error) {
    const auto fail = [error](const std::string& why) {
        if (error) *error = why;
        return std::vector<std::string>();
    };
    if (std::string problem = checkTrainChoices(c); !problem.empty()) return fail(problem);
    if (processes < 1) return fail("the number of processes must be at least 1");

    std::vector<std::string> a = {"train"};
    if (processes > 1) a.insert(a.end(), {"--nproc", std::to_string(processes)});
    a.insert(a.end(), {"--data", c.datasetDir});
    // -o names the run folder, or the exported model with the run folder beside it as MODEL-run/
    // (train_command.cpp): an export path anywhere else has no spelling on the command line.
    if (c.exportPath.empty()) {
        a.insert(a.end(), {"-o", c.runDir});
    } else {
        namespace fs = std::filesystem;
        const fs::path model = fs::u8path(c.exportPath);
        if (model.extension() != ".safetensors" ||
            fs::u8path(c.runDir).lexically_normal() != (model.parent_path() / (model.stem().u8string() + "-run")).lexically_normal())
            return fail("the command line cannot export to " + c.exportPath + " from the run folder " + c.runDir +
                        " (it writes MODEL.safetensors beside MODEL-run/)");
        a.insert(a.end(), {"-o", c.exportPath});
    }

    const bool resuming = c.resume || !c.resumeFrom.empty();
    if (!c.baseModel.empty()) {
        a.insert(a.end(), {"--base", c.baseModel});
    } else {
        // No --base means "the bundled base model" to the CLI unless a new model is asked for; a
        // resumed run takes its model from the checkpoint either way.
        if (!resuming) a.push_back("--scratch");
        a.insert(a.end(), {"--preset", c.preset});
    }
    if (c.deepEmbed) a.push_back("--deepembed");
    a.insert(a.end(), {"--method", methodName(c.method)});
    a.insert(a.end(), {"--lora-rank", std::to_string(c.loraRank)});
    if (c.loraAlpha > 0) a.insert(a.end(), {"--lora-alpha", exactNumber(c.loraAlpha)});

    if (c.steps > 0) a.insert(a.end(), {"--steps", std::to_string(c.steps)});
    if (c.epochs > 0) a.insert(a.end(), {"--epochs", std::to_string(c.epochs)});
    if (c.steps <= 0 && c.epochs <= 0) {
        // The plan's targets (the CLI refuses them next to --steps; makeTrainConfig ignores them there).
        if (c.targetPasses > 0) a.insert(a.end(), {"--passes", exactNumber(c.targetPasses)});
        if (c.maxSeconds > 0) a.insert(a.end(), {"--max-minutes", exactNumber(c.maxSeconds / 60)});
    }
    if (c.lr > 0) a.insert(a.end(), {"--lr", exactNumber(c.lr)});
    if (c.lrFinal > 0) a.insert(a.end(), {"--lr-final", exactNumber(c.lrFinal)});

    a.insert(a.end(), {"--ctx-len", std::to_string(c.ctxLen), "--batch", std::to_string(c.batchSize)});
    if (c.gradAccum != 1) a.insert(a.end(), {"--grad-accum", std::to_string(c.gradAccum)});
    a.insert(a.end(), {"--seed", std::to_string(c.seed)});
    if (c.continuation) a.push_back("--continuation");
    if (!c.augment) a.push_back("--no-augment");
    if (c.fimRate > 0) a.insert(a.end(), {"--fim-rate", exactNumber(c.fimRate)});
    // Choices: 0 = the default, < 0 = only at the end, N. The CLI: absent, 0, N.
    if (c.validateEvery > 0) a.insert(a.end(), {"--validate-every", std::to_string(c.validateEvery)});
    if (c.validateEvery < 0) a.insert(a.end(), {"--validate-every", "0"});
    if (c.patience >= 0) a.insert(a.end(), {"--patience", std::to_string(c.patience)});
    a.insert(a.end(), {"--sample-bars", std::to_string(c.sampleBars)});
    if (c.checkpointSeconds > 0) a.insert(a.end(), {"--checkpoint-seconds", exactNumber(c.checkpointSeconds)});
    a.insert(a.end(), {"--keep", std::to_string(c.keepLast)});

    std::string device = c.device, lower = c.device;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return char(std::tolower(ch)); });
    if (processes > 1 && lower != "cpu") device = "cuda";
    a.insert(a.end(), {"--device", device, "--precision", c.precision});
    if (!c.resumeFrom.empty()) a.insert(a.end(), {"--resume-from", c.resumeFrom});
    else if (c.resume) a.push_back("--resume");
    return a;
}

std::string trainConfigJson(const TrainConfig& c) {
    using nlohmann::json;
    json j;
    j["dataset_dir"] = c.datasetDir;
    j["run_dir"] = c.runDir;
    j["export_path"] = c.exportPath;
    j["base_model"] = c.baseModel;
    j["preset"] = c.preset;
    j["deep_embed"] = c.deepEmbed;
    j["custom_model"] = c.customModel.nEmbd > 0 ? json::parse(c.customModel.toJson()) : json(nullptr);
    j["method"] = methodName(c.method);
    j["lora_rank"] = c.loraRank;
    j["lora_alpha"] = c.loraAlpha;
    j["batch"] = {{"ctx_len", c.batch.ctxLen},
                  {"batch_size", c.batch.batchSize},
                  {"seed", c.batch.seed},
                  {"augment", c.batch.augment},
                  {"loss_mode", c.batch.lossMode == LossMode::Continuation ? "continuation" : "all_tokens"},
                  {"context_fraction", c.batch.contextFraction},
                  {"fim_rate", c.batch.infillRate},
                  {"fim_max_gap_bars", c.batch.infillMaxGapBars}};
    j["grad_accum"] = c.gradAccum;
    j["steps"] = c.steps;
    j["epochs"] = c.epochs;
    j["plan"] = {{"target_passes", c.plan.targetPasses},
                 {"max_seconds", c.plan.maxSeconds},
                 {"probe_seconds", c.plan.probeSeconds}};
    j["optim"] = {{"lr", c.optim.lr},
                  {"lr_final", c.optim.lrFinal},
                  {"warmup_steps", c.optim.warmupSteps},
                  {"total_steps", c.optim.totalSteps},
                  {"weight_decay", c.optim.weightDecay},
                  {"beta1", c.optim.beta1},
                  {"beta2", c.optim.beta2},
                  {"eps", c.optim.eps},
                  {"grad_clip", c.optim.gradClip}};
    j["l2wrap"] = c.l2wrap;
    j["chunk_rows"] = c.chunkRows;
    j["validate_every"] = c.validateEvery;
    j["validate_at_start"] = c.validateAtStart;
    j["validation_windows"] = c.validationWindows;
    j["patience"] = c.patience;
    j["min_improvement"] = c.minImprovement;
    j["time_limit_seconds"] = c.timeLimitSeconds;
    j["checkpoint_seconds"] = c.checkpointSeconds;
    j["checkpoint_every"] = c.checkpointEvery;
    j["keep_last"] = c.keepLast;
    j["max_bad_steps"] = c.maxBadSteps;
    j["device"] = c.device;
    j["precision"] = c.precision;
    j["resume"] = c.resume;
    j["resume_from"] = c.resumeFrom;
    return j.dump();
}

}  // namespace pm::train
