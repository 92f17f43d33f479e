// One RWKV-7 (x070, optionally + DeepEmbed) token on the CPU, batch 1, on raw fp32 buffers: the
// RNN-mode step of generation without a tensor library. LibTorch pays a dispatch (~µs) for each
// of the ~40 small operators per layer, which at C = 128 costs far more than the arithmetic;
// here one call runs the whole model with preallocated scratch and no allocation per token.
//
// The maths is the model's (spec §1.2, engine/model/rwkv7_layers.cpp) with fp32 everywhere:
//   x = emb[token]; layer 0: x = LN(x; ln0)
//   per layer: u = LN(x; ln1), dx = u_prev - u, x_* = u + dx ⊙ x_*
//              r,k,v = W xr, W xk, W xv;  z = w0 + w2ᵀ tanh(w1ᵀ xw);  decay = exp(-e^-½ σ(z))
//              a = σ(a0 + a2ᵀ(a1ᵀ xa));  g = g2ᵀ σ(g1ᵀ xg)
//              layer 0: v_first = v, else v += (v_first - v) ⊙ σ(v0 + v2ᵀ(v1ᵀ xv))
//              kk = per-head L2-normalised k ⊙ k_k;  k = k ⊙ (1 + (a - 1) ⊙ k_a)
//              WKV7 step with a_in = -kk, b_in = kk ⊙ a;  y = GroupNorm_H(y, eps 64e-5)
//              y += (Σ_head r ⊙ k ⊙ r_k) v;  x += Wo (y ⊙ g)
//              u2 = LN(x; ln2); x += Wvalue relu(Wkey (u2 + (u2_prev - u2) ⊙ x_k))² [⊙ enn[token]]
//   logits = head · LN(x; ln_out)
//
// Matrices are stored row-major [out][in] (the nn.Linear layout) so every projection is a set of
// dot products; the LoRA factors are stored transposed to that layout (w1ᵀ: [D][C], w2ᵀ: [C][D]).
// The FFN value matrix is stored transposed ([F][C]) because its input relu(·)² is about half
// zeros: the step adds only the rows whose input is non-zero.
//
// The step is bound by reading the weights (≈19 MB per token for L6-D256 in fp32, more than the
// cache share a desktop core gets), so the big matrices may instead be held as bf16 bit patterns
// when every value is exactly a bf16 number (official bf16 checkpoints, models saved as bf16):
// bf16 → fp32 is exact, so the results are bit-for-bit those of the fp32 copy at half the bytes.
//
// Lossy storage, opt-in (issue 15, docs/generation.md "Weight modes"): rwkv7StepConvertWeights
// rounds the big matrices to bf16, or quantises them to int8 with one fp32 scale per row
// (symmetric: W[r][c] ≈ scale[r] · q[r][c], q ∈ [-127, 127]); the int8 products widen q to fp32
// on load, so activations, accumulations and everything else stay fp32.
//
// Threads: Rwkv7StepOptions::threads > 1 splits the big products' rows (and the FFN value sum's
// columns) over a small persistent pool owned by the step object. Splits fall on the boundaries
// the single-threaded loops already use (4 rows, 64 columns), so every output is computed by the
// same instructions in the same order: results are bit-identical for any thread count. Workers
// spin briefly (kSpinMicros) for the next product and then sleep on a condition variable; when the
// caller keeps waiting for descheduled workers (a busy machine), it backs off to running alone for
// a while (kBackOffShare, kSoloTokens).
//
// AVX2+FMA code is chosen at run time (CPU check); rwkv7StepSetSimdEnabled(false) forces the
// plain loops (tests compare the two).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace pm::kernels {

struct Rwkv7StepShape {
    int64_t vocab = 0, embd = 0, layers = 0, headSize = 0, ffn = 0;   // V, C, L, N, F
    int64_t loraW = 0, loraA = 0, loraV = 0, loraG = 0;               // D_w, D_a, D_v, D_g
    bool deepEmbed = false;
    int64_t heads() const { return headSize > 0 ? embd / headSize : 0; }
};

// A row-major [rows][cols] matrix in exactly one storage: fp32 values, bf16 bit patterns, or
// int8 codes with one fp32 scale per row (W[r][c] ≈ scale[r] · i8[r·cols + c]).
struct Rwkv7StepMatrix {
    int64_t rows = 0, cols = 0;
    std::vector<float> f32;
    std::vector<uint16_t> bf16;
    std::vector<int8_t> i8;
    std::vector<float> scale;   // [rows], with i8 only
    int64_t bytes() const {
        return int64_t(f32.size() * 4 + bf16.size() * 2 + i8.size() + scale.size() * 4);
    }
};

// How the big matrices (r/k/v/o, FFN key/value, head) are held. The LoRA factors, vectors and the
// embedding stay fp32 in every mode (see docs/generation.md for why).
enum class Rwkv7WeightMode {
    Exact,   // fp32, or bf16 where every value of a matrix is exactly a bf16 number (same results)
    Bf16,    // rounded to nearest-even bf16 (lossy for fp32 models, exact for bf16 ones)
    Int8,    // symmetric per-row int8
};

struct Rwkv7StepOptions {
    int threads = 1;   // threads that split the products (1: the calling thread only)
    // A product that reads fewer bytes runs on the calling thread alone (a hand-over to the pool
    // costs about as much as streaming 48 KB from cache). Tests set 0 to split everything.
    int64_t minParallelBytes = 48 * 1024;
    // Hold the LoRA factors (w/a/v/g, both factors) as bf16, rounded to nearest even. They are a
    // quarter to a third of the bytes per token once the big matrices are int8; the adapter sets
    // this with Rwkv7WeightMode::Int8 (docs/generation.md, quality measured there).
    bool loraBf16 = false;
};

