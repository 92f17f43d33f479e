// The base model shipped in resources/models/ (issue 9): it is found, it carries its tokenizer and
// data card, and it writes valid music from a real prompt and from nothing.
#include "generate/generator.h"
#include "generate/prompt.h"

#include "midi/midi_reader.h"
#include "midi/midi_writer.h"
#include "model/base_model.h"
#include "model/checkpoint_io.h"

#include "../support/run_process.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace {

std::string demoPiece() {
    return std::string(PIANOMUSE_SOURCE_DIR) + "/resources/demo/CzernyC__Czerny_Op_821_No_002.mid";
}

TEST(BaseModel, IsShippedWithTokenizerAndDataCard) {
    const std::string path = pm::model::bundledBaseModelPath();
    ASSERT_FALSE(path.empty()) << "resources/models/" << pm::model::kBaseModelFileName << " is missing";
    const pm::model::LoadedModel m = pm::model::loadModel(path);
    EXPECT_EQ(m.fileDtype, "BF16");
    EXPECT_FALSE(m.tokenizerJson.empty());
    const auto card = nlohmann::json::parse(m.dataCardJson, nullptr, false);
    ASSERT_TRUE(card.is_object()) << "no data card";
    for (const char* key : {"pieces", "tokens", "steps", "val_bits_per_note", "unigram_bits_per_note", "date", "command", "sources"})
        EXPECT_TRUE(card.contains(key)) << key;
    EXPECT_GT(card.value("pieces", 0), 50);
    // It learnt something: clearly better than the unigram baseline on its validation pieces.
    EXPECT_LT(card.value("val_bits_per_note", 99.0), 0.8 * card.value("unigram_bits_per_note", 0.0));

    const auto info = pm::test::runProcess(PIANOMUSE_CLI_PATH, {"model", "info", path});
    EXPECT_EQ(info.exitCode, 0) << info.err;
    EXPECT_NE(info.out.find("Data card"), std::string::npos) << info.out;
}

TEST(BaseModel, ContinuesADemoPieceAndStartsFromNothing) {
    std::string error;
    const auto gen = pm::gen::loadGenerator(pm::model::bundledBaseModelPath(), &error);
    ASSERT_TRUE(gen) << error;
    const auto file = pm::midi::readMidiFile(demoPiece());
    ASSERT_TRUE(file);
    for (int from = 0; from < 2; ++from) {
        pm::gen::GenerationRequest req;
        req.prompt = from == 0 ? pm::gen::promptFromBars(gen->tokenizer(), file.value(), 2).tokens
                               : pm::gen::metadataPrompt(gen->tokenizer(), {3, 4}, 96).tokens;
        req.length = {pm::gen::LengthUnit::Bars, 4};
        req.sampling.seed = 11;
        req.sampling.topP = 0.95;
        const auto results = gen->generate(req);
        ASSERT_EQ(results.size(), 1u);
        const auto& r = results.front();
        EXPECT_TRUE(r.stats.clean());
        EXPECT_GT(r.generatedNotes, 0u);
        const std::string out = ::testing::TempDir() + "/base_model_" + std::to_string(from) + ".mid";
        ASSERT_TRUE(pm::midi::writeMidiFile(r.file, out).ok());
        const auto back = pm::midi::readMidiFile(out, {pm::midi::ReadMode::Strict, {}});
        ASSERT_TRUE(back) << back.error().toString();
        EXPECT_EQ(back.value().noteCount(), r.file.noteCount());
        std::filesystem::remove(out);
    }
}

}  // namespace
