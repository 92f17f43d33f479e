// The model report (engine/report) on two tiny random models and a dataset of demo pieces:
// bits/note are the eval command's, prompts come from validation pieces and their "truth" is
// what those files really play next, both models get the same prompts and seeds, generated
// continuations have the bars asked for, the JSON carries every number, bad input is one clear
// message, cancelling stops it. The CLI is exercised as a process at the end.
#include "report/model_report.h"

#include "analysis/note_sequence_from_tokens.h"
#include "dataset/dataset_store.h"
#include "model/checkpoint_io.h"
#include "tokenizer/tokenizer.h"

#include "../support/run_process.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <random>

namespace {

namespace fs = std::filesystem;
using pm::test::runProcess;

class Report : public ::testing::Test {
public:
    static fs::path dir;
    static std::string setUpError;

    static void SetUpTestSuite() {
        std::random_device rd;
        dir = fs::temp_directory_path() / ("pm-report-" + std::to_string(rd()) + std::to_string(rd()));
        fs::create_directories(dir);
        // Twelve demo pieces; a third of them validate.
        std::vector<std::string> args{"dataset", "build"};
        std::vector<fs::path> demo;
        for (const auto& e : fs::directory_iterator(fs::path(PIANOMUSE_SOURCE_DIR) / "resources" / "demo"))
            if (e.path().extension() == ".mid") demo.push_back(e.path());
        std::sort(demo.begin(), demo.end());
        for (std::size_t i = 0; i < 12 && i < demo.size(); ++i) args.push_back(demo[i].string());
        for (const std::string& a : {std::string("-o"), (dir / "ds").string(), std::string("--val-fraction"), std::string("0.34")})
            args.push_back(a);
        auto r = runProcess(PIANOMUSE_CLI_PATH, args);
        if (r.exitCode != 0) setUpError = "dataset build: " + r.err;
        // One piece alone: the split never makes it a validation piece.
        r = runProcess(PIANOMUSE_CLI_PATH, {"dataset", "build", demo[0].string(), "-o", (dir / "ds-noval").string()});
        if (r.exitCode != 0) setUpError = "dataset build: " + r.err;

        const pm::tok::Tokenizer tokenizer;
        for (int seed : {1, 2}) {
            auto c = pm::model::Rwkv7Config::preset("tiny", std::int64_t(tokenizer.vocabulary().size()));
            c.nLayer = 1;
            pm::model::Rwkv7Model m(c);
            m->initWeights(std::uint64_t(seed));
            pm::model::saveModel(m, (dir / ("m" + std::to_string(seed) + ".safetensors")).string(), tokenizer.configJson().dump());
        }
        // A model made for another tokenizer (a coarser grid): same kind of file, other meaning of the ids.
        pm::tok::TokenizerConfig coarse;
        coarse.positionsPerQuarter = 12;
        const pm::tok::Tokenizer other(coarse);
        auto c = pm::model::Rwkv7Config::preset("tiny", std::int64_t(other.vocabulary().size()));
        c.nLayer = 1;
        pm::model::Rwkv7Model m(c);
        m->initWeights(3);
        pm::model::saveModel(m, (dir / "other.safetensors").string(), other.configJson().dump());
    }
    static void TearDownTestSuite() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    void SetUp() override { ASSERT_EQ(setUpError, ""); }

