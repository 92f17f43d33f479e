// Temporary folders of small MIDI files for dataset tests.
#pragma once

#include "midi/midi_writer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace pm::test {

namespace fs = std::filesystem;

class TempDir {
public:
    TempDir() {
        std::random_device rd;
        path_ = fs::temp_directory_path() / ("pianomuse-test-" + std::to_string(rd()) + std::to_string(rd()));
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }
    std::string operator/(const std::string& name) const { return (path_ / name).string(); }

private:
    fs::path path_;
};

// A one-track piece whose notes depend on `variant` (so different variants differ in content).
inline midi::MidiFile makePiece(int variant, int bars = 4) {
    midi::MidiFile f;
    f.format = 1;
    f.division.ticksPerBeat = 96;
    f.tempos.push_back({0, 500000, 0});
    f.timeSignatures.push_back({0, 4, 2, 24, 8, 0});
    midi::Track t;
    t.name = "piano";
    for (int i = 0; i < bars * 4; ++i) {
        midi::Note n;
        n.start = midi::Tick(i) * 96;
        n.end = n.start + 90;
        n.pitch = std::uint8_t(48 + (variant * 7 + i * 5) % 36);
        n.velocity = std::uint8_t(40 + (i * 13 + variant) % 80);
        t.notes.push_back(n);
    }
    t.endTick = midi::Tick(bars) * 4 * 96;
    f.tracks.push_back(t);
    return f;
}

inline void writePiece(const std::string& path, int variant, int bars = 4) {
    fs::create_directories(fs::path(path).parent_path());
    auto r = midi::writeMidiFile(makePiece(variant, bars), path);
    ASSERT_TRUE(r.ok()) << r.error().toString();
}

inline void writeBytes(const std::string& path, const std::string& bytes) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << bytes;
}

}  // namespace pm::test
