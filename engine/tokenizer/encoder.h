// MIDI to tokens. The encoder first puts the file on the grid (piece_quantizer), then writes the
// tokens bar by bar (token_writer). What it changed or left out is counted in the report, so a
// dataset can tell the user which notes did not make it and why.
#pragma once

#include "tokenizer/vocabulary.h"

#include "midi/midi_file.h"   // pm::midi::MidiFile

#include <cstddef>
#include <cstdint>
#include <vector>

namespace pm::tok {

struct EncodeOptions {
    // Bars beyond this are not written (their notes are counted as dropped): a file whose
    // end-of-track sits at tick 2^60 must not become billions of Bar tokens.
    std::size_t maxBars = 50000;
};

struct EncodeReport {
    std::size_t notesInFile = 0;          // closed notes of all tracks
    std::size_t notesEncoded = 0;
    std::size_t notesFolded = 0;          // played by another program than a piano (0-7), kept as piano
    std::size_t drumNotesDropped = 0;     // channel 10
    std::size_t outOfRangeDropped = 0;    // pitch outside 21..108
    std::size_t beyondLengthDropped = 0;  // starting after EncodeOptions::maxBars bars
    std::size_t unclosedNotesIgnored = 0; // note-ons never released (the reader keeps them apart)
    std::size_t durationsClamped = 0;     // longer than the longest duration tokens express (or past maxBars)
    std::size_t temposClamped = 0;        // outside the tempo bins' range
    std::size_t metresSubstituted = 0;    // time signatures without a token (e.g. 9/4, 5/32)
    std::size_t metresMovedToBarLine = 0; // time signature changes that fell inside a bar
    std::size_t bars = 0;
};

// The state in force at a bar line, after any change placed exactly there (a TimeSig after the
// Bar, Tempo or pedal at Position_0): what a window starting at this bar puts in its prefix.
struct BarStart {
    std::uint32_t tokenOffset = 0;   // index of the bar's Bar token
    std::uint16_t metre = 0;         // index into Vocabulary::metres()
    std::uint16_t tempoBin = 0;
    bool pedalDown = false;
};

struct Encoding {
    std::vector<TokenId> tokens;   // BOS prefix Bar ... EOS
    std::vector<BarStart> bars;    // one per Bar token, in order
    EncodeReport report;
};

Encoding encode(const midi::MidiFile& file, const Vocabulary& vocabulary, const EncodeOptions& options = {});

}  // namespace pm::tok
