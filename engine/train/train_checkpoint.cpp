#include "train/train_checkpoint.h"

#include "dataset/atomic_file.h"

#include <cstring>
#include <mutex>
#include <fstream>
#include <sstream>

namespace pm::train {

namespace {

constexpr char kMagic[8] = {'P', 'M', 'T', 'R', 'C', 'K', 'P', 'T'};

template <typename T>
void putLe(std::string& out, T v) {
    for (std::size_t i = 0; i < sizeof(T); ++i) out.push_back(char((std::uint64_t(v) >> (8 * i)) & 0xFF));
}
template <typename T>
T getLe(const char* p) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) v |= std::uint64_t(std::uint8_t(p[i])) << (8 * i);
    return T(v);
}

struct Parsed {
    nlohmann::json meta;
    std::size_t archiveOffset = 0, archiveSize = 0;
};

std::string parse(const std::string& path, const std::string& bytes, Parsed* out) {
    const std::string where = "checkpoint " + path + ": ";
    if (bytes.size() < 16 || std::memcmp(bytes.data(), kMagic, 8) != 0) return where + "not a PianoMuse training checkpoint";
    const auto version = getLe<std::uint32_t>(bytes.data() + 8);
    if (version != kCheckpointVersion)
        return where + "version " + std::to_string(version) + " is not supported (this build reads " +
               std::to_string(kCheckpointVersion) + "); start a new run";
    const auto jsonSize = getLe<std::uint32_t>(bytes.data() + 12);
    if (bytes.size() < 16 + std::size_t(jsonSize) + 8) return where + "truncated";
    try {
        out->meta = nlohmann::json::parse(bytes.substr(16, jsonSize));
    } catch (const std::exception& e) {
        return where + "bad header JSON (" + e.what() + ")";
    }
    out->archiveOffset = 16 + jsonSize + 8;
    out->archiveSize = getLe<std::uint64_t>(bytes.data() + 16 + jsonSize);
    if (bytes.size() != out->archiveOffset + out->archiveSize) return where + "truncated or padded";
    return "";
}

std::string readAll(const std::string& path, std::string* bytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return "cannot open checkpoint " + path;
    std::ostringstream ss;
    ss << in.rdbuf();
    *bytes = ss.str();
    return "";
}

}  // namespace

std::string saveTrainCheckpoint(const std::string& path, const nlohmann::json& meta, model::Rwkv7Model& model,
                                torch::optim::Optimizer& optimizer) {
    std::string archiveBytes;
    try {
        torch::serialize::OutputArchive archive;
        torch::serialize::OutputArchive modelArchive, optimArchive;
        for (const auto& item : model->named_parameters(true)) modelArchive.write(item.key(), item.value().detach().cpu());
        archive.write("model", modelArchive);
        optimizer.save(optimArchive);
        archive.write("optimizer", optimArchive);
        archive.write("torch_cpu_rng", at::detail::getDefaultCPUGenerator().get_state());
        archive.save_to([&](const void* data, std::size_t n) {
            archiveBytes.append(static_cast<const char*>(data), n);
            return n;
        });
    } catch (const std::exception& e) {
        return std::string("cannot serialise checkpoint: ") + e.what();
    }
    const std::string json = meta.dump();
    std::string bytes(kMagic, 8);
    putLe<std::uint32_t>(bytes, kCheckpointVersion);
    putLe<std::uint32_t>(bytes, std::uint32_t(json.size()));
    bytes += json;
    putLe<std::uint64_t>(bytes, archiveBytes.size());
    bytes += archiveBytes;
    return dataset::writeFileAtomically(path, bytes);
}

std::string readCheckpointMeta(const std::string& path, nlohmann::json* meta) {
    std::string bytes;
    if (std::string e = readAll(path, &bytes); !e.empty()) return e;
    Parsed p;
    if (std::string e = parse(path, bytes, &p); !e.empty()) return e;
    *meta = std::move(p.meta);
    return "";
}

std::string loadTrainCheckpoint(const std::string& path, model::Rwkv7Model& model, torch::optim::Optimizer& optimizer) {
    std::string bytes;
    if (std::string e = readAll(path, &bytes); !e.empty()) return e;
    Parsed p;
    if (std::string e = parse(path, bytes, &p); !e.empty()) return e;
    try {
        torch::serialize::InputArchive archive, modelArchive, optimArchive;
        archive.load_from(bytes.data() + p.archiveOffset, p.archiveSize);
        archive.read("model", modelArchive);
        torch::NoGradGuard ng;
        for (auto& item : model->named_parameters(true)) {
            torch::Tensor t;
            if (!modelArchive.try_read(item.key(), t)) return "checkpoint " + path + ": lacks tensor " + item.key();
            if (t.sizes() != item.value().sizes()) return "checkpoint " + path + ": wrong shape for " + item.key();
            item.value().copy_(t);
        }
        archive.read("optimizer", optimArchive);
        optimizer.load(optimArchive);
        torch::Tensor rng;
        if (archive.try_read("torch_cpu_rng", rng)) {
            at::Generator gen = at::detail::getDefaultCPUGenerator();   // shares the global generator
            std::lock_guard<std::mutex> lock(gen.mutex());
            gen.set_state(rng);
        }
    } catch (const std::exception& e) {
        return "checkpoint " + path + ": " + e.what();
    }
    return "";
}

}  // namespace pm::train
