// When the player hands over to the model (issue 17). Three triggers:
//   silence:500ms  no key held and no new note for that long after the last release (the
//                  sustain pedal does not count: a player who lets the strings ring has stopped
//                  playing); the handover happens when the silence ends, at release + length;
//   cc:N           controller N pressed (value crossing 64 upwards), e.g. a foot switch;
//   note:K         key K pressed; that key is a switch, not music (neither it nor its release
//                  reaches the phrase).
// A key in the window (the app) hands over through request(). A phrase needs a note first: a
// trigger with nothing played does nothing. Times are seconds on one clock; no threads here.
#pragma once

#include <optional>
#include <string>

namespace pm::jam {

struct Trigger {
    enum class Kind { Silence, Controller, Note };
    Kind kind = Kind::Silence;
    double silenceSeconds = 0.5;
    int number = 64;   // the controller or key
};

// "silence:500ms", "silence:1.5s", "silence" (500 ms), "cc:64", "note:108". False with a
// one-line error otherwise (silence 50 ms .. 10 s; controller 0..127; key 0..127).
bool parseTrigger(const std::string& text, Trigger* out, std::string* error);
std::string describe(const Trigger& t);   // "silence of 500 ms", "controller 64", "key 108"

class HandoverDetector {
public:
    explicit HandoverDetector(Trigger trigger = {}) : trigger_(trigger) {}

    // The player's events. Each returns true when the event belongs to the phrase (false: it was
    // the trigger itself, which the caller keeps out of the music).
    bool noteOn(double t, int pitch);
    bool noteOff(double t, int pitch);
    bool control(double t, int controller, int value);
    void request(double t);   // a key in the window

    // The handover time once it has come (at most once per phrase), else nothing.
    std::optional<double> poll(double now);
    // A new phrase after the reply (or after an interrupted one).
    void reset();

    const Trigger& trigger() const { return trigger_; }
    int held() const { return held_; }

private:
    Trigger trigger_;
    int held_ = 0;                 // keys down (of the phrase)
    bool played_ = false;          // the phrase has a note
    bool fired_ = false;
    double lastActivity_ = 0;      // the last note-on or release of the phrase
    std::optional<double> pending_;
    bool controllerDown_ = false;
};

}  // namespace pm::jam
