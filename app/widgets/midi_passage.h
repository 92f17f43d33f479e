// A passage of the piano roll as a Standard MIDI File, and the drag data that carries it into a
// DAW or a file manager (issue 17, "Into the DAW"): a temporary .mid written with our writer
// (engine/midi/midi_writer.h) as a file URL, and the same bytes as audio/midi.
//
// The roll knows notes in seconds; the file says them at one tempo and metre (the piece's, or the
// jam's), 480 ticks per quarter note. The passage starts on the bar line at or before its first
// moment, so its notes keep their place in the bar when a DAW drops the clip on a bar line.
#pragma once

#include "midi/midi_file.h"

#include <QString>

#include <vector>

class QMimeData;

namespace pm::app {

struct PassageNote {
    double start = 0, end = 0;   // seconds on the roll
    int pitch = 60, velocity = 64;
    int track = 0;               // 0: the prompt or the player, 1: the model
};

struct PassageTiming {
    double bpm = 120;
    int metreNumerator = 4, metreDenominator = 4;
    double barSeconds() const { return 60.0 / bpm * 4.0 / double(metreDenominator) * double(metreNumerator); }
};

inline constexpr char kMidiMimeType[] = "audio/midi";

// The notes that start in [from, to) (ends cut at `to`), tick 0 on the bar line at or before
// `from`: one track per kind of note present ("Prompt"/"Player", "PianoMuse"), format 0 for one
// track, 1 for two; the tempo and metre at tick 0. `firstTrackName` names track 0's notes.
pm::midi::MidiFile passageFile(const std::vector<PassageNote>& notes, double from, double to, const PassageTiming& timing,
                               const QString& firstTrackName);

// Writes `file` to a new .mid in PianoMuse's drag folder (the system's temporary folder; files
// there older than a day are removed first) and returns drag data holding its URL and the bytes
// as audio/midi; nullptr with `error` when it cannot be written. The caller owns the result.
QMimeData* midiMimeData(const pm::midi::MidiFile& file, const QString& baseName, QString* error);

// The folder midiMimeData writes to.
QString midiDragFolder();

}  // namespace pm::app
