// Helper process for the atomicity tests (never run by users):
//   dataset_save_victim loop DIR        save generation after generation until killed
//   dataset_save_victim limited DIR N   save once with the file-size limit at N bytes (a full disk)
// Each generation i holds tokens all equal to i % 100, so a reader can tell whole from mixed.
#include "dataset/dataset_store.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <sys/resource.h>

namespace {
pm::dataset::DatasetContents generation(int i) {
    pm::dataset::DatasetContents c;
    c.manifest.tokenizer = {{"name", "victim"}};
    c.manifest.vocabSize = 100;
    c.manifest.created = "generation-" + std::to_string(i);
    c.tokens.assign(1u << 21, std::uint16_t(i % 100));   // 4 MiB: writing takes a while
    pm::dataset::PieceEntry p;
    p.tokenCount = std::uint32_t(c.tokens.size());
    c.pieces.push_back(p);
    c.manifest.stats.pieces = 1;
    c.manifest.files.push_back({});
    c.manifest.files.back().path = "piece.mid";
    c.manifest.files.back().piece = 0;
    c.manifest.files.back().status = pm::dataset::FileStatus::Ok;
    return c;
}
}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) return 2;
    const std::string mode = argv[1], dir = argv[2];
    if (mode == "loop") {
        for (int i = 0;; ++i) {
            auto c = generation(i);
            const std::string err = pm::dataset::saveDataset(dir, c);
            if (!err.empty()) {
                std::fprintf(stderr, "%s\n", err.c_str());
                return 1;
            }
            std::printf("saved %d\n", i);
            std::fflush(stdout);
        }
    }
    if (mode == "limited" && argc == 4) {
        std::signal(SIGXFSZ, SIG_IGN);   // then writes past the limit fail with EFBIG instead of killing us
        rlimit limit{rlim_t(std::atoll(argv[3])), rlim_t(std::atoll(argv[3]))};
        setrlimit(RLIMIT_FSIZE, &limit);
        auto c = generation(77);
        const std::string err = pm::dataset::saveDataset(dir, c);
        std::printf("%s\n", err.empty() ? "saved" : err.c_str());
        return err.empty() ? 0 : 3;
    }
    return 2;
}
