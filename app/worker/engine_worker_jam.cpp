// The Jam page's work on the jam lane: list the MIDI inputs (queries lane), and run one jam
// session — ports, model, then the engine's session loop (engine/generate/jam_session.h) on this
// thread until Stop. The loop holds the lane's thread while it runs, so what the GUI asks of a
// running session (hand over, undo, answer again, the recording so far) does not come as queued
// calls: it goes through JamControl and the loop carries it out between its iterations.
// LibTorch before Qt: torch's headers use `slots` as a name, which Qt defines as a macro.
#include "generate/generator.h"
#include "generate/jam_session.h"
#include "jam/handover.h"
#include "playback/midi_ports.h"
#include "playback/open_output.h"
#include "playback/playback_clock.h"
#include "playback/rtmidi_input.h"
#include "playback/virtual_midi_ports.h"

#include "worker/engine_worker.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <filesystem>

namespace pm::app {

namespace {

// Notes leave for the GUI at most this often (and before every other event): a burst of 1,000
// events/s becomes ~66 signals/s, and a lone note is on the roll within 15 ms.
constexpr double kNoteBatchSeconds = 0.015;
// As many answers as the responder keeps for undo.
constexpr std::size_t kUndoDepth = 8;

}  // namespace

// Lives on the jam thread while a session runs: batches notes for the GUI, keeps which answers
// undo can take back, and carries out the GUI's commands with the responder.
class JamLaneSession {
public:
    JamLaneSession(EngineWorker& worker, double clockStart) : worker_(worker), start_(clockStart) {}

    void onEvent(const pm::gen::JamSessionEvent& e, const pm::gen::JamResponder& responder) {
        using Kind = pm::gen::JamSessionEvent::Kind;
        const double t = std::max(0.0, e.t - start_);
        switch (e.kind) {
        case Kind::PlayerNote: pending_.push_back({t, e.pitch, e.velocity, false, 0}); return;
        case Kind::ModelNote: pending_.push_back({t, e.pitch, e.velocity, true, responder.stats().handovers}); return;
        case Kind::Handover:
            replies_.push_back(responder.stats().handovers);
            if (replies_.size() > kUndoDepth) replies_.pop_front();
            tell(JamEvent::Kind::Handover, t, replies_.back());
            return;
        case Kind::ReplyEnded: tell(JamEvent::Kind::ReplyEnded, t, replies_.empty() ? 0 : replies_.back()); return;
        case Kind::InputLost: tell(JamEvent::Kind::InputLost, t, 0, e.message); return;
        case Kind::OutputFailed: tell(JamEvent::Kind::OutputFailed, t, 0, e.message); return;
        }
    }

    void command(JamCommand c, pm::gen::JamResponder& responder, double now) {
        const double t = std::max(0.0, now - start_);
        switch (c) {
        case JamCommand::Undo:
            if (!replies_.empty() && responder.undoLastReply()) {
                const int reply = replies_.back();
                replies_.pop_back();
                tell(JamEvent::Kind::Undone, t, reply);
            } else {
                tell(JamEvent::Kind::Refused, t, 0,
                     responder.replying() ? "the answer is still playing"
                                          : "there is no answer to take back since you last played");
            }
            return;
        case JamCommand::AnswerAgain:
            if (!replies_.empty() && responder.answerAgain(now)) {
                // The new answer's Handover follows from the loop (it counts as a handover).
                const int reply = replies_.back();
                replies_.pop_back();
                tell(JamEvent::Kind::AnsweredAgain, t, reply);
            } else {
                tell(JamEvent::Kind::Refused, t, 0, "there is no answer to replace since you last played");
            }
            return;
        case JamCommand::Recording:
            flush();
            emit worker_.jamRecording({responder.recording()});
            return;
        }
    }

    // Every iteration of the loop: the batched notes go when they are old enough.
    void maybeFlush(double now) {
        if (!pending_.empty() && now - lastSent_ >= kNoteBatchSeconds) {
            flush();
            lastSent_ = now;
        }
    }

    void flush() {
        if (pending_.empty()) return;
        emit worker_.jamNotes(pending_);
        pending_.clear();
    }

private:
    void tell(JamEvent::Kind kind, double t, int reply, const std::string& message = {}) {
        flush();   // the notes before it first: the GUI sees everything in order
        JamEvent e;
        e.kind = kind;
        e.t = t;
        e.reply = reply;
        e.message = message;
        emit worker_.jamEvent(e);
    }

