#include "train/trainer.h"

#include "train/autocast_guard.h"
#include "core/intra_op_threads.h"
#include "train/train_defaults.h"
#include "train/train_run.h"

#include "analysis/note_sequence_from_tokens.h"   // samples' copy check
#include "dataset/copy_index.h"
#include "dataset/dataset_store.h"
#include "midi/midi_writer.h"
#include "model/checkpoint_io.h"
#include "tokenizer/tokenizer.h"
#include "train/optimizer.h"
#include "train/train_checkpoint.h"

#include <ATen/Parallel.h>   // at::get_num_threads, at::set_num_threads

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <thread>


namespace pm::train {

namespace fs = std::filesystem;
using torch::Tensor;
using detail::Clock;
using detail::Run;

const char* methodName(Method m) {
    switch (m) {
    case Method::Full: return "full";
    case Method::Lora: return "lora";
    case Method::State: return "state";
    }
    return "full";
}

bool parseMethod(const std::string& s, Method* out) {
    for (Method m : {Method::Full, Method::Lora, Method::State})
        if (s == methodName(m)) return *out = m, true;
    return false;
}

void setTrainingThreads(int threads) {
    if (threads <= 0) return;
    if (threads != at::get_num_threads()) at::set_num_threads(threads);
    // OpenBLAS keeps its own pool, which at::set_num_threads leaves alone (docs/training.md).
    setBlasThreads(threads);
}

std::string latestCheckpoint(const std::string& runDir) {
    std::error_code ec;
    std::string best;
    for (const auto& e : fs::directory_iterator(fs::path(runDir) / "checkpoints", ec)) {
        const std::string name = e.path().filename().string();
        // ckpt-<zero-padded step>.pmckpt: the lexically largest is the newest.
        if (name.rfind("ckpt-", 0) == 0 && e.path().extension() == ".pmckpt" && name > fs::path(best).filename().string())
            best = e.path().string();
    }
    return best;
}

namespace {

constexpr double kLn2 = 0.69314718055994530942;

struct Tensors {
    Tensor inputs, targets, mask;
};

Tensors toTensors(const Batch& b, const torch::Device& device) {
    const auto sizes = std::vector<int64_t>{b.rows, b.cols};
    Tensors t;
    t.inputs = torch::from_blob(const_cast<int64_t*>(b.inputs.data()), sizes, torch::kLong).to(device, false, true);
    t.targets = torch::from_blob(const_cast<int64_t*>(b.targets.data()), sizes, torch::kLong).to(device, false, true);
    t.mask = torch::from_blob(const_cast<float*>(b.mask.data()), sizes, torch::kFloat).to(device, false, true);
    return t;
}

std::vector<double> unigramLogProbs(const Batcher& train, std::size_t vocab) {
    // Add-one smoothed frequencies of the training targets: the baseline a model must beat.
    std::vector<double> counts(vocab, 1.0);
    double total = double(vocab);
    for (const TrainWindow& w : train.windows())
        for (std::size_t i = 1; i < w.tokens.size(); ++i) counts[w.tokens[i]] += 1, total += 1;
    for (double& c : counts) c = std::log(c / total);
    return counts;
}

double validationSecondsOf(const dataset::DatasetContents& data) {
    double s = 0;
    for (const dataset::FileReport& f : data.manifest.files)
        if (f.piece >= 0 && std::size_t(f.piece) < data.pieces.size() &&
            data.pieces[std::size_t(f.piece)].split == dataset::Split::Validation)
            s += f.durationSeconds;
    return s;
}

// Only the allocators' own words: LibTorch errors carry stack traces that mention allocator
// symbols for unrelated failures, so a bare "alloc" would call every bug an out-of-memory.
bool isOutOfMemory(const std::string& what) {
    const std::string first = what.substr(0, what.find('\n'));
    return first.find("out of memory") != std::string::npos || first.find("can't allocate memory") != std::string::npos ||
           first.find("bad_alloc") != std::string::npos;
}

// How many leading bars two pieces share note for note (onsets and pitches): a sample's prompt
// is the window it was given, re-cut at a bar line, so its first bars are the window's and the
// first bar that differs is the model's own.
std::size_t sharedLeadingBars(const analysis::NoteSequence& a, const analysis::NoteSequence& b) {
    const auto barNotes = [](const analysis::NoteSequence& s, std::size_t bar) {
        const std::int64_t from = s.barStarts[bar], to = bar + 1 < s.bars() ? s.barStarts[bar + 1] : s.end;
        std::vector<std::pair<std::int64_t, int>> out;
        for (const analysis::Note& n : s.notes)
            if (n.onset >= from && n.onset < to) out.emplace_back(n.onset, n.pitch);
        return out;
    };
    std::size_t bar = 0;
    while (bar < a.bars() && bar < b.bars() && a.barStarts[bar] == b.barStarts[bar] && barNotes(a, bar) == barNotes(b, bar)) ++bar;
    return bar;
}

}  // namespace

namespace detail {

model::Rwkv7Model exportCopy(model::Rwkv7Model& src) {
    torch::NoGradGuard ng;
    model::Rwkv7Model out(src->config());
    std::vector<std::pair<std::string, Tensor>> tensors;
    for (const auto& item : src->named_parameters(true))
        if (item.key().find("lora_") == std::string::npos) tensors.emplace_back(item.key(), item.value().detach().cpu());
    out->loadTensors(tensors);
    auto dst = out->named_modules();
    for (const auto& item : src->named_modules()) {
        auto dense = std::dynamic_pointer_cast<model::DenseImpl>(item.value());
        if (!dense || !dense->hasLora()) continue;
        auto target = std::dynamic_pointer_cast<model::DenseImpl>(dst[item.key()]);
        target->weight.add_(torch::matmul(dense->loraB, dense->loraA).cpu() * dense->loraScale);
    }
    return out;
}

EvalResult evaluateImpl(model::Rwkv7Model& model, const Batcher& validation, double validationSeconds,
                        std::int64_t maxWindows, std::int64_t chunkRows, const std::vector<double>& unigram,
                        ShardPool* pool, int threads, dist::Communicator* comm) {
    torch::NoGradGuard ng;
    EvalResult r;
    const std::size_t total = validation.windowCount();
    const std::size_t n = maxWindows > 0 ? std::min<std::size_t>(total, std::size_t(maxWindows)) : total;
    const std::size_t rows = std::size_t(std::max(1, validation.options().batchSize));
    const torch::Device device = model->parameters().front().device();
    double nll = 0, unigramNll = 0;
    std::size_t coveredTokens = 0, allTokens = 0;
    for (const TrainWindow& w : validation.windows()) allTokens += w.tokens.size() - 1;
    // Fewer windows than there are: spread them evenly over the split (window i of n is
    // floor(i * total / n)). The first n would be the first pieces only, and on a big dataset a
    // validation loss that follows a few pieces stops early (or not) for the wrong reasons.
    std::vector<std::size_t> picked(n);
    for (std::size_t i = 0; i < n; ++i) picked[i] = n < total ? i * total / n : i;
    for (std::size_t first = 0; first < n; first += rows) {
        const Batch b = validation.select(std::vector<std::size_t>(picked.begin() + std::ptrdiff_t(first),
                                                                   picked.begin() + std::ptrdiff_t(std::min(n, first + rows))));
        const Tensors t = toTensors(b, device);
        // This rank's rows (all of them for one process), split over the pool's threads.
        const auto [lo, hi] = comm ? rankRows(b.rows, comm->rank(), comm->world()) : std::pair<int, int>{0, b.rows};
        const int mine = hi - lo;
        const int shards = pool && device.is_cpu() ? std::max(1, std::min(pool->capacity(), mine)) : 1;
        std::vector<LossResult> parts(static_cast<std::size_t>(shards));
        auto shard = [&](int k) {
            torch::NoGradGuard noGrad;   // per thread
            const int r0 = lo + k * mine / shards, r1 = lo + (k + 1) * mine / shards;
            if (r1 <= r0) return;
            const Tensor hidden = model->forwardHidden(t.inputs.narrow(0, r0, r1 - r0));
            parts[std::size_t(k)] = lossNoGrad(model, hidden, t.targets.narrow(0, r0, r1 - r0), t.mask.narrow(0, r0, r1 - r0), chunkRows);
        };
        if (shards > 1) pool->run(shards, std::max(1, threads / shards), shard);
        else shard(0);
        for (const LossResult& l : parts) nll += l.nllSum;   // in shard order: the sum does not depend on timing
        r.tokens += b.countedTokens;   // the whole batch's: every rank counts what all ranks evaluate
        r.notes += b.notes;
        coveredTokens += std::size_t(b.realTokens);
        if (!unigram.empty())
            for (std::size_t i = 0; i < b.mask.size(); ++i)
                if (b.mask[i] > 0) unigramNll -= unigram[std::size_t(b.targets[i])];
    }
    if (comm) nll = comm->allReduceSum(std::vector<double>{nll})[0];
    r.loss = r.tokens > 0 ? nll / double(r.tokens) : 0.0;
    r.bitsPerNote = r.notes > 0 ? nll / kLn2 / double(r.notes) : 0.0;
    r.unigramBitsPerNote = r.notes > 0 ? unigramNll / kLn2 / double(r.notes) : 0.0;
    // Seconds of music covered: the validation pieces' duration in proportion to the tokens seen.
    const double seconds = allTokens > 0 ? validationSeconds * double(coveredTokens) / double(allTokens) : 0.0;
    r.bitsPerSecond = seconds > 0 ? nll / kLn2 / seconds : 0.0;
    return r;
}

ThreadSettingsRestorer::ThreadSettingsRestorer() : intraOp_(thisThreadIntraOpThreads()), blas_(blasThreads()) {}

ThreadSettingsRestorer::~ThreadSettingsRestorer() {
    if (thisThreadIntraOpThreads() != intraOp_) setThisThreadIntraOpThreads(intraOp_);
    if (blas_ > 0 && blasThreads() != blas_) setBlasThreads(blas_);
}

torch::Device resolveTrainDevice(const std::string& spec, ComputeDevice* resolved) {
    ComputeDevice d;
    std::string error;
    if (!resolveDevice(spec, &d, &error)) throw std::runtime_error(error);
    if (resolved) *resolved = d;
    if (d.kind == DeviceKind::Cuda) return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(d.index));
    return torch::Device(torch::kCPU);
}

void Run::warn(const std::string& msg) {
    TrainEvent e;
    e.kind = TrainEvent::Kind::Warning;
    e.step = step_;
    e.message = msg;
    emit(e);
    metric({{"event", "warning"}, {"step", step_}, {"message", msg}});
}

nlohmann::json Run::metaJson() const {
    const BatcherPosition p = train_->position();
    return {{"step", step_},
            {"total_steps", total_},
            {"epoch", p.epoch},
            {"cursor", p.cursor},
            {"lr_scale", lrScale_},
            {"best_val", bestVal_},
            {"bad_in_a_row", badInARow_},
            {"skipped", skipped_},
            {"elapsed", elapsed()},
            {"method", methodName(cfg_.method)},
            {"lora_rank", cfg_.loraRank},
            {"lora_alpha", cfg_.loraAlpha},
            {"seed", cfg_.batch.seed},
            {"ctx_len", cfg_.batch.ctxLen},
            {"batch", cfg_.batch.batchSize},
            {"world", world_},   // processes: the global batch is world x batch
            {"grad_accum", cfg_.gradAccum},
            {"fim_rate", cfg_.batch.infillRate},
            {"model", nlohmann::json::parse(modelCfg_.toJson())},
            {"tokenizer", tokenizerJson_},
            {"from_base", fromBase_},
            // The schedule and early-stopping state: a resumed run (planned or not) goes on with
            // the rates, length and patience it started with.
            {"schedule",
             {{"lr", cfg_.optim.lr},
              {"lr_final", cfg_.optim.lrFinal},
              {"warmup_steps", cfg_.optim.warmupSteps},
              {"validate_every", cfg_.validateEvery},
              {"patience", cfg_.patience},
              {"min_improvement", cfg_.minImprovement},
              {"time_limit_seconds", cfg_.timeLimitSeconds}}},
            {"plateau_val", plateauVal_},
            {"since_improvement", sinceImprovement_},
            {"best_step", bestStep_},
            {"first_val", firstVal_}};
}

void Run::plan() {
    // The probe runs on its own throw-away run (same data, same model, same step code) that writes
    // nothing; the stop flags reach it through the same control.
    PlanInputs in;
    std::string error;
    {
        Run probe(cfg_, control_, nullptr, true);
        if (!probe.measure(cfg_.plan.probeSeconds, &in, &error)) {
            result_.stopped = stopRequested();
            throw std::runtime_error(result_.stopped ? "stopped before training began" : error);
        }
    }
    const TrainPlan p = planFromInputs(in, cfg_.plan);
    if (!p.ok) throw std::runtime_error(p.error);
    applyPlan(p, &cfg_);
    TrainEvent e;
    e.kind = TrainEvent::Kind::Planned;
    e.totalSteps = p.steps;
    e.eta = p.estimatedSeconds;
    e.tokensPerSec = p.tokensPerSecond;
    e.message = describePlan(p);
    emit(e);
    planned_ = {{"event", "planned"},        {"steps", p.steps},
                {"passes", p.passes},        {"tokens_per_pass", p.tokensPerPass},
                {"tokens_per_s", p.tokensPerSecond}, {"estimated_seconds", p.estimatedSeconds},
                {"validate_every", p.validateEvery}, {"patience", p.patience},
                {"time_capped", p.timeCapped}, {"message", e.message}};
}

void Run::setUp() {
    if (std::string e = dataset::loadDataset(cfg_.datasetDir, &data_); !e.empty()) throw std::runtime_error(e);
    tokenizerJson_ = data_.manifest.tokenizer.dump();
    // Distributed: every rank draws the global batch (world x batch windows) and trains its rows.
    BatcherOptions to = cfg_.batch;
    to.batchSize = cfg_.batch.batchSize * world_;
    train_ = std::make_unique<Batcher>(data_, dataset::Split::Train, to);
    BatcherOptions vo = to;
    vo.augment = false;
    val_ = std::make_unique<Batcher>(data_, dataset::Split::Validation, vo);
    if (train_->windowCount() == 0) throw std::runtime_error("the dataset has no training pieces");
    unigram_ = unigramLogProbs(*train_, train_->vocabulary().size());
    valSeconds_ = validationSecondsOf(data_);

    device_ = resolveTrainDevice(cfg_.device, &computeDevice_);
    if (control_ && control_->threads.load() > 0) appliedThreads_ = control_->threads.load();
    applyThreads(appliedThreads_ > 0 ? appliedThreads_ : thisThreadIntraOpThreads());
    bf16_ = useBf16Autocast(cfg_.precision, device_.type(), device_.has_index() ? device_.index() : 0);   // throws for an unknown name
    if (writer_) fs::create_directories(fs::path(cfg_.runDir) / "checkpoints");

    // Resume: the checkpoint's config wins (shape, method, schedule); the base model file is not needed.
    const bool resume = cfg_.resume && !probe_;
    std::string resumePath;
    nlohmann::json meta;
    if (resume) {
        resumePath = cfg_.resumeFrom.empty() ? latestCheckpoint(cfg_.runDir) : cfg_.resumeFrom;
        // Every rank resumes from rank 0's checkpoint, sent to them: no shared file system needed.
        if (comm_) resumePath = shareCheckpoint(rank_ == 0 ? resumePath : std::string());
        if (resumePath.empty()) throw std::runtime_error("no checkpoint to resume from in " + cfg_.runDir + "/checkpoints");
        if (std::string e = readCheckpointMeta(resumePath, &meta); !e.empty()) throw std::runtime_error(e);
        // The order of global batches depends on the seed and the global batch (processes x
        // batch): with the same global batch a resume is exact whatever the process count; with
        // another the data position would mean other windows, so it is refused.
        const std::int64_t wasGlobal = meta.value("batch", std::int64_t(cfg_.batch.batchSize)) * meta.value("world", std::int64_t(1));
        const std::int64_t nowGlobal = std::int64_t(cfg_.batch.batchSize) * world_;
        if (wasGlobal != nowGlobal && (world_ > 1 || meta.value("world", 1) > 1))
            throw std::runtime_error("the checkpoint was written by " + std::to_string(meta.value("world", 1)) + " process(es) x batch " +
                                     std::to_string(meta.value("batch", 0)) + " (a global batch of " + std::to_string(wasGlobal) +
                                     " windows); this run has " + std::to_string(world_) + " x " + std::to_string(cfg_.batch.batchSize) +
                                     ": resume with a --batch that gives " + std::to_string(wasGlobal) + " windows in all");
        modelCfg_ = model::Rwkv7Config::fromJson(meta.at("model").dump());
        parseMethod(meta.at("method").get<std::string>(), &cfg_.method);
        cfg_.loraRank = meta.at("lora_rank").get<int>();
        cfg_.loraAlpha = meta.at("lora_alpha").get<double>();
        if (meta.contains("schedule")) {
            const nlohmann::json& s = meta.at("schedule");
            cfg_.optim.lr = s.at("lr").get<double>();
            cfg_.optim.lrFinal = s.at("lr_final").get<double>();
            cfg_.optim.warmupSteps = s.at("warmup_steps").get<std::int64_t>();
            cfg_.validateEvery = s.at("validate_every").get<std::int64_t>();
            cfg_.patience = s.at("patience").get<int>();
            cfg_.minImprovement = s.at("min_improvement").get<double>();
            cfg_.timeLimitSeconds = s.at("time_limit_seconds").get<double>();
        }
        model_ = model::Rwkv7Model(modelCfg_);
    } else if (!cfg_.baseModel.empty()) {
        model::LoadedModel lm = model::loadModel(cfg_.baseModel);
        // Same vocabulary size is not enough: the ids must mean the same notes and times.
        if (!lm.tokenizerJson.empty()) {
            const auto baseTok = tok::configFromJson(nlohmann::json::parse(lm.tokenizerJson, nullptr, false));
            const auto dataTok = tok::configFromJson(data_.manifest.tokenizer);
            if (baseTok.config && dataTok.config && *baseTok.config != *dataTok.config)
                throw std::runtime_error("the base model " + cfg_.baseModel +
                                         " was trained with a different tokenizer than the dataset's; rebuild the "
                                         "dataset with this version of PianoMuse or train a new model");
        }
        model_ = lm.model;
        modelCfg_ = model_->config();
    } else {
        if (cfg_.customModel.nEmbd > 0) {
            modelCfg_ = cfg_.customModel;
            modelCfg_.vocabSize = std::int64_t(data_.manifest.vocabSize);
            modelCfg_.validate();
        } else {
            modelCfg_ = model::Rwkv7Config::preset(cfg_.preset, std::int64_t(data_.manifest.vocabSize), cfg_.deepEmbed);
        }
        model_ = model::Rwkv7Model(modelCfg_);
        model_->initWeights(cfg_.batch.seed);
    }
    if (modelCfg_.vocabSize < std::int64_t(train_->vocabulary().size()))
        throw std::runtime_error("the model's vocabulary (" + std::to_string(modelCfg_.vocabSize) +
                                 ") is smaller than the dataset's (" + std::to_string(train_->vocabulary().size()) + ")");

    torch::manual_seed(cfg_.batch.seed);   // LoRA's A init
    if (cfg_.method == Method::Lora) model_->enableLora(cfg_.loraRank, cfg_.loraAlpha);
    if (cfg_.method == Method::State) model_->enableStateTuning();
    for (const auto& item : model_->named_parameters(true)) {
        const std::string& k = item.key();
        const bool train = cfg_.method == Method::Full ? k.find("lora_") == std::string::npos
                         : cfg_.method == Method::Lora ? k.find("lora_") != std::string::npos
                                                       : k.find("time_state") != std::string::npos;
        item.value().set_requires_grad(train);
    }
    model_->to(device_);

    const bool scratch = cfg_.baseModel.empty() && !(resume && meta.value("from_base", false));
    lossOpts_.chunkRows = cfg_.chunkRows;
    lossOpts_.l2wrapCoef = (cfg_.l2wrap == 1 || (cfg_.l2wrap < 0 && scratch)) ? 1e-4 : 0.0;
    lossOpts_.l2wrapRowLength = cfg_.batch.ctxLen;

    const std::int64_t perEpoch = std::int64_t((train_->batchesPerEpoch() + std::size_t(cfg_.gradAccum) - 1) / std::size_t(cfg_.gradAccum));
    total_ = cfg_.epochs > 0 ? cfg_.epochs * perEpoch : cfg_.steps;
    // A planned run resumed without a new length goes on to the length it planned.
    if (resume && total_ <= 0) total_ = meta.at("total_steps").get<std::int64_t>();
    if (total_ <= 0 && probe_) total_ = 1;   // the probe only needs a schedule to exist
    if (total_ <= 0) throw std::runtime_error("the run has no length: give steps or epochs, or leave both at 0 to plan it");
    cfg_.optim.totalSteps = total_;
    if (cfg_.validateEvery < 0) cfg_.validateEvery = kDefaultValidateEvery;
    optim_ = makeOptimizer(groupParameters(model_), cfg_.optim);

    if (writer_) metrics_.open((fs::path(cfg_.runDir) / "metrics.jsonl").string(), std::ios::app);
    if (!planned_.is_null()) metric(planned_);
    if (resume) {
        if (std::string e = loadTrainCheckpoint(resumePath, model_, *optim_); !e.empty()) throw std::runtime_error(e);
        restoreFromMeta(meta);
        if (writer_) result_.lastCheckpoint = resumePath;
        metric({{"event", "resume"}, {"step", step_}});
        TrainEvent e;
        e.kind = TrainEvent::Kind::Resumed;
        e.step = step_;
        e.totalSteps = total_;
        e.path = resumePath;
        emit(e);
        // The infilling rate is the command line's (a run may start infilling later), but the
        // batches then differ from the uninterrupted run's: say so.
        const double wasRate = meta.value("fim_rate", 0.0);
        if (wasRate != cfg_.batch.infillRate)
            warn("the checkpoint trained with --fim-rate " + std::to_string(wasRate) + "; this run goes on with " +
                 std::to_string(cfg_.batch.infillRate));
    }
    fromBase_ = !scratch;
    if (comm_) agreeOnStart();
}

void Run::restoreFromMeta(const nlohmann::json& meta) {
    step_ = meta.at("step").get<std::int64_t>();
    train_->setPosition({meta.at("epoch").get<std::uint64_t>(), meta.at("cursor").get<std::uint64_t>()});
    lrScale_ = meta.at("lr_scale").get<double>();
    bestVal_ = meta.at("best_val").get<double>();
    badInARow_ = meta.at("bad_in_a_row").get<int>();
    skipped_ = meta.at("skipped").get<std::int64_t>();
    elapsedBefore_ = meta.at("elapsed").get<double>();
    // Checkpoints from before early stopping: the plateau starts at the best loss so far.
    plateauVal_ = meta.value("plateau_val", bestVal_);
    sinceImprovement_ = meta.value("since_improvement", 0);
    bestStep_ = meta.value("best_step", std::int64_t(-1));
    firstVal_ = meta.value("first_val", -1.0);
}

void Run::serviceControls() {
    if (!control_ || probe_) return;
    const int threads = control_->threads.load();
    if (threads > 0 && threads != appliedThreads_) {
        // On the trainer's thread: with OpenMP a thread's intra-op team size is its own
        // (docs/training.md, "Threads").
        applyThreads(threads);
        appliedThreads_ = threads;
    }
    if (control_->exportNow.load()) exportLatest();
}

void Run::exportLatest() {
    if (!writer_) return;
    const std::string path = (fs::path(cfg_.runDir) / "model-latest.safetensors").string();
    // Cleared first: a request made while this export runs asks for a newer one.
    control_->exportNow = false;
    try {
        model::Rwkv7Model copy = exportCopy(model_);
        model::saveModel(copy, path, tokenizerJson_);   // atomic: a reader never sees half a file
    } catch (const std::exception& ex) {
        warn(std::string("model not exported: ") + ex.what());
        return;
    }
    TrainEvent e;
    e.kind = TrainEvent::Kind::Exported;
    e.step = step_;
    e.totalSteps = total_;
    e.path = path;
    emit(e);
    metric({{"event", "exported"}, {"step", step_}, {"path", path}});
}

void Run::applyThreads(int threads) {
    threads_ = std::max(1, threads);
    if (device_.is_cpu() && threads_ > 1) {
        // Split rows, single-threaded shards: OpenBLAS's own pool would only contend with them.
        if (!pool_ || pool_->capacity() != threads_) pool_ = std::make_unique<ShardPool>(threads_);
        setBlasThreads(1);
        return;
    }
    pool_.reset();
    setThisThreadIntraOpThreads(threads_);
    setBlasThreads(threads_);
}

std::vector<Tensor> Run::trainableParams() const {
    std::vector<Tensor> params;
    for (const auto& g : optim_->param_groups())
        for (const Tensor& p : g.params()) params.push_back(p);
    return params;
}

bool Run::shardedPasses(const std::vector<Batch>& micro, std::int64_t counted, double* nll) {
    const std::vector<Tensor> params = trainableParams();
    // Without a pool (one core, or a GPU) the one shard runs on this thread.
    const int capacity = pool_ ? pool_->capacity() : 1;
    std::vector<std::vector<Tensor>> sums(std::size_t(capacity), std::vector<Tensor>(params.size()));
    std::vector<double> nlls(std::size_t(capacity), 0.0);
    std::atomic<bool> stopped{false};
    for (const Batch& b : micro) {
        if (b.countedTokens == 0) continue;
        // Distributed: a stop waits for the step boundary, where the ranks agree on it (a rank
        // that left mid-step would leave the others waiting in the all-reduce).
        if (!comm_ && stopRequested()) return false;
        const Tensors t = toTensors(b, device_);
        const auto [lo, hi] = rankRows(b.rows, rank_, world_);
        const int mine = hi - lo;
        if (mine <= 0) continue;
        const int shards = std::min(capacity, mine);
        // L2Wrap's factor is the whole micro-batch's (lossBackward's scale · coef / (B·T)).
        const double microScale = double(b.countedTokens) / double(counted);
        const double l2Factor = lossOpts_.l2wrapCoef > 0 ? microScale * lossOpts_.l2wrapCoef / double(b.rows * cfg_.batch.ctxLen) : 0.0;
        lastStepThreads_ = shards * std::max(1, threads_ / shards);
        auto shard = [&](int k) {
            const int r0 = lo + k * mine / shards, r1 = lo + (k + 1) * mine / shards;
            std::int64_t countedHere = 0;
            for (std::size_t i = std::size_t(r0) * std::size_t(b.cols); i < std::size_t(r1) * std::size_t(b.cols); ++i)
                countedHere += b.mask[i] > 0;
            if (countedHere == 0) return;
            Tensor hidden;
            {
                AutocastGuard autocast(device_.type(), bf16_);   // thread-local: each shard sets its own
                hidden = model_->forwardHidden(t.inputs.narrow(0, r0, r1 - r0));
            }
            if (hidden.scalar_type() != torch::kFloat) hidden = hidden.to(torch::kFloat);
            if (k == 0 && cfg_.afterForward) cfg_.afterForward(step_, model_);
            // As in the one-thread path: a Stop that came during the forward skips the backward.
            if (!comm_ && stopRequested()) {
                stopped = true;
                return;
            }
            const LossResult l = lossGradients(model_, hidden, t.targets.narrow(0, r0, r1 - r0), t.mask.narrow(0, r0, r1 - r0),
                                               double(countedHere) / double(counted), l2Factor, lossOpts_.chunkRows, params,
                                               sums[std::size_t(k)]);
            nlls[std::size_t(k)] += l.nllSum;
        };
        if (pool_ && shards > 1) pool_->run(shards, std::max(1, threads_ / shards), shard);
        else shard(0);
        if (stopped) return false;
    }
    torch::NoGradGuard ng;
    for (std::size_t i = 0; i < params.size(); ++i) {
        Tensor g;
        for (std::vector<Tensor>& s : sums)   // shard order, whatever order they finished in
            if (s[i].defined()) g = g.defined() ? g.add_(s[i]) : s[i];
        if (!g.defined()) continue;
        Tensor param = params[i];   // a handle to the same parameter
        param.mutable_grad() = g;
    }
    for (double v : nlls) *nll += v;
    if (comm_) reduceGradients(params, nll);
    return true;
}

Run::StepOutcome Run::trainStep() {
    const double lr = learningRateAt(step_, cfg_.optim) * lrScale_;
    setLearningRate(*optim_, lr);
    optim_->zero_grad();
    double nll = 0;
    std::int64_t counted = 0, tokens = 0;
    const auto t0 = Clock::now();
    const BatcherPosition before = train_->position();
    std::vector<Batch> micro;
    for (int m = 0; m < cfg_.gradAccum; ++m) micro.push_back(train_->next());
    for (const Batch& b : micro) counted += b.countedTokens;
    lastInfillRows_ = 0;
    for (const Batch& b : micro) lastInfillRows_ += b.infillRows;
    auto abandon = [&] {
        // Stop mid-step: forget its gradients and give its batches back, so the checkpoint
        // written on stop resumes exactly at this step.
        optim_->zero_grad();
        train_->setPosition(before);
        return StepOutcome::Abandoned;
    };
    for (const Batch& b : micro) tokens += b.realTokens;
    int widest = 0;
    for (const Batch& b : micro) widest = std::max(widest, b.rows);
    lastStepThreads_ = thisThreadIntraOpThreads();
    // Distributed runs always take the row-split path: its gradients are returned per shard with
    // the global batch's scales, ready for the all-reduce.
    if (comm_ || (pool_ && widest > 1)) {
        if (!shardedPasses(micro, counted, &nll)) return abandon();
    } else {
        for (const Batch& b : micro) {
            if (b.countedTokens == 0) continue;
            if (stopRequested()) return abandon();
            const Tensors t = toTensors(b, device_);
            Tensor hidden;
            {
                // bf16 autocast covers the blocks' big matrix products; the head and the loss stay
                // fp32 (lossBackward runs outside the guard, so does every backward).
                AutocastGuard autocast(device_.type(), bf16_);
                hidden = model_->forwardHidden(t.inputs);
            }
            if (cfg_.afterForward) cfg_.afterForward(step_, model_);
            // The backward costs about twice the forward: a Stop that came during the forward does
            // not wait for it.
            if (stopRequested()) return abandon();
            if (hidden.scalar_type() != torch::kFloat) hidden = hidden.to(torch::kFloat);
            // Each micro-batch weighs by its share of the counted tokens: the step's gradient is that
            // of the mean over all of them, as one big batch would give.
            const LossResult l = lossBackward(model_, hidden, t.targets, t.mask, double(b.countedTokens) / double(counted), lossOpts_);
            nll += l.nllSum;
        }
    }
    if (cfg_.afterBackward) cfg_.afterBackward(step_, model_);

    const std::vector<Tensor> params = trainableParams();
    double norm = 0;
    {
        torch::NoGradGuard ng;
        for (const Tensor& p : params)
            if (p.grad().defined()) norm += p.grad().pow(2).sum().item<double>();
        norm = std::sqrt(norm);
    }
    const double loss = counted > 0 ? nll / double(counted) : 0.0;
    const bool finite = std::isfinite(loss) && std::isfinite(norm);
    if (finite) {
        if (cfg_.optim.gradClip > 0 && norm > cfg_.optim.gradClip) {
            torch::NoGradGuard ng;
            for (const Tensor& p : params)
                if (p.grad().defined()) p.grad().mul_(cfg_.optim.gradClip / (norm + 1e-6));
        }
        if (counted > 0) optim_->step();
        badInARow_ = 0;
        lastLoss_ = loss;
    } else {
        optim_->zero_grad();
        ++badInARow_;
        ++skipped_;
    }
    ++step_;
    if (comm_ && finite) checkReplicas();
    const double dt = std::chrono::duration<double>(Clock::now() - t0).count();
    trainSeconds_ += dt;
    sessionTokens_ += tokens;
    stepSecondsEma_ = stepSecondsEma_ == 0 ? dt : 0.9 * stepSecondsEma_ + 0.1 * dt;

    if (!finite) {
        warn("non-finite loss or gradient at step " + std::to_string(step_) + ": step skipped");
        return StepOutcome::Skipped;
    }
    TrainEvent e;
    e.kind = TrainEvent::Kind::Step;
    e.step = step_;
    e.totalSteps = total_;
    e.epoch = train_->position().epoch;
    e.loss = loss;
    e.lr = lr;
    e.tokensPerSec = trainSeconds_ > 0 ? double(sessionTokens_) / trainSeconds_ : 0.0;
    e.elapsed = elapsed();
    e.eta = double(total_ - step_) * stepSecondsEma_;
    e.threads = lastStepThreads_;
    emit(e);
    // total_steps: a follower that opens the run later (the app's "Open a run…") shows progress and ETA.
    nlohmann::json line = {{"step", step_}, {"total_steps", total_}, {"loss", loss}, {"lr", lr}, {"tokens_per_s", e.tokensPerSec},
                           {"elapsed", e.elapsed}, {"epoch", e.epoch}, {"threads", e.threads}};
    if (cfg_.batch.infillRate > 0) line["infill_rows"] = lastInfillRows_;   // of the global batch
    if (comm_) {
        // What the gradient all-reduce cost this step (rank 0's view): docs/distributed.md.
        const dist::CommStats c = comm_->takeStats();
        line["world"] = world_;
        line["allreduce_ms"] = c.seconds * 1000.0;
        line["allreduce_bytes"] = c.bytes;
    }
    metric(line);
    return StepOutcome::Done;
}

void Run::validate() {
    lastValidated_ = step_;
    if (val_->windowCount() == 0) return;
    const EvalResult r =
        evaluateImpl(model_, *val_, valSeconds_, cfg_.validationWindows, cfg_.chunkRows, unigram_, pool_.get(), threads_, comm_.get());
    if (firstVal_ < 0) firstVal_ = r.loss;
    TrainEvent e;
    e.kind = TrainEvent::Kind::Validation;
    e.step = step_;
    e.totalSteps = total_;
    e.valLoss = r.loss;
    e.valBitsPerNote = r.bitsPerNote;
    e.valBitsPerSecond = r.bitsPerSecond;
    e.best = r.loss < bestVal_;
    if (e.best) bestVal_ = r.loss, bestStep_ = step_;
    // Early stopping counts only improvements larger than minImprovement (Keras's min_delta): a
    // loss that creeps down by noise-sized amounts has stopped learning. The best model is still
    // exported for any improvement.
    if (r.loss < plateauVal_ - cfg_.minImprovement) plateauVal_ = r.loss, sinceImprovement_ = 0;
    else ++sinceImprovement_;
    emit(e);
    metric({{"step", step_}, {"val_loss", r.loss}, {"val_bits_per_note", r.bitsPerNote},
            {"val_bits_per_second", r.bitsPerSecond}, {"unigram_bits_per_note", r.unigramBitsPerNote},
            {"since_improvement", sinceImprovement_}});
    if (e.best && writer_) {
        const fs::path dir = fs::path(cfg_.runDir);
        if (std::string err = saveTrainCheckpoint((dir / "checkpoints" / "best.pmckpt").string(), metaJson(), model_, *optim_);
            !err.empty())
            warn("best checkpoint not written: " + err);
        try {
            model::Rwkv7Model copy = exportCopy(model_);
            model::saveModel(copy, (dir / "model-best.safetensors").string(), tokenizerJson_);
            result_.bestModel = (dir / "model-best.safetensors").string();
        } catch (const std::exception& ex) {
            warn(std::string("best model not exported: ") + ex.what());
        }
    }
}

std::string Run::checkpoint(bool withSample) {
    if (!writer_) return "";   // rank 0 writes the run folder
    char name[64];
    std::snprintf(name, sizeof name, "ckpt-%09lld.pmckpt", static_cast<long long>(step_));
    const fs::path dir = fs::path(cfg_.runDir) / "checkpoints";
    const std::string path = (dir / name).string();
    lastCheckpoint_ = Clock::now();
    if (std::string err = saveTrainCheckpoint(path, metaJson(), model_, *optim_); !err.empty()) {
        // The previous checkpoint is untouched (atomic write); training goes on.
        warn("checkpoint not written (" + err + "); the previous one is kept");
        return "";
    }
    result_.lastCheckpoint = path;
    // Keep the newest K.
    std::vector<std::string> all;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string n = e.path().filename().string();
        if (n.rfind("ckpt-", 0) == 0 && e.path().extension() == ".pmckpt") all.push_back(e.path().string());
    }
    std::sort(all.begin(), all.end());
    for (std::size_t i = 0; i + std::size_t(std::max(1, cfg_.keepLast)) < all.size(); ++i) fs::remove(all[i], ec);
    TrainEvent e;
    e.kind = TrainEvent::Kind::Checkpoint;
    e.step = step_;
    e.totalSteps = total_;
    e.path = path;
    emit(e);
    metric({{"event", "checkpoint"}, {"step", step_}, {"path", path}});

