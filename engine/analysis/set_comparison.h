// How far a set of generated pieces is from a reference set, feature by feature (docs/metrics.md).
//
// Scalar features, after mgeval (Yang & Lerch, "On the evaluation of generative models in music"):
// the distances between reference pieces (intra-set) and between each generated and each
// reference piece (inter-set) are two samples; each is smoothed into a density by a Gaussian
// kernel density estimate, and the report gives the overlapping area of the two densities (1: the
// generated pieces sit among the reference pieces as the reference pieces sit among themselves;
// 0: they are somewhere else) and the KL divergence of intra from inter. Histogram features: the
// mean histogram of each set and their Jensen-Shannon distance.
#pragma once

#include "analysis/music_features.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace pm::analysis {

struct ScalarComparison {
    std::string key;                       // the registry's key
    std::size_t generatedCount = 0;        // pieces the feature applies to (ScalarFeature::applies)
    std::size_t referenceCount = 0;
    double generatedMean = 0, generatedStd = 0;   // population standard deviation; 0 for < 2
    double referenceMean = 0, referenceStd = 0;
    // The two distance samples: intra = |r_i - r_j| over reference pairs i < j, inter = |g_i - r_j|.
    std::size_t intraCount = 0, interCount = 0;
    double intraMean = 0, interMean = 0;
    double intraBandwidth = 0, interBandwidth = 0;   // the kernels' widths actually used
    bool valid = false;     // overlap and KL were computed (else both 0 and `message` says why)
    std::string message;
    double overlap = 0;     // overlapping area of the two densities, in [0, 1]
    double klDivergence = 0;   // KL(intra || inter), nats, >= 0
};

struct HistogramComparison {
    std::string key;
    std::size_t generatedCount = 0;   // pieces whose histogram has data (e.g. >= 2 onsets for IOI)
    std::size_t referenceCount = 0;
    std::vector<double> generatedMean;   // mean of those pieces' normalised histograms
    std::vector<double> referenceMean;
    bool valid = false;       // both sets had a piece with data
    std::string message;
    double distance = 0;         // Jensen-Shannon distance (sqrt of the divergence, log base 2), [0, 1]
    double totalVariation = 0;   // half the L1 distance, [0, 1]
};

struct SetComparison {
    std::size_t generatedPieces = 0;
    std::size_t referencePieces = 0;
    bool valid = false;      // every scalar and histogram comparison is valid
    std::string message;     // the first reason one is not ("" when valid)
    std::vector<ScalarComparison> scalars;         // in scalarFeatures() order
    std::vector<HistogramComparison> histograms;   // in histogramFeatures() order
};

SetComparison compareSets(const std::vector<PieceFeatures>& generated,
                          const std::vector<PieceFeatures>& reference);

// The building blocks, public so the tests can check them on known distributions.
//
// Silverman's rule of thumb: 0.9 * min(sd, IQR / 1.34) * n^(-1/5) (sd when the IQR is 0); 0 when
// n < 2 or every value is the same.
double silvermanBandwidth(const std::vector<double>& samples);

struct DensityOverlap {
    bool valid = false;   // false when a sample is empty
    double overlap = 0;   // integral of min(p, q), [0, 1]
    double klDivergence = 0;   // integral of p log(p / q), nats
    double bandwidthP = 0, bandwidthQ = 0;
};
// Gaussian KDEs of `p` and `q` (Silverman bandwidths; a zero bandwidth takes the other sample's,
// and when both are zero a small one, docs/metrics.md), integrated numerically on one grid.
DensityOverlap kdeOverlap(const std::vector<double>& p, const std::vector<double>& q);

nlohmann::json toJson(const SetComparison& comparison);

}  // namespace pm::analysis