    EngineWorker& worker_;
    double start_;
    JamNoteBatch pending_;
    double lastSent_ = -1e9;
    std::deque<int> replies_;   // answers undo can take back (their numbers), newest last
};

struct JamControl {
    std::atomic<bool> handoverNow{false};
    pm::gen::JamSessionRequests requests;
    JamLaneSession* session = nullptr;   // jam thread only: set while the loop runs
};

// The jam's model, kept between sessions; reloaded when the file changes (a training run
// rewrites model-latest.safetensors under the same name).
struct JamModel {
    std::string path;
    std::filesystem::file_time_type time{};
    std::uintmax_t size = 0;
    std::unique_ptr<pm::gen::Generator> generator;
};

std::shared_ptr<JamControl> makeJamControl() { return std::make_shared<JamControl>(); }

void handOverJam(JamControl& control) { control.handoverNow.store(true); }

void postJamCommand(JamControl& control, JamCommand command) {
    // The pointer is read on the loop's thread, where the session sets and clears it: a request
    // left when the session ends is dropped unrun.
    control.requests.post([&control, command](pm::gen::JamResponder& responder, double now) {
        if (control.session) control.session->command(command, responder, now);
    });
}

JobEnd EngineWorker::listMidiInputPorts(JobContext&, QString*) {
    MidiInputChoices choices;
    choices.inputs = pm::listMidiInputPorts();
    choices.virtualUnavailable = pm::play::virtualMidiPortsUnavailable();
    emit midiInputPortsReady(choices);
    return JobEnd::Finished;
}

namespace {

// Ports first (a missing keyboard is said before the model takes its time), as `pianomuse-cli jam`.
bool openJamPorts(const JamJob& request, std::shared_ptr<pm::play::MidiInput>* input, std::shared_ptr<pm::play::MidiOutput>* output,
                  std::string* error) {
    *input = request.inputDevice;
    *output = request.outputDevice;
    pm::play::VirtualMidiPorts virtualPorts;
    if ((!*input && request.virtualInput) || (!*output && request.virtualOutput)) {
        if (!pm::play::openVirtualMidiPorts(&virtualPorts, error)) return false;
    }
    if (!*input) {
        if (request.virtualInput) {
            *input = std::move(virtualPorts.input);
        } else {
            if (request.input.empty()) {
                const pm::MidiPortList inputs = pm::listMidiInputPorts();
                *error = inputs.ports.empty() ? pm::noMidiInputsMessage() : "choose a MIDI input";
                return false;
            }
            *input = pm::play::openLiveInput(request.input, error);
            if (!*input) return false;
        }
    }
    if (!*output) {
        if (request.virtualOutput) *output = std::move(virtualPorts.output);
        else *output = pm::play::openLiveOutput(request.output, std::string(), error);
        if (!*output) return false;
    }
    return true;
}

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

JobEnd EngineWorker::jam(JobContext& job, const JamJob& request, const std::shared_ptr<JamControl>& control, QString* message) {
    JamOutcome outcome;
    auto fail = [&](const std::string& why) {
        outcome.ok = false;
        outcome.error = why;
        emit jamFinished(outcome);
        *message = QString::fromStdString(why);
        return JobEnd::Failed;
    };
    pm::gen::JamOptions options;
    std::string error;
    if (!pm::jam::parseTrigger(request.trigger, &options.trigger, &error)) return fail(error);
    options.grid.bpm = request.bpm;
    options.grid.metre = {request.metreNumerator, request.metreDenominator};
    options.replyBars = request.replyBars;
    options.replyOffsetSeconds = request.replyOffsetSeconds;
    options.sampling.seed = request.seed;
    options.sampling.temperature = request.temperature;
    options.stepThreads = 1;   // like a generation: training beside it keeps the other cores

    std::shared_ptr<pm::play::MidiInput> input;
    std::shared_ptr<pm::play::MidiOutput> output;
    if (!openJamPorts(request, &input, &output, &error)) return fail(error);

    torch::NoGradGuard noGrad;
    if (!m_jamModel) m_jamModel = std::make_shared<JamModel>();
    JamModel& cached = *m_jamModel;
    std::error_code ec;
    const auto time = std::filesystem::last_write_time(request.modelPath, ec);
    const auto size = ec ? std::uintmax_t(-1) : std::filesystem::file_size(request.modelPath, ec);
    if (!cached.generator || cached.path != request.modelPath || cached.time != time || cached.size != size) {
        cached.generator = pm::gen::loadGenerator(request.modelPath, &error);
        cached.path = cached.generator ? request.modelPath : std::string();
        cached.time = time;
        cached.size = size;
        if (!cached.generator) return fail(error);
    }
    if (job.cancel.load()) {   // stopped while the model loaded
        emit jamFinished(outcome);
        return JobEnd::Cancelled;
    }
    std::unique_ptr<pm::gen::JamResponder> responder;
    try {
        responder = std::make_unique<pm::gen::JamResponder>(cached.generator->model(), cached.generator->tokenizer(), options);
    } catch (const std::exception& e) {
        return fail(e.what());
    }

    const pm::play::SteadyPlaybackClock clock;
    JamStarted started;
    started.input = input->name();
    started.output = output->name();
    started.step = responder->stepDescription();
    started.clockStart = clock.now();
    JamLaneSession session(*this, started.clockStart);
    control->session = &session;
    control->requests.everyIteration = [&session](pm::gen::JamResponder&, double now) { session.maybeFlush(now); };
    emit jamStarted(started);

    responder->start(clock.now());   // the session's clock origin (and a count-in's clicks, when set)
    const pm::gen::JamSessionResult r = pm::gen::runJamSession(
        *responder, *input, *output, clock, job.cancel,
        [&session, &responder](const pm::gen::JamSessionEvent& e) { session.onEvent(e, *responder); }, &control->handoverNow,
        &control->requests);
    control->session = nullptr;
    control->requests.everyIteration = nullptr;
    session.flush();

    // The recording is kept whatever ended the session.
    outcome.ok = true;
    outcome.error = r.message;
    outcome.recording = responder->recording();
    outcome.hasRecording = true;
    const pm::gen::JamStats& stats = responder->stats();
    outcome.handovers = stats.handovers;
    outcome.replies = stats.replies;
    outcome.interrupted = stats.interrupted;
    outcome.medianLatency = median(stats.latencies);
    emit jamFinished(outcome);
    if (!r.message.empty()) {
        *message = QString::fromStdString(r.message);
        return JobEnd::Failed;
    }
    return JobEnd::Finished;
}

}  // namespace pm::app
