#include "pianomuse/kernels/wkv7.h"

#include <cmath>
#include <cstring>
#include <vector>

namespace pm::kernels {

float wkv7Decay(float z) {
    // e^{-0.5} to float precision; the RWKV-LM training kernels use the same constant.
    constexpr float kNegExpHalf = -0.6065306597126334f;
    return std::exp(kNegExpHalf / (1.0f + std::exp(-z)));
}

void wkv7ForwardCpu(const Wkv7Shape& s, const float* r, const float* z, const float* k,
                    const float* v, const float* a, const float* b, const float* s0, float* y,
                    float* sT) {
    const int64_t N = s.N;
    std::vector<float> S(static_cast<size_t>(N * N));
    std::vector<float> w(static_cast<size_t>(N)), sa(static_cast<size_t>(N));
    for (int64_t bi = 0; bi < s.B; ++bi) {
        for (int64_t h = 0; h < s.H; ++h) {
            const int64_t stateOffset = (bi * s.H + h) * N * N;
            if (s0) std::memcpy(S.data(), s0 + stateOffset, sizeof(float) * size_t(N * N));
            else std::fill(S.begin(), S.end(), 0.0f);
            for (int64_t t = 0; t < s.T; ++t) {
                const int64_t base = ((bi * s.T + t) * s.H + h) * N;
                for (int64_t j = 0; j < N; ++j) w[size_t(j)] = wkv7Decay(z[base + j]);
                for (int64_t i = 0; i < N; ++i) {
                    float acc = 0.0f;
                    for (int64_t j = 0; j < N; ++j) acc += S[size_t(i * N + j)] * a[base + j];
                    sa[size_t(i)] = acc;
                }
                for (int64_t i = 0; i < N; ++i) {
                    float* row = &S[size_t(i * N)];
                    const float vi = v[base + i], sai = sa[size_t(i)];
                    float acc = 0.0f;
                    for (int64_t j = 0; j < N; ++j) {
                        row[j] = row[j] * w[size_t(j)] + sai * b[base + j] + vi * k[base + j];
                        acc += row[j] * r[base + j];
                    }
                    y[base + i] = acc;
                }
            }
            if (sT) std::memcpy(sT + stateOffset, S.data(), sizeof(float) * size_t(N * N));
        }
    }
}

}  // namespace pm::kernels
