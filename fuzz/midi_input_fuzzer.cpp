// libFuzzer target for the MIDI input path, bytes -> events (build and run:
// scripts/fuzz-midi-input.sh). Input: byte 0 = how many chunks between drains (0: drain only at
// the end, so long inputs overflow the queue), byte 1 = chunk length - 1 (a port delivers bytes
// in pieces), the rest = the raw MIDI stream. Besides "no crash, no sanitizer report" it checks:
//   - the parser accounts for every byte, and every message it makes is a well-formed channel
//     message (no note-on with velocity 0);
//   - realtime bytes (F8-FF) change nothing: the stream without them parses to the same messages;
//   - the input (parser + queue, fed in chunks, drained now and then) delivers exactly the
//     parser's messages in order when nothing overflowed, else an in-order subsequence of them,
//     and then no note or pedal is down for the consumer that is not down in the stream (an
//     overflow may lose notes, never leave one stuck); stats agree with the parser's counts;
//   - the queue never drops a release it owes, fed without any drain.
#include "playback/midi_byte_parser.h"
#include "playback/midi_event_queue.h"
#include "playback/playback_fakes.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

using namespace pm::play;

void require(bool condition, const char* what) {
    if (condition) return;
    std::fprintf(stderr, "midi_input_fuzzer: invariant broken: %s\n", what);
    std::abort();
}

std::vector<MidiMessage> parseAll(const std::uint8_t* data, std::size_t size, MidiByteParser* parser) {
    std::vector<MidiMessage> out;
    parser->feed(data, size, [&](const MidiMessage& m) { out.push_back(m); });
    return out;
}

bool wellFormed(const MidiMessage& m) {
    const std::uint8_t status = m.bytes[0];
    if (status < 0x80 || status >= 0xF0) return false;
    const std::uint8_t kind = status & 0xF0;
    const std::uint8_t size = (kind == 0xC0 || kind == 0xD0) ? 2 : 3;
    if (m.size != size || m.bytes[1] >= 0x80) return false;
    if (size == 3 && m.bytes[2] >= 0x80) return false;
    if (size == 2 && m.bytes[2] != 0) return false;
    return !(kind == 0x90 && m.bytes[2] == 0);
}

// Every key and pedal down in `a` is down in `b`.
bool heldWithin(const MidiHeldNotes& a, const MidiHeldNotes& b) {
    for (int ch = 0; ch < 16; ++ch) {
        if (a.sustainDown(ch) && !b.sustainDown(ch)) return false;
        if (a.sostenutoDown(ch) && !b.sostenutoDown(ch)) return false;
        for (int note = 0; note < 128; ++note)
            if (a.noteDown(ch, note) && !b.noteDown(ch, note)) return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const unsigned drainEvery = data[0];
    const std::size_t chunk = std::size_t(data[1]) + 1;
    const std::uint8_t* stream = data + 2;
    const std::size_t length = size - 2;

    // The parser on the whole stream.
    MidiByteParser parser;
    const std::vector<MidiMessage> expected = parseAll(stream, length, &parser);
    const MidiParseCounts& c = parser.counts();
    require(c.channelBytes + c.realtime + c.sysexBytes + c.systemCommonBytes + c.discardedBytes +
                    parser.pendingBytes() == length,
            "a byte was not accounted for");
    require(c.messages == expected.size(), "message count differs from the messages made");
    for (const MidiMessage& m : expected) require(wellFormed(m), "a malformed channel message");

    // Realtime bytes are transparent.
    std::vector<std::uint8_t> noRealtime;
    for (std::size_t i = 0; i < length; ++i)
        if (stream[i] < 0xF8) noRealtime.push_back(stream[i]);
    MidiByteParser plain;
    require(parseAll(noRealtime.data(), noRealtime.size(), &plain) == expected, "realtime bytes changed the messages");

    // The input: chunks, drains now and then.
    FakeMidiInput input;
    std::vector<MidiInputEvent> got;
    unsigned chunks = 0;
    for (std::size_t at = 0; at < length; at += chunk) {
        const std::size_t n = at + chunk <= length ? chunk : length - at;
        input.play(std::vector<std::uint8_t>(stream + at, stream + at + n), double(chunks) * 0.001);
        if (drainEvery != 0 && ++chunks % drainEvery == 0) input.drain(&got);
    }
    input.drain(&got);
    const MidiInputStats s = input.stats();
    require(s.events == got.size(), "stats count other events than were drained");
    require(s.events + s.overflowDropped == expected.size(), "queued + dropped is not what the parser made");
    require(s.realtimeDropped == c.realtime && s.sysexDropped == c.sysex && s.systemCommonDropped == c.systemCommon,
            "dropped counts differ from the parser's");
    require(s.highWater <= MidiEventQueue::kCapacity, "more waiting than the capacity");
    MidiHeldNotes source, consumer;
    for (const MidiMessage& m : expected) source.apply(m);
    for (const MidiInputEvent& e : got) consumer.apply(e.message);
    if (s.overflowDropped == 0) {
        require(got.size() == expected.size(), "events lost without an overflow");
        for (std::size_t i = 0; i < got.size(); ++i) require(got[i].message == expected[i], "events changed or reordered");
    } else {
        std::size_t j = 0;
        for (const MidiInputEvent& e : got) {
            while (j < expected.size() && !(expected[j] == e.message)) ++j;
            require(j < expected.size(), "delivered events are not an in-order subsequence");
            ++j;
        }
    }
    require(heldWithin(consumer, source), "a note or pedal stuck down for the consumer");
    consumer.releaseAll(1.0);
    require(consumer.empty(), "releaseAll left something down");

    // The queue alone, never drained: it may drop, but never a release it owes.
    MidiEventQueue queue;
    for (const MidiMessage& m : expected) queue.push({0.0, m});
    require(queue.releasesDropped() == 0, "a needed release was dropped");
    return 0;
}
