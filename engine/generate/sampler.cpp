#include "generate/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace pm::gen {

namespace {
std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

Rng::Rng(std::uint64_t seed) {
    for (auto& s : s_) s = splitmix64(seed);
}

std::uint64_t Rng::next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

Sampler::Sampler(const SamplingOptions& options) : options_(options), rng_(options.seed) {}

pm::tok::TokenId Sampler::sample(const float* logits, std::size_t vocabSize, const std::vector<pm::tok::TokenId>& allowed,
                                 const std::vector<pm::tok::TokenId>& recentPitchIds, pm::tok::TokenId eosId) {
    if (work_.size() != vocabSize) work_.assign(vocabSize, 0.0f);
    if (allowedMark_.size() != vocabSize) allowedMark_.assign(vocabSize, 0);
    candidates_.clear();
    for (pm::tok::TokenId id : allowed)
        if (id < vocabSize && !allowedMark_[id]) {
            allowedMark_[id] = 1;
            candidates_.push_back(id);
            work_[id] = logits[id];
        }
    if (candidates_.empty()) return pm::tok::kNotAToken;
    if (eosId < vocabSize && allowedMark_[eosId]) work_[eosId] += float(options_.endBias);

    // Penalise each recently played pitch once, by its closest occurrence (the strongest factor).
    const double rp = options_.repetitionPenalty;
    if (rp != 1.0 && !recentPitchIds.empty()) {
        const std::size_t n = recentPitchIds.size();
        const std::size_t look = std::min<std::size_t>(n, std::size_t(std::max(options_.repetitionWindow, 0)));
        double decay = 1.0;
        std::vector<pm::tok::TokenId> seen;
        seen.reserve(look);
        for (std::size_t d = 0; d < look; ++d, decay *= options_.repetitionDecay) {
            const pm::tok::TokenId id = recentPitchIds[n - 1 - d];
            if (id >= vocabSize || !allowedMark_[id]) continue;
            if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
            seen.push_back(id);
            const float f = float(1.0 + (rp - 1.0) * decay);
            work_[id] = work_[id] > 0 ? work_[id] / f : work_[id] * f;
        }
    }

    for (std::uint32_t id : candidates_) allowedMark_[id] = 0;

    // Greedy: the first highest logit (lowest id on ties), no randomness consumed.
    if (options_.temperature < 1e-6) {
        std::uint32_t best = candidates_.front();
        for (std::uint32_t id : candidates_)
            if (work_[id] > work_[best]) best = id;
        return pm::tok::TokenId(best);
    }

    const float invT = float(1.0 / options_.temperature);
    // Highest first; ties by id so the order (and thus the draw) never depends on the sort.
    std::sort(candidates_.begin(), candidates_.end(), [&](std::uint32_t a, std::uint32_t b) {
        return work_[a] != work_[b] ? work_[a] > work_[b] : a < b;
    });
    std::size_t keep = candidates_.size();
    if (options_.topK > 0) keep = std::min<std::size_t>(keep, std::size_t(options_.topK));

    probs_.resize(keep);
    const double top = double(work_[candidates_[0]]) * invT;
    double sum = 0;
    for (std::size_t i = 0; i < keep; ++i) {
        const double z = double(work_[candidates_[i]]) * invT - top;
        probs_[i] = std::isfinite(z) ? std::exp(z) : 0.0;
        sum += probs_[i];
    }
    if (options_.topP < 1.0) {
        double cum = 0;
        std::size_t cut = keep;
        for (std::size_t i = 0; i < keep; ++i) {
            cum += probs_[i] / sum;
            if (cum >= options_.topP) {
                cut = i + 1;
                break;
            }
        }
        keep = std::max<std::size_t>(cut, 1);
        sum = 0;
        for (std::size_t i = 0; i < keep; ++i) sum += probs_[i];
    }
    if (!(sum > 0)) return pm::tok::TokenId(candidates_[0]);   // every kept logit was -inf or NaN

    double u = rng_.uniform() * sum;
    for (std::size_t i = 0; i < keep; ++i) {
        u -= probs_[i];
        if (u < 0) return pm::tok::TokenId(candidates_[i]);
    }
    return pm::tok::TokenId(candidates_[keep - 1]);   // rounding left u a hair above zero
}

}  // namespace pm::gen
