// The fused CPU step (pianomuse/kernels/rwkv7_step_cpu.h) for an Rwkv7Model: RNN-mode generation
// at batch 1 without LibTorch's per-operator overhead (issue 8: ≈11× the tokens/s of
// Rwkv7ModelImpl::step on the tiny preset, ≈3× on the memory-bound small one; docs/generation.md).
//
//   auto fast = Rwkv7FastStep::tryCreate(*model);      // nullptr: use model->step
//   fast->setState(stateAfterPrefill);                  // Rwkv7State from forwardHidden / step
//   const float* logits = fast->step(token);            // V values, valid until the next step
//   Rwkv7State back = fast->state();                    // interchangeable with the LibTorch path
//
// The weights are copied (fp32) when the object is built, so later changes to the model are not
// seen: build a new one per generation. LoRA adapters are folded into the copy (W + α/r·B·A), the
// model itself is not touched. With state tuning the trained time_state is the initial WKV state.
// Everything runs in fp32, also for bf16/fp16 parameters (which are widened once). A big matrix
// whose values are all exactly bf16 numbers (bf16 models, official checkpoints) is kept as bf16
// bit patterns: the same numbers at half the bytes, which is what bounds the step's speed.
#pragma once

#include "model/rwkv7_model.h"

#include "pianomuse/kernels/rwkv7_step_cpu.h"

#include <torch/torch.h>

#include <memory>
#include <string>

namespace pm::model {

// How the fused step holds the big matrices (docs/generation.md "Weight modes").
enum class FastStepWeights {
    Auto,    // Int8 when the exact storage of the big matrices exceeds kAutoInt8Bytes, else Exact
    Exact,   // the model's values (fp32; exact bf16 storage where lossless): the LibTorch step's results
    Bf16,    // rounded to bf16
    Int8,    // symmetric per-row int8 with fp32 scales
};

struct FastStepOptions {
    FastStepWeights weights = FastStepWeights::Exact;
    int threads = 1;   // threads splitting the products (1: the calling thread)
};

// Auto's threshold: 32 MB of big matrices (the base preset L12-D512 holds 75 MB as bf16; tiny and
// small, the shipped model included, hold ≤ 19 MB and stay exact). Above it a token streams every
// weight from DRAM on any desktop (no L3 share is that large), so bytes are the speed.
constexpr int64_t kAutoInt8Bytes = int64_t(32) << 20;

class Rwkv7FastStep {
public:
    // Throws std::invalid_argument when the model cannot take this path (see supported()).
    // bf16WhenExact = false keeps every matrix in fp32 (for tests and measurements; Exact mode).
    explicit Rwkv7FastStep(Rwkv7ModelImpl& model, bool bf16WhenExact = true, FastStepOptions options = {});

    // nullptr when the fast path is switched off (setFastStepEnabled / PIANOMUSE_FAST_STEP=0) or the
    // model is not supported; `why` then says which.
    static std::unique_ptr<Rwkv7FastStep> tryCreate(Rwkv7ModelImpl& model, std::string* why = nullptr,
                                                    FastStepOptions options = {});

    // CPU parameters of dtype fp32, bf16 or fp16. Otherwise false with the reason.
    static bool supported(Rwkv7ModelImpl& model, std::string* why = nullptr);

    // A fresh sequence: zeros, or time_state as the WKV state with state tuning.
    void reset();
    // Batch-1 state of the LibTorch path; undefined tensors (or no layers) mean a fresh sequence,
    // as in Rwkv7ModelImpl::forward. Throws std::invalid_argument for a state of another shape.
    void setState(const Rwkv7State& state);
    // The current state as the LibTorch path keeps it: x_prev in the parameters' dtype, wkv fp32.
    Rwkv7State state() const;

    const float* step(int64_t token) { return kernel_->step(token, state_); }
    int64_t vocabSize() const { return kernel_->shape().vocab; }
    bool usesSimd() const { return kernel_->usesSimd(); }
    bool bf16Weights() const { return bf16Weights_; }   // some matrix is held as (exact or rounded) bf16
    pm::kernels::Rwkv7WeightMode weightMode() const { return mode_; }   // what Auto resolved to
    int threads() const { return kernel_->threads(); }
    int64_t matrixBytes() const { return matrixBytes_; }   // the big matrices as held

private:
    std::unique_ptr<pm::kernels::Rwkv7StepCpu> kernel_;
    pm::kernels::Rwkv7StepState state_;
    std::vector<float> initialWkv_;   // [L][H][N][N]: time_state or zeros
    torch::Dtype dtype_ = torch::kFloat;
    bool bf16Weights_ = false;
    pm::kernels::Rwkv7WeightMode mode_ = pm::kernels::Rwkv7WeightMode::Exact;
    int64_t matrixBytes_ = 0;
};

// Process-wide switch, default on unless the environment has PIANOMUSE_FAST_STEP=0 (for
// comparing against, or falling back to, the LibTorch step).
void setFastStepEnabled(bool enabled);
bool fastStepEnabled();

// The packed weights the fused step reads, from the model's parameters (LoRA folded in; big
// matrices as exact bf16 where every value allows it and bf16WhenExact is set, else fp32).
pm::kernels::Rwkv7StepWeights packFastStepWeights(Rwkv7ModelImpl& model, bool bf16WhenExact = true);

}  // namespace pm::model
