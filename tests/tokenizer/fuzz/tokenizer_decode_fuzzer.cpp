// libFuzzer target: any bytes, read as 16-bit token ids, must decode without a crash, a hang or
// unbounded memory, and the decoder's promises must hold on the way:
//  - every id is counted, and the file holds exactly the notes the decoder reported;
//  - the decoded file is music the tokenizer can say: its encoding decodes without a skip;
//  - the decoded file can be written as MIDI.
// The first byte picks one of a few configs so the fuzzer also walks other vocabularies; with
// its high bit set the rest is read as a MIDI file instead and goes through the encoder: the
// encoding of whatever the lenient reader makes of it must decode cleanly, note for note.
//
// Build and run (clang; sources compiled straight in, as scripts/fuzz-midi.sh does for MIDI):
//   clang++ -std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -Iengine
//     tests/tokenizer/fuzz/tokenizer_decode_fuzzer.cpp engine/tokenizer/*.cpp engine/midi/*.cpp
//     -o /tmp/tokenizer_decode_fuzzer && /tmp/tokenizer_decode_fuzzer -max_total_time=60
// (one command line; nlohmann's include path added where it is not in /usr/include)
// Every build also replays it over random inputs in tokenizer_tests (FuzzReplay).
#include "tokenizer/tokenizer.h"

#include "midi/midi_reader.h"
#include "midi/midi_writer.h"

#include <cstdint>
#include <cstdlib>
#include <vector>

namespace {

const pm::tok::Tokenizer& tokenizerFor(std::uint8_t selector) {
    static const pm::tok::Tokenizer standard;
    static const pm::tok::Tokenizer coarse = [] {
        pm::tok::TokenizerConfig c;
        c.positionsPerQuarter = 12;
        c.velocityBins = 8;
        c.durationExtraTokens = 0;
        c.maxBarQuarters = 4;
        return pm::tok::Tokenizer(c);
    }();
    return selector % 2 ? coarse : standard;
}

void check(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const pm::tok::Tokenizer& t = tokenizerFor(data[0]);
    if (data[0] & 0x80) {
        auto read = pm::midi::readMidi(data + 1, size - 1);
        if (!read.ok()) return 0;
        pm::tok::EncodeOptions options;
        options.maxBars = 2000;   // fuzzed end ticks are huge; keep each run short
        const pm::tok::Encoding e = t.encode(read.value(), options);
        const pm::tok::Decoded d = t.decode(e.tokens);
        check(d.stats.clean() && d.stats.ended);
        check(d.stats.notes == e.report.notesEncoded);
        return 0;
    }
    std::vector<pm::tok::TokenId> ids;
    for (std::size_t i = 1; i + 1 < size; i += 2) {
        // Mostly small ids so that valid music happens often; the high bit keeps big ones reachable.
        const unsigned raw = unsigned(data[i]) | unsigned(data[i + 1]) << 8;
        ids.push_back(pm::tok::TokenId(raw & 0x8000 ? raw : raw % t.vocabulary().size()));
    }
    pm::tok::StreamingDecoder decoder = t.streamingDecoder();
    std::vector<pm::tok::DecodedEvent> events;
    std::size_t used = 0, noteEvents = 0;
    for (pm::tok::TokenId id : ids) {
        events.clear();
        used += decoder.push(id, &events);
        for (const auto& e : events) noteEvents += e.kind == pm::tok::DecodedEvent::Kind::Note;
    }
    const pm::tok::DecodeStats stats = decoder.stats();
    const pm::midi::MidiFile file = decoder.file();
    check(stats.tokens == ids.size());
    check(used + stats.skipped + stats.padding >= ids.size());   // given-up ids were used first, then counted
    check(stats.notes == noteEvents && stats.notes == file.noteCount());
    const pm::tok::Encoding again = t.encode(file);
    check(t.decode(again.tokens).stats.clean());
    check(pm::midi::writeMidi(file).ok());
    return 0;
}
