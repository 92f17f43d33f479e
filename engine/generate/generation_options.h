// How long a continuation should be: plain data shared by the generator, the CLI and the app
// (which must not include the model's torch headers just to describe a request).
#pragma once

#include <string>

namespace pm::gen {

// How the fused CPU step holds the model's big matrices (docs/generation.md "Weight modes"):
// Fp32 = the model's own values (LibTorch's results; bf16 models keep exact bf16 storage), Bf16
// and Int8 are lossy and faster, Auto = Int8 for models above 32 MB of matrices, else Fp32.
enum class WeightMode { Auto, Fp32, Bf16, Int8 };

inline const char* weightModeName(WeightMode m) {
    switch (m) {
    case WeightMode::Auto: return "auto";
    case WeightMode::Fp32: return "fp32";
    case WeightMode::Bf16: return "bf16";
    case WeightMode::Int8: return "int8";
    }
    return "auto";
}

inline bool parseWeightMode(const std::string& s, WeightMode* out) {
    for (WeightMode m : {WeightMode::Auto, WeightMode::Fp32, WeightMode::Bf16, WeightMode::Int8})
        if (s == weightModeName(m)) {
            *out = m;
            return true;
        }
    return false;
}

enum class LengthUnit { Bars, Seconds, Tokens };

struct GenerationLength {
    LengthUnit unit = LengthUnit::Bars;
    double amount = 8;   // bars, seconds or tokens of continuation
};

}  // namespace pm::gen
