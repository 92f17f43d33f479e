// `pianomuse-cli jam`: play with the model from a MIDI keyboard (issue 17; docs/jam.md). The
// player plays; at the handover (a silence, a pedal/controller, a key) the model answers for N
// bars in the player's tempo and metre; playing again stops the answer at once. Ctrl-C ends the
// session and writes the recording (player and model on two tracks).
#include "command.h"

#include "generate/generator.h"
#include "generate/jam_session.h"
#include "jam/handover.h"
#include "midi/midi_writer.h"
#include "model/base_model.h"
#include "playback/midi_ports.h"
#include "playback/open_output.h"
#include "playback/playback_clock.h"
#include "playback/rtmidi_input.h"
#include "playback/virtual_midi_ports.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>

namespace pm::cli {
namespace {

struct JamOptions {
    std::string in, out, model, trigger = "silence:500ms", record, metre = "4/4", soundFont, weights = "auto";
    bool synth = false, makeVirtual = false;
    int bars = 2, countIn = 0;
    double bpm = 120, offsetMs = 60, temperature = 1.0;
    std::uint64_t seed = 1;
};

std::atomic<bool> g_jamStop{false};
std::atomic<int> g_jamInterrupts{0};
extern "C" void onJamInterrupt(int) {
    // First Ctrl-C: end the session (notes off, recording written). Second: leave now.
    if (g_jamInterrupts.fetch_add(1) >= 1) std::_Exit(130);
    g_jamStop = true;
}

bool parseMetre(const std::string& s, tok::Metre* out) {
    const std::size_t slash = s.find('/');
    if (slash == std::string::npos) return false;
    try {
        out->numerator = std::stoi(s.substr(0, slash));
        out->denominator = std::stoi(s.substr(slash + 1));
    } catch (...) {
        return false;
    }
    return out->numerator > 0 && out->denominator > 0;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, std::size_t(p * double(v.size() - 1) + 0.5))];
}

int runJam(const JamOptions& o) {
    gen::JamOptions jo;
    std::string error;
    if (!jam::parseTrigger(o.trigger, &jo.trigger, &error)) {
        printError(error);
        return kExitUsage;
    }
    if (!parseMetre(o.metre, &jo.grid.metre)) {
        printError("--metre " + o.metre + ": give it as N/D, e.g. 4/4 or 6/8");
        return kExitUsage;
    }
    if (!gen::parseWeightMode(o.weights, &jo.weights)) {
        printError("--weights must be auto, fp32, bf16 or int8");
        return kExitUsage;
    }
    jo.grid.bpm = o.bpm;
    jo.replyBars = o.bars;
    jo.countInBars = o.countIn;
    jo.replyOffsetSeconds = o.offsetMs / 1000.0;
    jo.sampling.seed = o.seed;
    jo.sampling.temperature = o.temperature;
    if (!o.makeVirtual && o.in.empty()) {
        const MidiPortList inputs = listMidiInputPorts();
        printError(inputs.ports.empty() ? noMidiInputsMessage()
                                        : "give the keyboard with --in PORT (see 'pianomuse-cli ports'), or --virtual");
        return kExitUsage;
    }

    // Ports first: a missing keyboard is said before the model takes its seconds to load.
    std::unique_ptr<play::MidiInput> input;
    std::unique_ptr<play::MidiOutput> output;
    play::VirtualMidiPorts virtualPorts;
    if (o.makeVirtual) {
        if (!play::openVirtualMidiPorts(&virtualPorts, &error)) {
            printError(error);
            return kExitFailed;
        }
        std::fprintf(stderr, "virtual ports \"%s\" and \"%s\" are open (%s): connect your DAW or keyboard to them\n",
                     play::kVirtualInputName, play::kVirtualOutputName, virtualPorts.how.c_str());
        input = std::move(virtualPorts.input);
        if (o.out.empty() && !o.synth) output = std::move(virtualPorts.output);
    } else {
        input = play::openLiveInput(o.in, &error);
        if (!input) {
            printError(error);
            return kExitFailed;
        }
    }
    if (!output) {
        output = play::openLiveOutput(o.synth ? std::string() : o.out, o.soundFont, &error);
        if (!output) {
            printError(error);
            return kExitFailed;
        }
    }

    const std::string modelPath = o.model.empty() ? model::bundledBaseModelPath() : o.model;
    if (modelPath.empty()) {
        printError("no model: give --model FILE (no bundled base model was found)");
        return kExitFailed;
    }
    auto generator = gen::loadGenerator(modelPath, &error);
    if (!generator) {
        printError(error);
        return kExitFailed;
    }
    std::unique_ptr<gen::JamResponder> responder;
    try {
        responder = std::make_unique<gen::JamResponder>(generator->model(), generator->tokenizer(), jo);
    } catch (const std::exception& e) {
        printError(e.what());
        return kExitFailed;
    }
    std::fprintf(stderr, "jam: %s -> %s, %s, %g BPM %d/%d, answers %d bar%s after a %s (%s). Ctrl-C ends%s.\n",
                 input->name().c_str(), output->name().c_str(), modelPath.c_str(), jo.grid.bpm, jo.grid.metre.numerator,
                 jo.grid.metre.denominator, jo.replyBars, jo.replyBars == 1 ? "" : "s", jam::describe(jo.trigger).c_str(),
                 responder->stepDescription().c_str(), o.record.empty() ? "" : " and writes the recording");

    g_jamStop = false;
    g_jamInterrupts = 0;
    auto previous = std::signal(SIGINT, onJamInterrupt);
    std::signal(SIGTERM, onJamInterrupt);
    const play::SteadyPlaybackClock clock;
    responder->start(clock.now());   // the count-in's clicks, if any, go out first
    const gen::JamSessionResult r = gen::runJamSession(*responder, *input, *output, clock, g_jamStop, [](const gen::JamSessionEvent& e) {
        if (e.kind == gen::JamSessionEvent::Kind::Handover) std::fprintf(stderr, "handover: the model answers\n");
    });
    std::signal(SIGINT, previous);
    std::signal(SIGTERM, SIG_DFL);

    const gen::JamStats& s = responder->stats();
    std::fprintf(stderr, "jam ended: %d handover%s, %d answered, %d interrupted", s.handovers, s.handovers == 1 ? "" : "s", s.replies,
                 s.interrupted);
    if (!s.latencies.empty())
        std::fprintf(stderr, "; first reply note %.0f ms after the handover (median, as scheduled; max %.0f ms)",
                     percentile(s.latencies, 0.5) * 1000, percentile(s.latencies, 1.0) * 1000);
    std::fprintf(stderr, "\n");
    int code = kExitOk;
    if (!r.message.empty()) {
        printError(r.message);
        code = kExitFailed;
    }
    if (!o.record.empty()) {
        // The recording so far is kept whatever ended the session.
        const auto w = midi::writeMidiFile(responder->recording(), o.record);
        if (!w.ok()) {
            printError("the recording was not written: " + w.error().toString());
            return kExitFailed;
        }
        std::printf("recording: %s\n", o.record.c_str());
    }
    return code;
}

}  // namespace

