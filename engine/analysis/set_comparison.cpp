#include "analysis/set_comparison.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

namespace pm::analysis {

namespace {

// At most this many distances per sample: beyond it (a reference set of ~1,400 pieces gives a
// million pairs) an evenly spread, deterministic subset of the pairs is kept, so memory and time
// stay bounded whatever the set sizes.
constexpr std::size_t kMaxDistances = 1'000'000;

// Grid for the numerical integration: a step of at most 1/8 of the narrower kernel, between 257
// and 16,385 points, reaching 6 kernel widths beyond the outermost samples.
constexpr double kStepsPerBandwidth = 8;
constexpr std::size_t kMinGrid = 257, kMaxGrid = 16385;
constexpr double kReach = 6;
// The kernel is cut off 8 widths out (exp(-32) ~ 1e-14 of its peak).
constexpr double kKernelCut = 8;
// KL's log(p / q) reads q no lower than this share of q's peak, so it stays finite where the
// intra-set density has mass and the inter-set one has none (and says so with a large value).
constexpr double kDensityFloor = 1e-10;

double mean(const std::vector<double>& values)
{
    if (values.empty())
        return 0;
    double sum = 0;
    for (double v : values)
        sum += v;
    return sum / static_cast<double>(values.size());
}

double populationStd(const std::vector<double>& values)
{
    if (values.size() < 2)
        return 0;
    const double m = mean(values);
    double sum = 0;
    for (double v : values)
        sum += (v - m) * (v - m);
    return std::sqrt(sum / static_cast<double>(values.size()));
}

// The quantile by linear interpolation between order statistics (R's type 7); `sorted` ascending.
double quantile(const std::vector<double>& sorted, double q)
{
    const double position = q * static_cast<double>(sorted.size() - 1);
    const auto below = static_cast<std::size_t>(std::floor(position));
    const std::size_t above = std::min(below + 1, sorted.size() - 1);
    const double frac = position - static_cast<double>(below);
    return sorted[below] + frac * (sorted[above] - sorted[below]);
}

// Calls visit(index) for every index of 0..total-1 when total <= cap, else for `cap` of them spread
// evenly (index floor(k * total / cap) for k = 0..cap-1).
template <typename Visit>
void visitKept(std::size_t total, std::size_t cap, std::size_t index, std::size_t& kept, Visit&& visit)
{
    if (total <= cap) {
        visit();
        return;
    }
    const double stride = static_cast<double>(total) / static_cast<double>(cap);
    if (kept < cap && index == static_cast<std::size_t>(std::floor(static_cast<double>(kept) * stride))) {
        ++kept;
        visit();
    }
}

std::vector<double> intraDistances(const std::vector<double>& values)
{
    const std::size_t n = values.size();
    const std::size_t total = n < 2 ? 0 : n * (n - 1) / 2;
    std::vector<double> out;
    out.reserve(std::min(total, kMaxDistances));
    std::size_t index = 0, kept = 0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j, ++index)
            visitKept(total, kMaxDistances, index, kept, [&] { out.push_back(std::abs(values[i] - values[j])); });
    return out;
}

std::vector<double> interDistances(const std::vector<double>& generated, const std::vector<double>& reference)
{
    const std::size_t total = generated.size() * reference.size();
    std::vector<double> out;
    out.reserve(std::min(total, kMaxDistances));
    std::size_t index = 0, kept = 0;
    for (double g : generated)
        for (double r : reference) {
            visitKept(total, kMaxDistances, index, kept, [&] { out.push_back(std::abs(g - r)); });
            ++index;
        }
    return out;
}

struct Grid {
    double lo = 0;
    double step = 1;
    std::size_t size = 0;
};

double trapezoid(const std::vector<double>& f, double step)
{
    if (f.size() < 2)
        return 0;
    double sum = 0;
    for (double v : f)
        sum += v;
    return step * (sum - 0.5 * (f.front() + f.back()));
}

// The Gaussian KDE of `samples` with width h on the grid, normalised to integrate to 1 there. The
// samples are first spread linearly onto their two neighbouring grid points (relative error of
// the order (step/h)^2 / 8 <= 0.2 %), so the cost is grid points x kernel points, not samples.
std::vector<double> density(const std::vector<double>& samples, double h, const Grid& grid)
{
    std::vector<double> weights(grid.size, 0.0);
    for (double x : samples) {
        const double position = (x - grid.lo) / grid.step;
        const double cell = std::clamp(std::floor(position), 0.0, static_cast<double>(grid.size - 2));
        const auto i = static_cast<std::size_t>(cell);
        const double frac = std::clamp(position - cell, 0.0, 1.0);
        weights[i] += 1 - frac;
        weights[i + 1] += frac;
    }
    const auto reach = static_cast<std::size_t>(
        std::min(std::ceil(kKernelCut * h / grid.step), static_cast<double>(grid.size - 1)));
    std::vector<double> kernel(reach + 1);
    for (std::size_t d = 0; d <= reach; ++d) {
        const double u = static_cast<double>(d) * grid.step / h;
        kernel[d] = std::exp(-0.5 * u * u);
    }
    std::vector<double> out(grid.size, 0.0);
    for (std::size_t j = 0; j < grid.size; ++j) {
        if (weights[j] == 0)
            continue;
        const std::size_t from = j >= reach ? j - reach : 0;
        const std::size_t to = std::min(j + reach, grid.size - 1);
        for (std::size_t g = from; g <= to; ++g)
            out[g] += weights[j] * kernel[g > j ? g - j : j - g];
    }
    const double total = trapezoid(out, grid.step);
    if (total > 0)
        for (double& v : out)
            v /= total;
    return out;
}

nlohmann::json number(double value)
{
    return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}

nlohmann::json numbers(const std::vector<double>& values)
{
    nlohmann::json out = nlohmann::json::array();
    for (double v : values)
        out.push_back(number(v));
    return out;
}

ScalarComparison compareScalar(const ScalarFeature& feature, const std::vector<PieceFeatures>& generated,
                               const std::vector<PieceFeatures>& reference)
{
    ScalarComparison out;
    out.key = feature.key;
    std::vector<double> g, r;
    for (const PieceFeatures& piece : generated)
        if (feature.applies(piece))
            g.push_back(feature.get(piece));
    for (const PieceFeatures& piece : reference)
        if (feature.applies(piece))
            r.push_back(feature.get(piece));
    out.generatedCount = g.size();
    out.referenceCount = r.size();
    out.generatedMean = mean(g);
    out.generatedStd = populationStd(g);
    out.referenceMean = mean(r);
    out.referenceStd = populationStd(r);

    const std::vector<double> intra = intraDistances(r);
    const std::vector<double> inter = interDistances(g, r);
    out.intraCount = intra.size();
    out.interCount = inter.size();
    out.intraMean = mean(intra);
    out.interMean = mean(inter);
    if (r.size() < 2) {
        out.message = std::string(feature.key) + ": the reference set has " + std::to_string(r.size()) +
                      " piece(s) this feature applies to; its intra-set distances need at least 2";
        return out;
    }
    if (g.empty()) {
        out.message = std::string(feature.key) + ": no generated piece this feature applies to";
        return out;
    }
    const DensityOverlap densities = kdeOverlap(intra, inter);
    out.intraBandwidth = densities.bandwidthP;
    out.interBandwidth = densities.bandwidthQ;
    out.valid = densities.valid;
    out.overlap = densities.overlap;
    out.klDivergence = densities.klDivergence;
    return out;
}

// The mean of the normalised histograms that hold any data; pieces without (no notes, one onset)
// say nothing about the shape and are left out.
std::vector<double> meanHistogram(const HistogramFeature& feature, const std::vector<PieceFeatures>& pieces,
                                  std::size_t& counted)
{
    std::vector<double> sum(feature.binLabels().size(), 0.0);
    counted = 0;
    for (const PieceFeatures& piece : pieces) {
        const std::vector<double>& histogram = feature.get(piece);
        double total = 0;
        for (double v : histogram)
            total += v;
        if (total <= 0 || histogram.size() != sum.size())
            continue;
        for (std::size_t i = 0; i < sum.size(); ++i)
            sum[i] += histogram[i] / total;
        ++counted;
    }
    if (counted > 0)
        for (double& v : sum)
            v /= static_cast<double>(counted);
    return sum;
}

HistogramComparison compareHistogram(const HistogramFeature& feature, const std::vector<PieceFeatures>& generated,
                                     const std::vector<PieceFeatures>& reference)
{
    HistogramComparison out;
    out.key = feature.key;
    out.generatedMean = meanHistogram(feature, generated, out.generatedCount);
    out.referenceMean = meanHistogram(feature, reference, out.referenceCount);
    if (out.generatedCount == 0 || out.referenceCount == 0) {
        out.message = std::string(feature.key) + ": " +
                      (out.generatedCount == 0 ? "no generated piece" : "no reference piece") + " has data for this histogram";
        return out;
    }
    double js = 0, l1 = 0;
    for (std::size_t i = 0; i < out.generatedMean.size(); ++i) {
        const double p = out.generatedMean[i], q = out.referenceMean[i], m = 0.5 * (p + q);
        if (p > 0)
            js += 0.5 * p * std::log2(p / m);
        if (q > 0)
            js += 0.5 * q * std::log2(q / m);
        l1 += std::abs(p - q);
    }
    out.valid = true;
    out.distance = std::sqrt(std::clamp(js, 0.0, 1.0));
    out.totalVariation = std::clamp(0.5 * l1, 0.0, 1.0);
    return out;
}

}  // namespace

