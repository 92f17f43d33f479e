// Writing the note model as a Standard MIDI File (format 0, 1 or 2, as `file.format` says).
//
// Reading the written file gives back the same model (operator==): notes, seconds, tempo map,
// time and key signatures, track names, pedal, programs, unclosed notes, orphan note-offs and
// track ends. Events at one tick are ordered so that the reader's first-in-first-out pairing
// rebuilds exactly the notes it was given. That holds for every model the reader produces; a
// model built by hand in which notes of one key overlap so that a later note ends first cannot
// be expressed with FIFO pairing, and is read back paired FIFO.
#pragma once

#include "midi/midi_file.h"
#include "midi/result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace pm::midi {

// The file's bytes, or why the model cannot be written (a value out of MIDI's range, ...).
Result<std::vector<std::uint8_t>> writeMidi(const MidiFile& file);

// Writes to disk; returns the number of bytes written.
Result<std::size_t> writeMidiFile(const MidiFile& file, const std::string& path);

}  // namespace pm::midi
