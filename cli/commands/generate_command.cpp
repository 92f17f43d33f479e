// `pianomuse-cli generate`: continue a MIDI prompt (or start from a metre and tempo) with a
// model, write the result as .mid, optionally play it while it is written or render a WAV.
// With --infill A-B it regenerates bars A to B of the prompt instead, keeping the rest
// (engine/generate/infill.h).
#include "command.h"

#include "generate/generator.h"
#include "generate/infill.h"
#include "generate/prompt.h"
#include "midi/midi_reader.h"
#include "midi/midi_writer.h"
#include "playback/fluid_synth_output.h"
#include "playback/player.h"

#include <cstdio>
#include <memory>
#include <random>

namespace pm::cli {

namespace {

struct GenerateOptions {
    std::string model, prompt, output, wav, port, soundFont, metre = "4/4";
    double promptBars = 4, promptSeconds = 0;
    double bars = 0, seconds = 0, tokens = 0;
    double temperature = 1.0, topP = 0.95, repPenalty = 1.1, repDecay = 0.9, endBias = 0.0, tempo = 120;
    int topK = 0, variations = 1;
    std::int64_t seed = -1;
    bool play = false, synth = false, noEarlyEnd = false;
    std::size_t maxTokens = 20000;
    std::string weights = "auto";
    int stepThreads = 0;
    std::string infill;   // "A-B": regenerate these bars of --prompt
};

// "out.mid" for one variation; "out-2.mid", "out-3.mid" ... for the others.
std::string variationPath(const std::string& path, int v) {
    if (v == 0) return path;
    const auto dot = path.rfind('.');
    const auto slash = path.rfind('/');
    const bool ext = dot != std::string::npos && (slash == std::string::npos || dot > slash);
    return (ext ? path.substr(0, dot) : path) + "-" + std::to_string(v + 1) + (ext ? path.substr(dot) : ".mid");
}

gen::SamplingOptions samplingOptions(const GenerateOptions& o) {
    gen::SamplingOptions s;
    s.temperature = o.temperature;
    s.topK = o.topK;
    s.topP = o.topP;
    s.repetitionPenalty = o.repPenalty;
    s.repetitionDecay = o.repDecay;
    s.endBias = o.endBias;
    s.seed = o.seed >= 0 ? std::uint64_t(o.seed) : std::random_device{}();
    return s;
}

// Plays a finished piece (--play) and/or renders it (--wav).
int playAndRender(const GenerateOptions& o, const midi::MidiFile& file) {
    std::string error;
    const std::vector<play::TimedMessage> timeline = play::timelineFromFile(file);
    if (!o.wav.empty()) {
        std::vector<float> samples;
        play::RenderReport report;
        play::SynthOptions so;
        so.soundFont = o.soundFont;
        if (!play::renderTimeline(timeline, so, 600.0, 2.0, &samples, &report, &error) ||
            !play::writeWav(o.wav, samples, int(so.sampleRate), &error)) {
            printError(o.wav + ": " + error);
            return kExitFailed;
        }
        std::printf("%s: %.1f s of audio%s\n", o.wav.c_str(), report.seconds, report.capped ? " (capped at 600 s)" : "");
    }
    if (o.play) {
        play::Player player;
        if (!player.open(o.synth ? std::string() : o.port, o.soundFont, &error)) {
            std::fprintf(stderr, "pianomuse-cli: warning: cannot play: %s\n", error.c_str());
            return kExitOk;
        }
        if (!player.notice().empty()) std::fprintf(stderr, "pianomuse-cli: warning: %s\n", player.notice().c_str());
        player.play(timeline, true, 0.0, nullptr);
        if (!player.waitUntilDone(nullptr)) std::fprintf(stderr, "pianomuse-cli: warning: %s\n", player.error().c_str());
    }
    return kExitOk;
}

// --infill A-B: the whole prompt piece with bars A to B regenerated, everything else kept.
int runInfill(const GenerateOptions& o) {
    if (o.prompt.empty()) {
        printError("--infill needs --prompt PIECE.mid (the piece whose bars are regenerated)");
        return kExitUsage;
    }
    if (o.bars > 0 || o.seconds > 0 || o.tokens > 0) {
        printError("--infill regenerates the bars it names: --bars, --seconds and --tokens do not apply");
        return kExitUsage;
    }
    int first = 0, last = 0;
    std::string error;
    if (!gen::parseBarRange(o.infill, &first, &last, &error)) {
        printError("--infill: " + error);
        return kExitUsage;
    }
    auto read = midi::readMidiFile(o.prompt);
    if (!read) {
        printError(o.prompt + ": " + read.error().toString());
        return kExitFailed;
    }
    std::printf("Loading %s ...\n", o.model.c_str());
    auto generator = gen::loadGenerator(o.model, &error);
    if (!generator) {
        printError(error);
        return kExitFailed;
    }
    gen::InfillRequest req;
    req.piece = generator->tokenizer().encode(read.value()).tokens;
    req.firstBar = first;
    req.lastBar = last;
    req.sampling = samplingOptions(o);
    req.maxTokens = o.maxTokens;
    gen::parseWeightMode(o.weights, &req.weights);   // checked by the option's validator
    req.stepThreads = o.stepThreads;
    const std::uint64_t seed = req.sampling.seed;
    midi::MidiFile firstFile;
    for (int v = 0; v < o.variations; ++v) {
        req.sampling.seed = seed + std::uint64_t(v);
        const gen::InfillResult r = gen::infill(*generator, req);
        if (!r.error.empty()) {
            printError(o.prompt + ": " + r.error);
            return kExitFailed;
        }
        const std::string path = variationPath(o.output, v);
        const auto written = midi::writeMidiFile(r.file, path);
        if (!written) {
            printError(path + ": " + written.error().toString());
            return kExitFailed;
        }
        std::printf("%s: bars %d-%d of %zu regenerated (%.2f-%.2f s), %zu notes, %zu tokens in %.2f s; prompt %zu tokens; "
                    "seed %llu; %s\n",
                    path.c_str(), first, last, r.bars, r.gapStartSeconds, r.gapEndSeconds, r.generatedNotes, r.generatedTokens,
                    r.seconds, r.promptTokens, static_cast<unsigned long long>(r.seed), r.step.c_str());
        if (v == 0) firstFile = r.file;
    }
    return playAndRender(o, firstFile);
}

int runGenerate(const GenerateOptions& o) {
    if (!o.infill.empty()) return runInfill(o);
    const int lengthOptions = (o.bars > 0) + (o.seconds > 0) + (o.tokens > 0);
    if (lengthOptions > 1) {
        printError("give one of --bars, --seconds, --tokens");
        return kExitUsage;
    }
    std::string error;
    std::printf("Loading %s ...\n", o.model.c_str());
    auto generator = gen::loadGenerator(o.model, &error);
    if (!generator) {
        printError(error);
        return kExitFailed;
    }
    const tok::Tokenizer& tokenizer = generator->tokenizer();

    gen::PromptSpec spec;
    spec.file = o.prompt;
    spec.bars = o.promptBars;
    spec.seconds = o.promptSeconds;
    spec.bpm = o.tempo;
    if (o.prompt.empty() && std::sscanf(o.metre.c_str(), "%d/%d", &spec.metre.numerator, &spec.metre.denominator) != 2) {
        printError("--time-signature must look like 3/4");
        return kExitUsage;
    }
    const gen::Prompt prompt = gen::buildPrompt(tokenizer, spec);
    if (!prompt.ok()) {
        printError(prompt.error);
        return o.prompt.empty() ? kExitUsage : kExitFailed;
    }

    gen::GenerationRequest req;
    req.prompt = prompt.tokens;
    req.length = o.seconds > 0  ? gen::GenerationLength{gen::LengthUnit::Seconds, o.seconds}
                 : o.tokens > 0 ? gen::GenerationLength{gen::LengthUnit::Tokens, o.tokens}
                                : gen::GenerationLength{gen::LengthUnit::Bars, o.bars > 0 ? o.bars : 8};
    req.sampling.temperature = o.temperature;
    req.sampling.topK = o.topK;
    req.sampling.topP = o.topP;
    req.sampling.repetitionPenalty = o.repPenalty;
    req.sampling.repetitionDecay = o.repDecay;
    req.sampling.endBias = o.endBias;
    req.sampling.seed = o.seed >= 0 ? std::uint64_t(o.seed) : std::random_device{}();
    req.variations = o.variations;
    req.allowEarlyEnd = !o.noEarlyEnd;
    req.maxTokens = o.maxTokens;
    gen::parseWeightMode(o.weights, &req.weights);   // checked by the option's validator
    req.stepThreads = o.stepThreads;                 // 0: pm::generationThreads (nothing else runs here)
    std::printf("Prompt: %zu bars, %zu tokens; seed %llu\n", prompt.bars, prompt.tokens.size(),
                static_cast<unsigned long long>(req.sampling.seed));

    // Playback while the model writes: the first variation's notes go to the player as they are
    // decoded (a port that cannot open falls back to the built-in piano, with a notice).
    play::Player player;
    bool playing = false;
    if (o.play) {
        if (!player.open(o.synth ? std::string() : o.port, o.soundFont, &error))
            std::fprintf(stderr, "pianomuse-cli: warning: cannot play: %s\n", error.c_str());
        else if (!player.notice().empty())
            std::fprintf(stderr, "pianomuse-cli: warning: %s\n", player.notice().c_str());
        playing = !player.outputName().empty();
    }
    auto onUpdate = [&](const gen::GenerationUpdate& u) {
        if (!playing || u.variation != 0) return;
        if (u.prompt) player.play(play::timelineFromEvents(u.events), false, 0.0, nullptr);
        else if (!u.events.empty()) player.append(play::timelineFromEvents(u.events));
    };

    const auto results = generator->generate(req, onUpdate);
    std::vector<play::TimedMessage> firstTimeline;
    for (std::size_t v = 0; v < results.size(); ++v) {
        const auto& r = results[v];
        const std::string path = variationPath(o.output, int(v));
        const auto written = midi::writeMidiFile(r.file, path);
        if (!written) {
            printError(path + ": " + written.error().toString());
            return kExitFailed;
        }
        std::printf("%s: %zu bars, %zu notes, %zu tokens in %.2f s (%.0f tokens/s; prefill %.0f ms; %s)%s\n",
                    path.c_str(), r.generatedBars, r.generatedNotes, r.generatedTokens, r.generateSeconds,
                    r.tokensPerSecond(), r.prefillSeconds * 1000, r.step.c_str(),
                    r.endedByModel ? ", ended by the model" : "");
        if (v == 0) firstTimeline = play::timelineFromFile(r.file);
    }
    if (!o.wav.empty() && !results.empty()) {
        std::vector<float> samples;
        play::RenderReport report;
        play::SynthOptions so;
        so.soundFont = o.soundFont;
        if (!play::renderTimeline(firstTimeline, so, 600.0, 2.0, &samples, &report, &error) ||
            !play::writeWav(o.wav, samples, int(so.sampleRate), &error)) {
            printError(o.wav + ": " + error);
            return kExitFailed;
        }
        std::printf("%s: %.1f s of audio%s\n", o.wav.c_str(), report.seconds, report.capped ? " (capped at 600 s)" : "");
    }
    if (playing) {
        player.markComplete();
        if (!player.waitUntilDone(nullptr)) std::fprintf(stderr, "pianomuse-cli: warning: %s\n", player.error().c_str());
    }
    return kExitOk;
}

}  // namespace

void addGenerateCommand(CLI::App& root, CommandList& commands) {
    auto o = std::make_shared<GenerateOptions>();
    CLI::App* app = root.add_subcommand("generate", "Continue a MIDI prompt with a model and write the result");
    app->add_option("--model", o->model, "Model file (.safetensors or RWKV-LM .pth)")->required()->check(CLI::ExistingFile);
    app->add_option("--prompt", o->prompt, "MIDI file to continue (default: start from --time-signature/--tempo)")
        ->check(CLI::ExistingFile);
    app->add_option("--prompt-bars", o->promptBars, "Bars of the prompt to keep")->check(CLI::Range(0, 100000))->capture_default_str();
    app->add_option("--prompt-seconds", o->promptSeconds, "Keep the bars that start before this time instead")
        ->check(CLI::PositiveNumber);
    app->add_option("--time-signature", o->metre, "Metre when there is no prompt")->capture_default_str();
    app->add_option("--tempo", o->tempo, "Tempo in BPM when there is no prompt")->check(CLI::Range(1.0, 1000.0))->capture_default_str();
    app->add_option("--bars", o->bars, "Length of the continuation in bars (default 8)")->check(CLI::PositiveNumber);
    app->add_option("--seconds", o->seconds, "... or in seconds")->check(CLI::PositiveNumber);
    app->add_option("--tokens", o->tokens, "... or in tokens")->check(CLI::PositiveNumber);
    app->add_option("--temperature", o->temperature, "Sampling temperature (0: greedy)")->check(CLI::Range(0.0, 10.0))->capture_default_str();
    app->add_option("--top-k", o->topK, "Keep the k most likely tokens (0: all)")->check(CLI::Range(0, 1 << 20))->capture_default_str();
    app->add_option("--top-p", o->topP, "Nucleus sampling threshold")->check(CLI::Range(0.0, 1.0))->capture_default_str();
    app->add_option("--rep-penalty,--repetition-penalty", o->repPenalty, "Penalty on recently played pitches (1: off)")
        ->check(CLI::Range(1.0, 10.0))->capture_default_str();
    app->add_option("--rep-decay", o->repDecay, "Penalty decay per pitch of distance")->check(CLI::Range(0.0, 1.0))->capture_default_str();
    app->add_option("--end-bias", o->endBias, "Added to the end-of-piece logit (> 0 ends sooner)")->capture_default_str();
    app->add_flag("--no-early-end", o->noEarlyEnd, "Do not let the model end the piece before the length");
    app->add_option("--seed", o->seed, "Random seed (default: a fresh one, printed)");
    app->add_option("--variations", o->variations, "Number of variations (files out-2.mid, ...)")->check(CLI::Range(1, 64))->capture_default_str();
    app->add_option("--max-tokens", o->maxTokens, "Safety cap on tokens per variation")->capture_default_str();
    app->add_option("--weights", o->weights,
                    "Weights of the CPU step: fp32 (the model's values), bf16 or int8 (smaller, faster, slightly "
                    "different), auto (int8 for models over 32 MB of matrices)")
        ->check(CLI::IsMember({"auto", "fp32", "bf16", "int8"}))
        ->capture_default_str();
    app->add_option("--step-threads", o->stepThreads, "Threads of the CPU step (0: up to 2)")
        ->check(CLI::Range(0, 64))
        ->capture_default_str();
    app->add_option("--infill", o->infill,
                    "Regenerate bars A-B of --prompt (counted from 1) and write the whole piece, keeping every "
                    "other bar");
    app->add_option("-o,--output", o->output, "Output .mid file")->required();
    app->add_flag("--play", o->play, "Play the first variation while it is generated");
    auto* port = app->add_option("--port", o->port, "MIDI output port for --play (default: built-in piano)");
    app->add_flag("--synth", o->synth, "Play through the built-in piano")->excludes(port);
    app->add_option("--wav", o->wav, "Also render the first variation to this WAV file");
    app->add_option("--soundfont", o->soundFont, "Soundfont for the built-in piano");
    commands.push_back({app, [o] { return runGenerate(*o); }});
}

}  // namespace pm::cli