    if (withSample && cfg_.sampler && val_->windowCount() > 0) writeSample();
    return path;
}

void Run::writeSample() {
    // A short continuation of the first validation window's opening half, generated from a CPU
    // copy with LoRA merged: the model being trained keeps its device, mode and autograd state,
    // and a failing sampler costs a warning, never the run.
    const auto& w = val_->windows().front().tokens;
    const std::vector<std::uint16_t> prompt(w.begin(), w.begin() + std::ptrdiff_t(w.size() / 2));
    std::vector<std::uint16_t> piece;
    try {
        torch::NoGradGuard ng;
        model::Rwkv7Model copy = exportCopy(model_);
        piece = cfg_.sampler(copy, prompt, tokenizerJson_);
    } catch (const std::exception& ex) {
        warn(std::string("sample not generated: ") + ex.what());
        return;
    }
    tok::Tokenizer tokenizer(*tok::configFromJson(data_.manifest.tokenizer).config);
    const tok::Decoded d = tokenizer.decode(piece);
    char sname[64];
    std::snprintf(sname, sizeof sname, "sample-%09lld.mid", static_cast<long long>(step_));
    std::error_code ec;
    fs::create_directories(fs::path(cfg_.runDir) / "samples", ec);
    const std::string spath = (fs::path(cfg_.runDir) / "samples" / sname).string();
    if (!midi::writeMidiFile(d.file, spath).ok()) {
        warn("sample not written: " + spath);
        return;
    }
    TrainEvent s;
    s.kind = TrainEvent::Kind::Sample;
    s.step = step_;
    s.path = spath;
    s.copy = sampleCopy(piece, prompt);
    emit(s);
    metric({{"event", "sample"}, {"step", step_}, {"path", spath}, {"copy", s.copy.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.copy)}});
}

