#include "playback/midi_input.h"

namespace pm::play {

void MidiInput::receive(const std::uint8_t* bytes, std::size_t size, double seconds) {
    parser_.feed(bytes, size, [&](const MidiMessage& m) { queue_.push({seconds, m}); });
    const MidiParseCounts& c = parser_.counts();
    realtime_.store(c.realtime, std::memory_order_relaxed);
    sysex_.store(c.sysex, std::memory_order_relaxed);
    systemCommon_.store(c.systemCommon, std::memory_order_relaxed);
    malformed_.store(c.discardedBytes, std::memory_order_relaxed);
}

void MidiInput::reportLost(const std::string& why) {
    std::lock_guard<std::mutex> lock(lostMutex_);
    if (lost_.load(std::memory_order_relaxed)) return;
    lostReason_ = why.empty() ? "the MIDI input is gone" : why;
    lost_.store(true, std::memory_order_release);
}

std::string MidiInput::lostReason() const {
    std::lock_guard<std::mutex> lock(lostMutex_);
    return lostReason_;
}

MidiInputStats MidiInput::stats() const {
    MidiInputStats s;
    s.events = queue_.pushed();
    s.realtimeDropped = realtime_.load(std::memory_order_relaxed);
    s.sysexDropped = sysex_.load(std::memory_order_relaxed);
    s.systemCommonDropped = systemCommon_.load(std::memory_order_relaxed);
    s.malformedBytes = malformed_.load(std::memory_order_relaxed);
    s.overflowDropped = queue_.overflowDropped();
    s.highWater = queue_.highWater();
    return s;
}

}  // namespace pm::play
