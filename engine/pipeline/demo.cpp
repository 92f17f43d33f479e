#include "pipeline/demo.h"

#include "core/system_info.h"
#include "playback/midi_ports.h"

#include <cstdio>

namespace pm {

bool runDemo(const DemoOptions& options, const std::function<void(const DemoStageReport&)>& report) {
    bool allOk = true;
    auto emit = [&](DemoStageReport r) {
        allOk = allOk && r.ok;
        report(r);
    };

    const SystemInfo info = querySystemInfo();
    emit({"system", true, "PianoMuse " + info.version + ", LibTorch " + info.torchVersion});

    ComputeDevice device;
    std::string error;
    if (resolveDevice(options.device, &device, &error))
        emit({"device", true, device.id + " — " + device.displayName});
    else
        emit({"device", false, error});

    std::string blas = info.blas.library;
    if (options.measureBlas) {
        char buf[64];
        std::snprintf(buf, sizeof buf, ", %.1f GFLOP/s", measureMatmulGflops(384));
        blas += buf;
    }
    if (info.blas.slow) blas += " — " + info.blas.advice;
    emit({"blas", true, blas});

    // MIDI output is optional for the pipeline: no ports is information, not failure.
    const MidiPortList ports = listMidiOutputPorts();
    std::string portLine = ports.available ? ports.backend + ": " + std::to_string(ports.ports.size()) + " output port(s)"
                                           : "no MIDI output (" + ports.message + "); the built-in synth will play instead";
    emit({"midi-ports", true, portLine});
    return allOk;
}

}  // namespace pm
