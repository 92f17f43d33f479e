#include "train/train_plan.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace pm::train {

namespace {

// Validations per planned run (plus one before the first step): enough for patience 3 to see a
// plateau, few enough to cost a small share of the budget (measured: 1-4 % on the 2-core VM).
constexpr std::int64_t kValidationsPerRun = 10;

std::int64_t ceilDiv(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

std::int64_t validateEveryFor(const PlanInputs& in, std::int64_t steps) {
    if (in.validateEvery >= 0) return in.validateEvery;   // the user's (0 = only at the end)
    return std::max<std::int64_t>(1, ceilDiv(steps, kValidationsPerRun));
}

double estimateSeconds(const PlanInputs& in, std::int64_t steps) {
    const std::int64_t every = validateEveryFor(in, steps);
    // One before the first step, then every `every` steps and once at the end when the last
    // step is not a multiple (the trainer validates a run's end exactly once).
    const std::int64_t validations = 1 + (every > 0 ? ceilDiv(steps, every) : 1);
    const double train = double(steps) * in.secondsPerStep;
    // A checkpoint each interval of training time, and one at the end.
    const double checkpoints = in.checkpointInterval > 0 ? std::floor(train / in.checkpointInterval) + 1 : 1;
    return train + double(validations) * in.validationSeconds + checkpoints * in.checkpointSeconds;
}

// 31234 -> "31,000": two significant figures, thousands separated (the plan is "about").
std::string roundedCount(std::int64_t n) {
    double v = double(n);
    if (v >= 100) {
        const double scale = std::pow(10.0, std::floor(std::log10(v)) - 1);
        v = std::round(v / scale) * scale;
    }
    std::string digits = std::to_string(static_cast<long long>(std::llround(v)));
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string roughDuration(double seconds) {
    if (seconds < 60) return "under a minute";
    const long minutes = std::max(1L, std::lround(seconds / 60));
    return "about " + std::to_string(minutes) + (minutes == 1 ? " minute" : " minutes");
}

std::string passesText(double passes) {
    char buf[64];
    if (passes < 1) {
        std::snprintf(buf, sizeof buf, "%.0f%% of a pass", std::max(1.0, std::round(passes * 100)));
    } else if (std::abs(passes - std::round(passes)) < 0.05) {
        const long n = std::lround(passes);
        std::snprintf(buf, sizeof buf, "%ld %s", n, n == 1 ? "pass" : "passes");
    } else {
        std::snprintf(buf, sizeof buf, "%.1f passes", passes);
    }
    return buf;
}

}  // namespace

TrainPlan planFromInputs(const PlanInputs& in, const PlanOptions& options) {
    TrainPlan p;
    p.device = in.device;
    p.tokensPerPass = in.tokensPerPass;
    p.stepsPerPass = in.stepsPerPass;
    p.tokensPerSecond = in.tokensPerSecond;
    p.patience = in.patience;
    if (in.stepsPerPass <= 0 || in.tokensPerPass <= 0) {
        p.error = "the dataset has no training tokens";
        return p;
    }
    if (!(in.secondsPerStep > 0)) {
        p.error = "the training speed could not be measured";
        return p;
    }
    const std::int64_t wanted =
        std::max<std::int64_t>(1, std::int64_t(std::ceil(options.targetPasses * double(in.stepsPerPass) - 1e-9)));
    std::int64_t steps = wanted;
    if (options.maxSeconds > 0 && estimateSeconds(in, wanted) > options.maxSeconds) {
        // The most steps whose estimate fits (the estimate grows with the steps, up to the
        // rounding of validations and checkpoints): binary search, at least one step.
        std::int64_t lo = 1, hi = wanted - 1;
        while (lo < hi) {
            const std::int64_t mid = lo + (hi - lo + 1) / 2;
            if (estimateSeconds(in, mid) <= options.maxSeconds) lo = mid;
            else hi = mid - 1;
        }
        steps = lo;
        p.timeCapped = true;
    }
    p.steps = steps;
    p.passes = double(steps) / double(in.stepsPerPass);
    p.validateEvery = validateEveryFor(in, steps);
    p.estimatedSeconds = estimateSeconds(in, steps);
    p.timeLimitSeconds = options.maxSeconds > 0 ? std::max(options.maxSeconds, p.estimatedSeconds) * 1.125 : 0.0;
    p.ok = true;
    return p;
}

TrainPlan planTraining(const TrainConfig& config, const PlanOptions& options, const std::atomic<bool>* cancel) {
    PlanInputs in;
    std::string error;
    if (!measureTraining(config, options.probeSeconds, cancel, &in, &error)) {
        TrainPlan p;
        p.error = error;
        return p;
    }
    return planFromInputs(in, options);
}

void applyPlan(const TrainPlan& plan, TrainConfig* config) {
    config->steps = plan.steps;
    config->epochs = 0;
    config->validateEvery = plan.validateEvery;
    config->patience = plan.patience;
    config->optim.totalSteps = plan.steps;
    // The loss before the first step: the run reports how far it got from where it started, and a
    // fine-tune that only makes the base worse keeps the base as its best model.
    config->validateAtStart = true;
    config->timeLimitSeconds = plan.timeLimitSeconds;
}

std::string describePlan(const TrainPlan& plan) {
    if (!plan.ok) return "no plan: " + plan.error;
    const std::string where = plan.device.empty() || plan.device == "CPU" ? "this CPU" : plan.device;
    std::string s = roughDuration(plan.estimatedSeconds) + " on " + where + ": " + passesText(plan.passes) + " over " +
                    roundedCount(plan.tokensPerPass) + " tokens";
    if (plan.timeCapped) s += " (as much as fits the time budget)";
    if (plan.patience > 0) s += ", stops early when validation stops improving";
    return s;
}

}  // namespace pm::train
