// Reading Standard MIDI Files (formats 0/1/2, PPQ or SMPTE, optionally inside a RIFF RMID
// wrapper) into the note model.
//
// Two modes. Lenient (the default) reads everything that can be read and records each repair it
// made as a warning. Strict stops at the first thing lenient mode would have repaired and says
// what and where (byte offset, track). So for any input: strict succeeds exactly when lenient
// succeeds without warnings, and then both give the same model. Hard limits apply in both modes
// and fail with a clear message instead of exhausting memory or time.
#pragma once

#include "midi/midi_file.h"
#include "midi/result.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace pm::midi {

enum class ReadMode { Lenient, Strict };

// Generous for real music (a dense two-hour performance has ~100k notes and a few MB), small
// enough that a hostile file cannot make the reader hold more than a few hundred MB.
struct ReadLimits {
    std::uint64_t maxFileBytes = 64ull << 20;
    std::uint64_t maxEvents = 20'000'000;   // all events of all tracks
    std::uint64_t maxNotes = 4'000'000;     // closed + unclosed notes of all tracks
    std::uint32_t maxTracks = 65535;        // what the header's 16-bit count can declare
    std::size_t maxWarnings = 100;          // further warnings are only counted
};

struct ReadOptions {
    ReadMode mode = ReadMode::Lenient;
    ReadLimits limits;
};

// Reads from memory: the bytes of a whole file. Never throws for bad input.
Result<MidiFile> readMidi(const std::uint8_t* data, std::size_t size, const ReadOptions& options = {});

// Reads a file from disk (checking its size against the limit before reading it).
Result<MidiFile> readMidiFile(const std::string& path, const ReadOptions& options = {});

}  // namespace pm::midi
