// What the player plays, turned into the model's tokens while they play (issue 17: jam mode).
//
// The model is recurrent: its state can take in each bar position as soon as nothing about it can
// change any more, so at the handover only the last few tokens remain to compute. A position on
// the grid is final once the clock is more than half a step past it (no later onset can round to
// it) and every note that starts there has ended — a token says a note's duration with its pitch.
//
// Notes still held are resolved so the token stream never waits forever and never contradicts
// itself (docs/jam.md, "Held notes"):
// - at the handover (flush) a held note ends there: the model hears it ending where the player
//   handed over; its real release, when it comes, changes nothing already fed;
// - a note held past the longest duration the tokens can say (64 quarter notes) ends there;
// - a release without a note-on, and a second note-on of a sounding key (its first note ends
//   there, as the MIDI reader does), are counted, not errors.
// Everything is on one fixed grid: the tempo and metre the player set; step 0 is the first note.
// The sustain pedal is a switch at a step, collapsed like the encoder does (a tap inside one step
// vanishes, a re-pedal stays "PedalOff PedalOn").
//
// Emitted tokens are exactly the tokenizer's canonical encoding of the same notes
// (tests/jam/phrase_encoder_test.cpp compares with pm::tok::encode of a MIDI file).
#pragma once

#include "tokenizer/metre.h"
#include "tokenizer/vocabulary.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace pm::jam {

// The player's grid: a fixed tempo and metre, and the wall-clock second where step 0 lies.
struct JamGrid {
    double bpm = 120;
    tok::Metre metre{4, 4};
    int positionsPerQuarter = 24;
    double secondsPerStep() const { return 60.0 / bpm / double(positionsPerQuarter); }
};

struct PhraseStats {
    std::int64_t notes = 0;              // emitted
    std::int64_t resolvedAtHandover = 0; // held notes ended at a flush
    std::int64_t clippedLong = 0;        // held past the longest duration
    std::int64_t strayReleases = 0;      // note-off without a note-on
    std::int64_t retriggered = 0;        // note-on of a key already sounding
    std::int64_t outOfRange = 0;         // keys outside the piano's 21..108
    std::int64_t late = 0;               // onsets at a step already fed (after a flush), moved to the next step
    std::int64_t early = 0;              // onsets before a count-in's downbeat, moved onto it
};

class PhraseEncoder {
public:
    PhraseEncoder(std::shared_ptr<const tok::Vocabulary> vocabulary, JamGrid grid);

    // Input, in time order (seconds on one clock). Without setOrigin the first note-on fixes the
    // grid: it is step 0, the first bar's downbeat.
    void noteOn(double t, int pitch, int velocity);
    void noteOff(double t, int pitch);
    void pedal(double t, bool down);

    // Tokens of every position that became final by `now`, in order; the first call that has any
    // starts with the prefix (BOS TimeSig Tempo [PedalOn]). Empty while nothing is final.
    std::vector<tok::TokenId> takeReady(double now);
    // The handover at `t`: held notes end at t; returns every remaining token, then Bar tokens so
    // that the current bar contains `untilStep` (the step the reply will start at; >= stepAt(t)).
    std::vector<tok::TokenId> flush(double t, std::int64_t untilStep);

    // Step 0 at `t` (a count-in's next downbeat) instead of at the first note; before anything
    // was played only. A note before it (the player came in early) counts as on the downbeat.
    void setOrigin(double t);

    // After a reply the stream goes on from where the reply left it: the next position emitted is
    // after `lastStep`, and the pedal is `pedalDown` (a reply's pedal left down, with the player's
    // foot up, is released at the step after `lastStep`, as the output lifted it). `shiftSeconds` moves the grid's origin (the
    // reply started at a fixed offset from the handover, not on the player's exact grid).
    void continueAfter(std::int64_t lastStep, bool pedalDown, double shiftSeconds);

    bool started() const { return origin_.has_value(); }
    double origin() const { return origin_.value_or(0.0); }
    std::int64_t stepAt(double t) const;       // rounded half up; before the first note: 0
    double secondsAt(std::int64_t step) const; // wall-clock second of a step
    std::int64_t barSteps() const { return barSteps_; }
    std::int64_t currentBar() const { return bar_; }   // the bar the last emitted token is in (-1: none)
    std::int64_t lastEmittedStep() const { return lastStep_; }
    bool pedalDown() const { return pedalDown_; }
    std::size_t heldNotes() const { return held_.size(); }
    const PhraseStats& stats() const { return stats_; }

private:
    struct Note {
        std::int64_t id = 0;
        std::int64_t onset = 0;
        double onsetSeconds = 0;
        std::optional<std::int64_t> duration;   // steps, once known
        int pitch = 0, velocityBin = 0;
    };
    void end(Note& n, double t);
    std::int64_t maxDuration() const;
    void emitGroup(std::int64_t step, std::vector<tok::TokenId>& out);
    void emitBarsThrough(std::int64_t step, std::vector<tok::TokenId>& out);
    void emitPrefix(std::vector<tok::TokenId>& out);

    std::shared_ptr<const tok::Vocabulary> vocab_;
    JamGrid grid_;
    std::int64_t barSteps_ = 96;
    std::optional<double> origin_;
    bool prefixDone_ = false;
    std::int64_t bar_ = -1, lastStep_ = -1;   // the stream's cursor
    bool pedalDown_ = false;                  // as the stream says
    bool pedalNow_ = false;                   // as the player's foot is
    std::vector<Note> pending_;               // not yet emitted, in onset order
    std::map<int, std::int64_t> held_;        // sounding key -> its note's id (always still pending)
    std::int64_t nextId_ = 0;
    bool pedalAtOrigin_ = false;              // the foot when the first note came
    std::vector<std::pair<std::int64_t, bool>> pedalEvents_;   // pending switches (step, down)
    PhraseStats stats_;
};

}  // namespace pm::jam