std::string Run::sampleCopy(const std::vector<std::uint16_t>& piece, const std::vector<std::uint16_t>& prompt) {
    // Like the sample itself, a check that fails costs a warning, never the run.
    try {
        if (!copyIndexOpened_) {
            copyIndexOpened_ = true;
            dataset::CopyIndexOpened opened = dataset::openCopyIndex(data_, /*trainingOnly=*/true);
            if (!opened.index) warn("samples are not checked for copies: " + opened.error);
            else if (!opened.note.empty()) warn("samples' copy check: " + opened.note);
            copyIndex_ = std::move(opened.index);
        }
        if (!copyIndex_) return {};
        const tok::Tokenizer tokenizer(*tok::configFromJson(data_.manifest.tokenizer).config);
        const analysis::NoteSequence sample = analysis::noteSequenceFromTokens(piece, tokenizer);
        // The prompt is a validation piece's: only the bars after it are the model's.
        const std::size_t promptBars = sharedLeadingBars(sample, analysis::noteSequenceFromTokens(prompt, tokenizer));
        return analysis::describeCopy(copyIndex_->check(sample, int(promptBars))).value_or("");
    } catch (const std::exception& ex) {
        warn(std::string("sample not checked for copies: ") + ex.what());
        return {};
    }
}

void Run::rollBack() {
    lrScale_ *= 0.5;
    // Distributed: every rank rolls back to rank 0's checkpoint (the others write none).
    const std::string last = comm_ ? shareCheckpoint(rank_ == 0 ? result_.lastCheckpoint : std::string()) : result_.lastCheckpoint;
    if (last.empty()) {
        warn(std::to_string(badInARow_) + " non-finite steps in a row and no checkpoint yet: learning rate halved");
    } else {
        // Weights and moments from the checkpoint; the data position and step stay where they
        // are, so the batches that blew up are not replayed.
        const std::int64_t keepStep = step_;
        const BatcherPosition keepPos = train_->position();
        if (std::string e = loadTrainCheckpoint(last, model_, *optim_); !e.empty()) throw std::runtime_error(e);
        step_ = keepStep;
        train_->setPosition(keepPos);
        warn(std::to_string(badInARow_) + " non-finite steps in a row: rolled back to " + last +
             " and halved the learning rate");
    }
    metric({{"event", "rollback"}, {"step", step_}, {"lr_scale", lrScale_}});
    badInARow_ = 0;
}

