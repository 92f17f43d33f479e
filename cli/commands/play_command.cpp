// `pianomuse-cli play FILE.mid`: through a MIDI port or the built-in piano, or into a WAV file.
#include "command.h"

#include "midi/midi_reader.h"
#include "playback/fluid_synth_output.h"
#include "playback/open_output.h"
#include "playback/playback_clock.h"
#include "playback/playback_scheduler.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

namespace pm::cli {

namespace {
struct PlayOptions {
    std::string file, port, wav, soundFont;
    bool synth = false;
    double maxSeconds = 600;
};

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
    auto output = play::openLiveOutput(o.synth ? std::string() : o.port, o.soundFont, &error);
    if (!output) {
        printError("cannot play: " + error);
        return kExitFailed;
    }
    play::SteadyPlaybackClock clock;
    play::PlaybackScheduler scheduler(*output, clock);
    scheduler.append(timeline);
    scheduler.markComplete();
    std::printf("Playing %s through %s (%.1f s) ...\n", o.file.c_str(), output->name().c_str(), scheduler.duration());
    scheduler.play(0.0);
    while (scheduler.playing()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!scheduler.error().empty()) {
        printError(scheduler.error());
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