void addJamCommand(CLI::App& root, CommandList& commands) {
    auto o = std::make_shared<JamOptions>();
    CLI::App* app = root.add_subcommand(
        "jam", "Play with the model from a MIDI keyboard: it answers at the handover, in your tempo and metre (Ctrl-C ends)");
    app->add_option("--in", o->in, "MIDI input port, as 'pianomuse-cli ports' lists it (name, part of it, or index)");
    auto* out = app->add_option("--out", o->out, "MIDI output port for the model's answers");
    app->add_flag("--synth", o->synth, "Play the answers on the built-in piano")->excludes(out);
    app->add_option("--soundfont", o->soundFont, "Soundfont for the built-in piano");
    app->add_option("--model", o->model, "Model file (default: the bundled base model)")->check(CLI::ExistingFile);
    app->add_option("--trigger", o->trigger, "Handover: silence:500ms, cc:N (a pedal or switch) or note:K (a key)")
        ->capture_default_str();
    app->add_option("--bars", o->bars, "Bars the model answers with")->check(CLI::Range(1, 16))->capture_default_str();
    app->add_option("--bpm", o->bpm, "Your tempo (quarter notes per minute)")->check(CLI::Range(20.0, 300.0))->capture_default_str();
    app->add_option("--metre", o->metre, "Your metre, e.g. 4/4, 3/4, 6/8")->capture_default_str();
    app->add_option("--count-in", o->countIn,
                    "Bars of metronome clicks before you play (0: your first note is the first downbeat)")
        ->check(CLI::Range(0, 4))->capture_default_str();
    app->add_option("--offset-ms", o->offsetMs, "The answer's first note sounds this long after the handover")
        ->check(CLI::Range(0.0, 1000.0))->capture_default_str();
    app->add_option("--record", o->record, "Write the session (you and the model on two tracks) to this .mid file");
    app->add_flag("--virtual", o->makeVirtual,
                  "Open virtual ports \"PianoMuse in\" / \"PianoMuse out\" for a DAW (ALSA, JACK; on Windows a loopback "
                  "driver such as loopMIDI)");
    app->add_option("--seed", o->seed, "Seed of the first answer (each answer takes the next)")->capture_default_str();
    app->add_option("--temperature", o->temperature, "Sampling temperature")->check(CLI::Range(0.0, 5.0))->capture_default_str();
    app->add_option("--weights", o->weights, "How the CPU step holds the weights: auto, fp32, bf16, int8")->capture_default_str();
    commands.push_back({app, [o] { return runJam(*o); }});
}

}  // namespace pm::cli
