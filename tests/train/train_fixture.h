// Small datasets and models for trainer tests: a few synthetic pieces built through the real
// dataset builder and tokenizer, and a tiny model config that trains in milliseconds per step.
#pragma once

#include "../dataset/dataset_fixture.h"
#include "dataset/dataset_builder.h"
#include "dataset/dataset_store.h"
#include "dataset/piece_tokenizer.h"
#include "model/rwkv7_config.h"
#include "tokenizer/tokenizer.h"

#include <gtest/gtest.h>

namespace pm::test {

// `pieces` synthetic pieces of `bars` bars (every 4th in validation by the seeded split).
inline std::string buildSyntheticDataset(const TempDir& tmp, int pieces = 8, int bars = 8, double validation = 0.25) {
    const std::string midiDir = tmp / "midi", out = tmp / "dataset";
    for (int v = 0; v < pieces; ++v) writePiece(midiDir + "/piece" + std::to_string(v) + ".mid", v, bars);
    dataset::BuildRequest req;
    req.inputs = {midiDir};
    req.outputDir = out;
    req.options.validationFraction = validation;
    req.threads = 1;
    auto tokenizer = std::make_shared<const tok::Tokenizer>();
    const dataset::BuildResult r = dataset::buildDataset(req, dataset::makePieceTokenizer(tokenizer));
    EXPECT_TRUE(r.ok) << r.error;
    return out;
}

// L2-D32, head size 16: fast enough for many steps in a unit test.
inline model::Rwkv7Config microConfig(int64_t vocab) {
    model::Rwkv7Config c;
    c.vocabSize = vocab;
    c.nEmbd = 32;
    c.nLayer = 2;
    c.headSize = 16;
    c.ffnDim = 128;
    c.loraW = c.loraA = c.loraV = c.loraG = 8;
    return c;
}

}  // namespace pm::test
