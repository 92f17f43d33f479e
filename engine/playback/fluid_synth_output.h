// The built-in piano: FluidSynth with a General MIDI soundfont, as a MidiOutput. It renders
// into buffers by itself (offline, no audio device: WAV export and tests) and can also open the
// system's audio driver to play live. Missing soundfont or audio: a message, never a crash.
#pragma once

#include "playback/midi_output.h"
#include "playback/playback_scheduler.h"   // TimedMessage

#include <memory>
#include <string>
#include <vector>

namespace pm::play {

// The soundfont to use: `configured` when it names a readable file, else $PIANOMUSE_SOUNDFONT,
// else Debian's fluid-soundfont-gm / default GM locations. Empty when none exists.
std::string findSoundFont(const std::string& configured = {});

struct SynthOptions {
    std::string soundFont;       // empty: findSoundFont()
    double sampleRate = 44100;
    double gain = 0.5;
};

class FluidSynthOutput : public MidiOutput {
public:
    static std::unique_ptr<FluidSynthOutput> create(const SynthOptions& options, std::string* error);
    ~FluidSynthOutput() override;

    // Opens the system audio driver so messages sound live. False (with a reason) when there is
    // no audio device; offline rendering still works then.
    bool startAudio(std::string* error);

    bool send(const MidiMessage& message) override;
    std::string name() const override;

    // Renders `frames` stereo frames, interleaved L R, into `out` (2 * frames floats).
    void render(float* out, int frames);
    double sampleRate() const;

private:
    struct Impl;
    explicit FluidSynthOutput(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

struct RenderReport {
    double seconds = 0;      // length rendered
    bool capped = false;     // the timeline was longer than maxSeconds
    float peak = 0;          // largest absolute sample
};

// Plays `timeline` through a fresh synth into stereo samples, plus `tailSeconds` of release,
// at most maxSeconds in all. False with a reason when there is no synth or soundfont.
bool renderTimeline(const std::vector<TimedMessage>& timeline, const SynthOptions& options, double maxSeconds,
                    double tailSeconds, std::vector<float>* interleaved, RenderReport* report, std::string* error);

// 16-bit PCM stereo WAV of interleaved float samples in [-1, 1]; false with a reason on I/O failure.
bool writeWav(const std::string& path, const std::vector<float>& interleaved, int sampleRate, std::string* error);

}  // namespace pm::play
