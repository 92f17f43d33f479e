// The fused batch-1 RWKV-7 step (see pianomuse/kernels/rwkv7_step_cpu.h). The order of operations
// follows engine/model/rwkv7_layers.cpp line by line, so a difference between the two is a bug
// here, never a second definition of the model.
#include "pianomuse/kernels/rwkv7_step_cpu.h"

#include "rwkv7_step_ops.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define PM_STEP_PAUSE() _mm_pause()
#else
#define PM_STEP_PAUSE() std::this_thread::yield()
#endif

namespace pm::kernels {

namespace {

std::atomic<bool> gSimdEnabled{true};

constexpr float kLayerNormEps = 1e-5f;
constexpr float kGroupNormEps = 64e-5f;


// LayerNorm over n values with biased variance, as torch computes it; out may alias x.
void layerNorm(int64_t n, const float* x, const float* w, const float* b, float eps, float* out) {
    float mean = 0;
    for (int64_t i = 0; i < n; ++i) mean += x[i];
    mean /= float(n);
    float var = 0;
    for (int64_t i = 0; i < n; ++i) var += (x[i] - mean) * (x[i] - mean);
    var /= float(n);
    const float inv = 1.0f / std::sqrt(var + eps);
    for (int64_t i = 0; i < n; ++i) out[i] = (x[i] - mean) * inv * w[i] + b[i];
}

void need(const std::vector<float>& v, int64_t n, const std::string& name) {
    if (int64_t(v.size()) != n)
        throw std::invalid_argument("rwkv7 step: " + name + " has " + std::to_string(v.size()) + " values, expected " +
                                    std::to_string(n));
}

void need(const Rwkv7StepMatrix& m, int64_t rows, int64_t cols, const std::string& name) {
    const size_t n = size_t(rows * cols);
    const int stores = int(!m.f32.empty()) + int(!m.bf16.empty()) + int(!m.i8.empty());
    const bool ok = m.rows == rows && m.cols == cols &&
                    (n == 0 ? stores == 0 && m.scale.empty()
                            : stores == 1 && (m.f32.empty() || m.f32.size() == n) &&
                                  (m.bf16.empty() || m.bf16.size() == n) &&
                                  (m.i8.empty() ? m.scale.empty() : m.i8.size() == n && m.scale.size() == size_t(rows)));
    if (!ok)
        throw std::invalid_argument("rwkv7 step: " + name + " is not a " + std::to_string(rows) + "x" +
                                    std::to_string(cols) + " matrix in one storage");
}

// y[r0..r1) = M[r0..r1) x, over whichever storage the matrix has.
void matvecRows(const step::Ops& op, const Rwkv7StepMatrix& m, int64_t r0, int64_t r1, const float* x, float* y) {
    if (r1 <= r0) return;
    const int64_t n = r1 - r0, off = r0 * m.cols;
    if (!m.f32.empty()) op.matvec(n, m.cols, m.f32.data() + off, x, y + r0);
    else if (!m.bf16.empty()) op.matvecBf16(n, m.cols, m.bf16.data() + off, x, y + r0);
    else op.matvecI8(n, m.cols, m.i8.data() + off, m.scale.data() + r0, x, y + r0);
}

// Columns [c0, c1) of Σ_{f ∈ idx} h[f]·M[f] (for int8, h must already carry the row scales).
void sparseRowsSumCols(const step::Ops& op, const int32_t* idx, int64_t count, const Rwkv7StepMatrix& m,
                       const float* h, int64_t c0, int64_t c1, float* y) {
    if (c1 <= c0) return;
    const int64_t n = c1 - c0;
    if (!m.f32.empty()) op.sparseRowsSum(idx, count, n, m.cols, m.f32.data() + c0, h, y + c0);
    else if (!m.bf16.empty()) op.sparseRowsSumBf16(idx, count, n, m.cols, m.bf16.data() + c0, h, y + c0);
    else op.sparseRowsSumI8(idx, count, n, m.cols, m.i8.data() + c0, h, y + c0);
}

// CPU seconds this thread has run (0 where there is no per-thread clock).
double threadCpuSeconds() {
#if defined(__unix__) || defined(__APPLE__)
    timespec t{};
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) != 0) return 0.0;
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
#else
    return 0.0;
#endif
}

