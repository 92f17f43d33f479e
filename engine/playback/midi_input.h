// The seam between a MIDI keyboard and the jam session: what the player plays arrives as
// timestamped channel messages (MidiInputEvent) in a bounded lock-free queue that the consumer
// drains when it likes (the jam loop every few ms, the GUI on a timer).
//
//   std::vector<MidiInputEvent> events;
//   input->drain(&events);                 // never blocks; oldest first
//   if (input->lost()) { ...lostReason(), then release what is still down (MidiHeldNotes) }
//
// Behind it: RtMidiInput (ALSA, JACK, Windows MM; rtmidi_input.h) or, in tests, FakeMidiInput
// (playback_fakes.h). A device implementation hands raw bytes to receive() on its own thread;
// they go through MidiByteParser (running status, realtime bytes anywhere, SysEx) and only
// channel messages are queued: realtime (clock, active sensing, ...), SysEx and system common
// messages are dropped right there and counted. Queue capacity and what happens when it is full:
// midi_event_queue.h (16,384 events; a 10 s burst at 1,000 events/s fits without draining;
// note-ons are dropped before any release the consumer needs).
#pragma once

#include "playback/midi_byte_parser.h"
#include "playback/midi_event_queue.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace pm::play {

struct MidiInputStats {
    std::uint64_t events = 0;               // channel messages queued for the consumer
    std::uint64_t realtimeDropped = 0;      // clock, start/continue/stop, active sensing, reset
    std::uint64_t sysexDropped = 0;         // SysEx messages
    std::uint64_t systemCommonDropped = 0;  // MTC quarter frames, song position/select, tune request
    std::uint64_t malformedBytes = 0;       // bytes that fit no message (data without status, cut-short messages)
    std::uint64_t overflowDropped = 0;      // ordinary events dropped because the queue was full
    std::size_t highWater = 0;              // most events ever waiting at once
    std::size_t capacity = MidiEventQueue::kCapacity;
};

class MidiInput {
public:
    virtual ~MidiInput() = default;
    MidiInput(const MidiInput&) = delete;
    MidiInput& operator=(const MidiInput&) = delete;

    virtual std::string name() const = 0;

    // Consumer side (one thread at a time): appends what has arrived since the last call.
    std::size_t drain(std::vector<MidiInputEvent>* out) { return queue_.drain(out); }

    // Any thread.
    MidiInputStats stats() const;
    // True once the port has gone (unplugged, its program quit, the MIDI server stopped). What
    // arrived before is still drained; nothing more will come: open the port again.
    bool lost() const { return lost_.load(std::memory_order_acquire); }
    std::string lostReason() const;   // "" while not lost

protected:
    MidiInput() = default;
    // Device side, one thread at a time: raw MIDI bytes that arrived at `seconds` (steady clock).
    void receive(const std::uint8_t* bytes, std::size_t size, double seconds);
    // The first reason given is kept; later calls change nothing.
    void reportLost(const std::string& why);

private:
    MidiByteParser parser_;   // device thread only
    MidiEventQueue queue_;
    // The parser's counts, published after each receive() for stats() on other threads.
    std::atomic<std::uint64_t> realtime_{0}, sysex_{0}, systemCommon_{0}, malformed_{0};
    std::atomic<bool> lost_{false};
    mutable std::mutex lostMutex_;
    std::string lostReason_;
};

}  // namespace pm::play
