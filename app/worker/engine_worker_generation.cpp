// The Generate page's jobs on the engine thread: load (and keep) the model, run the generator
// with its continue/undo chain, stream decoded notes out in small batches.
// LibTorch before Qt: torch's headers use `slots` as a name, which Qt defines as a macro.
#include "generate/generator.h"
#include "generate/prompt.h"
#include "midi/midi_reader.h"

#include "worker/engine_worker.h"

#include <QElapsedTimer>

namespace pm::app {

// Lives on the engine thread only; the GUI never sees it.
struct GenerationState {
    std::string modelPath;
    std::unique_ptr<pm::gen::Generator> generator;
    std::unique_ptr<pm::gen::GenerationSession> session;
};

namespace {

GeneratedPiece pieceOf(const pm::gen::GenerationResult& r) {
    GeneratedPiece p;
    p.file = r.file;
    p.promptSeconds = r.promptSeconds;
    p.generatedTokens = r.generatedTokens;
    p.generatedBars = r.generatedBars;
    p.generatedNotes = r.generatedNotes;
    p.tokensPerSecond = r.tokensPerSecond();
    p.seed = r.seed;
    p.endedByModel = r.endedByModel;
    p.cancelled = r.cancelled;
    return p;
}

}  // namespace

void EngineWorker::generate(const pm::app::GenerateJob& job) {
    m_cancel->store(false);
    emit busyChanged(true);
    GenerationOutcome outcome;
    try {
        if (!m_generation) m_generation = std::make_shared<GenerationState>();
        GenerationState& st = *m_generation;
        if (!st.generator || st.modelPath != job.modelPath) {
            std::string error;
            st.generator = pm::gen::loadGenerator(job.modelPath, &error);
            st.session.reset();
            st.modelPath = st.generator ? job.modelPath : std::string();
            if (!st.generator) throw std::runtime_error(error);
            st.session = std::make_unique<pm::gen::GenerationSession>(*st.generator);
        }
        const pm::tok::Tokenizer& tokenizer = st.generator->tokenizer();

        pm::gen::GenerationRequest request;
        request.length = job.length;
        request.sampling = job.sampling;
        request.variations = job.variations;
        if (!job.continueCurrent) {
            pm::gen::Prompt prompt;
            if (!job.promptPath.empty()) {
                auto file = pm::midi::readMidiFile(job.promptPath);
                if (!file) throw std::runtime_error(job.promptPath + ": " + file.error().toString());
                prompt = pm::gen::promptFromBars(tokenizer, file.value(), std::size_t(std::max(0.0, job.promptBars)));
            } else {
                prompt = pm::gen::metadataPrompt(tokenizer, {job.metreNumerator, job.metreDenominator}, job.tempoBpm);
            }
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
        if (job.continueCurrent) {
            if (!st.session->current()) throw std::runtime_error("there is nothing to continue yet");
            st.session->choose(std::size_t(std::max(0, job.continueVariation)));
            results = st.session->continueCurrent(request, onUpdate, m_cancel);
        } else {
            results = st.session->start(request, onUpdate, m_cancel);
        }
        flush();
        for (const auto& r : results) outcome.pieces.push_back(pieceOf(r));
        outcome.cancelled = cancelRequested();
        outcome.ok = !results.empty();
        outcome.canUndo = st.session->canUndo();
    } catch (const std::exception& e) {
        outcome.ok = false;
        outcome.error = e.what();
    }
    emit generationFinished(outcome);
    emit busyChanged(false);
}

void EngineWorker::undoGeneration() {
    GenerationOutcome outcome;
    outcome.undo = true;
    if (m_generation && m_generation->session && m_generation->session->undo()) {
        outcome.ok = true;
        outcome.pieces.push_back(pieceOf(*m_generation->session->current()));
        outcome.canUndo = m_generation->session->canUndo();
    } else {
        outcome.error = "nothing to undo";
    }
    emit generationFinished(outcome);
}

}  // namespace pm::app