// Thread t's share [begin, end) of n items in n-thread splits whose boundaries are multiples of
// `align` (so a thread's rows take the same code path as in a single-threaded call).
std::pair<int64_t, int64_t> share(int64_t n, int t, int threads, int64_t align) {
    const int64_t units = (n + align - 1) / align;
    const int64_t per = (units + threads - 1) / threads;
    const int64_t b = std::min(n, int64_t(t) * per * align), e = std::min(n, int64_t(t + 1) * per * align);
    return {b, e};
}

float roundToBf16(float f) {
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    if ((u & 0x7f800000u) == 0x7f800000u) return f;   // inf / NaN unchanged
    u += 0x7fffu + ((u >> 16) & 1u);                      // round to nearest even
    u &= 0xffff0000u;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

void validate(const Rwkv7StepWeights& w) {
    const Rwkv7StepShape& s = w.shape;
    if (s.vocab <= 0 || s.embd <= 0 || s.layers <= 0 || s.headSize <= 0 || s.ffn <= 0 || s.embd % s.headSize != 0 ||
        s.loraW <= 0 || s.loraA <= 0 || s.loraG <= 0 || (s.layers > 1 && s.loraV <= 0))
        throw std::invalid_argument("rwkv7 step: bad shape");
    if (s.ffn > INT32_MAX) throw std::invalid_argument("rwkv7 step: FFN too wide");
    const int64_t C = s.embd, F = s.ffn, V = s.vocab;
    need(w.emb, V * C, "emb");
    need(w.lnOutW, C, "ln_out.weight");
    need(w.lnOutB, C, "ln_out.bias");
    need(w.head, V, C, "head");
    if (int64_t(w.layers.size()) != s.layers) throw std::invalid_argument("rwkv7 step: wrong number of layers");
    for (int64_t l = 0; l < s.layers; ++l) {
        const Rwkv7StepLayer& L = w.layers[size_t(l)];
        const std::string p = "layer " + std::to_string(l) + " ";
        need(L.ln0w, l == 0 ? C : 0, p + "ln0.weight");
        need(L.ln0b, l == 0 ? C : 0, p + "ln0.bias");
        for (const auto* v : {&L.ln1w, &L.ln1b, &L.ln2w, &L.ln2b, &L.xr, &L.xw, &L.xk, &L.xv, &L.xa, &L.xg, &L.w0,
                              &L.a0, &L.kK, &L.kA, &L.rK, &L.lnxw, &L.lnxb, &L.ffnXk})
            need(*v, C, p + "vector");
        need(L.w1t, s.loraW * C, p + "w1");
        need(L.w2t, s.loraW * C, p + "w2");
        need(L.a1t, s.loraA * C, p + "a1");
        need(L.a2t, s.loraA * C, p + "a2");
        need(L.v0, l == 0 ? 0 : C, p + "v0");
        need(L.v1t, l == 0 ? 0 : s.loraV * C, p + "v1");
        need(L.v2t, l == 0 ? 0 : s.loraV * C, p + "v2");
        need(L.g1t, s.loraG * C, p + "g1");
        need(L.g2t, s.loraG * C, p + "g2");
        for (const auto* m : {&L.wr, &L.wk, &L.wv, &L.wo}) need(*m, C, C, p + "att matrix");
        need(L.ffnKey, F, C, p + "ffn.key");
        need(L.ffnValueT, F, C, p + "ffn.value");
        need(L.enn, s.deepEmbed ? V * C : 0, p + "ffn.enn");
    }
}

std::vector<float> toFloats(const Rwkv7StepMatrix& m) {
    if (!m.f32.empty()) return m.f32;
    std::vector<float> f(m.bf16.size());
    for (size_t i = 0; i < f.size(); ++i) f[i] = step::bf16ToFloat(m.bf16[i]);
    return f;
}

template <typename Fn>
void forEachBigMatrix(Rwkv7StepWeights& w, Fn fn) {
    fn(w.head);
    for (auto& L : w.layers)
        for (auto* m : {&L.wr, &L.wk, &L.wv, &L.wo, &L.ffnKey, &L.ffnValueT}) fn(*m);
}

}  // namespace

