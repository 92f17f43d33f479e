// Dataset build time per file on 1 and 2 threads (scan + read + tokenize + save), best of N.
//   pianomuse-bench-dataset [FOLDER] [RUNS]     default: ../shared/data/midi, 3 runs
#include "dataset/dataset_builder.h"
#include "dataset/piece_tokenizer.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
    const std::string corpus = argc > 1 ? argv[1] : "../shared/data/midi";
    const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
    if (!fs::is_directory(corpus)) {
        std::fprintf(stderr, "no folder %s\n", corpus.c_str());
        return 1;
    }
    const auto tokenizer = pm::dataset::makePieceTokenizer(std::make_shared<pm::tok::Tokenizer>());
    const fs::path out = fs::temp_directory_path() / "pianomuse-bench-dataset";
    for (int threads : {1, 2}) {
        double best = 1e30;
        pm::dataset::BuildResult last;
        for (int r = 0; r < runs; ++r) {
            fs::remove_all(out);
            pm::dataset::BuildRequest req;
            req.inputs = {corpus};
            req.outputDir = out.string();
            req.threads = threads;
            const auto t0 = std::chrono::steady_clock::now();
            last = pm::dataset::buildDataset(req, tokenizer);
            best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            if (!last.ok) {
                std::fprintf(stderr, "build failed: %s\n", last.error.c_str());
                return 1;
            }
        }
        const double files = double(last.manifest.stats.files);
        std::printf("threads=%d  files=%.0f  pieces=%llu  tokens=%llu  best %.3f s  = %.3f ms/file\n", threads, files,
                    (unsigned long long)last.manifest.stats.pieces, (unsigned long long)last.manifest.stats.tokens, best,
                    best / files * 1e3);
    }
    fs::remove_all(out);
    return 0;
}
