// What the player plays, as timestamped channel messages, and the bounded queue that carries them
// from the MIDI input's thread (RtMidi's callback; JACK's realtime thread) to whoever consumes
// them (the jam session, the piano roll).
//
// MidiEventQueue is single-producer single-consumer and lock-free: push() and drain() never wait
// for each other, allocate nothing and cannot throw, so neither a burst on the input nor a busy
// consumer stalls the other side.
//
// Capacity: kCapacity = 16,384 events (16 bytes each: 256 KiB, allocated once). Of these,
// kReleaseReserve = 2,080 (16 channels x 128 notes + 16 x 2 pedals) are kept for releases,
// so ordinary events are accepted while fewer than kOrdinaryLimit = 14,304 wait. That holds a
// whole 10 s burst at 1,000 events/s even if the consumer takes nothing in those 10 s.
//
// When full: an ordinary event (note-on, pedal down, other controllers, pitch bend, ...) that
// finds kOrdinaryLimit events waiting is dropped and counted (overflowDropped). Releases the
// consumer needs are never dropped: the producer remembers which notes and pedals it has queued
// as down, and a note-off (or sustain/sostenuto up, all-notes-off, reset-all-controllers) that
// releases one of them may use the reserve, which is always large enough (each such release
// clears at least one remembered note or pedal, and there are at most 2,080). A note-on that was
// dropped has its note-off treated as ordinary (the consumer never saw it start). So an overflow
// can lose notes, never leave one stuck.
#pragma once

#include "playback/midi_output.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace pm::play {

struct MidiInputEvent {
    enum class Kind : std::uint8_t { NoteOff, NoteOn, PolyPressure, ControlChange, ProgramChange, ChannelPressure, PitchBend };

    double seconds = 0;   // when it arrived, on the steady clock (SteadyPlaybackClock::now())
    MidiMessage message;  // a channel message; a note-on with velocity 0 arrives as a note-off

    Kind kind() const { return Kind((message.bytes[0] >> 4) - 8); }
    int channel() const { return message.bytes[0] & 0x0F; }
    int note() const { return message.bytes[1]; }                // NoteOn, NoteOff, PolyPressure
    int velocity() const { return message.bytes[2]; }            // NoteOn, NoteOff (release velocity)
    int controller() const { return message.bytes[1]; }          // ControlChange
    int value() const { return message.bytes[2]; }               // ControlChange; PolyPressure
    int program() const { return message.bytes[1]; }             // ProgramChange
    int pressure() const { return message.bytes[1]; }            // ChannelPressure
    int pitchBend() const { return (message.bytes[2] << 7 | message.bytes[1]) - 8192; }   // -8192..8191
    bool isNoteOn() const { return kind() == Kind::NoteOn; }
    bool isNoteOff() const { return kind() == Kind::NoteOff; }
    bool isController(int number) const { return kind() == Kind::ControlChange && controller() == number; }
    bool isSustain() const { return isController(64); }
    bool pedalDown() const { return value() >= 64; }             // for sustain (64), sostenuto (66), soft (67)
};

// Which notes and pedals are down, as far as a stream of channel messages says: a key is down from
// its note-on to its note-off (whatever the pedal does), a pedal from value >= 64 to < 64.
// All-notes-off (CC 123, also CC 120 and the mode messages 124-127) lifts a channel's keys,
// reset-all-controllers (CC 121) its pedals. The queue keeps one to know which releases it must
// never drop; a consumer can keep one to end what is still down when its input is lost.
class MidiHeldNotes {
public:
    void apply(const MidiMessage& m);
    // True when applying `m` would lift a key or pedal that is down.
    bool releases(const MidiMessage& m) const;

    bool noteDown(int channel, int note) const { return bit(channel * 128 + note); }
    bool sustainDown(int channel) const { return (sustain_ >> channel) & 1; }
    bool sostenutoDown(int channel) const { return (sostenuto_ >> channel) & 1; }
    int notesDown() const;
    bool empty() const;
    // Note-offs for every key down, then sustain and sostenuto up where down, stamped `seconds`;
    // afterwards nothing is down.
    std::vector<MidiInputEvent> releaseAll(double seconds);

private:
    bool bit(int i) const { return (notes_[i >> 6] >> (i & 63)) & 1; }
    bool anyNoteDown(int channel) const { return notes_[2 * channel] != 0 || notes_[2 * channel + 1] != 0; }
    std::uint64_t notes_[32] = {};   // bit channel * 128 + note
    std::uint16_t sustain_ = 0;      // bit per channel
    std::uint16_t sostenuto_ = 0;
};

class MidiEventQueue {
public:
    static constexpr std::size_t kCapacity = 16384;
    static constexpr std::size_t kReleaseReserve = 16 * 128 + 16 * 2;
    static constexpr std::size_t kOrdinaryLimit = kCapacity - kReleaseReserve;

    MidiEventQueue();
    MidiEventQueue(const MidiEventQueue&) = delete;
    MidiEventQueue& operator=(const MidiEventQueue&) = delete;

    // Producer (one thread at a time). False when the event was dropped (the queue was full).
    bool push(const MidiInputEvent& event);

    // Consumer (one thread at a time): appends every waiting event to *out, oldest first;
    // returns how many. Never waits for the producer.
    std::size_t drain(std::vector<MidiInputEvent>* out);

    // Any thread.
    std::uint64_t pushed() const { return pushed_.load(std::memory_order_relaxed); }
    std::uint64_t overflowDropped() const { return dropped_.load(std::memory_order_relaxed); }
    // Releases dropped for lack of room: 0 by construction (the fuzz target checks it).
    std::uint64_t releasesDropped() const { return releasesDropped_.load(std::memory_order_relaxed); }
    std::size_t highWater() const { return highWater_.load(std::memory_order_relaxed); }

private:
    std::unique_ptr<MidiInputEvent[]> ring_;
    alignas(64) std::atomic<std::uint64_t> head_{0};   // next slot to write; written by the producer
    alignas(64) std::atomic<std::uint64_t> tail_{0};   // next slot to read; written by the consumer
    alignas(64) std::atomic<std::uint64_t> pushed_{0};
    std::atomic<std::uint64_t> dropped_{0};
    std::atomic<std::uint64_t> releasesDropped_{0};
    std::atomic<std::size_t> highWater_{0};
    // What the consumer will hold down once it has drained everything pushed so far: the releases
    // it needs. Only the producer touches it.
    MidiHeldNotes queued_;
};

}  // namespace pm::play