bool rwkv7QuantizeInt8(Rwkv7StepMatrix& m) {
    if (!m.i8.empty()) return true;
    const std::vector<float> f = toFloats(m);
    for (const float v : f)
        if (!std::isfinite(v)) return false;
    std::vector<int8_t> q(f.size());
    std::vector<float> scale(size_t(m.rows), 0.0f);
    for (int64_t r = 0; r < m.rows; ++r) {
        const float* row = f.data() + r * m.cols;
        float amax = 0;
        for (int64_t c = 0; c < m.cols; ++c) amax = std::max(amax, std::fabs(row[c]));
        if (amax == 0) continue;   // a zero row: scale 0, codes 0
        const float sc = amax / 127.0f;   // q = round(W / sc), half to even, as torch.round
        if (sc == 0) continue;            // subnormal row: below what one scale can resolve
        scale[size_t(r)] = sc;
        for (int64_t c = 0; c < m.cols; ++c)
            q[size_t(r * m.cols + c)] = int8_t(std::clamp(std::nearbyint(row[c] / sc), -127.0f, 127.0f));
    }
    if (m.rows * m.cols == 0) return true;
    m.f32.clear();
    m.f32.shrink_to_fit();
    m.bf16.clear();
    m.bf16.shrink_to_fit();
    m.i8 = std::move(q);
    m.scale = std::move(scale);
    return true;
}

bool rwkv7RoundBf16(Rwkv7StepMatrix& m) {
    if (!m.i8.empty()) return false;
    if (m.f32.empty()) return true;
    m.bf16.resize(m.f32.size());
    for (size_t i = 0; i < m.f32.size(); ++i) {
        const float r = roundToBf16(m.f32[i]);
        uint32_t u;
        std::memcpy(&u, &r, sizeof u);
        m.bf16[i] = uint16_t(u >> 16);
    }
    m.f32.clear();
    m.f32.shrink_to_fit();
    return true;
}

int rwkv7StepConvertWeights(Rwkv7StepWeights& w, Rwkv7WeightMode mode) {
    int kept = 0;
    if (mode == Rwkv7WeightMode::Exact) return 0;
    forEachBigMatrix(w, [&](Rwkv7StepMatrix& m) {
        const bool ok = mode == Rwkv7WeightMode::Int8 ? rwkv7QuantizeInt8(m) : rwkv7RoundBf16(m);
        kept += ok ? 0 : 1;
    });
    return kept;
}

int64_t rwkv7StepMatrixBytes(const Rwkv7StepWeights& w) {
    int64_t bytes = w.head.bytes();
    for (const auto& L : w.layers)
        for (const auto* m : {&L.wr, &L.wk, &L.wv, &L.wo, &L.ffnKey, &L.ffnValueT}) bytes += m->bytes();
    return bytes;
}

// A small persistent pool. run(fn) hands out the chunks 0 … n-1 (n = threads) of one product:
// the caller and the workers claim chunks from a shared ticket until none are left, and run()
// returns when every claimed chunk is done. The caller never waits for a worker to wake up: a
// worker that is asleep or descheduled (a busy machine) just claims nothing, and the caller runs
// its chunks. Who runs a chunk does not change its result (fixed boundaries, same code).
//
// The ticket packs (epoch << 32 | next chunk). A worker that finds no new epoch spins for
// kSpinMicros (the next product of the same token is microseconds away), then sleeps on the
// condition variable; run() wakes sleepers only when there are any. The ticket store (seq_cst)
// and `sleepers_` form the usual Dekker pair, so a wake-up cannot be lost: a worker registers as
// a sleeper and re-checks the ticket under the mutex; run() stores the ticket, then reads the
// sleeper count. call_/ctx_ are written before the ticket is published and read only after a
// successful claim of that epoch, while run() waits for the chunk: never concurrently.
class Rwkv7StepCpu::Pool {
public:
    explicit Pool(int threads) : n_(threads) {
        for (int t = 1; t < n_; ++t) workers_.emplace_back([this] { work(); });
    }
    ~Pool() {
        stop_.store(true);
        {
            std::lock_guard<std::mutex> lk(m_);
            ticket_.store((epoch_ + 1) << 32);
        }
        cv_.notify_all();
        for (auto& w : workers_) w.join();
    }
    int size() const { return n_; }

