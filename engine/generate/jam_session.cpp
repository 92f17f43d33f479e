#include "generate/jam_session.h"

#include <chrono>
#include <thread>

namespace pm::gen {

namespace {

JamInput toJamInput(const play::MidiInputEvent& e) {
    JamInput in;
    in.t = e.seconds;
    switch (e.kind()) {
    case play::MidiInputEvent::Kind::NoteOn: in.kind = JamInput::Kind::NoteOn; break;
    case play::MidiInputEvent::Kind::NoteOff: in.kind = JamInput::Kind::NoteOff; break;
    case play::MidiInputEvent::Kind::ControlChange: in.kind = JamInput::Kind::Control; break;
    default: in.kind = JamInput::Kind::Control, in.a = -1; return in;   // not music for the jam
    }
    in.a = e.message.bytes[1];
    in.b = e.message.bytes[2];
    return in;
}

}  // namespace

void JamSessionRequests::post(Request request) {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_.push_back(std::move(request));
}

std::size_t JamSessionRequests::run(JamResponder& responder, double now) {
    std::vector<Request> ready;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ready.swap(pending_);
    }
    // Outside the lock: a request may post another (it runs in the next iteration).
    for (const Request& r : ready) r(responder, now);
    if (everyIteration) everyIteration(responder, now);
    return ready.size();
}

JamSessionResult runJamSession(JamResponder& responder, play::MidiInput& input, play::MidiOutput& output,
                               const play::PlaybackClock& clock, const std::atomic<bool>& stop, const JamSessionCallback& callback,
                               std::atomic<bool>* handoverNow, JamSessionRequests* requests) {
    JamSessionResult result;
    auto tell = [&](JamSessionEvent::Kind kind, double t, int pitch = 0, int velocity = 0, const std::string& message = {}) {
        if (callback) callback({kind, t, pitch, velocity, message});
    };
    auto send = [&](const std::vector<TimedMessage>& due) {
        for (const TimedMessage& m : due) {
            if (!output.send(m.message)) {
                result.outputFailed = true;
                result.message = "the MIDI output " + output.name() + " stopped taking notes";
                return false;
            }
            if (m.message.status() == 0x90 || m.message.status() == 0x80)
                tell(JamSessionEvent::Kind::ModelNote, m.t, m.message.bytes[1], m.message.status() == 0x90 ? m.message.bytes[2] : 0);
        }
        return true;
    };
    std::vector<play::MidiInputEvent> events;
    int handovers = responder.stats().handovers;
    bool wasReplying = false;
    while (!stop.load()) {
        events.clear();
        input.drain(&events);
        for (const play::MidiInputEvent& e : events) {
            const JamInput in = toJamInput(e);
            if (in.a < 0) continue;
            responder.input(in);
            if (in.kind != JamInput::Kind::Control)
                tell(JamSessionEvent::Kind::PlayerNote, in.t, in.a, in.kind == JamInput::Kind::NoteOn ? in.b : 0);
        }
        const double now = clock.now();
        if (requests) requests->run(responder, now);
        if (handoverNow && handoverNow->exchange(false)) responder.requestHandover(now);
        if (!send(responder.tick(now))) break;
        if (responder.stats().handovers != handovers) {
            handovers = responder.stats().handovers;
            tell(JamSessionEvent::Kind::Handover, now);
        }
        if (wasReplying && !responder.replying()) tell(JamSessionEvent::Kind::ReplyEnded, now);
        wasReplying = responder.replying();
        if (input.lost()) {
            result.inputLost = true;
            result.message = "the MIDI input " + input.name() + " went away: " + input.lostReason();
            tell(JamSessionEvent::Kind::InputLost, now, 0, 0, result.message);
            break;
        }
        // 1 ms: events are stamped when they arrive, so this only bounds how late a reply note
        // leaves (and how soon the handover is noticed).
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    // Nothing keeps sounding: the model's notes and pedal off; what was recorded stays.
    for (const TimedMessage& m : responder.silence(clock.now())) output.send(m.message);
    if (result.outputFailed) tell(JamSessionEvent::Kind::OutputFailed, clock.now(), 0, 0, result.message);
    return result;
}

}  // namespace pm::gen
