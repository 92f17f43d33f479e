// The MIDI input byte parser against hand-written byte sequences: running status, realtime bytes
// anywhere, SysEx (split, cut short), system common, garbage, note-on velocity 0. Every expected
// message and count below is worked out by hand from the MIDI 1.0 byte layout.
#include "playback/midi_byte_parser.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

using namespace pm::play;

namespace {

using Bytes = std::vector<std::uint8_t>;

// Every message the parser produced, as its bytes (size included).
std::vector<Bytes> parse(MidiByteParser& p, const Bytes& in) {
    std::vector<Bytes> out;
    p.feed(in.data(), in.size(), [&](const MidiMessage& m) { out.emplace_back(m.bytes, m.bytes + m.size); });
    return out;
}

std::vector<Bytes> parse(const Bytes& in) {
    MidiByteParser p;
    return parse(p, in);
}

// channelBytes + realtime + sysexBytes + systemCommonBytes + discardedBytes + pending == fed.
std::uint64_t accounted(const MidiByteParser& p) {
    const MidiParseCounts& c = p.counts();
    return c.channelBytes + c.realtime + c.sysexBytes + c.systemCommonBytes + c.discardedBytes + p.pendingBytes();
}

TEST(MidiByteParser, NoteOnAndOff) {
    MidiByteParser p;
    EXPECT_EQ(parse(p, {0x90, 0x3C, 0x64, 0x80, 0x3C, 0x40}),
              (std::vector<Bytes>{{0x90, 0x3C, 0x64}, {0x80, 0x3C, 0x40}}));
    EXPECT_EQ(p.counts().messages, 2u);
    EXPECT_EQ(p.counts().channelBytes, 6u);
    EXPECT_EQ(p.pendingBytes(), 0u);
}

TEST(MidiByteParser, RunningStatusReusesTheLastChannelStatus) {
    MidiByteParser p;
    // Note-on C4 100, then (running status) E4 80, then E4 velocity 0 = its release.
    EXPECT_EQ(parse(p, {0x92, 0x3C, 0x64, 0x40, 0x50, 0x40, 0x00}),
              (std::vector<Bytes>{{0x92, 0x3C, 0x64}, {0x92, 0x40, 0x50}, {0x82, 0x40, 0x40}}));
    EXPECT_EQ(p.counts().channelBytes, 7u);   // one status byte for three messages
    // Running status carries across feeds (a byte stream cut anywhere).
    EXPECT_EQ(parse(p, {0x3E}), std::vector<Bytes>{});
    EXPECT_EQ(p.pendingBytes(), 1u);
    EXPECT_EQ(parse(p, {0x20}), (std::vector<Bytes>{{0x92, 0x3E, 0x20}}));
    EXPECT_EQ(accounted(p), 9u);
}

TEST(MidiByteParser, NoteOnWithVelocityZeroIsANoteOffWithReleaseVelocity64) {
    EXPECT_EQ(parse({0x95, 0x3C, 0x00}), (std::vector<Bytes>{{0x85, 0x3C, 0x40}}));
    // A real note-off keeps its own release velocity, 0 included.
    EXPECT_EQ(parse({0x85, 0x3C, 0x00, 0x85, 0x3C, 0x7F}), (std::vector<Bytes>{{0x85, 0x3C, 0x00}, {0x85, 0x3C, 0x7F}}));
}

TEST(MidiByteParser, OneDataByteMessagesWithRunningStatus) {
    MidiByteParser p;
    // Program change 5, then 6 by running status; channel pressure 64 on channel 4.
    EXPECT_EQ(parse(p, {0xC0, 0x05, 0x06, 0xD3, 0x40}),
              (std::vector<Bytes>{{0xC0, 0x05}, {0xC0, 0x06}, {0xD3, 0x40}}));
    EXPECT_EQ(p.counts().channelBytes, 5u);
}

TEST(MidiByteParser, ControlChangePolyPressureAndPitchBend) {
    EXPECT_EQ(parse({0xB0, 0x40, 0x7F, 0xA1, 0x3C, 0x22, 0xE0, 0x00, 0x40}),
              (std::vector<Bytes>{{0xB0, 0x40, 0x7F}, {0xA1, 0x3C, 0x22}, {0xE0, 0x00, 0x40}}));
}

TEST(MidiByteParser, RealtimeBytesAnywhereChangeNothing) {
    MidiByteParser p;
    // Clock between status and data, active sensing between the data bytes, clock after; then
    // a clock between two running-status messages.
    EXPECT_EQ(parse(p, {0x90, 0xF8, 0x3C, 0xFE, 0x64, 0xF8, 0x3E, 0xF8, 0x50}),
              (std::vector<Bytes>{{0x90, 0x3C, 0x64}, {0x90, 0x3E, 0x50}}));
    EXPECT_EQ(p.counts().realtime, 4u);
    // Start, continue, stop, reset and the undefined F9/FD are realtime too.
    EXPECT_EQ(parse(p, {0xFA, 0xFB, 0xFC, 0xFF, 0xF9, 0xFD, 0x40, 0x10}), (std::vector<Bytes>{{0x90, 0x40, 0x10}}));
    EXPECT_EQ(p.counts().realtime, 10u);
    EXPECT_EQ(accounted(p), 17u);
}

TEST(MidiByteParser, SysExIsDroppedAndCountedAndEndsRunningStatus) {
    MidiByteParser p;
    // GM System On (F0 7E 7F 09 01 F7) with a clock inside it, then data bytes that running
    // status would have made a note: SysEx ended it, so they are garbage.
    EXPECT_EQ(parse(p, {0x90, 0x3C, 0x64, 0xF0, 0x7E, 0x7F, 0xF8, 0x09, 0x01, 0xF7, 0x3E, 0x50}),
              (std::vector<Bytes>{{0x90, 0x3C, 0x64}}));
    EXPECT_EQ(p.counts().sysex, 1u);
    EXPECT_EQ(p.counts().sysexBytes, 6u);
    EXPECT_EQ(p.counts().realtime, 1u);
    EXPECT_EQ(p.counts().discardedBytes, 2u);
    EXPECT_EQ(accounted(p), 12u);
}

TEST(MidiByteParser, SysExSplitOverSeveralFeeds) {
    MidiByteParser p;
    EXPECT_EQ(parse(p, {0xF0, 0x43, 0x10}), std::vector<Bytes>{});
    EXPECT_EQ(parse(p, {0x4C, 0x00}), std::vector<Bytes>{});
    EXPECT_EQ(parse(p, {0x00, 0xF7, 0xB0, 0x40, 0x7F}), (std::vector<Bytes>{{0xB0, 0x40, 0x7F}}));
    EXPECT_EQ(p.counts().sysex, 1u);
    EXPECT_EQ(p.counts().sysexBytes, 7u);
    EXPECT_EQ(p.counts().discardedBytes, 0u);
}

TEST(MidiByteParser, ASysExCutShortByAStatusByteLetsThatMessageThrough) {
    MidiByteParser p;
    // The EOX was lost: the note-on's status byte ends the SysEx and the note still arrives.
    EXPECT_EQ(parse(p, {0xF0, 0x01, 0x02, 0x90, 0x3C, 0x64}), (std::vector<Bytes>{{0x90, 0x3C, 0x64}}));
    EXPECT_EQ(p.counts().sysex, 1u);
    EXPECT_EQ(p.counts().sysexBytes, 3u);
    EXPECT_EQ(p.counts().channelBytes, 3u);
}

TEST(MidiByteParser, TruncatedMessagesAreDiscardedAndTheNextOneIsKept) {
    MidiByteParser p;
    // A note-on missing its velocity, then a whole note-off.
    EXPECT_EQ(parse(p, {0x90, 0x3C, 0x80, 0x3C, 0x00}), (std::vector<Bytes>{{0x80, 0x3C, 0x00}}));
    EXPECT_EQ(p.counts().discardedBytes, 2u);
    // A control change missing both data bytes, then a note-on.
    EXPECT_EQ(parse(p, {0xB0, 0x90, 0x3C, 0x64}), (std::vector<Bytes>{{0x90, 0x3C, 0x64}}));
    EXPECT_EQ(p.counts().discardedBytes, 3u);
    EXPECT_EQ(accounted(p), 9u);
}

TEST(MidiByteParser, GarbageBeforeAnyStatusAndStrayBytesAreDiscarded) {
    MidiByteParser p;
    // Data bytes with no status yet; a stray EOX; the undefined F4 and F5.
    EXPECT_EQ(parse(p, {0x3C, 0x64, 0xF7, 0xF4, 0xF5, 0x90, 0x3C, 0x64}), (std::vector<Bytes>{{0x90, 0x3C, 0x64}}));
    EXPECT_EQ(p.counts().discardedBytes, 5u);
    EXPECT_EQ(p.counts().messages, 1u);
}

TEST(MidiByteParser, SystemCommonIsDroppedCountedAndEndsRunningStatus) {
    MidiByteParser p;
    // MTC quarter frame, song position (with a clock inside), song select, tune request.
    EXPECT_EQ(parse(p, {0xF1, 0x23, 0xF2, 0xF8, 0x10, 0x20, 0xF3, 0x05, 0xF6}), std::vector<Bytes>{});
    EXPECT_EQ(p.counts().systemCommon, 4u);
    EXPECT_EQ(p.counts().systemCommonBytes, 8u);
    EXPECT_EQ(p.counts().realtime, 1u);
    // A note, a tune request, then data that would have been running status: garbage.
    EXPECT_EQ(parse(p, {0x90, 0x3C, 0x64, 0xF6, 0x3E, 0x50}), (std::vector<Bytes>{{0x90, 0x3C, 0x64}}));
    EXPECT_EQ(p.counts().discardedBytes, 2u);
    // A song position cut short by a note-on.
    EXPECT_EQ(parse(p, {0xF2, 0x10, 0x91, 0x3C, 0x64}), (std::vector<Bytes>{{0x91, 0x3C, 0x64}}));
    EXPECT_EQ(p.counts().discardedBytes, 4u);
    EXPECT_EQ(accounted(p), 20u);
}

TEST(MidiByteParser, ResetForgetsRunningStatusAndThePartialMessage) {
    MidiByteParser p;
    EXPECT_EQ(parse(p, {0x90, 0x3C}), std::vector<Bytes>{});
    EXPECT_EQ(p.pendingBytes(), 2u);
    p.reset();
    EXPECT_EQ(p.pendingBytes(), 0u);
    EXPECT_EQ(p.counts().discardedBytes, 2u);
    EXPECT_EQ(parse(p, {0x64, 0x3C, 0x64}), std::vector<Bytes>{});   // no status any more
    EXPECT_EQ(p.counts().discardedBytes, 5u);
    // A reset inside a SysEx: its remaining payload is garbage.
    EXPECT_EQ(parse(p, {0xF0, 0x01}), std::vector<Bytes>{});
    p.reset();
    EXPECT_EQ(parse(p, {0x02, 0xF7}), std::vector<Bytes>{});
    EXPECT_EQ(p.counts().sysexBytes, 2u);
    EXPECT_EQ(p.counts().discardedBytes, 7u);
    EXPECT_EQ(accounted(p), 9u);
}

TEST(MidiByteParser, EveryByteIsAccountedForByteAtATime) {
    // A mixed stream fed one byte per call (as a serial port would): same messages as at once.
    const Bytes stream = {0x3C, 0x90, 0x3C, 0x64, 0xF8, 0x3E, 0x00, 0xF0, 0x01, 0xFE, 0x02, 0xF7, 0xB0, 0x40,
                          0x7F, 0x40, 0x00, 0xF2, 0x01, 0xC1, 0x05, 0xE0, 0x00, 0x40, 0x90, 0x3C};
    MidiByteParser whole, bytewise;
    const std::vector<Bytes> expected = parse(whole, stream);
    std::vector<Bytes> got;
    for (std::uint8_t b : stream) {
        const std::vector<Bytes> one = parse(bytewise, {b});
        got.insert(got.end(), one.begin(), one.end());
    }
    EXPECT_EQ(got, expected);
    EXPECT_EQ(expected, (std::vector<Bytes>{{0x90, 0x3C, 0x64},
                                            {0x80, 0x3E, 0x40},
                                            {0xB0, 0x40, 0x7F},
                                            {0xB0, 0x40, 0x00},
                                            {0xC1, 0x05},
                                            {0xE0, 0x00, 0x40}}));
    // 0x3C at the start and the cut-short F2 01 are garbage; 90 3C waits at the end.
    EXPECT_EQ(whole.counts().discardedBytes, 3u);
    EXPECT_EQ(whole.pendingBytes(), 2u);
    EXPECT_EQ(whole.counts().realtime, 2u);
    EXPECT_EQ(whole.counts().sysexBytes, 4u);
    EXPECT_EQ(accounted(whole), stream.size());
    EXPECT_EQ(accounted(bytewise), stream.size());
}

}  // namespace