    // Returns how long the caller waited for workers' chunks (ns; 0 when it did not wait).
    template <typename Fn>
    int64_t run(Fn& fn) {
        if (n_ == 1) {
            fn(0);
            return 0;
        }
        call_ = [](void* ctx, int t) { (*static_cast<Fn*>(ctx))(t); };
        ctx_ = &fn;
        done_.store(0, std::memory_order_relaxed);
        ++epoch_;
        ticket_.store(epoch_ << 32);   // seq_cst: publishes the job, pairs with sleepers_
        if (sleepers_.load() > 0) {
            { std::lock_guard<std::mutex> lk(m_); }
            cv_.notify_all();
        }
        claim(epoch_);
        if (done_.load(std::memory_order_acquire) == n_) return 0;
        const auto w0 = std::chrono::steady_clock::now();
        for (int spins = 0; done_.load(std::memory_order_acquire) != n_; ++spins) {
            if (spins < 4096) PM_STEP_PAUSE();
            else std::this_thread::yield();   // a worker was descheduled inside its chunk
        }
        return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - w0).count();
    }

private:
    // Runs chunks of epoch e until none are left (or a newer epoch began).
    void claim(uint64_t e) {
        uint64_t cur = ticket_.load(std::memory_order_acquire);
        while ((cur >> 32) == e && int(cur & 0xffffffffu) < n_) {
            if (ticket_.compare_exchange_weak(cur, cur + 1, std::memory_order_acq_rel, std::memory_order_acquire)) {
                call_(ctx_, int(cur & 0xffffffffu));
                done_.fetch_add(1, std::memory_order_release);
                cur = ticket_.load(std::memory_order_acquire);
            }
        }
    }

    void work() {
        uint64_t seen = 0;
        for (;;) {
            uint64_t e = ticket_.load(std::memory_order_acquire) >> 32;
            if (e == seen) {
                const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(kSpinMicros);
                for (int i = 0; (e = ticket_.load(std::memory_order_acquire) >> 32) == seen; ++i) {
                    PM_STEP_PAUSE();
                    if ((i & 63) == 63 && std::chrono::steady_clock::now() > until) break;
                }
                if (e == seen) {
                    std::unique_lock<std::mutex> lk(m_);
                    sleepers_.fetch_add(1);
                    cv_.wait(lk, [&] { return (ticket_.load() >> 32) != seen; });
                    sleepers_.fetch_sub(1);
                    e = ticket_.load() >> 32;
                }
            }
            seen = e;
            if (stop_.load()) return;
            claim(e);
        }
    }

    const int n_;
    std::vector<std::thread> workers_;
    uint64_t epoch_ = 0;                  // the caller's thread only
    std::atomic<uint64_t> ticket_{0};
    std::atomic<int> done_{0};
    std::atomic<int> sleepers_{0};
    void (*call_)(void*, int) = nullptr;
    void* ctx_ = nullptr;
    std::mutex m_;
    std::condition_variable cv_;
    std::atomic<bool> stop_{false};
};

void rwkv7StepSetSimdEnabled(bool enabled) { gSimdEnabled = enabled; }
bool rwkv7StepSimdAvailable() { return gSimdEnabled && step::avx2Ops() != nullptr; }

// Every buffer one token needs, allocated once.
struct Rwkv7StepCpu::Scratch {
    const step::Ops* ops = nullptr;
    bool simd = false;
    std::vector<float> x, u, xr, xw, xk, xv, xa, xg, r, k, v, vFirst, z, decay, iclr, gate, vGate, kk, aIn, bIn, y,
        out, loraW, loraA, loraV, loraG, hidden, hiddenScaled, logits;
    std::vector<int32_t> nonZero;
    // With Rwkv7StepOptions::loraBf16: per layer w1, a1, g1, v1, w2, a2, g2, v2 as bf16 matrices.
    std::vector<std::array<Rwkv7StepMatrix, 8>> loraBf16;
};

