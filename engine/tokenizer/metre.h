// Time signatures the tokenizer can name, and how long their bars are on the grid.
// "Quarter" is the MIDI beat (ticks per quarter note); a bar of n/d lasts 4n/d quarters.
#pragma once

#include <cstdint>
#include <vector>

namespace pm::tok {

struct TokenizerConfig;

struct Metre {
    int numerator = 4;
    int denominator = 4;   // 2, 4, 8 or 16 among the supported ones
    bool operator==(const Metre& o) const { return numerator == o.numerator && denominator == o.denominator; }
    bool operator!=(const Metre& o) const { return !(*this == o); }
};

// Every metre with a TimeSig token, in token order: denominators 2, 4, 8, 16, numerators from 1
// up to 32 while the bar is at most config.maxBarQuarters long (21/16 fits). Always contains 4/4.
std::vector<Metre> supportedMetres(const TokenizerConfig& config);

// Grid steps in one bar (exact: positionsPerQuarter is a multiple of 4, denominators <= 16).
int barSteps(const Metre& metre, int positionsPerQuarter);

// The index in `metres` of what to use for a file's time signature (numerator, 2^power): the
// same metre when supported, else one with the same bar length (2/1 -> 8/4, 6/32 -> 3/16),
// else 4/4. `substituted` says whether it differs from what the file said.
int metreIndexFor(const std::vector<Metre>& metres, int numerator, int denominatorPower, bool& substituted);

}  // namespace pm::tok
