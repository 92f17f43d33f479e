#include "dataset/split.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace pm::dataset {

const char* splitName(Split s) { return s == Split::Validation ? "validation" : "train"; }

namespace {
// splitmix64: a well-mixed, portable function of (seed, piece hash). std::shuffle with
// std::mt19937 would also be deterministic, but its result depends on the standard library's
// shuffle algorithm, which differs between libstdc++ and MSVC.
std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}
}  // namespace

std::vector<Split> assignSplits(const std::vector<SplitInput>& pieces, double validationFraction, std::uint64_t seed) {
    const std::size_t n = pieces.size();
    std::vector<Split> splits(n, Split::Train);
    if (n == 0) return splits;
    validationFraction = std::clamp(std::isfinite(validationFraction) ? validationFraction : 0.0, 0.0, 1.0);
    std::size_t target = std::size_t(std::llround(validationFraction * double(n)));
    if (n >= 2) target = std::clamp<std::size_t>(target, 1, n - 1);
    else target = 0;

    std::size_t chosen = 0;
    for (std::size_t i = 0; i < n; ++i)
        if (pieces[i].forceValidation) {
            splits[i] = Split::Validation;
            ++chosen;
        }
    // Rank the others by a seeded hash of their content: order of input never matters.
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        const std::uint64_t kx = mix(seed ^ mix(pieces[x].hash.a ^ mix(pieces[x].hash.b)));
        const std::uint64_t ky = mix(seed ^ mix(pieces[y].hash.a ^ mix(pieces[y].hash.b)));
        return kx != ky ? kx < ky : pieces[x].hash < pieces[y].hash;
    });
    for (std::size_t i : order) {
        if (chosen >= target) break;
        if (splits[i] == Split::Validation) continue;
        splits[i] = Split::Validation;
        ++chosen;
    }
    return splits;
}

}  // namespace pm::dataset
