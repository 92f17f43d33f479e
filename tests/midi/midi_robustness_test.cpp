// Damaged input of every kind we can think of, many thousands of times: the reader must never
// crash, hang or allocate without bound, and its two modes must stay consistent:
//   - strict succeeds exactly when lenient succeeds without warnings, with the same model;
//   - every failure has a message;
//   - whatever lenient reads, the writer writes and the reader reads back equal.
#include "midi/midi_reader.h"
#include "midi/midi_writer.h"

#include "allocation_probe.h"
#include "smf_bytes.h"
#include "test_paths.h"

#include <gtest/gtest.h>

#include <random>

namespace {

using namespace pm::test;
using pm::midi::ReadMode;
using pm::midi::ReadOptions;

pm::midi::Result<pm::midi::MidiFile> read(const Bytes& bytes, ReadMode mode) {
    ReadOptions options;
    options.mode = mode;
    return pm::midi::readMidi(bytes.data(), bytes.size(), options);
}

// Returns false (after reporting) so loops over thousands of inputs can stop at the first failure.
bool checkInvariants(const Bytes& bytes, const std::string& what) {
    const auto lenient = read(bytes, ReadMode::Lenient);
    const auto strict = read(bytes, ReadMode::Strict);
    if (!lenient.ok()) {
        EXPECT_FALSE(strict.ok()) << what;
        EXPECT_FALSE(lenient.error().message.empty()) << what;
        return !strict.ok() && !lenient.error().message.empty();
    }
    const pm::midi::MidiFile& model = lenient.value();
    if (strict.ok()) {
        EXPECT_TRUE(model.warnings.empty()) << what << ": strict read it, lenient warned " << model.warnings[0].toString();
        EXPECT_TRUE(strict.value() == model) << what;
        if (!model.warnings.empty() || !(strict.value() == model)) return false;
    } else {
        EXPECT_FALSE(model.warnings.empty()) << what << ": strict refused (" << strict.error().toString()
                                             << ") but lenient saw nothing to repair";
        EXPECT_FALSE(strict.error().message.empty()) << what;
        if (model.warnings.empty()) return false;
    }
    const bool writable = model.format <= 2 && (model.format != 0 || model.tracks.size() == 1);
    const auto written = pm::midi::writeMidi(model);
    EXPECT_EQ(written.ok(), writable) << what << (written.ok() ? "" : ": " + written.error().toString());
    if (!written.ok()) return !writable;
    const auto back = read(written.value(), ReadMode::Lenient);
    EXPECT_TRUE(back.ok()) << what;
    if (!back.ok()) return false;
    EXPECT_TRUE(back.value() == model) << what << ": the written file reads back differently";
    return back.value() == model;
}

std::vector<Bytes> validSamples() {
    std::vector<Bytes> samples = {simpleSong()};
    for (const char* folder : {"real", "crafted"})
        for (const std::string& f : midiFixtures(folder)) samples.push_back(readFileBytes(f));
    return samples;
}

TEST(MidiRobustness, EveryTruncationOfValidFiles) {
    int checked = 0;
    for (const Bytes& file : validSamples()) {
        // Every offset of the small files; for big ones every offset of the first 2 KB and a
        // stride through the rest (the parser's state machine is the same all the way through).
        const std::size_t stride = file.size() <= 6000 ? 1 : 61;
        for (std::size_t len = 0; len <= file.size(); len += (len < 2048 ? 1 : stride)) {
            ++checked;
            if (!checkInvariants(Bytes(file.begin(), file.begin() + std::ptrdiff_t(len)),
                                 "truncated to " + std::to_string(len) + " of " + std::to_string(file.size())))
                return;
        }
    }
    EXPECT_GT(checked, 10000);
}

TEST(MidiRobustness, TruncationsNeverFailAfterTheHeaderInLenientMode) {
    const Bytes file = simpleSong();
    for (std::size_t len = 14; len <= file.size(); ++len) {
        const auto r = read(Bytes(file.begin(), file.begin() + std::ptrdiff_t(len)), ReadMode::Lenient);
        EXPECT_TRUE(r.ok()) << len << ": " << r.error().toString();
    }
}

TEST(MidiRobustness, RandomByteMutationsOfValidFiles) {
    std::mt19937 rng(1234);
    const std::vector<Bytes> samples = validSamples();
    for (int i = 0; i < 4000; ++i) {
        Bytes file = samples[std::size_t(i) % samples.size()];
        if (file.size() > 20000) file.resize(20000);   // keep the loop fast; structure is in the head
        const int edits = 1 + int(rng() % 8);
        for (int e = 0; e < edits && !file.empty(); ++e) {
            const std::size_t at = rng() % file.size();
            switch (rng() % 4) {
            case 0: file[at] = std::uint8_t(rng()); break;
            case 1: file[at] ^= std::uint8_t(1u << (rng() % 8)); break;
            case 2: file.erase(file.begin() + std::ptrdiff_t(at)); break;
            default: file.insert(file.begin() + std::ptrdiff_t(at), std::uint8_t(rng())); break;
            }
        }
        if (!checkInvariants(file, "mutation " + std::to_string(i))) return;
    }
}

TEST(MidiRobustness, RandomBytesWithAndWithoutAHeader) {
    std::mt19937 rng(99);
    for (int i = 0; i < 3000; ++i) {
        Bytes file;
        if (i % 2) file = header(std::uint16_t(rng() % 4), std::uint16_t(rng() % 4), std::uint16_t(rng()));
        if (i % 4 == 1) append(file, {'M', 'T', 'r', 'k', 0, 0, std::uint8_t(rng() % 4), std::uint8_t(rng())});
        const std::size_t n = rng() % 600;
        for (std::size_t k = 0; k < n; ++k) file.push_back(std::uint8_t(rng()));
        if (!checkInvariants(file, "random " + std::to_string(i))) return;
    }
}

TEST(MidiRobustness, HugeDeclaredLengthsNeverBecomeHugeAllocations) {
    const std::vector<std::pair<std::string, Bytes>> cases = [] {
        std::vector<std::pair<std::string, Bytes>> c;
        Bytes f = header(0, 1, 96);
        append(f, trackChunk({0x00, 0x90, 60, 100}, 0xFFFFFFFF));
        c.emplace_back("MTrk length 4 GB", f);
        f = header(0, 1, 96);
        append(f, trackChunk({0x00, 0xFF, 0x03, 0xFF, 0xFF, 0xFF, 0x7F, 'a'}));
        c.emplace_back("track name of 256 MB", f);
        f = header(0, 1, 96);
        append(f, trackChunk({0x00, 0xF0, 0xFF, 0xFF, 0xFF, 0x7F, 1, 2}));
        c.emplace_back("sysex of 256 MB", f);
        f = {'M', 'T', 'h', 'd', 0xFF, 0xFF, 0xFF, 0xFF, 0, 1, 0, 1, 0, 96};
        c.emplace_back("MThd length 4 GB", f);
        f = {'R', 'I', 'F', 'F', 0xFF, 0xFF, 0xFF, 0xFF, 'R', 'M', 'I', 'D', 'd', 'a', 't', 'a', 0xFF, 0xFF, 0xFF, 0xFF};
        append(f, simpleSong());
        c.emplace_back("RIFF sizes 4 GB", f);
        f = header(1, 0xFFFF, 96);
        append(f, trackOf({}));
        c.emplace_back("65535 tracks declared", f);
        return c;
    }();
    for (const auto& [what, bytes] : cases) {
        for (ReadMode mode : {ReadMode::Lenient, ReadMode::Strict}) {
            AllocationProbe probe;
            const auto r = read(bytes, mode);
            EXPECT_LT(probe.largestAllocation(), 64u * 1024) << what;
            if (!r.ok()) {
                EXPECT_FALSE(r.error().message.empty()) << what;
            }
        }
        checkInvariants(bytes, what);
    }
}

TEST(MidiRobustness, DeepRiffNestingStopsEarly) {
    Bytes file;
    for (int i = 0; i < 10000; ++i) append(file, {'R', 'I', 'F', 'F', 0xFF, 0xFF, 0xFF, 0xFF, 'R', 'M', 'I', 'D', 'd', 'a', 't', 'a', 0xFF, 0xFF, 0xFF, 0xFF});
    const auto r = read(file, ReadMode::Lenient);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("nested more than 4 deep"), std::string::npos);
}

