// Where generation starts: the first bars (or seconds) of a MIDI file in the model's own tokens,
// or just the metadata prefix (metre, tempo) for a piece from nothing.
//
// Every prompt is a prefix the token grammar accepts and ends at a bar line, so the model
// continues with a new bar and the output is "the prompt bars, then the continuation".
#pragma once

#include "tokenizer/tokenizer.h"

#include "midi/midi_file.h"

#include <cstddef>
#include <string>
#include <vector>

namespace pm::gen {

struct Prompt {
    std::vector<pm::tok::TokenId> tokens;   // BOS TimeSig Tempo [PedalOn] Bar ... (no EOS)
    std::size_t bars = 0;                   // whole bars kept
    double seconds = 0;                     // where the kept bars end
    std::string error;                      // why there is no prompt (tokens empty then)
    bool ok() const { return error.empty(); }
};

// The file's first `bars` bars (all of it when it has fewer). 0 bars: its metadata prefix only.
Prompt promptFromBars(const pm::tok::Tokenizer& tokenizer, const pm::midi::MidiFile& file, std::size_t bars);
// The whole bars that start before `seconds` (at least one when the file has any).
Prompt promptFromSeconds(const pm::tok::Tokenizer& tokenizer, const pm::midi::MidiFile& file, double seconds);
// A prompt for a piece from nothing: BOS TimeSig Tempo. An unsupported metre is an error.
Prompt metadataPrompt(const pm::tok::Tokenizer& tokenizer, pm::tok::Metre metre, double bpm);

// What a front end asks for, in its own words: the CLI's generate, the app's Generate page and
// the demo all build their prompt from one of these through buildPrompt.
struct PromptSpec {
    std::string file;         // "" = from nothing (metre + tempo)
    double bars = 4;          // whole bars of `file` to keep (used when seconds <= 0)
    double seconds = 0;       // > 0: the bars that start before this time instead
    pm::tok::Metre metre{4, 4};
    double bpm = 120;
};
// Reads the file (errors as "FILE: reason") and builds the prompt; used by CLI generate, the app and the demo.
Prompt buildPrompt(const pm::tok::Tokenizer& tokenizer, const PromptSpec& spec);

// Tokens of a finished piece made ready to be continued: a trailing EOS is dropped.
std::vector<pm::tok::TokenId> continuable(const pm::tok::Tokenizer& tokenizer, std::vector<pm::tok::TokenId> tokens);

}  // namespace pm::gen
