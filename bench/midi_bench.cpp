// pianomuse-bench-midi: how fast the MIDI reader turns a folder of files into notes.
//
//   pianomuse-bench-midi [FOLDER] [--runs N] [--json]
//
// Reads every .mid/.midi/.kar/.rmi under FOLDER into memory first (disk speed is not the
// reader's), then times parse + note extraction (pairing, sorting, seconds) of all of them on
// one thread, N times, and reports the best run. Time is the thread's CPU time (what one core
// spends; on a shared machine wall time also counts other programs), wall time is shown too.
// scripts/bench-midi.sh runs it beside mido, measured the same way.
#include "midi/midi_reader.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

double threadCpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

struct LoadedFile {
    std::string path;
    std::vector<std::uint8_t> bytes;
};

bool isMidiName(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext == ".mid" || ext == ".midi" || ext == ".kar" || ext == ".rmi";
}

std::vector<LoadedFile> loadFolder(const std::string& folder) {
    std::vector<LoadedFile> files;
    for (const auto& entry : fs::recursive_directory_iterator(folder)) {
        if (!entry.is_regular_file() || !isMidiName(entry.path())) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        files.push_back({entry.path().string(),
                         std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>())});
    }
    std::sort(files.begin(), files.end(), [](const LoadedFile& a, const LoadedFile& b) { return a.path < b.path; });
    return files;
}

}  // namespace

int main(int argc, char** argv) {
    std::string folder = "../shared/data/midi";
    int runs = 20;
    bool json = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) {
            runs = std::max(1, std::atoi(argv[++i]));
        } else if (!std::strcmp(argv[i], "--json")) {
            json = true;
        } else if (argv[i][0] == '-') {
            std::fprintf(stderr, "usage: pianomuse-bench-midi [FOLDER] [--runs N] [--json]\n");
            return 1;
        } else {
            folder = argv[i];
        }
    }
    if (!fs::is_directory(folder)) {
        std::fprintf(stderr, "pianomuse-bench-midi: '%s' is not a folder\n", folder.c_str());
        return 2;
    }
    const std::vector<LoadedFile> files = loadFolder(folder);
    std::size_t bytes = 0;
    for (const auto& f : files) bytes += f.bytes.size();

    double best = 1e30, bestWall = 1e30;
    std::size_t notes = 0, failed = 0;
    for (int run = 0; run < runs; ++run) {
        notes = failed = 0;
        const auto start = std::chrono::steady_clock::now();
        const double cpuStart = threadCpuSeconds();
        for (const auto& f : files) {
            const auto result = pm::midi::readMidi(f.bytes.data(), f.bytes.size());
            if (result.ok())
                notes += result.value().noteCount();
            else
                ++failed;
        }
        best = std::min(best, threadCpuSeconds() - cpuStart);
        bestWall = std::min(bestWall, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    const double mbPerSecond = double(bytes) / 1e6 / best;
    if (json) {
        std::printf("{\"files\": %zu, \"bytes\": %zu, \"notes\": %zu, \"failed\": %zu, \"runs\": %d, "
                    "\"best_seconds\": %.6f, \"best_wall_seconds\": %.6f, \"mb_per_s\": %.2f, \"files_per_s\": %.1f}\n",
                    files.size(), bytes, notes, failed, runs, best, bestWall, mbPerSecond, double(files.size()) / best);
    } else {
        std::printf("%zu files, %.2f MB, %zu notes (%zu unreadable)\n", files.size(), double(bytes) / 1e6, notes, failed);
        std::printf("best of %d runs: %.2f ms CPU (%.2f ms wall) = %.1f MB/s, %.0f files/s, %.1f M notes/s (one thread)\n",
                    runs, best * 1e3, bestWall * 1e3, mbPerSecond, double(files.size()) / best, double(notes) / best / 1e6);
    }
    return 0;
}
