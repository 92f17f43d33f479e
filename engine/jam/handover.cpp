#include "jam/handover.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace pm::jam {

namespace {
bool wholeNumber(const std::string& s, int lo, int hi, int* out) {
    if (s.empty() || s.size() > 6) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    const int v = std::atoi(s.c_str());
    if (v < lo || v > hi) return false;
    *out = v;
    return true;
}
}  // namespace

bool parseTrigger(const std::string& text, Trigger* out, std::string* error) {
    auto fail = [&](const std::string& why) {
        if (error) *error = "--trigger " + text + ": " + why;
        return false;
    };
    const std::size_t colon = text.find(':');
    const std::string kind = text.substr(0, colon), arg = colon == std::string::npos ? "" : text.substr(colon + 1);
    Trigger t;
    if (kind == "silence") {
        t.kind = Trigger::Kind::Silence;
        if (!arg.empty()) {
            double scale = 0;
            std::string number = arg;
            if (arg.size() > 2 && arg.compare(arg.size() - 2, 2, "ms") == 0) scale = 1e-3, number = arg.substr(0, arg.size() - 2);
            else if (arg.size() > 1 && arg.back() == 's') scale = 1.0, number = arg.substr(0, arg.size() - 1);
            else return fail("give the silence with a unit, e.g. silence:500ms or silence:1.5s");
            errno = 0;
            char* end = nullptr;
            const double v = std::strtod(number.c_str(), &end);
            if (errno != 0 || !end || *end != '\0' || !std::isfinite(v)) return fail("'" + arg + "' is not a length");
            t.silenceSeconds = v * scale;
        }
        if (t.silenceSeconds < 0.05 || t.silenceSeconds > 10) return fail("the silence must be between 50 ms and 10 s");
    } else if (kind == "cc") {
        t.kind = Trigger::Kind::Controller;
        if (!wholeNumber(arg, 0, 127, &t.number)) return fail("give a controller number 0..127, e.g. cc:64");
    } else if (kind == "note") {
        t.kind = Trigger::Kind::Note;
        if (!wholeNumber(arg, 0, 127, &t.number)) return fail("give a MIDI key number 0..127, e.g. note:108");
    } else {
        return fail("use silence:500ms, cc:N or note:N");
    }
    *out = t;
    return true;
}

std::string describe(const Trigger& t) {
    char buf[64];
    switch (t.kind) {
    case Trigger::Kind::Silence: std::snprintf(buf, sizeof buf, "silence of %.0f ms", t.silenceSeconds * 1000); break;
    case Trigger::Kind::Controller: std::snprintf(buf, sizeof buf, "controller %d", t.number); break;
    case Trigger::Kind::Note: std::snprintf(buf, sizeof buf, "key %d", t.number); break;
    }
    return buf;
}

bool HandoverDetector::noteOn(double t, int pitch) {
    if (trigger_.kind == Trigger::Kind::Note && pitch == trigger_.number) {
        if (played_ && !fired_ && !pending_) pending_ = t;
        return false;
    }
    ++held_;
    played_ = true;
    lastActivity_ = t;
    return true;
}

bool HandoverDetector::noteOff(double t, int pitch) {
    if (trigger_.kind == Trigger::Kind::Note && pitch == trigger_.number) return false;
    if (held_ > 0) --held_;   // a release without a press (before the session) is harmless
    lastActivity_ = t;
    return true;
}

bool HandoverDetector::control(double t, int controller, int value) {
    if (trigger_.kind != Trigger::Kind::Controller || controller != trigger_.number) return true;
    const bool down = value >= 64;
    if (down && !controllerDown_ && played_ && !fired_ && !pending_) pending_ = t;
    controllerDown_ = down;
    return false;
}

void HandoverDetector::request(double t) {
    if (played_ && !fired_ && !pending_) pending_ = t;
}

std::optional<double> HandoverDetector::poll(double now) {
    if (fired_ || !played_) return std::nullopt;
    if (!pending_ && trigger_.kind == Trigger::Kind::Silence && held_ == 0 && now - lastActivity_ >= trigger_.silenceSeconds)
        pending_ = lastActivity_ + trigger_.silenceSeconds;   // when the silence ended, not when we looked
    if (!pending_) return std::nullopt;
    fired_ = true;
    return pending_;
}

void HandoverDetector::reset() {
    played_ = fired_ = false;
    pending_.reset();
    held_ = 0;
}

}  // namespace pm::jam
