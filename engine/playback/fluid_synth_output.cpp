#include "playback/fluid_synth_output.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>

#if PIANOMUSE_HAVE_FLUIDSYNTH
#include <fluidsynth.h>
#endif

namespace pm::play {

namespace {
bool readable(const std::string& path) {
    if (path.empty()) return false;
    std::ifstream f(path, std::ios::binary);
    return bool(f);
}
}  // namespace

std::string findSoundFont(const std::string& configured) {
    if (readable(configured)) return configured;
    if (const char* env = std::getenv("PIANOMUSE_SOUNDFONT"); env && readable(env)) return env;
    for (const char* p : {"/usr/share/sounds/sf2/FluidR3_GM.sf2", "/usr/share/sounds/sf2/default-GM.sf2",
                          "/usr/share/soundfonts/default.sf2", "/usr/share/soundfonts/FluidR3_GM.sf2",
                          "/usr/local/share/soundfonts/default.sf2"})
        if (readable(p)) return p;
    return {};
}

#if PIANOMUSE_HAVE_FLUIDSYNTH
struct FluidSynthOutput::Impl {
    fluid_settings_t* settings = nullptr;
    fluid_synth_t* synth = nullptr;
    fluid_audio_driver_t* driver = nullptr;
    std::string soundFont;
    ~Impl() {
        if (driver) delete_fluid_audio_driver(driver);
        if (synth) delete_fluid_synth(synth);
        if (settings) delete_fluid_settings(settings);
    }
};

namespace {
// FluidSynth prints warnings (e.g. about missing audio drivers) on stderr by default; the CLI
// and app report problems themselves, so only its errors stay on.
void quietFluidLogs() {
    static std::once_flag once;
    std::call_once(once, [] {
        fluid_set_log_function(FLUID_WARN, nullptr, nullptr);
        fluid_set_log_function(FLUID_INFO, nullptr, nullptr);
        fluid_set_log_function(FLUID_DBG, nullptr, nullptr);
    });
}
}  // namespace

std::unique_ptr<FluidSynthOutput> FluidSynthOutput::create(const SynthOptions& options, std::string* error) {
    quietFluidLogs();
    const std::string sf = findSoundFont(options.soundFont);
    if (sf.empty()) {
        if (error)
            *error = options.soundFont.empty()
                         ? "no General MIDI soundfont found (install fluid-soundfont-gm or set PIANOMUSE_SOUNDFONT)"
                         : "the soundfont \"" + options.soundFont + "\" cannot be read, and no other was found";
        return nullptr;
    }
    auto impl = std::make_unique<Impl>();
    impl->soundFont = sf;
    impl->settings = new_fluid_settings();
    if (!impl->settings) {
        if (error) *error = "FluidSynth could not create its settings";
        return nullptr;
    }
    fluid_settings_setnum(impl->settings, "synth.sample-rate", options.sampleRate);
    fluid_settings_setnum(impl->settings, "synth.gain", options.gain);
    impl->synth = new_fluid_synth(impl->settings);
    if (!impl->synth) {
        if (error) *error = "FluidSynth could not create a synthesizer";
        return nullptr;
    }
    if (fluid_synth_sfload(impl->synth, sf.c_str(), 1) == FLUID_FAILED) {
        if (error) *error = "FluidSynth could not load the soundfont \"" + sf + "\"";
        return nullptr;
    }
    return std::unique_ptr<FluidSynthOutput>(new FluidSynthOutput(std::move(impl)));
}

bool FluidSynthOutput::startAudio(std::string* error) {
    if (impl_->driver) return true;
    impl_->driver = new_fluid_audio_driver(impl_->settings, impl_->synth);
    if (!impl_->driver) {
        if (error) *error = "no audio output device is available for the built-in piano";
        return false;
    }
    return true;
}

bool FluidSynthOutput::send(const MidiMessage& m) {
    const int ch = m.channel();
    int rc = FLUID_OK;
    switch (m.status()) {
    case 0x90:
        rc = m.bytes[2] ? fluid_synth_noteon(impl_->synth, ch, m.bytes[1], m.bytes[2])
                        : fluid_synth_noteoff(impl_->synth, ch, m.bytes[1]);
        break;
    case 0x80: rc = fluid_synth_noteoff(impl_->synth, ch, m.bytes[1]); break;
    case 0xB0: rc = fluid_synth_cc(impl_->synth, ch, m.bytes[1], m.bytes[2]); break;
    case 0xC0: rc = fluid_synth_program_change(impl_->synth, ch, m.bytes[1]); break;
    default: break;
    }
    // A note-off for a key that is not sounding is "failed" to FluidSynth; not an error to us.
    (void)rc;
    return true;
}

std::string FluidSynthOutput::name() const { return "Built-in piano (FluidSynth)"; }

void FluidSynthOutput::render(float* out, int frames) {
    fluid_synth_write_float(impl_->synth, frames, out, 0, 2, out, 1, 2);
}

double FluidSynthOutput::sampleRate() const {
    double rate = 44100;
    fluid_settings_getnum(impl_->settings, "synth.sample-rate", &rate);
    return rate;
}
#else
struct FluidSynthOutput::Impl {};
std::unique_ptr<FluidSynthOutput> FluidSynthOutput::create(const SynthOptions&, std::string* error) {
    if (error) *error = "this build has no built-in synthesizer (FluidSynth)";
    return nullptr;
}
bool FluidSynthOutput::startAudio(std::string* error) {
    if (error) *error = "this build has no built-in synthesizer (FluidSynth)";
    return false;
}
bool FluidSynthOutput::send(const MidiMessage&) { return false; }
std::string FluidSynthOutput::name() const { return "Built-in piano"; }
void FluidSynthOutput::render(float* out, int frames) { std::fill(out, out + 2 * frames, 0.0f); }
double FluidSynthOutput::sampleRate() const { return 44100; }
#endif

FluidSynthOutput::FluidSynthOutput(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FluidSynthOutput::~FluidSynthOutput() = default;

bool renderTimeline(const std::vector<TimedMessage>& timeline, const SynthOptions& options, double maxSeconds,
                    double tailSeconds, std::vector<float>* interleaved, RenderReport* report, std::string* error) {
    auto synth = FluidSynthOutput::create(options, error);
    if (!synth) return false;
    const double rate = synth->sampleRate();
    const double end = timeline.empty() ? 0.0 : timeline.back().seconds + std::max(tailSeconds, 0.0);
    const double length = std::min(end, maxSeconds);
    const auto totalFrames = std::int64_t(std::ceil(length * rate));
    interleaved->assign(std::size_t(totalFrames) * 2, 0.0f);
    std::int64_t done = 0;
    auto renderTo = [&](std::int64_t frame) {
        frame = std::min(frame, totalFrames);
        while (done < frame) {
            const int n = int(std::min<std::int64_t>(frame - done, 4096));
            synth->render(interleaved->data() + done * 2, n);
            done += n;
        }
    };
    for (const auto& m : timeline) {
        if (m.seconds > length) break;
        renderTo(std::int64_t(m.seconds * rate));
        synth->send(m.message);
    }
    renderTo(totalFrames);
    if (report) {
        report->seconds = double(totalFrames) / rate;
        report->capped = end > maxSeconds;
        report->peak = 0;
        for (float s : *interleaved) report->peak = std::max(report->peak, std::abs(s));
    }
    return true;
}

bool writeWav(const std::string& path, const std::vector<float>& interleaved, int sampleRate, std::string* error) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) {
        if (error) *error = "cannot write \"" + path + "\"";
        return false;
    }
    const std::uint32_t dataBytes = std::uint32_t(interleaved.size() * 2);
    auto u32 = [&](std::uint32_t v) {
        const unsigned char b[4] = {std::uint8_t(v), std::uint8_t(v >> 8), std::uint8_t(v >> 16), std::uint8_t(v >> 24)};
        std::fwrite(b, 1, 4, f);
    };
    auto u16 = [&](std::uint16_t v) {
        const unsigned char b[2] = {std::uint8_t(v), std::uint8_t(v >> 8)};
        std::fwrite(b, 1, 2, f);
    };
    std::fwrite("RIFF", 1, 4, f);
    u32(36 + dataBytes);
    std::fwrite("WAVEfmt ", 1, 8, f);
    u32(16);
    u16(1);   // PCM
    u16(2);   // stereo
    u32(std::uint32_t(sampleRate));
    u32(std::uint32_t(sampleRate) * 4);
    u16(4);
    u16(16);
    std::fwrite("data", 1, 4, f);
    u32(dataBytes);
    std::vector<unsigned char> pcm(interleaved.size() * 2);
    for (std::size_t i = 0; i < interleaved.size(); ++i) {
        const auto v = std::int16_t(std::lround(std::clamp(interleaved[i], -1.0f, 1.0f) * 32767.0f));
        pcm[2 * i] = std::uint8_t(std::uint16_t(v));
        pcm[2 * i + 1] = std::uint8_t(std::uint16_t(v) >> 8);
    }
    const bool ok = std::fwrite(pcm.data(), 1, pcm.size(), f) == pcm.size();
    if (std::fclose(f) != 0 || !ok) {
        if (error) *error = "writing \"" + path + "\" failed (disk full?)";
        return false;
    }
    return true;
}

}  // namespace pm::play
