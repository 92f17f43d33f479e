// The whole shared corpus (../shared/data/midi, ~200 real files) through `pianomuse-cli inspect
// --json --seconds`, compared with midi_oracle.py (mido) run live on the same files: notes, their
// seconds, tempo map, signatures, pedal — everything the oracle reports. Then every file is
// written by our writer and the oracle reads the written file: same notes again.
// Label `slow`; skipped where ../shared or /usr/bin/python3 with mido are missing.
#include "midi/midi_reader.h"
#include "midi/midi_writer.h"

#include "../support/run_process.h"
#include "oracle_compare.h"
#include "smf_bytes.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kShared = PIANOMUSE_SHARED_DIR;
const std::string kPython = "/usr/bin/python3";

std::vector<std::string> corpusFiles() {
    std::vector<std::string> files;
    const fs::path root = kShared + "/data/midi";
    if (!fs::exists(root)) return files;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        const std::string ext = e.path().extension().string();
        if (e.is_regular_file() && (ext == ".mid" || ext == ".midi" || ext == ".kar" || ext == ".rmi"))
            files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

bool haveOracle() {
    if (!fs::exists(kPython) || !fs::exists(kShared + "/tools/midi_oracle.py")) return false;
    return pm::test::runProcess(kPython, {"-c", "import mido"}).exitCode == 0;
}

// The oracle's summaries, by path, from one Python process for all files.
std::map<std::string, json> runOracle(const std::vector<std::string>& files) {
    std::vector<std::string> args = {kShared + "/tools/midi_oracle.py", "--jsonl", "--seconds"};
    args.insert(args.end(), files.begin(), files.end());
    const auto r = pm::test::runProcess(kPython, args);
    std::map<std::string, json> byPath;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
        json j = json::parse(line);
        const std::string path = j.at("path").get<std::string>();   // before j is moved from
        byPath[path] = std::move(j);
    }
    return byPath;
}

class MidiCorpus : public ::testing::Test {
protected:
    void SetUp() override {
        files_ = corpusFiles();
        if (files_.empty()) GTEST_SKIP() << "no corpus at " << kShared << "/data/midi";
        if (!haveOracle()) GTEST_SKIP() << "needs /usr/bin/python3 with python3-mido and midi_oracle.py";
    }
    std::vector<std::string> files_;
};

TEST_F(MidiCorpus, InspectJsonAgreesWithTheOracleOnEveryFile) {
    const auto oracle = runOracle(files_);
    ASSERT_EQ(oracle.size(), files_.size());
    std::size_t notes = 0;
    for (const std::string& file : files_) {
        SCOPED_TRACE(file);
        const auto r = pm::test::runProcess(PIANOMUSE_CLI_PATH, {"inspect", file, "--json", "--seconds"});
        const json& expected = oracle.at(file);
        if (!expected.at("ok").get<bool>()) {
            // mido failed: then we must either read it with warnings or fail with a message.
            const json ours = json::parse(r.out);
            EXPECT_TRUE(ours.at("ok").get<bool>() ? !ours.at("warnings").empty() : !ours.at("error").empty());
            continue;
        }
        ASSERT_EQ(r.exitCode, 0) << r.err;
        const json ours = json::parse(r.out);
        for (const std::string& d : pm::test::compareWithOracle(ours, expected)) ADD_FAILURE() << d;
        notes += ours.at("n_notes").get<std::size_t>();
    }
    EXPECT_GT(notes, 100000u);
}

TEST_F(MidiCorpus, WhatWeWriteTheOracleReadsBackNoteForNote) {
    const std::string dir = ::testing::TempDir() + "/pianomuse_written_corpus";
    fs::create_directories(dir);
    std::vector<std::string> written;
    for (std::size_t i = 0; i < files_.size(); ++i) {
        const auto model = pm::midi::readMidiFile(files_[i]);
        ASSERT_TRUE(model.ok()) << files_[i];
        const std::string out = dir + "/" + std::to_string(i) + ".mid";
        const auto n = pm::midi::writeMidiFile(model.value(), out);
        ASSERT_TRUE(n.ok()) << files_[i] << ": " << n.error().toString();
        written.push_back(out);
    }
    const auto original = runOracle(files_);
    const auto rewritten = runOracle(written);
    for (std::size_t i = 0; i < files_.size(); ++i) {
        SCOPED_TRACE(files_[i]);
        const json& a = rewritten.at(written[i]);
        const json& b = original.at(files_[i]);
        ASSERT_TRUE(a.at("ok").get<bool>()) << a.dump();
        for (const char* key : {"format", "division", "tempos", "time_signatures", "key_signatures", "n_notes"})
            EXPECT_EQ(a.at(key), b.at(key)) << key;
        EXPECT_TRUE(pm::test::closeSeconds(a.at("duration_seconds"), b.at("duration_seconds")));
        const std::size_t tracks = std::min(a.at("tracks").size(), b.at("tracks").size());
        for (std::size_t t = 0; t < tracks; ++t)
            for (const char* key : {"name", "notes", "unclosed_notes", "orphan_note_offs", "sustain", "programs", "end_tick"})
                EXPECT_EQ(a["tracks"][t].at(key), b["tracks"][t].at(key)) << "track " << t << " " << key;
        fs::remove(written[i]);
    }
}

}  // namespace