// One layer's weights in the layouts described above. Vectors are [C] unless noted.
struct Rwkv7StepLayer {
    std::vector<float> ln0w, ln0b;                  // layer 0 only (empty elsewhere)
    std::vector<float> ln1w, ln1b, ln2w, ln2b;
    std::vector<float> xr, xw, xk, xv, xa, xg;      // token-shift mixes
    std::vector<float> w0, w1t, w2t;                // w1t [Dw][C], w2t [C][Dw]
    std::vector<float> a0, a1t, a2t;                // a1t [Da][C], a2t [C][Da]
    std::vector<float> v0, v1t, v2t;                // layers > 0 only: v1t [Dv][C], v2t [C][Dv]
    std::vector<float> g1t, g2t;                    // g1t [Dg][C], g2t [C][Dg]
    std::vector<float> kK, kA, rK;                  // k_k, k_a, r_k (r_k flattened [H·N])
    Rwkv7StepMatrix wr, wk, wv, wo;                 // [C][C]
    std::vector<float> lnxw, lnxb;                  // GroupNorm
    std::vector<float> ffnXk;
    Rwkv7StepMatrix ffnKey;                         // [F][C]
    Rwkv7StepMatrix ffnValueT;                      // [F][C] (value.weight transposed)
    std::vector<float> enn;                         // [V][C], DeepEmbed only
};

struct Rwkv7StepWeights {
    Rwkv7StepShape shape;
    std::vector<float> emb;                         // [V][C]
    std::vector<Rwkv7StepLayer> layers;
    std::vector<float> lnOutW, lnOutB;
    Rwkv7StepMatrix head;                           // [V][C]
};

// Symmetric per-row int8: scale[r] = max_c |W[r][c]| / 127, q = round(W / scale). A row of
// zeros gets scale 0 (and zero codes). Returns false and leaves the matrix as it was when it
// holds a non-finite value (NaN/inf would poison the whole row's scale).
bool rwkv7QuantizeInt8(Rwkv7StepMatrix& m);
// Rounds an fp32 matrix to bf16 (round to nearest even; NaN stays NaN). Already bf16: unchanged.
// Returns false for an int8 matrix.
bool rwkv7RoundBf16(Rwkv7StepMatrix& m);
// Applies the mode to every big matrix (Exact: nothing). Matrices that cannot be converted (a
// non-finite value) keep their storage; the count of those is returned.
int rwkv7StepConvertWeights(Rwkv7StepWeights& w, Rwkv7WeightMode mode);
// Bytes of the big matrices as stored (what one token streams through the cache, LoRA excluded).
int64_t rwkv7StepMatrixBytes(const Rwkv7StepWeights& w);

// The recurrent state, fp32: per layer the ln1 and ln2 outputs of the previous token and the
// WKV state (value-major S[h][i][j], spec §5).
struct Rwkv7StepState {
    std::vector<float> attXPrev;   // [L][C]
    std::vector<float> wkv;        // [L][H][N][N]
    std::vector<float> ffnXPrev;   // [L][C]
};

class Rwkv7StepCpu {
public:
    // Checks every buffer's size against the shape; throws std::invalid_argument naming the first
    // bad one. The weights are moved in and never change afterwards.
    explicit Rwkv7StepCpu(Rwkv7StepWeights weights, Rwkv7StepOptions options = {});
    ~Rwkv7StepCpu();
    Rwkv7StepCpu(const Rwkv7StepCpu&) = delete;
    Rwkv7StepCpu& operator=(const Rwkv7StepCpu&) = delete;

    const Rwkv7StepShape& shape() const { return w_.shape; }
    Rwkv7StepState zeroState() const;

    // Runs `token` (0 ≤ token < V, else std::out_of_range) through the model, updating `state`
    // (which must have zeroState()'s sizes). Returns the V logits, valid until the next call.
    const float* step(int64_t token, Rwkv7StepState& state);

    bool usesSimd() const;   // whether this instance runs the AVX2 loops
    int threads() const;     // threads that split the products (the caller included)

    // How long an idle worker spins for the next product before it sleeps.
    static constexpr int kSpinMicros = 50;
    // Back-off on a busy machine: when the caller spends more than this share of a token (smoothed)
    // not computing (waiting for a descheduled worker, or descheduled itself while a worker spins),
    // the next kSoloTokens tokens run on the caller alone (doubling up to 32× while retries fail).
    static constexpr double kBackOffShare = 0.2;
    static constexpr int kSoloTokens = 256;

private:
    struct Scratch;
    class Pool;
    Rwkv7StepWeights w_;
    std::unique_ptr<Scratch> s_;
    std::unique_ptr<Pool> pool_;
    int64_t minParallelBytes_ = 0;
    double waitShare_ = 0;   // smoothed share of a token spent waiting for workers
    int soloTokens_ = 0;     // tokens left to run on the caller alone (back-off)
    int backOffTokens_ = kSoloTokens;   // the next back-off's length (doubles while retries fail)
    int splitTokens_ = 0;    // tokens split since the last back-off
};

// Process-wide switch for the AVX2 path (default on where the CPU has AVX2 and FMA). Read when
// an Rwkv7StepCpu is constructed.
void rwkv7StepSetSimdEnabled(bool enabled);
bool rwkv7StepSimdAvailable();   // CPU support and the switch

}  // namespace pm::kernels