std::string Run::endMessage(End end) const {
    char best[160] = "";
    if (bestStep_ >= 0)
        std::snprintf(best, sizeof best, "; best validation loss %.4f at step %lld", bestVal_, static_cast<long long>(bestStep_));
    const std::string at = std::to_string(step_) + " of " + std::to_string(total_) + " steps";
    switch (end) {
    case End::Finished: return "finished: " + at + best;
    case End::Stopped: return "stopped by request after " + at + best;
    case End::EarlyStopped: {
        char why[160];
        std::snprintf(why, sizeof why, "stopped early after %s: validation loss did not improve by more than %g for %d validations",
                      at.c_str(), cfg_.minImprovement, cfg_.patience);
        return why + std::string(best);
    }
    case End::TimeLimit: {
        char why[96];
        std::snprintf(why, sizeof why, "stopped at the time limit (%.0f s) after ", cfg_.timeLimitSeconds);
        return why + at + best;
    }
    }
    return "finished";
}

TrainResult Run::go() {
    try {
        const bool planned = cfg_.steps <= 0 && cfg_.epochs <= 0 && !cfg_.resume;
        if (planned) plan();
        sessionStart_ = lastCheckpoint_ = Clock::now();   // the probe's time is not training time
        setUp();
        TrainEvent start;
        start.kind = TrainEvent::Kind::Started;
        start.step = step_;
        start.totalSteps = total_;
        start.message = modelCfg_.describe() + ", " + methodName(cfg_.method) + ", " + std::to_string(train_->windowCount()) +
                        " training windows, " + std::to_string(val_->windowCount()) + " validation windows, " +
                        (device_.is_cuda() ? "CUDA:" + std::to_string(int(device_.index())) : std::string("CPU")) +
                        (bf16_ ? " bf16 autocast" : " fp32") +
                        (comm_ ? ", " + std::to_string(world_) + " processes (" + comm_->backend() + "), global batch " +
                                     std::to_string(cfg_.batch.batchSize * world_)
                               : std::string());
        emit(start);
        if (cfg_.validateAtStart && step_ == 0) validate();
        End end = End::Finished;
        while (step_ < total_) {
            serviceControls();
            // Pause is for the app's own run; a distributed run (CLI) never pauses.
            while (!comm_ && control_ && control_->pause.load() && !control_->stopRequested()) {
                const auto p0 = Clock::now();
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
                paused_ += std::chrono::duration<double>(Clock::now() - p0).count();
                serviceControls();   // an export asked for while paused happens now
            }
            // Ranks decide together: any rank's stop stops all; rank 0's clock ends a time-limited run.
            const bool timeUp = cfg_.timeLimitSeconds > 0 && elapsed() >= cfg_.timeLimitSeconds;
            const Agreed agreed = comm_ ? agreeAtBoundary(timeUp) : Agreed{stopRequested(), timeUp};
            if (agreed.stop) {
                end = End::Stopped;
                break;
            }
            if (agreed.rankZero) {
                end = End::TimeLimit;
                break;
            }
            const StepOutcome outcome = trainStep();
            if (outcome == StepOutcome::Abandoned) {
                end = End::Stopped;
                break;
            }
            if (outcome == StepOutcome::Skipped && badInARow_ >= cfg_.maxBadSteps) rollBack();
            if (cfg_.validateEvery > 0 && step_ % cfg_.validateEvery == 0) {
                validate();
                if (cfg_.patience > 0 && sinceImprovement_ >= cfg_.patience) {
                    end = End::EarlyStopped;
                    break;
                }
            }
            const double since = std::chrono::duration<double>(Clock::now() - lastCheckpoint_).count();
            if ((cfg_.checkpointEvery > 0 && step_ % cfg_.checkpointEvery == 0) || since >= cfg_.checkpointSeconds)
                checkpoint(true);
        }
        const bool stopped = end == End::Stopped;
        if (!stopped && lastValidated_ != step_) validate();
        // A user who pressed Stop wants it to stop: no sample on that last checkpoint.
        if (result_.lastCheckpoint.empty() || result_.lastCheckpoint.find(std::to_string(step_) + ".pmckpt") == std::string::npos)
            checkpoint(!stopped);
        const std::string out = cfg_.exportPath.empty() ? (fs::path(cfg_.runDir) / "model-final.safetensors").string() : cfg_.exportPath;
        if (writer_) {
            model::Rwkv7Model copy = exportCopy(model_);
            model::saveModel(copy, out, tokenizerJson_);
            result_.finalModel = out;
        }
        result_.ok = true;
        result_.stopped = stopped;
        result_.earlyStopped = end == End::EarlyStopped;
        result_.timeLimited = end == End::TimeLimit;
        result_.step = step_;
        result_.lastLoss = lastLoss_;
        TrainEvent fin;
        fin.kind = TrainEvent::Kind::Finished;
        fin.step = step_;
        fin.totalSteps = total_;
        fin.loss = lastLoss_;
        fin.elapsed = elapsed();
        fin.path = out;
        fin.message = endMessage(end);
        fin.valLoss = bestStep_ >= 0 ? bestVal_ : 0.0;
        emit(fin);
        static const char* const kEvent[] = {"finished", "stopped", "early_stopped", "time_limit"};
        metric({{"event", kEvent[int(end)]}, {"step", step_}, {"model", out}, {"message", fin.message}});
    } catch (const std::bad_alloc&) {
        result_.error = "out of memory at batch " + std::to_string(cfg_.batch.batchSize) + " x " +
                        std::to_string(cfg_.batch.ctxLen) + " tokens: try a smaller batch or context length";
    } catch (const std::exception& e) {
        const std::string what = e.what();
        result_.error = isOutOfMemory(what)
                            ? "out of memory at batch " + std::to_string(cfg_.batch.batchSize) + " x " +
                                  std::to_string(cfg_.batch.ctxLen) + " tokens: try a smaller batch or context length"
                            : what.substr(0, what.find('\n'));
    }
    for (const std::string& f : privateFiles_) {
        std::error_code ec;
        fs::remove(f, ec);
    }
    result_.step = step_;
    result_.bestStep = bestStep_;
    result_.bestValLoss = bestStep_ >= 0 ? bestVal_ : 0.0;
    result_.firstValLoss = firstVal_ >= 0 ? firstVal_ : 0.0;
    return result_;
}

}  // namespace detail

EvalResult evaluateWithBaseline(model::Rwkv7Model& model, const Batcher& train, const Batcher& validation,
                                const dataset::DatasetContents& data, std::int64_t maxWindows, std::int64_t chunkRows) {
    // Rows spread over the cores as in training (single-threaded shards, OpenBLAS at 1).
    detail::ThreadSettingsRestorer restore;
    const int threads = thisThreadIntraOpThreads();
    std::unique_ptr<ShardPool> pool;
    if (threads > 1 && model->parameters().front().device().is_cpu()) {
        pool = std::make_unique<ShardPool>(threads);
        setBlasThreads(1);
    }
    return detail::evaluateImpl(model, validation, validationSecondsOf(data), maxWindows, chunkRows,
                                unigramLogProbs(train, train.vocabulary().size()), pool.get(), threads);
}

TrainResult runTraining(const TrainConfig& config, TrainControl* control, const TrainCallback& callback) {
    Run run(config, control, callback);
    return run.go();
}

}  // namespace pm::train