    static pm::report::ReportRequest request(bool two = true) {
        pm::report::ReportRequest r;
        r.modelA = (dir / "m1.safetensors").string();
        if (two) r.modelB = (dir / "m2.safetensors").string();
        r.dataset = (dir / "ds").string();
        r.samples = 3;
        r.promptBars = 2;
        r.continuationBars = 3;
        r.seed = 5;
        return r;
    }
};
fs::path Report::dir;
std::string Report::setUpError;

// Built once: each report generates with two models.
const pm::report::ModelReport& sharedReport() {
    static const pm::report::ModelReport r = pm::report::buildReport(Report::request());
    return r;
}

TEST_F(Report, BitsPerNoteAreTheEvalCommands) {
    const auto& r = sharedReport();
    ASSERT_EQ(r.models.size(), 2u);
    for (const auto& m : r.models) {
        const auto e = runProcess(PIANOMUSE_CLI_PATH, {"eval", "--model", m.path, "--data", (dir / "ds").string(), "--json"});
        ASSERT_EQ(e.exitCode, 0) << e.err;
        const auto j = nlohmann::json::parse(e.out);
        EXPECT_NEAR(m.bitsPerNote, j["val_bits_per_note"].get<double>(), 1e-6);
        EXPECT_NEAR(m.unigramBitsPerNote, j["unigram_bits_per_note"].get<double>(), 1e-6);
        // A random model knows nothing: far above zero, and different weights score differently.
        EXPECT_GT(m.bitsPerNote, 5.0);
    }
    EXPECT_NE(r.models[0].bitsPerNote, r.models[1].bitsPerNote);
}

TEST_F(Report, PromptsComeFromValidationPiecesAndTheTruthIsWhatTheyPlayNext) {
    const auto& r = sharedReport();
    ASSERT_EQ(r.prompts.size(), 3u);
    pm::dataset::Manifest manifest;
    ASSERT_EQ(pm::dataset::loadManifest((dir / "ds").string(), &manifest), "");
    const pm::tok::Tokenizer tokenizer;
    for (const auto& p : r.prompts) {
        bool validation = false;
        for (const auto& f : manifest.files)
            if (f.path == p.source) validation = f.split == pm::dataset::Split::Validation;
        EXPECT_TRUE(validation) << p.source;
        // The truth's continuation bars hold exactly the source file's notes starting in those
        // bars (the file read again, on its own).
        const auto read = pm::analysis::noteSequenceFromMidiFile(p.source, tokenizer);
        ASSERT_TRUE(read.sequence) << read.error;
        const auto& s = *read.sequence;
        const std::size_t first = std::size_t(p.firstBar - 1 + 2), last = first + 3;
        ASSERT_LE(last, s.bars());
        const std::int64_t from = s.barStarts[first], to = last < s.bars() ? s.barStarts[last] : s.end;
        std::size_t notes = 0;
        for (const auto& n : s.notes) notes += n.onset >= from && n.onset < to;
        EXPECT_EQ(p.truthFeatures.notes, notes) << p.source << " bar " << p.firstBar;
        EXPECT_EQ(p.truthFeatures.bars, 3u);
    }
}

TEST_F(Report, BothModelsContinueTheSamePromptsForTheBarsAskedFor) {
    const auto& r = sharedReport();
    for (const auto& m : r.models) {
        ASSERT_EQ(m.samples.size(), r.prompts.size());
        for (std::size_t i = 0; i < m.samples.size(); ++i) {
            const auto& s = m.samples[i];
            EXPECT_EQ(s.prompt, int(i));
            const auto& prompt = r.prompts[i].promptTokens;
            ASSERT_GT(s.tokens.size(), prompt.size());
            EXPECT_TRUE(std::equal(prompt.begin(), prompt.end(), s.tokens.begin()));
            EXPECT_EQ(s.features.bars, 3u);   // early ends are off: every continuation has 3 bars
            EXPECT_GT(s.originality.barsChecked + s.originality.notesChecked, 0u);
        }
        EXPECT_EQ(m.comparison.generatedPieces, 3u);
        EXPECT_EQ(m.comparison.referencePieces, 3u);
    }
    // Different weights, same seeds: different music.
    EXPECT_NE(r.models[0].samples[0].tokens, r.models[1].samples[0].tokens);
}

TEST_F(Report, TheSameModelTwiceGivesIdenticalColumnsAndTheSameSeedTheSameReport) {
    auto req = request();
    req.modelB = req.modelA;
    const auto r = pm::report::buildReport(req);
    ASSERT_EQ(r.models.size(), 2u);
    for (std::size_t i = 0; i < r.prompts.size(); ++i) EXPECT_EQ(r.models[0].samples[i].tokens, r.models[1].samples[i].tokens);
    EXPECT_EQ(pm::report::toJson(r)["models"][0]["comparison"], pm::report::toJson(r)["models"][1]["comparison"]);
    // Model A of this report is model A of the shared one: same prompts, same samples.
    const auto& s = sharedReport();
    for (std::size_t i = 0; i < r.prompts.size(); ++i) {
        EXPECT_EQ(r.prompts[i].source, s.prompts[i].source);
        EXPECT_EQ(r.prompts[i].firstBar, s.prompts[i].firstBar);
        EXPECT_EQ(r.models[0].samples[i].tokens, s.models[0].samples[i].tokens);
    }
}

TEST_F(Report, JsonCarriesEveryNumberAndNoNaN) {
    const auto& r = sharedReport();
    const nlohmann::json j = pm::report::toJson(r);
    const std::string text = j.dump();
    EXPECT_EQ(text.find("NaN"), std::string::npos);
    EXPECT_EQ(text.find("nan"), std::string::npos);
    const auto back = nlohmann::json::parse(text);
    EXPECT_EQ(back["format"], "pianomuse-model-report");
    ASSERT_EQ(back["models"].size(), 2u);
    EXPECT_DOUBLE_EQ(back["models"][1]["val_bits_per_note"].get<double>(), r.models[1].bitsPerNote);
    EXPECT_EQ(back["prompts"].size(), r.prompts.size());
    EXPECT_EQ(back["models"][0]["samples"][2]["originality"].contains("copied_bar_share"), true);
    EXPECT_EQ(back["models"][0]["comparison"]["scalars"].size(), pm::analysis::scalarFeatures().size());
    const std::string summary = pm::report::summaryText(r);
    EXPECT_NE(summary.find("Validation bits per note"), std::string::npos);
    EXPECT_NE(summary.find("Originality"), std::string::npos);
}

TEST_F(Report, BadInputIsOneClearMessage) {
    auto expectError = [](pm::report::ReportRequest req, const std::string& mention) {
        try {
            pm::report::buildReport(req);
            ADD_FAILURE() << "no error; expected one mentioning '" << mention << "'";
        } catch (const std::runtime_error& e) {
            EXPECT_NE(std::string(e.what()).find(mention), std::string::npos) << e.what();
            EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
        }
    };
    auto r = request(false);
    r.dataset = (dir / "ds-noval").string();
    expectError(r, "no validation pieces");
    r = request(false);
    r.promptBars = 60;
    r.continuationBars = 60;
    expectError(r, "no validation piece has the 120 bars");
    r = request();
    r.modelB = (dir / "other.safetensors").string();
    expectError(r, "different tokenizer");
    r = request(false);
    r.modelA = (dir / "missing.safetensors").string();
    expectError(r, "missing.safetensors");
    r = request(false);
    r.samples = 0;
    expectError(r, "samples");
    r = request(false);
    r.dataset = (dir / "nothing-here").string();
    expectError(r, "nothing-here");
}

TEST_F(Report, CancellingStopsIt) {
    std::atomic<bool> cancel{false};
    int progressCalls = 0;
    auto progress = [&](const pm::report::ReportProgress& p) {
        ++progressCalls;
        if (p.stage.rfind("Generating", 0) == 0) cancel = true;
    };
    EXPECT_THROW(pm::report::buildReport(request(), progress, &cancel), pm::report::ReportCancelled);
    EXPECT_GT(progressCalls, 0);
}

TEST_F(Report, CliWritesJsonAndFailsInOneLine) {
    const auto r = runProcess(PIANOMUSE_CLI_PATH, {"report", "--model", (dir / "m1.safetensors").string(), "--compare",
                                                   (dir / "m2.safetensors").string(), "--data", (dir / "ds").string(),
                                                   "--samples", "2", "--prompt-bars", "2", "--bars", "2", "--json", "-"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["models"].size(), 2u);
    EXPECT_EQ(j["models"][0]["samples"].size(), 2u);

    const auto text = runProcess(PIANOMUSE_CLI_PATH, {"report", "--model", (dir / "m1.safetensors").string(), "--data",
                                                      (dir / "ds").string(), "--samples", "1", "--prompt-bars", "2",
                                                      "--bars", "2", "--json", (dir / "out.json").string(), "-q"});
    ASSERT_EQ(text.exitCode, 0) << text.err;
    EXPECT_NE(text.out.find("Validation bits per note"), std::string::npos);
    EXPECT_EQ(text.err, "");
    std::ifstream f(dir / "out.json");
    EXPECT_EQ(nlohmann::json::parse(f)["models"].size(), 1u);

    const auto bad = runProcess(PIANOMUSE_CLI_PATH, {"report", "--model", (dir / "m1.safetensors").string(), "--data",
                                                     (dir / "ds-noval").string(), "-q"});
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_EQ(pm::test::countLines(bad.err), 1) << bad.err;
    EXPECT_NE(bad.err.find("no validation pieces"), std::string::npos) << bad.err;
}

}  // namespace
