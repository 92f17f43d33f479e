// Jam mode's compute latency on this CPU (issue 17): a model listens to phrases and answers, on
// the real clock; for each handover, how long the responder's work took from the handover until
// the reply's first note was decided (flushing the phrase's last tokens, the forced beat, the
// first note's tokens), and the latency as scheduled (handover -> first note-on: the fixed offset
// unless the compute ran past it). Not the MIDI path end to end (that is the JACK loopback test).
//
//   pianomuse-bench-jam [--model FILE] [--handovers 50] [--offset-ms 60] [--threads N]
#include "generate/generator.h"
#include "generate/jam_responder.h"
#include "model/base_model.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>

namespace {
using Clock = std::chrono::steady_clock;
double now() { return std::chrono::duration<double>(Clock::now().time_since_epoch()).count(); }
double pct(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[std::min(v.size() - 1, std::size_t(p * double(v.size() - 1) + 0.5))];
}
double loadavg() {
    std::ifstream f("/proc/loadavg");
    double l = 0;
    f >> l;
    return l;
}
}  // namespace

int main(int argc, char** argv) {
    std::string modelPath = pm::model::bundledBaseModelPath();
    int handovers = 50, threads = 1;
    double offsetMs = 60;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--model")) modelPath = argv[i + 1];
        else if (!std::strcmp(argv[i], "--handovers")) handovers = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--offset-ms")) offsetMs = std::atof(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[i + 1]);
    }
    std::string error;
    auto generator = pm::gen::loadGenerator(modelPath, &error);
    if (!generator) {
        std::fprintf(stderr, "pianomuse-bench-jam: %s\n", error.c_str());
        return 2;
    }
    pm::gen::JamOptions o;
    o.grid.bpm = 120;
    o.replyBars = 1;
    o.replyOffsetSeconds = offsetMs / 1000;
    o.stepThreads = threads;
    o.sampling.seed = 3;
    pm::gen::JamResponder r(generator->model(), generator->tokenizer(), o);
    std::printf("pianomuse-bench-jam: %s, %s, %d handovers, load %.2f\n", modelPath.c_str(), r.stepDescription().c_str(), handovers,
                loadavg());

    std::vector<double> compute, feedTick, sentLatency;
    const int scale[] = {60, 62, 64, 65, 67, 69, 71, 72};
    for (int h = 0; h < handovers; ++h) {
        // A one-bar phrase of eighth notes at 120 BPM (0.25 s apart), sent as it would be played.
        const double t0 = now() + 0.01;
        for (int i = 0; i < 8; ++i) {
            const double t = t0 + 0.25 * i;
            while (now() < t) {
                const double a = now();
                r.tick(a);
                feedTick.push_back(now() - a);
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
            r.input({t, pm::gen::JamInput::Kind::NoteOn, scale[(i + h) % 8] - 12 * (i % 2), 64 + i * 4});
            r.input({t + 0.2, pm::gen::JamInput::Kind::NoteOff, scale[(i + h) % 8] - 12 * (i % 2), 0});
        }
        // The silence ends 500 ms after the last release; the tick that notices it does the work.
        const double silenceEnds = t0 + 0.25 * 7 + 0.2 + 0.5;
        while (now() < silenceEnds) std::this_thread::sleep_for(std::chrono::microseconds(200));
        const int before = r.stats().handovers;
        double spent = 0;
        while (r.stats().handovers == before) {
            const double a = now();
            r.tick(a);
            spent += now() - a;
        }
        compute.push_back(spent);
        // As the session loop does: tick every millisecond, send what is due; the first note-on's
        // send time is the latency a listener would measure (minus the MIDI path).
        bool sent = false;
        while (!sent && r.replying()) {
            for (const auto& m : r.tick(now()))
                if (m.message.status() == 0x90 && !sent) {
                    sentLatency.push_back(now() - silenceEnds);
                    sent = true;
                }
            if (!sent) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        // Let the reply play out, then the next phrase.
        while (r.replying()) {
            r.tick(now());
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
    const auto& lat = r.stats().latencies;
    std::printf("handover tick (flush + forced beat + first note), ms: p50 %.1f  p95 %.1f  max %.1f\n", pct(compute, 0.5) * 1e3,
                pct(compute, 0.95) * 1e3, pct(compute, 1.0) * 1e3);
    std::printf("handover -> first reply note-on as scheduled, ms: p50 %.1f  p95 %.1f  max %.1f (offset %.0f)\n", pct(lat, 0.5) * 1e3,
                pct(lat, 0.95) * 1e3, pct(lat, 1.0) * 1e3, offsetMs);
    std::printf("handover -> first reply note-on sent (1 ms loop), ms: p50 %.1f  p95 %.1f  max %.1f\n", pct(sentLatency, 0.5) * 1e3,
                pct(sentLatency, 0.95) * 1e3, pct(sentLatency, 1.0) * 1e3);
    std::printf("listening ticks (feeding final positions), ms: p50 %.2f  p95 %.2f  max %.2f\n", pct(feedTick, 0.5) * 1e3,
                pct(feedTick, 0.95) * 1e3, pct(feedTick, 1.0) * 1e3);
    std::printf("tokens fed %lld, generated %lld; load %.2f at the end\n", static_cast<long long>(r.stats().tokensFed),
                static_cast<long long>(r.stats().tokensGenerated), loadavg());
    return 0;
}
