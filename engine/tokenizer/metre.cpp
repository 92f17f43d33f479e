#include "tokenizer/metre.h"

#include "tokenizer/tokenizer_config.h"

namespace pm::tok {

std::vector<Metre> supportedMetres(const TokenizerConfig& config) {
    std::vector<Metre> metres;
    for (int denominator : {2, 4, 8, 16})
        for (int numerator = 1; numerator <= 32; ++numerator)
            if (4 * numerator <= config.maxBarQuarters * denominator) metres.push_back({numerator, denominator});
    return metres;
}

int barSteps(const Metre& metre, int positionsPerQuarter) {
    return metre.numerator * 4 * positionsPerQuarter / metre.denominator;
}

namespace {

int find(const std::vector<Metre>& metres, Metre wanted) {
    for (std::size_t i = 0; i < metres.size(); ++i)
        if (metres[i] == wanted) return int(i);
    return -1;
}

}  // namespace

int metreIndexFor(const std::vector<Metre>& metres, int numerator, int denominatorPower, bool& substituted) {
    substituted = false;
    if (numerator >= 1 && denominatorPower >= 1 && denominatorPower <= 4) {
        const int found = find(metres, {numerator, 1 << denominatorPower});
        if (found >= 0) return found;
    }
    substituted = true;
    // Same bar length in 64ths of a whole note: numerator * 64 / 2^power. Try the plainest
    // denominators first so that 2/1 becomes 8/4 rather than 16/8.
    if (numerator >= 1 && denominatorPower >= 0 && denominatorPower <= 6) {
        const long sixtyFourths = long(numerator) * (64L >> denominatorPower);
        for (int denominator : {4, 8, 16, 2}) {
            if (sixtyFourths * denominator % 64 != 0) continue;
            const long n = sixtyFourths * denominator / 64;
            if (n < 1 || n > 32) continue;
            const int found = find(metres, {int(n), denominator});
            if (found >= 0) return found;
        }
    }
    return find(metres, {4, 4});
}

}  // namespace pm::tok