Rwkv7StepCpu::Rwkv7StepCpu(Rwkv7StepWeights weights, Rwkv7StepOptions options)
    : w_(std::move(weights)), s_(new Scratch) {
    validate(w_);
    const Rwkv7StepShape& sh = w_.shape;
    const size_t C = size_t(sh.embd);
    const step::Ops* simd = gSimdEnabled ? step::avx2Ops() : nullptr;
    s_->ops = simd ? simd : &step::plainOps();
    s_->simd = simd != nullptr;
    for (auto* b : {&s_->x, &s_->u, &s_->xr, &s_->xw, &s_->xk, &s_->xv, &s_->xa, &s_->xg, &s_->r, &s_->k, &s_->v,
                    &s_->vFirst, &s_->z, &s_->decay, &s_->iclr, &s_->gate, &s_->vGate, &s_->kk, &s_->aIn, &s_->bIn,
                    &s_->y, &s_->out})
        b->assign(C, 0.0f);
    s_->loraW.assign(size_t(sh.loraW), 0.0f);
    s_->loraA.assign(size_t(sh.loraA), 0.0f);
    s_->loraV.assign(size_t(std::max<int64_t>(sh.loraV, 1)), 0.0f);
    s_->loraG.assign(size_t(sh.loraG), 0.0f);
    s_->hidden.assign(size_t(sh.ffn), 0.0f);
    s_->hiddenScaled.assign(size_t(sh.ffn), 0.0f);
    s_->nonZero.assign(size_t(sh.ffn), 0);
    s_->logits.assign(size_t(sh.vocab), 0.0f);
    if (options.loraBf16) {
        for (auto& L : w_.layers) {
            std::array<Rwkv7StepMatrix, 8> m;
            const std::array<std::vector<float>*, 8> src = {&L.w1t, &L.a1t, &L.g1t, &L.v1t,
                                                            &L.w2t, &L.a2t, &L.g2t, &L.v2t};
            const std::array<int64_t, 8> rows = {sh.loraW, sh.loraA, sh.loraG, sh.loraV,
                                                 sh.embd,  sh.embd,  sh.embd,  sh.embd};
            for (size_t i = 0; i < 8; ++i) {
                if (src[i]->empty()) continue;   // v1/v2 of layer 0
                m[i].rows = rows[i];
                m[i].cols = int64_t(src[i]->size()) / rows[i];
                m[i].f32 = std::move(*src[i]);
                src[i]->clear();
                rwkv7RoundBf16(m[i]);
            }
            s_->loraBf16.push_back(std::move(m));
        }
    }
    pool_ = std::make_unique<Pool>(std::clamp(options.threads, 1, 64));
    minParallelBytes_ = options.minParallelBytes;
}

Rwkv7StepCpu::~Rwkv7StepCpu() = default;

bool Rwkv7StepCpu::usesSimd() const { return s_->simd; }
int Rwkv7StepCpu::threads() const { return pool_->size(); }

Rwkv7StepState Rwkv7StepCpu::zeroState() const {
    const Rwkv7StepShape& s = w_.shape;
    Rwkv7StepState st;
    st.attXPrev.assign(size_t(s.layers * s.embd), 0.0f);
    st.ffnXPrev.assign(size_t(s.layers * s.embd), 0.0f);
    st.wkv.assign(size_t(s.layers * s.embd * s.headSize), 0.0f);   // L·H·N·N = L·C·N
    return st;
}

