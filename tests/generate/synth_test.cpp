// The built-in piano renders offline (no audio device needed): notes make sound, silence stays
// silent, WAV files are well-formed, a missing soundfont is a message.
#include "playback/fluid_synth_output.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>

using namespace pm::play;

namespace {
float peakBetween(const std::vector<float>& s, double rate, double from, double to) {
    float peak = 0;
    const auto a = std::size_t(from * rate) * 2, b = std::min(s.size(), std::size_t(to * rate) * 2);
    for (std::size_t i = a; i < b; ++i) peak = std::max(peak, std::abs(s[i]));
    return peak;
}
}  // namespace

TEST(Synth, RendersANoteAsSoundAndTheTimeBeforeItAsSilence) {
    if (findSoundFont().empty()) GTEST_SKIP() << "no General MIDI soundfont installed";
    const std::vector<TimedMessage> t = {{0.5, MidiMessage::noteOn(0, 60, 100)}, {1.0, MidiMessage::noteOff(0, 60)}};
    std::vector<float> samples;
    RenderReport report;
    std::string error;
    ASSERT_TRUE(renderTimeline(t, {}, 10.0, 0.5, &samples, &report, &error)) << error;
    EXPECT_NEAR(report.seconds, 1.5, 1e-3);
    EXPECT_FALSE(report.capped);
    EXPECT_LT(peakBetween(samples, 44100, 0.0, 0.49), 1e-4f);
    EXPECT_GT(peakBetween(samples, 44100, 0.5, 1.0), 0.01f);

    const std::string path = ::testing::TempDir() + "/synth_test.wav";
    ASSERT_TRUE(writeWav(path, samples, 44100, &error)) << error;
    std::ifstream f(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(f)), {});
    ASSERT_EQ(bytes.size(), 44 + samples.size() * 2);
    EXPECT_EQ(bytes.substr(0, 4), "RIFF");
    EXPECT_EQ(bytes.substr(8, 8), "WAVEfmt ");
    std::remove(path.c_str());
}

TEST(Synth, LengthCapIsHonoured) {
    if (findSoundFont().empty()) GTEST_SKIP() << "no General MIDI soundfont installed";
    const std::vector<TimedMessage> t = {{0.0, MidiMessage::noteOn(0, 60, 100)}, {100.0, MidiMessage::noteOff(0, 60)}};
    std::vector<float> samples;
    RenderReport report;
    std::string error;
    ASSERT_TRUE(renderTimeline(t, {}, 0.25, 1.0, &samples, &report, &error)) << error;
    EXPECT_TRUE(report.capped);
    EXPECT_EQ(samples.size(), std::size_t(0.25 * 44100) * 2);
}

TEST(Synth, AMissingSoundFontIsAClearMessage) {
    SynthOptions o;
    o.soundFont = "/nonexistent/piano.sf2";
    std::string error;
    auto synth = FluidSynthOutput::create(o, &error);
    if (!findSoundFont().empty()) {
        EXPECT_NE(synth, nullptr) << "falls back to the installed soundfont";
    } else {
        EXPECT_EQ(synth, nullptr);
        EXPECT_NE(error.find("soundfont"), std::string::npos);
    }
}
