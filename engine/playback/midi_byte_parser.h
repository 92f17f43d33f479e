// A MIDI 1.0 byte stream -> channel messages, one byte at a time (no allocation, no exceptions:
// it runs on the MIDI input's thread, which may be JACK's realtime thread).
//
// What it understands, as the MIDI 1.0 specification describes the wire:
//   - channel messages (note off/on, poly pressure, control change, program change, channel
//     pressure, pitch bend), with running status: data bytes after a complete message reuse the
//     last channel status;
//   - realtime bytes (F8-FF: clock, start/continue/stop, active sensing, reset) anywhere, even
//     inside another message or a SysEx: dropped and counted, the message around them goes on;
//   - SysEx: F0 ... F7, also split over several feeds, or cut short by a status byte (a device
//     that lost the EOX): dropped and counted, it ends running status;
//   - system common (MTC quarter frame, song position, song select, tune request): dropped and
//     counted, it ends running status;
//   - garbage: data bytes with no status, a message cut short by the next status, a stray F7,
//     the undefined F4/F5: those bytes are discarded and counted, nothing else is lost.
// A note-on with velocity 0 comes out as a note-off (release velocity 64, what the specification
// asks of senders without release velocity), so consumers see one kind of release.
//
// Every byte fed ends up in exactly one of the byte counts (or is still pending, part of an
// unfinished message): the fuzz target checks that sum.
#pragma once

#include "playback/midi_output.h"

#include <cstddef>
#include <cstdint>

namespace pm::play {

struct MidiParseCounts {
    std::uint64_t messages = 0;           // channel messages produced
    std::uint64_t realtime = 0;           // realtime bytes (each is a whole message)
    std::uint64_t sysex = 0;              // SysEx messages begun (F0)
    std::uint64_t systemCommon = 0;       // complete system common messages
    // Bytes, by where they went: channelBytes + realtime + sysexBytes + systemCommonBytes +
    // discardedBytes + pendingBytes() == every byte fed.
    std::uint64_t channelBytes = 0;       // in produced channel messages (a running status byte is not in the stream)
    std::uint64_t sysexBytes = 0;         // F0, payload and F7
    std::uint64_t systemCommonBytes = 0;
    std::uint64_t discardedBytes = 0;     // fit no message
};

class MidiByteParser {
public:
    // Feeds one byte. True when it completed a channel message, which is then in *out.
    bool push(std::uint8_t byte, MidiMessage* out);
    // Feeds `size` bytes, calling onMessage(const MidiMessage&) for each completed message.
    template <typename OnMessage>
    void feed(const std::uint8_t* data, std::size_t size, OnMessage&& onMessage) {
        MidiMessage m;
        for (std::size_t i = 0; i < size; ++i)
            if (push(data[i], &m)) onMessage(m);
    }

    const MidiParseCounts& counts() const { return counts_; }
    // Bytes of a message still waiting for its data (the status byte included when it was sent).
    std::uint64_t pendingBytes() const { return pending_; }
    // Forgets running status, a partial message and a SysEx in progress (counts stay).
    void reset();

private:
    enum class State : std::uint8_t { Idle, Channel, SysEx, SystemCommon };
    void discardPending();
    void startChannel(std::uint8_t status);

    State state_ = State::Idle;
    std::uint8_t runningStatus_ = 0;   // last channel status, 0 = none (data bytes then are garbage)
    std::uint8_t data_[2] = {0, 0};
    std::uint8_t have_ = 0;            // data bytes collected
    std::uint8_t need_ = 0;            // data bytes the current message takes
    std::uint64_t pending_ = 0;
    MidiParseCounts counts_;
};

}  // namespace pm::play