TEST(MidiRobustness, ManyTinyTracksAndChunksStayFast) {
    Bytes file = header(1, 0, 96);
    for (int i = 0; i < 60000; ++i) append(file, trackOf({}));
    for (int i = 0; i < 60000; ++i) append(file, {'J', 'U', 'N', 'K', 0, 0, 0, 0});
    const auto r = read(file, ReadMode::Lenient);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().tracks.size(), 60000u);
}

TEST(MidiRobustness, OneHugeChordSortsQuickly) {
    Bytes body;
    for (int i = 0; i < 200000; ++i) append(body, event(0, {0x90, std::uint8_t(127 - i % 128), std::uint8_t(1 + i % 127)}));
    for (int i = 0; i < 200000; ++i) append(body, event(i == 0 ? 1 : 0, {0x80, std::uint8_t(127 - i % 128), 0}));
    append(body, kEndOfTrack);
    Bytes file = header(0, 1, 96);
    append(file, trackChunk(body));
    const auto r = read(file, ReadMode::Strict);
    ASSERT_TRUE(r.ok()) << r.error().toString();
    EXPECT_EQ(r.value().tracks[0].notes.size(), 200000u);
}

TEST(MidiRobustness, RegressionInputsFromFuzzing) {
    for (const std::string& f : midiFixtures("regressions"))
        if (f.size() < 3 || f.substr(f.size() - 3) != ".md") checkInvariants(readFileBytes(f), f);
}

}  // namespace
