// How long a continuation should be: plain data shared by the generator, the CLI and the app
// (which must not include the model's torch headers just to describe a request).
#pragma once

namespace pm::gen {

enum class LengthUnit { Bars, Seconds, Tokens };

struct GenerationLength {
    LengthUnit unit = LengthUnit::Bars;
    double amount = 8;   // bars, seconds or tokens of continuation
};

}  // namespace pm::gen
