// Throughput of tokenize + window on one core: read (from memory), encode, split into 1024-token
// windows, per MB of MIDI. The goal: at least 1 MB/s. Not a test: prints numbers.
//   build-*/tests/tokenizer/tokenizer_bench [DIR]   (default ../shared/data/midi, else tests/data/midi)
#include "tokenizer/tokenizer.h"

#include "midi/midi_reader.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    std::string dir = argc > 1 ? argv[1] : std::string(PIANOMUSE_SHARED_DIR) + "/data/midi";
    if (!std::filesystem::is_directory(dir)) dir = std::string(PIANOMUSE_TEST_DATA_DIR) + "/midi";
    std::vector<std::vector<std::uint8_t>> files;
    std::size_t bytes = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
        const std::string ext = e.path().extension().string();
        if (!e.is_regular_file() || (ext != ".mid" && ext != ".midi" && ext != ".MID")) continue;
        std::ifstream in(e.path(), std::ios::binary);
        files.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        bytes += files.back().size();
    }
    if (files.empty()) {
        std::fprintf(stderr, "no MIDI files under %s\n", dir.c_str());
        return 2;
    }
    const pm::tok::Tokenizer tokenizer;
    auto run = [&](bool tokenize, std::size_t& tokens) {
        tokens = 0;
        const auto start = std::chrono::steady_clock::now();
        for (const auto& f : files) {
            auto read = pm::midi::readMidi(f.data(), f.size());
            if (!read.ok() || !tokenize) continue;
            const pm::tok::Encoding e = tokenizer.encode(read.value());
            for (const auto& w : tokenizer.splitIntoWindows(pm::tok::PieceTokens(e), 1024)) tokens += w.tokens.size();
        }
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    std::size_t tokens = 0;
    run(true, tokens);   // warm caches
    double readOnly = 1e300, total = 1e300;
    for (int i = 0; i < 5; ++i) {
        std::size_t ignored = 0;
        readOnly = std::min(readOnly, run(false, ignored));
        total = std::min(total, run(true, tokens));
    }
    const double mb = double(bytes) / 1e6;
    std::printf("%zu files, %.2f MB of MIDI, %zu window tokens\n", files.size(), mb, tokens);
    std::printf("read only:             %.1f MB/s\n", mb / readOnly);
    std::printf("read + tokenize + window: %.1f MB/s (%.2f M tokens/s)\n", mb / total, double(tokens) / total / 1e6);
    std::printf("tokenize + window alone:  %.1f MB/s\n", mb / (total - readOnly));
    return 0;
}
