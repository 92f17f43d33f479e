// `pianomuse-cli play FILE.mid`: through a MIDI port or the built-in piano, or into a WAV file.
#include "command.h"

#include "midi/midi_reader.h"
#include "playback/fluid_synth_output.h"
#include "playback/player.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace pm::cli {

namespace {
struct PlayOptions {
    std::string file, port, wav, soundFont;
    bool synth = false;
    double maxSeconds = 600;
};

// Ctrl-C ends playback with the output silenced (a killed process would leave notes hanging on
// an external synthesizer); a second Ctrl-C leaves at once.
std::atomic<bool> g_playStop{false};
std::atomic<int> g_playInterrupts{0};
extern "C" void onPlayInterrupt(int) {
    if (g_playInterrupts.fetch_add(1) >= 1) std::_Exit(130);
    g_playStop.store(true);
}

int runPlay(const PlayOptions& o) {
    auto file = midi::readMidiFile(o.file);
    if (!file) {
        printError(o.file + ": " + file.error().toString());
        return kExitFailed;
    }
    const auto timeline = play::timelineFromFile(file.value());
    std::string error;
    if (!o.wav.empty()) {
        std::vector<float> samples;
        play::RenderReport report;
        play::SynthOptions so;
        so.soundFont = o.soundFont;
        if (!play::renderTimeline(timeline, so, o.maxSeconds, 2.0, &samples, &report, &error) ||
            !play::writeWav(o.wav, samples, int(so.sampleRate), &error)) {
            printError(o.wav + ": " + error);
            return kExitFailed;
        }
        std::printf("%s: %.1f s of audio%s\n", o.wav.c_str(), report.seconds, report.capped ? " (capped)" : "");
        return kExitOk;
    }
    play::Player player;
    if (!player.open(o.synth ? std::string() : o.port, o.soundFont, &error)) {
        printError("cannot play: " + error);
        return kExitFailed;
    }
    if (!player.notice().empty()) std::fprintf(stderr, "pianomuse-cli: warning: %s\n", player.notice().c_str());
    if (!player.play(timeline, true, 0.0, &error)) {
        printError("cannot play: " + error);
        return kExitFailed;
    }
    std::printf("Playing %s through %s (%.1f s) ...\n", o.file.c_str(), player.outputName().c_str(), player.duration());
    std::fflush(stdout);
    g_playStop = false;
    g_playInterrupts = 0;
    auto previous = std::signal(SIGINT, onPlayInterrupt);
    const bool ok = player.waitUntilDone(&g_playStop);
    std::signal(SIGINT, previous);
    if (!ok) {
        printError(player.error());
        return kExitFailed;
    }
    return kExitOk;
}
}  // namespace

void addPlayCommand(CLI::App& root, CommandList& commands) {
    auto o = std::make_shared<PlayOptions>();
    CLI::App* app = root.add_subcommand("play", "Play a MIDI file through a port or the built-in piano, or render it to WAV");
    app->add_option("file", o->file, "MIDI file")->required()->check(CLI::ExistingFile);
    auto* port = app->add_option("--port", o->port, "MIDI output port (see `pianomuse-cli ports`)");
    app->add_flag("--synth", o->synth, "Use the built-in piano (the default without --port)")->excludes(port);
    app->add_option("--wav", o->wav, "Render to this WAV file instead of playing");
    app->add_option("--soundfont", o->soundFont, "Soundfont for the built-in piano");
    app->add_option("--max-seconds", o->maxSeconds, "Longest WAV to render")->check(CLI::PositiveNumber)->capture_default_str();
    commands.push_back({app, [o] { return runPlay(*o); }});
}

}  // namespace pm::cli