double silvermanBandwidth(const std::vector<double>& samples)
{
    if (samples.size() < 2)
        return 0;
    const double m = mean(samples);
    double squares = 0;
    for (double v : samples)
        squares += (v - m) * (v - m);
    const double sd = std::sqrt(squares / static_cast<double>(samples.size() - 1));
    if (!(sd > 0))
        return 0;
    std::vector<double> sorted = samples;
    std::sort(sorted.begin(), sorted.end());
    const double iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
    const double spread = iqr > 0 ? std::min(sd, iqr / 1.34) : sd;
    return 0.9 * spread * std::pow(static_cast<double>(samples.size()), -0.2);
}

DensityOverlap kdeOverlap(const std::vector<double>& p, const std::vector<double>& q)
{
    DensityOverlap out;
    if (p.empty() || q.empty())
        return out;
    double hp = silvermanBandwidth(p), hq = silvermanBandwidth(q);
    if (hp == 0 && hq == 0) {
        // Both samples are point masses (one value, or all values equal): give both a kernel of
        // 1/1000 of the largest magnitude, so equal spikes overlap fully and distinct ones do not.
        double scale = 0;
        for (double v : p)
            scale = std::max(scale, std::abs(v));
        for (double v : q)
            scale = std::max(scale, std::abs(v));
        hp = hq = scale > 0 ? 1e-3 * scale : 1e-3;
    } else if (hp == 0) {
        hp = hq;
    } else if (hq == 0) {
        hq = hp;
    }
    out.bandwidthP = hp;
    out.bandwidthQ = hq;

    const auto [pMin, pMax] = std::minmax_element(p.begin(), p.end());
    const auto [qMin, qMax] = std::minmax_element(q.begin(), q.end());
    const double lo = std::min(*pMin - kReach * hp, *qMin - kReach * hq);
    const double hi = std::max(*pMax + kReach * hp, *qMax + kReach * hq);
    Grid grid;
    grid.lo = lo;
    const double wanted = std::ceil((hi - lo) / (std::min(hp, hq) / kStepsPerBandwidth)) + 1;
    grid.size = static_cast<std::size_t>(std::clamp(wanted, static_cast<double>(kMinGrid), static_cast<double>(kMaxGrid)));
    grid.step = (hi - lo) / static_cast<double>(grid.size - 1);

    const std::vector<double> dp = density(p, hp, grid);
    const std::vector<double> dq = density(q, hq, grid);
    std::vector<double> smaller(grid.size), kl(grid.size, 0.0);
    const double floor = kDensityFloor * *std::max_element(dq.begin(), dq.end());
    for (std::size_t i = 0; i < grid.size; ++i) {
        smaller[i] = std::min(dp[i], dq[i]);
        if (dp[i] > 0)
            kl[i] = dp[i] * std::log(dp[i] / std::max(dq[i], floor));
    }
    out.valid = true;
    out.overlap = std::clamp(trapezoid(smaller, grid.step), 0.0, 1.0);
    out.klDivergence = std::max(trapezoid(kl, grid.step), 0.0);
    return out;
}

