#include "pipeline/demo.h"

#include "core/resource_paths.h"
#include "core/system_info.h"
#include "dataset/dataset_builder.h"
#include "dataset/piece_tokenizer.h"
#include "generate/generator.h"
#include "generate/prompt.h"
#include "midi/midi_reader.h"
#include "midi/midi_writer.h"
#include "playback/fluid_synth_output.h"
#include "playback/midi_ports.h"
#include "playback/player.h"
#include "train/train_defaults.h"
#include "train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

namespace pm {

namespace {

double secondsSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string mmss(double seconds) {
    const long s = long(seconds + 0.5);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
    return buf;
}

bool cancelled(const DemoOptions& o) { return o.cancel && o.cancel->load(); }

// The piece whose opening the model continues: the first validation piece (music the model has
// not trained on), else the first piece in the dataset.
std::string pickPromptPiece(const dataset::Manifest& manifest) {
    std::string fallback;
    for (const auto& f : manifest.files) {
        if (f.piece < 0) continue;
        if (f.split == dataset::Split::Validation) return f.path;
        if (fallback.empty()) fallback = f.path;
    }
    return fallback;
}

}  // namespace

bool runDemo(const DemoOptions& options, const std::function<void(const DemoStageReport&)>& report,
             DemoResult* resultOut) {
    const auto t0 = std::chrono::steady_clock::now();
    DemoResult result;
    bool allOk = true;
    auto emitStage = [&](DemoStageReport r) {
        if (!r.ok && result.error.empty()) result.error = r.stage + ": " + r.detail;
        allOk = allOk && r.ok;
        report(r);
    };
    auto finish = [&](bool ok) {
        result.ok = ok && allOk;
        result.totalSeconds = secondsSince(t0);
        if (resultOut) *resultOut = result;
        return result.ok;
    };

    const SystemInfo info = querySystemInfo();
    emitStage({"system", true, "PianoMuse " + info.version + ", LibTorch " + info.torchVersion});

    ComputeDevice device;
    std::string error;
    if (!resolveDevice(options.device, &device, &error)) {
        emitStage({"device", false, error});
        return finish(false);   // nothing below can run without it
    }
    emitStage({"device", true, device.id + " — " + device.displayName});

    std::string blas = info.blas.library;
    if (options.measureBlas) {
        char buf[64];
        std::snprintf(buf, sizeof buf, ", %.1f GFLOP/s", measureMatmulGflops(384));
        blas += buf;
    }
    if (info.blas.slow) blas += " — " + info.blas.advice;
    emitStage({"blas", true, blas});

    // MIDI output is optional for the pipeline: no ports is information, not failure.
    const MidiPortList ports = listMidiOutputPorts();
    std::string portLine = ports.available ? ports.backend + ": " + std::to_string(ports.ports.size()) + " output port(s)"
                                           : "no MIDI output (" + ports.message + "); the built-in synth will play instead";
    emitStage({"midi-ports", true, portLine});

    // The bundled demo pieces → a dataset, exactly as `pianomuse-cli dataset build` makes one.
    const std::string demo = findResourceDir("demo");
    if (demo.empty()) {
        emitStage({"dataset", false, "the bundled demo pieces were not found (set PIANOMUSE_RESOURCES)"});
        return finish(false);
    }
    namespace fs = std::filesystem;
    const fs::path work = options.workDir.empty() ? fs::temp_directory_path() / "pianomuse-demo" : fs::path(options.workDir);
    std::error_code ec;
    fs::create_directories(work, ec);
    dataset::BuildRequest request;
    request.inputs = {demo};
    request.outputDir = (work / "dataset").string();
    request.options.validationFraction = 0.1;
    request.options.augmentation = {-5, 6, 0.95, 1.05};
    const auto tokenizer = dataset::makePieceTokenizer(std::make_shared<tok::Tokenizer>());
    const dataset::BuildResult built = dataset::buildDataset(request, tokenizer);
    if (!built.ok) {
        emitStage({"dataset", false, built.error});
        return finish(false);
    }
    result.datasetDir = request.outputDir;
    {
        const auto& st = built.manifest.stats;
        char line[256];
        std::snprintf(line, sizeof line, "%llu pieces (%llu train, %llu validation), %.1f min, %llu tokens -> %s",
                      (unsigned long long)st.pieces, (unsigned long long)st.trainPieces,
                      (unsigned long long)st.validationPieces, st.seconds / 60.0, (unsigned long long)st.tokens,
                      request.outputDir.c_str());
        emitStage({"dataset", true, line});
    }

    // A tiny new model, trained until the step count or the time limit. The same policy as the
    // CLI and the Train page (train/train_defaults.h): a new model's learning rate, and the
    // device string as the user gave it (the trainer resolves cuda:N itself).
    train::TrainChoices choices;
    choices.datasetDir = request.outputDir;
    choices.runDir = (work / "run").string();
    fs::remove_all(choices.runDir, ec);   // a fresh run each time (no resume from an older demo)
    choices.preset = options.preset;
    choices.ctxLen = options.contextLength;
    choices.batchSize = options.batchSize;
    choices.seed = options.seed;
    choices.steps = std::max<std::int64_t>(1, options.trainSteps);
    choices.validateEvery = -1;   // once, at the end
    choices.checkpointSeconds = 120;
    choices.keepLast = 1;
    choices.device = options.device;
    train::TrainConfig tc = train::makeTrainConfig(choices);
    tc.validationWindows = 16;   // the demo's one validation is a quick look, not a measurement
    tc.timeLimitSeconds = options.trainMinutes > 0 ? options.trainMinutes * 60.0 : 0.0;
    train::TrainControl control;
    control.alsoStop = options.cancel;
    if (options.trainingThreads) control.threads.store(options.trainingThreads->load());
    const auto trainStart = std::chrono::steady_clock::now();
    const double limit = tc.timeLimitSeconds;
    double valLoss = -1;
    const train::TrainResult trained = train::runTraining(tc, &control, [&](const train::TrainEvent& e) {
        using K = train::TrainEvent::Kind;
        if (e.kind == K::Step) {
            char line[160];
            std::snprintf(line, sizeof line, "loss %.3f, %.0f tok/s, %s%s", e.loss, e.tokensPerSec, mmss(e.elapsed).c_str(),
                          limit > 0 ? (" of at most " + mmss(limit)).c_str() : "");
            DemoStageReport p{"train", true, line};
            p.progress = true;
            p.done = std::size_t(e.step);
            p.total = std::size_t(e.totalSteps);
            p.threads = e.threads;
            report(p);
            // For the next step: the trainer reads its control before each step.
            if (options.trainingThreads) control.threads.store(options.trainingThreads->load());
        } else if (e.kind == K::Validation) {
            valLoss = e.valLoss;
        } else if (e.kind == K::Started) {
            emitStage({"train", true, "a new " + options.preset + " model: " + e.message});
        }
    });
    result.trainSeconds = secondsSince(trainStart);
    if (!trained.ok) {
        emitStage({"train", false, trained.error});
        return finish(false);
    }
    result.modelPath = trained.finalModel;
    {
        char line[512];
        std::snprintf(line, sizeof line, "%lld steps in %s%s, loss %.3f%s -> %s", static_cast<long long>(trained.step),
                      mmss(result.trainSeconds).c_str(),
                      trained.timeLimited ? " (time limit)" : (trained.stopped ? " (stopped)" : ""), trained.lastLoss,
                      valLoss >= 0 ? (", validation " + std::to_string(valLoss).substr(0, 5)).c_str() : "",
                      result.modelPath.c_str());
        emitStage({"train", true, line});
    }
    if (cancelled(options)) {
        emitStage({"generate", false, "cancelled"});
        return finish(false);
    }

    // A continuation of the opening bars of a piece the model has not trained on.
    const auto genStart = std::chrono::steady_clock::now();
    auto generator = gen::loadGenerator(result.modelPath, &error);
    if (!generator) {
        emitStage({"generate", false, error});
        return finish(false);
    }
    result.promptPath = pickPromptPiece(built.manifest);
    gen::PromptSpec promptSpec;
    promptSpec.file = result.promptPath;
    promptSpec.bars = std::max(0, options.promptBars);
    const gen::Prompt prompt = gen::buildPrompt(generator->tokenizer(), promptSpec);
    if (!prompt.ok()) {
        emitStage({"generate", false, prompt.error});
        return finish(false);
    }
    gen::GenerationRequest req;
    req.prompt = prompt.tokens;
    req.length = {gen::LengthUnit::Bars, double(std::max(1, options.generateBars))};
    req.sampling.temperature = options.temperature;
    req.sampling.topP = 0.95;
    req.sampling.repetitionPenalty = 1.1;
    req.sampling.seed = options.seed;
    req.allowEarlyEnd = false;   // the demo should play its whole continuation
    std::size_t bars = 0;
    std::vector<gen::GenerationResult> results;
    try {
        results = generator->generate(
            req,
            [&](const gen::GenerationUpdate& u) {
                if (u.prompt) return;
                const std::size_t before = bars;
                for (const auto& ev : u.events)
                    if (ev.kind == tok::DecodedEvent::Kind::Bar) ++bars;
                if (bars == before) return;   // one progress line per new bar
                DemoStageReport p{"generate", true, std::to_string(u.generatedTokens) + " tokens"};
                p.progress = true;
                p.done = std::min<std::size_t>(bars, std::size_t(options.generateBars));
                p.total = std::size_t(options.generateBars);
                report(p);
            },
            options.cancel);
    } catch (const std::exception& e) {
        emitStage({"generate", false, e.what()});
        return finish(false);
    }
    result.generateSeconds = secondsSince(genStart);
    if (results.empty() || results[0].cancelled) {
        emitStage({"generate", false, "cancelled"});
        return finish(false);
    }
    const gen::GenerationResult& piece = results[0];
    result.promptSeconds = piece.promptSeconds;
    {
        char line[512];
        std::snprintf(line, sizeof line, "%zu prompt bars of %s + %zu new bars, %zu notes, %zu tokens (%.0f tokens/s)",
                      prompt.bars, fs::path(result.promptPath).filename().string().c_str(), piece.generatedBars,
                      piece.generatedNotes, piece.generatedTokens, piece.tokensPerSecond());
        emitStage({"generate", true, line});
    }

    result.midiPath = options.output.empty() ? (work / "demo-continuation.mid").string() : options.output;
    const auto written = midi::writeMidiFile(piece.file, result.midiPath);
    if (!written) {
        emitStage({"midi", false, result.midiPath + ": " + written.error().toString()});
        return finish(false);
    }
    {
        char line[512];
        std::snprintf(line, sizeof line, "%s (the continuation starts at %.1f s)", result.midiPath.c_str(),
                      piece.promptSeconds);
        emitStage({"midi", true, line});
    }

    const std::vector<play::TimedMessage> timeline = play::timelineFromFile(piece.file);
    if (options.renderWav) {
        const std::string soundFont = play::findSoundFont(options.soundFont);
        if (soundFont.empty()) {
            emitStage({"wav", true, "skipped: no soundfont found (install fluid-soundfont-gm or set PIANOMUSE_SOUNDFONT)"});
        } else {
            std::vector<float> samples;
            play::RenderReport rr;
            play::SynthOptions so;
            so.soundFont = soundFont;
            const std::string wav = fs::path(result.midiPath).replace_extension(".wav").string();
            if (play::renderTimeline(timeline, so, 600.0, 2.0, &samples, &rr, &error) &&
                play::writeWav(wav, samples, int(so.sampleRate), &error)) {
                result.wavPath = wav;
                char line[512];
                std::snprintf(line, sizeof line, "%s (%.1f s of audio)", wav.c_str(), rr.seconds);
                emitStage({"wav", true, line});
            } else {
                // Audio is a bonus: the .mid is the result.
                emitStage({"wav", true, "skipped: " + error});
            }
        }
    }

    if (options.play) {
        play::Player player;
        if (!player.open(options.port, options.soundFont, &error)) {
            emitStage({"play", true, "skipped: " + error});
        } else {
            if (!player.notice().empty()) emitStage({"play", true, player.notice()});
            emitStage({"play", true, "playing on " + player.outputName() + " ..."});
            std::string playError;
            const bool played = player.play(timeline, true, 0.0, &playError) && player.waitUntilDone(options.cancel);
            if (playError.empty()) playError = player.error();
            emitStage({"play", played, played ? "done" : playError});
        }
    }
    return finish(true);
}

}  // namespace pm
