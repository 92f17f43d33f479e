// The Generate page's jobs on the engine thread: load (and keep) the model, run the generator
// with its continue/undo chain, stream decoded notes out in small batches, and check what it
// wrote against the open dataset's training pieces for copied passages.
// LibTorch before Qt: torch's headers use `slots` as a name, which Qt defines as a macro.
#include "generate/generator.h"
#include "generate/infill.h"
#include "generate/prompt.h"
#include "midi/midi_reader.h"

#include "analysis/note_sequence_from_tokens.h"
#include "analysis/originality.h"
#include "dataset/copy_index.h"
#include "dataset/dataset_store.h"

#include "worker/engine_worker.h"

#include <QElapsedTimer>

#include <algorithm>
#include <filesystem>

namespace pm::app {

// Lives on the engine thread only; the GUI never sees it.
struct GenerationState {
    std::string modelPath;
    // The file's identity when it was loaded: a training run rewrites model-latest.safetensors
    // under the same name ("Try the current model"), and the page must then hear the new weights.
    std::filesystem::file_time_type modelTime{};
    std::uintmax_t modelSize = 0;
    std::unique_ptr<pm::gen::Generator> generator;
    std::unique_ptr<pm::gen::GenerationSession> session;
};

// The copy index of the dataset the Generate page has open, kept between generations: building
// it reads every token of the dataset, checking against it takes milliseconds.
struct CopyCheckIndex {
    std::string directory;
    std::string tokensChecksum;             // the dataset generation it was made from
    pm::tok::TokenizerConfig config;        // the dataset's tokenizer: the grid the index is on
    pm::analysis::OriginalityIndex index;
    std::string note;                       // what opening it said ("built now: ...")
};

namespace {

GeneratedPiece pieceOf(const pm::gen::GenerationResult& r, const pm::tok::Tokenizer& tokenizer) {
    GeneratedPiece p;
    p.file = r.file;
    p.promptSeconds = r.promptSeconds;
    p.generatedEndSeconds = r.generatedEndSeconds;
    p.barStarts = pm::gen::barStartSeconds(tokenizer, r.tokens);
    p.generatedTokens = r.generatedTokens;
    p.generatedBars = r.generatedBars;
    p.generatedNotes = r.generatedNotes;
    p.tokensPerSecond = r.tokensPerSecond();
    p.seed = r.seed;
    p.endedByModel = r.endedByModel;
    p.cancelled = r.cancelled;
    return p;
}

// When and how big the file is now; a missing file gives a value that never matches a loaded one.
void fileIdentity(const std::string& path, std::filesystem::file_time_type* time, std::uintmax_t* size) {
    std::error_code ec;
    *time = std::filesystem::last_write_time(path, ec);
    if (ec) *time = {};
    *size = std::filesystem::file_size(path, ec);
    if (ec) *size = std::uintmax_t(-1);
}

// Bars of a result that the prompt holds: one per Bar token before the continuation. The copy
// check starts after them, so a prompt taken from a training piece is never a "copy".
int promptBarsOf(const pm::gen::GenerationResult& r, const pm::tok::Tokenizer& tokenizer) {
    const pm::tok::TokenId bar = tokenizer.vocabulary().id(pm::tok::TokenKind::Bar);
    const std::size_t end = std::min(r.promptTokens, r.tokens.size());
    return int(std::count(r.tokens.begin(), r.tokens.begin() + std::ptrdiff_t(end), bar));
}

// The dataset's copy index, from `cache` when it is still the dataset's current generation.
// Throws std::runtime_error with a one-line message when the dataset cannot be read.
const CopyCheckIndex& copyIndexFor(std::shared_ptr<CopyCheckIndex>& cache, const std::string& directory) {
    pm::dataset::Manifest manifest;
    if (std::string e = pm::dataset::loadManifest(directory, &manifest); !e.empty()) throw std::runtime_error(e);
    if (cache && cache->directory == directory && cache->tokensChecksum == manifest.tokensChecksum) return *cache;
    cache.reset();
    pm::dataset::DatasetContents data;
    if (std::string e = pm::dataset::loadDataset(directory, &data); !e.empty()) throw std::runtime_error(e);
    const auto config = pm::tok::configFromJson(data.manifest.tokenizer);
    if (!config.config) throw std::runtime_error(directory + ": its tokenizer config cannot be used: " + config.error);
    // Against the training pieces only: the model has seen those (the report checks the same way).
    pm::dataset::CopyIndexOpened opened = pm::dataset::openCopyIndex(data, /*trainingOnly=*/true);
    if (!opened.index) throw std::runtime_error(opened.error);
    auto fresh = std::make_shared<CopyCheckIndex>();
    fresh->directory = directory;
    fresh->tokensChecksum = data.manifest.tokensChecksum;
    fresh->config = *config.config;
    fresh->index = std::move(*opened.index);
    fresh->note = opened.note;
    cache = std::move(fresh);
    return *cache;
}

// Checks every piece of `outcome` against the dataset's training pieces; the flag is the engine's
// policy (describeCopy), the same the report and the training samples use.
void checkCopies(std::shared_ptr<CopyCheckIndex>& cache, const std::string& directory, const pm::tok::Tokenizer& tokenizer,
                 const std::vector<pm::gen::GenerationResult>& results, GenerationOutcome* outcome) {
    try {
        const CopyCheckIndex& index = copyIndexFor(cache, directory);
        if (!(index.config == tokenizer.config())) {
            outcome->copyCheckNote = "the model's tokenizer is not the dataset's, so its music cannot be compared with the dataset's pieces";
            return;
        }
        for (std::size_t i = 0; i < results.size() && i < outcome->pieces.size(); ++i) {
            const pm::analysis::NoteSequence seq = pm::analysis::noteSequenceFromTokens(results[i].tokens, tokenizer);
            const pm::analysis::OriginalityResult r = index.index.check(seq, promptBarsOf(results[i], tokenizer));
            outcome->pieces[i].copiedBarShare = r.copiedBarShare;
            if (pm::analysis::describeCopy(r)) outcome->pieces[i].copy = r.longestCopy;
        }
        outcome->copyChecked = true;
        outcome->copyCheckNote = index.note;
    } catch (const std::exception& e) {
        outcome->copyCheckNote = e.what();
    }
}

// "Regenerate these bars": the engine's infill on the chosen variation of the current piece; the
// result becomes the chain's next step, so Undo brings the previous version back.
void regenerateBars(GenerationState& st, const GenerateJob& gjob, const std::atomic<bool>* cancel, GenerationOutcome* outcome) {
    outcome->infillFirstBar = gjob.infillFirstBar;
    outcome->infillLastBar = gjob.infillLastBar;
    if (!st.session->current()) throw std::runtime_error("there is no piece to regenerate bars of yet");
    st.session->choose(std::size_t(std::max(0, gjob.continueVariation)));
    pm::gen::InfillRequest request;
    request.piece = st.session->current()->tokens;
    request.firstBar = gjob.infillFirstBar;
    request.lastBar = gjob.infillLastBar;
    request.sampling = gjob.sampling;
    const pm::gen::InfillResult r = pm::gen::infill(*st.generator, request, cancel);
    outcome->canUndo = st.session->canUndo();
    if (r.cancelled) {
        outcome->cancelled = true;
        outcome->error = "stopped: the bars were not regenerated";
        return;
    }
    if (!r.error.empty()) throw std::runtime_error(r.error);
    pm::gen::GenerationResult g;
    g.tokens = r.tokens;
    g.promptTokens = r.middleBegin;
    g.promptSeconds = r.gapStartSeconds;
    g.generatedEndSeconds = r.gapEndSeconds;
    g.file = r.file;
    g.stats = r.stats;
    g.generatedTokens = r.generatedTokens;
    g.generatedBars = std::size_t(gjob.infillLastBar - gjob.infillFirstBar + 1);
    g.generatedNotes = r.generatedNotes;
    g.seed = r.seed;
    g.generateSeconds = r.seconds;
    g.step = r.step;
    st.session->push(g);
    outcome->pieces.push_back(pieceOf(g, st.generator->tokenizer()));
    outcome->canUndo = st.session->canUndo();
    outcome->ok = true;
}

}  // namespace

JobEnd EngineWorker::generate(JobContext& job, const pm::app::GenerateJob& gjob, QString* message) {
    GenerationOutcome outcome;
    const std::atomic<bool>* cancel = &job.cancel;
    try {
        if (!m_generation) m_generation = std::make_shared<GenerationState>();
        GenerationState& st = *m_generation;
        std::filesystem::file_time_type time;
        std::uintmax_t size = 0;
        fileIdentity(gjob.modelPath, &time, &size);
        if (!st.generator || st.modelPath != gjob.modelPath || st.modelTime != time || st.modelSize != size) {
            std::string error;
            st.session.reset();   // it refers to the generator being replaced
            st.generator = pm::gen::loadGenerator(gjob.modelPath, &error);
            st.modelPath = st.generator ? gjob.modelPath : std::string();
            st.modelTime = time;
            st.modelSize = size;
            if (!st.generator) throw std::runtime_error(error);
            st.session = std::make_unique<pm::gen::GenerationSession>(*st.generator);
        }
        const pm::tok::Tokenizer& tokenizer = st.generator->tokenizer();
        if (gjob.infillFirstBar > 0) {
            regenerateBars(st, gjob, cancel, &outcome);
            emit generationFinished(outcome);
            if (!outcome.ok) *message = QString::fromStdString(outcome.error);
            return outcome.cancelled ? JobEnd::Cancelled : outcome.ok ? JobEnd::Finished : JobEnd::Failed;
        }

        pm::gen::GenerationRequest request;
        request.length = gjob.length;
        request.sampling = gjob.sampling;
        request.variations = gjob.variations;
        if (!gjob.continueCurrent) {
            // The one prompt policy (engine/generate/prompt.h), as the CLI and the demo use it.
            pm::gen::PromptSpec spec;
            spec.file = gjob.promptPath;
            spec.bars = std::max(0.0, gjob.promptBars);
            spec.metre = {gjob.metreNumerator, gjob.metreDenominator};
            spec.bpm = gjob.tempoBpm;
            const pm::gen::Prompt prompt = pm::gen::buildPrompt(tokenizer, spec);
            if (!prompt.ok()) throw std::runtime_error(prompt.error);
            request.prompt = prompt.tokens;
        }

        // Notes go out at most every 30 ms (and at the end): a signal per token would flood the
        // GUI thread's queue when the model is fast.
        GenerationChunk pending;
        QElapsedTimer sinceEmit;
        sinceEmit.start();
        auto flush = [&] {
            if (pending.events.empty() && !pending.prompt) return;
            emit generationChunk(pending);
            pending.events.clear();
            pending.prompt = false;
            sinceEmit.restart();
        };
        auto onUpdate = [&](const pm::gen::GenerationUpdate& u) {
            if (u.variation != pending.variation || u.prompt) flush();
            pending.variation = u.variation;
            pending.generatedTokens = u.generatedTokens;
            for (const auto& e : u.events)
                if (e.kind == pm::tok::DecodedEvent::Kind::Note || e.kind == pm::tok::DecodedEvent::Kind::PedalDown ||
                    e.kind == pm::tok::DecodedEvent::Kind::PedalUp)
                    pending.events.push_back(e);
            if (u.prompt) {
                pending.prompt = true;
                flush();
            } else if (sinceEmit.elapsed() >= 30) {
                flush();
            }
        };

        std::vector<pm::gen::GenerationResult> results;
        if (gjob.continueCurrent) {
            if (!st.session->current()) throw std::runtime_error("there is nothing to continue yet");
            st.session->choose(std::size_t(std::max(0, gjob.continueVariation)));
            results = st.session->continueCurrent(request, onUpdate, cancel);
        } else {
            results = st.session->start(request, onUpdate, cancel);
        }
        flush();
        for (const auto& r : results) outcome.pieces.push_back(pieceOf(r, tokenizer));
        if (!gjob.copyCheckDataset.empty() && !results.empty())
            checkCopies(m_copyIndex, gjob.copyCheckDataset, tokenizer, results, &outcome);
        outcome.cancelled = cancel->load();
        outcome.ok = !results.empty();
        outcome.canUndo = st.session->canUndo();
    } catch (const std::exception& e) {
        outcome.ok = false;
        outcome.error = e.what();
    }
    emit generationFinished(outcome);
    if (!outcome.ok) *message = QString::fromStdString(outcome.error);
    return outcome.cancelled ? JobEnd::Cancelled : outcome.ok ? JobEnd::Finished : JobEnd::Failed;
}

JobEnd EngineWorker::undoGeneration(JobContext&, QString* message) {
    GenerationOutcome outcome;
    outcome.undo = true;
    if (m_generation && m_generation->session && m_generation->session->undo()) {
        outcome.ok = true;
        outcome.pieces.push_back(pieceOf(*m_generation->session->current(), m_generation->generator->tokenizer()));
        outcome.canUndo = m_generation->session->canUndo();
    } else {
        outcome.error = "nothing to undo";
        *message = QString::fromStdString(outcome.error);
    }
    emit generationFinished(outcome);
    return outcome.ok ? JobEnd::Finished : JobEnd::Failed;
}

}  // namespace pm::app