SetComparison compareSets(const std::vector<PieceFeatures>& generated, const std::vector<PieceFeatures>& reference)
{
    SetComparison out;
    out.generatedPieces = generated.size();
    out.referencePieces = reference.size();
    for (const ScalarFeature& feature : scalarFeatures())
        out.scalars.push_back(compareScalar(feature, generated, reference));
    for (const HistogramFeature& feature : histogramFeatures())
        out.histograms.push_back(compareHistogram(feature, generated, reference));

    out.valid = true;
    if (generated.empty() || reference.empty()) {
        out.valid = false;
        out.message = generated.empty() ? "the generated set is empty" : "the reference set is empty";
    }
    for (const ScalarComparison& scalar : out.scalars)
        if (!scalar.valid && out.valid) {
            out.valid = false;
            out.message = scalar.message;
        }
    for (const HistogramComparison& histogram : out.histograms)
        if (!histogram.valid && out.valid) {
            out.valid = false;
            out.message = histogram.message;
        }
    return out;
}

nlohmann::json toJson(const SetComparison& comparison)
{
    nlohmann::json out;
    out["generated_pieces"] = comparison.generatedPieces;
    out["reference_pieces"] = comparison.referencePieces;
    out["valid"] = comparison.valid;
    out["message"] = comparison.message;

    nlohmann::json scalars = nlohmann::json::array();
    const auto& scalarRegistry = scalarFeatures();
    for (std::size_t i = 0; i < comparison.scalars.size(); ++i) {
        const ScalarComparison& s = comparison.scalars[i];
        nlohmann::json entry;
        entry["key"] = s.key;
        if (i < scalarRegistry.size() && s.key == scalarRegistry[i].key) {
            entry["name"] = scalarRegistry[i].name;
            entry["unit"] = scalarRegistry[i].unit;
        }
        entry["generated"] = {{"count", s.generatedCount}, {"mean", number(s.generatedMean)}, {"std", number(s.generatedStd)}};
        entry["reference"] = {{"count", s.referenceCount}, {"mean", number(s.referenceMean)}, {"std", number(s.referenceStd)}};
        entry["intra"] = {{"count", s.intraCount}, {"mean", number(s.intraMean)}, {"bandwidth", number(s.intraBandwidth)}};
        entry["inter"] = {{"count", s.interCount}, {"mean", number(s.interMean)}, {"bandwidth", number(s.interBandwidth)}};
        entry["valid"] = s.valid;
        entry["message"] = s.message;
        entry["overlap"] = s.valid ? number(s.overlap) : nlohmann::json(nullptr);
        entry["kl_divergence"] = s.valid ? number(s.klDivergence) : nlohmann::json(nullptr);
        scalars.push_back(std::move(entry));
    }
    out["scalars"] = std::move(scalars);

    nlohmann::json histograms = nlohmann::json::array();
    const auto& histogramRegistry = histogramFeatures();
    for (std::size_t i = 0; i < comparison.histograms.size(); ++i) {
        const HistogramComparison& h = comparison.histograms[i];
        nlohmann::json entry;
        entry["key"] = h.key;
        if (i < histogramRegistry.size() && h.key == histogramRegistry[i].key) {
            entry["name"] = histogramRegistry[i].name;
            entry["bins"] = histogramRegistry[i].binLabels();
        }
        entry["generated"] = {{"count", h.generatedCount}, {"mean", numbers(h.generatedMean)}};
        entry["reference"] = {{"count", h.referenceCount}, {"mean", numbers(h.referenceMean)}};
        entry["valid"] = h.valid;
        entry["message"] = h.message;
        entry["js_distance"] = h.valid ? number(h.distance) : nlohmann::json(nullptr);
        entry["total_variation"] = h.valid ? number(h.totalVariation) : nlohmann::json(nullptr);
        histograms.push_back(std::move(entry));
    }
    out["histograms"] = std::move(histograms);
    return out;
}

}  // namespace pm::analysis