const float* Rwkv7StepCpu::step(int64_t token, Rwkv7StepState& st) {
    const Rwkv7StepShape& sh = w_.shape;
    const int64_t C = sh.embd, N = sh.headSize, H = sh.heads(), F = sh.ffn;
    if (token < 0 || token >= sh.vocab)
        throw std::out_of_range("rwkv7 step: token " + std::to_string(token) + " outside the vocabulary");
    if (int64_t(st.attXPrev.size()) != sh.layers * C || int64_t(st.ffnXPrev.size()) != sh.layers * C ||
        int64_t(st.wkv.size()) != sh.layers * C * N)
        throw std::invalid_argument("rwkv7 step: the state does not fit the model");
    const step::Ops& op = *s_->ops;
    Scratch& s = *s_;
    float *x = s.x.data(), *u = s.u.data(), *r = s.r.data(), *k = s.k.data(), *v = s.v.data(), *y = s.y.data();
    float *out = s.out.data(), *a = s.iclr.data(), *g = s.gate.data(), *kk = s.kk.data(), *vg = s.vGate.data();
    float *lw = s.loraW.data(), *la = s.loraA.data(), *lv = s.loraV.data(), *lg = s.loraG.data();
    std::memcpy(x, w_.emb.data() + token * C, sizeof(float) * size_t(C));

    // A product region: body(t, n) for each of the pool's threads, or body(0, 1) on this thread
    // when the region reads fewer bytes than a hand-over costs (the tiny preset's vectors).
    Pool& pool = *pool_;
    const bool split = pool.size() > 1 && soloTokens_ == 0;
    const auto t0 = split ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    const double cpu0 = split ? threadCpuSeconds() : 0.0;
    int64_t waitedNs = 0;
    const auto region = [&](int64_t bytes, auto&& body) {
        if (!split || bytes < minParallelBytes_) {
            // One thread, the same chunks in order: the same results as a split region.
            const int n = split ? pool.size() : 1;
            for (int t = 0; t < n; ++t) body(t, n);
            return;
        }
        const int n = pool.size();
        auto fn = [&](int t) { body(t, n); };
        waitedNs += pool.run(fn);
    };
    // Rows [b, e) of a plain fp32 factor (LoRA): op.matvec on this thread's share.
    // LoRA factor `which` (0-3: w1 a1 g1 v1, 4-7: w2 a2 g2 v2) of layer l, fp32 or bf16.
    const auto loraRows = [&](int64_t l, int which, const std::vector<float>& M, int64_t rows, int64_t cols,
                              const float* in, float* o, int t, int n) {
        const auto [b, e] = share(rows, t, n, 4);
        if (e <= b) return;
        if (s.loraBf16.empty()) op.matvec(e - b, cols, M.data() + b * cols, in, o + b);
        else matvecRows(op, s.loraBf16[size_t(l)][size_t(which)], b, e, in, o);
    };
    const auto bigRows = [&](const Rwkv7StepMatrix& m, const float* in, float* o, int t, int n) {
        const auto [b, e] = share(m.rows, t, n, 4);
        matvecRows(op, m, b, e, in, o);
    };

    for (int64_t l = 0; l < sh.layers; ++l) {
        const Rwkv7StepLayer& L = w_.layers[size_t(l)];
        if (l == 0) layerNorm(C, x, L.ln0w.data(), L.ln0b.data(), kLayerNormEps, x);

        // Time mix. Token shift on the ln1 output: dx = u_prev - u, x_* = u + dx ⊙ x_*.
        layerNorm(C, x, L.ln1w.data(), L.ln1b.data(), kLayerNormEps, u);
        float* prev = st.attXPrev.data() + l * C;
        for (int64_t c = 0; c < C; ++c) {
            const float d = prev[c] - u[c];
            s.xr[size_t(c)] = u[c] + d * L.xr[size_t(c)];
            s.xw[size_t(c)] = u[c] + d * L.xw[size_t(c)];
            s.xk[size_t(c)] = u[c] + d * L.xk[size_t(c)];
            s.xv[size_t(c)] = u[c] + d * L.xv[size_t(c)];
            s.xa[size_t(c)] = u[c] + d * L.xa[size_t(c)];
            s.xg[size_t(c)] = u[c] + d * L.xg[size_t(c)];
            prev[c] = u[c];
        }
        // r, k, v and the first LoRA factors all read the token-shift mixes: one region.
        const int64_t loraInBytes = 4 * C * (sh.loraW + sh.loraA + sh.loraG + (l > 0 ? sh.loraV : 0));
        region(L.wr.bytes() + L.wk.bytes() + L.wv.bytes() + loraInBytes, [&](int t, int n) {
            bigRows(L.wr, s.xr.data(), r, t, n);
            bigRows(L.wk, s.xk.data(), k, t, n);
            bigRows(L.wv, s.xv.data(), v, t, n);
            loraRows(l, 0, L.w1t, sh.loraW, C, s.xw.data(), lw, t, n);
            loraRows(l, 1, L.a1t, sh.loraA, C, s.xa.data(), la, t, n);
            loraRows(l, 2, L.g1t, sh.loraG, C, s.xg.data(), lg, t, n);
            if (l > 0) loraRows(l, 3, L.v1t, sh.loraV, C, s.xv.data(), lv, t, n);
        });
        op.tanh(sh.loraW, lw, lw);
        op.sigmoid(sh.loraG, lg, lg);
        // The second LoRA factors: z = w0 + tanh(xw w1) w2, a = a0 + (xa a1) a2, g = σ(xg g1) g2
        // (no sigmoid after g2), v's gate v0 + (xv v1) v2.
        region(loraInBytes, [&](int t, int n) {
            loraRows(l, 4, L.w2t, C, sh.loraW, lw, s.z.data(), t, n);
            loraRows(l, 5, L.a2t, C, sh.loraA, la, a, t, n);
            loraRows(l, 6, L.g2t, C, sh.loraG, lg, g, t, n);
            if (l > 0) loraRows(l, 7, L.v2t, C, sh.loraV, lv, vg, t, n);
        });
        for (int64_t c = 0; c < C; ++c) s.z[size_t(c)] += L.w0[size_t(c)];
        op.decay(C, s.z.data(), s.decay.data());
        for (int64_t c = 0; c < C; ++c) a[c] += L.a0[size_t(c)];
        op.sigmoid(C, a, a);
        // Value residual: layer 0 provides v_first, the others mix towards it.
        if (l == 0) {
            std::memcpy(s.vFirst.data(), v, sizeof(float) * size_t(C));
        } else {
            for (int64_t c = 0; c < C; ++c) vg[c] += L.v0[size_t(c)];
            op.sigmoid(C, vg, vg);
            for (int64_t c = 0; c < C; ++c) v[c] = v[c] + (s.vFirst[size_t(c)] - v[c]) * vg[c];
        }
        // Removal key kk (from the original k), then the replacement key.
        for (int64_t h = 0; h < H; ++h) {
            float* kh = kk + h * N;
            float ss = 0;
            for (int64_t n = 0; n < N; ++n) {
                kh[n] = k[h * N + n] * L.kK[size_t(h * N + n)];
                ss += kh[n] * kh[n];
            }
            const float norm = std::max(std::sqrt(ss), 1e-12f);
            for (int64_t n = 0; n < N; ++n) kh[n] /= norm;
        }
        for (int64_t c = 0; c < C; ++c) {
            k[c] = k[c] * (1 + (a[c] - 1) * L.kA[size_t(c)]);
            s.aIn[size_t(c)] = -kk[c];
            s.bIn[size_t(c)] = kk[c] * a[c];
        }
        // Per head: the WKV7 step, GroupNorm, the r·k·r_k bonus and the gate.
        float* S = st.wkv.data() + l * C * N;
        region(int64_t(sizeof(float)) * C * N, [&](int t, int n) {
            const auto [h0, h1] = share(H, t, n, 1);
            for (int64_t h = h0; h < h1; ++h) {
                const int64_t o = h * N;
                op.wkvHead(N, S + h * N * N, s.decay.data() + o, r + o, k + o, v + o, s.aIn.data() + o,
                           s.bIn.data() + o, y + o);
                float* yh = y + o;
                layerNorm(N, yh, L.lnxw.data() + o, L.lnxb.data() + o, kGroupNormEps, yh);
                float bonus = 0;
                for (int64_t i = 0; i < N; ++i) bonus += r[o + i] * k[o + i] * L.rK[size_t(o + i)];
                for (int64_t i = 0; i < N; ++i) yh[i] = (yh[i] + bonus * v[o + i]) * g[o + i];
            }
        });
        region(L.wo.bytes(), [&](int t, int n) { bigRows(L.wo, y, out, t, n); });
        for (int64_t c = 0; c < C; ++c) x[c] += out[c];

        // Channel mix: relu(xk Wkeyᵀ)² Wvalueᵀ over the rows whose input is non-zero.
        layerNorm(C, x, L.ln2w.data(), L.ln2b.data(), kLayerNormEps, u);
        prev = st.ffnXPrev.data() + l * C;
        float* xk = s.xk.data();
        for (int64_t c = 0; c < C; ++c) {
            xk[c] = u[c] + (prev[c] - u[c]) * L.ffnXk[size_t(c)];
            prev[c] = u[c];
        }
        float* hid = s.hidden.data();
        region(L.ffnKey.bytes(), [&](int t, int n) { bigRows(L.ffnKey, xk, hid, t, n); });
        int64_t count = 0;
        for (int64_t f = 0; f < F; ++f) {
            if (hid[f] > 0) {
                hid[f] *= hid[f];
                s.nonZero[size_t(count++)] = int32_t(f);
            }
        }
        const float* hv = hid;
        if (!L.ffnValueT.i8.empty()) {   // fold the value rows' scales into their inputs
            float* hs = s.hiddenScaled.data();
            for (int64_t i = 0; i < count; ++i) {
                const int32_t f = s.nonZero[size_t(i)];
                hs[f] = hid[f] * L.ffnValueT.scale[size_t(f)];
            }
            hv = hs;
        }
        region(L.ffnValueT.bytes() / std::max<int64_t>(F, 1) * count, [&](int t, int n) {
            const auto [c0, c1] = share(C, t, n, 64);
            sparseRowsSumCols(op, s.nonZero.data(), count, L.ffnValueT, hv, c0, c1, out);
        });
        if (sh.deepEmbed) {
            const float* e = L.enn.data() + token * C;
            for (int64_t c = 0; c < C; ++c) out[c] *= e[c];
        }
        for (int64_t c = 0; c < C; ++c) x[c] += out[c];
    }
    layerNorm(C, x, w_.lnOutW.data(), w_.lnOutB.data(), kLayerNormEps, u);
    region(w_.head.bytes(), [&](int t, int n) { bigRows(w_.head, u, s.logits.data(), t, n); });
    // Back-off: on a busy machine (another process holds a core) the split costs more than it
    // gives, in two ways: the caller waits for a worker descheduled inside its chunk, or the caller
    // itself is descheduled while a worker spins for the next product (the spin spends the CPU
    // share the caller needs). Either shows as wall time the caller did not compute: waiting plus
    // (wall - the caller's CPU time). When that is more than kBackOffShare of a token (smoothed over
    // ~10 tokens), the next kSoloTokens tokens run on the caller alone (workers fall asleep), and
    // the split is tried again.
    if (split) {
        const double total = double(
            std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count());
        const double cpu = threadCpuSeconds() - cpu0;   // 0 where the platform has no thread clock
        const double idle = cpu > 0 ? std::max(0.0, total - 1e9 * cpu) : 0.0;
        waitShare_ = 0.9 * waitShare_ + 0.1 * (total > 0 ? std::min(1.0, (double(waitedNs) + idle) / total) : 0.0);
        if (waitShare_ > kBackOffShare) {
            // Backs off for longer each time the retry fails at once (256, 512, … 8,192 tokens);
            // a split that holds for 64 tokens starts the count again.
            soloTokens_ = backOffTokens_;
            backOffTokens_ = splitTokens_ < 64 ? std::min(backOffTokens_ * 2, 32 * kSoloTokens) : kSoloTokens;
            splitTokens_ = 0;
            waitShare_ = 0;
        } else if (++splitTokens_ >= 64) {
            backOffTokens_ = kSoloTokens;
        }
    } else if (soloTokens_ > 0) {
        --soloTokens_;
    }
    return s.logits.data();
}

}  // namespace pm::kernels
