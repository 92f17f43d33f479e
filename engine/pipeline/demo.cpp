#include "pipeline/demo.h"

#include "core/resource_paths.h"
#include "core/system_info.h"
#include "dataset/dataset_builder.h"
#include "dataset/piece_tokenizer.h"
#include "playback/midi_ports.h"

#include <cstdio>
#include <filesystem>

namespace pm {

bool runDemo(const DemoOptions& options, const std::function<void(const DemoStageReport&)>& report) {
    bool allOk = true;
    auto emitStage = [&](DemoStageReport r) {
        allOk = allOk && r.ok;
        report(r);
    };

    const SystemInfo info = querySystemInfo();
    emitStage({"system", true, "PianoMuse " + info.version + ", LibTorch " + info.torchVersion});

    ComputeDevice device;
    std::string error;
    if (resolveDevice(options.device, &device, &error))
        emitStage({"device", true, device.id + " — " + device.displayName});
    else
        emitStage({"device", false, error});

    std::string blas = info.blas.library;
    if (options.measureBlas) {
        char buf[64];
        std::snprintf(buf, sizeof buf, ", %.1f GFLOP/s", measureMatmulGflops(384));
        blas += buf;
    }
    if (info.blas.slow) blas += " — " + info.blas.advice;
    emitStage({"blas", true, blas});

    // MIDI output is optional for the pipeline: no ports is information, not failure.
    const MidiPortList ports = listMidiOutputPorts();
    std::string portLine = ports.available ? ports.backend + ": " + std::to_string(ports.ports.size()) + " output port(s)"
                                           : "no MIDI output (" + ports.message + "); the built-in synth will play instead";
    emitStage({"midi-ports", true, portLine});

    // The bundled demo pieces → a dataset, exactly as `pianomuse-cli dataset build` makes one.
    const std::string demo = findResourceDir("demo");
    if (demo.empty()) {
        emitStage({"dataset", false, "the bundled demo pieces were not found (set PIANOMUSE_RESOURCES)"});
        return false;
    }
    std::error_code ec;
    const std::filesystem::path work = options.workDir.empty()
                                           ? std::filesystem::temp_directory_path() / "pianomuse-demo"
                                           : std::filesystem::path(options.workDir);
    dataset::BuildRequest request;
    request.inputs = {demo};
    request.outputDir = (work / "dataset").string();
    request.options.validationFraction = 0.1;
    request.options.augmentation = {-5, 6, 0.95, 1.05};
    const auto tokenizer = dataset::makePieceTokenizer(std::make_shared<tok::Tokenizer>());
    const dataset::BuildResult built = dataset::buildDataset(request, tokenizer);
    if (!built.ok) {
        emitStage({"dataset", false, built.error});
        return false;
    }
    const auto& st = built.manifest.stats;
    char line[256];
    std::snprintf(line, sizeof line, "%llu pieces (%llu train, %llu validation), %.1f min, %llu tokens -> %s",
                  (unsigned long long)st.pieces, (unsigned long long)st.trainPieces,
                  (unsigned long long)st.validationPieces, st.seconds / 60.0, (unsigned long long)st.tokens,
                  request.outputDir.c_str());
    emitStage({"dataset", true, line});
    return allOk;
}

}  // namespace pm
