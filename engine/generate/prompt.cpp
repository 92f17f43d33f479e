#include "generate/prompt.h"

#include "midi/midi_reader.h"       // readMidiFile
#include "tokenizer/value_bins.h"   // tempoBin

#include <algorithm>
#include <cmath>

namespace pm::gen {

using pm::tok::TokenId;
using pm::tok::TokenKind;

namespace {

// The encoder's tokens cut just before the Bar token of bar `keep` (the whole piece without its
// EOS when it has no more bars), with the bar count and end time read back by the decoder.
Prompt cutAtBar(const pm::tok::Tokenizer& tokenizer, const pm::tok::Encoding& e, std::size_t keep) {
    Prompt p;
    const std::size_t barCount = e.bars.size();
    if (keep < barCount) {
        p.tokens.assign(e.tokens.begin(), e.tokens.begin() + e.bars[keep].tokenOffset);
    } else {
        p.tokens = continuable(tokenizer, e.tokens);
        keep = barCount;
    }
    if (keep == 0 && barCount > 0) {
        p.tokens = pm::tok::windowPrefix(tokenizer.vocabulary(), e.bars[0]);   // metadata of bar 0 only
    }
    p.bars = keep;
    // The end of the last kept bar: the start time of the next Bar, found by decoding one more.
    pm::tok::StreamingDecoder dec = tokenizer.streamingDecoder();
    std::vector<pm::tok::DecodedEvent> events;
    for (TokenId id : p.tokens) dec.push(id, &events);
    if (keep > 0) {
        dec.push(tokenizer.vocabulary().id(TokenKind::Bar), &events);
        if (!events.empty() && events.back().kind == pm::tok::DecodedEvent::Kind::Bar) p.seconds = events.back().seconds;
    }
    return p;
}

}  // namespace

std::vector<TokenId> continuable(const pm::tok::Tokenizer& tokenizer, std::vector<TokenId> tokens) {
    const TokenId eos = tokenizer.vocabulary().id(TokenKind::Eos);
    while (!tokens.empty() && tokens.back() == eos) tokens.pop_back();
    return tokens;
}

Prompt promptFromBars(const pm::tok::Tokenizer& tokenizer, const pm::midi::MidiFile& file, std::size_t bars) {
    const pm::tok::Encoding e = tokenizer.encode(file);
    if (e.tokens.empty()) return Prompt{{}, 0, 0, "the file could not be tokenized"};
    return cutAtBar(tokenizer, e, bars);
}

Prompt promptFromSeconds(const pm::tok::Tokenizer& tokenizer, const pm::midi::MidiFile& file, double seconds) {
    const pm::tok::Encoding e = tokenizer.encode(file);
    if (e.tokens.empty()) return Prompt{{}, 0, 0, "the file could not be tokenized"};
    // Bar start times from the decoder (the tokens' own tempo map, which is what will play).
    pm::tok::StreamingDecoder dec = tokenizer.streamingDecoder();
    std::vector<pm::tok::DecodedEvent> events;
    std::size_t startedBefore = 0;
    for (TokenId id : e.tokens) {
        events.clear();
        dec.push(id, &events);
        for (const auto& ev : events)
            if (ev.kind == pm::tok::DecodedEvent::Kind::Bar && ev.seconds < seconds) ++startedBefore;
    }
    return cutAtBar(tokenizer, e, std::max<std::size_t>(startedBefore, e.bars.empty() ? 0 : 1));
}

Prompt metadataPrompt(const pm::tok::Tokenizer& tokenizer, pm::tok::Metre metre, double bpm) {
    const pm::tok::Vocabulary& v = tokenizer.vocabulary();
    const int metreIndex = v.metreIndex(metre);
    if (metreIndex < 0)
        return Prompt{{}, 0, 0, "unsupported time signature " + std::to_string(metre.numerator) + "/" +
                                    std::to_string(metre.denominator)};
    if (!(bpm > 0)) return Prompt{{}, 0, 0, "the tempo must be positive"};
    pm::tok::BarStart start;
    start.metre = std::uint16_t(metreIndex);
    start.tempoBin = std::uint16_t(pm::tok::tempoBin(bpm, tokenizer.config()));
    Prompt p;
    p.tokens = pm::tok::windowPrefix(v, start);
    return p;
}

Prompt buildPrompt(const pm::tok::Tokenizer& tokenizer, const PromptSpec& spec) {
    if (spec.file.empty()) return metadataPrompt(tokenizer, spec.metre, spec.bpm);
    auto file = pm::midi::readMidiFile(spec.file);
    if (!file) return Prompt{{}, 0, 0, spec.file + ": " + file.error().toString()};
    Prompt p = spec.seconds > 0 ? promptFromSeconds(tokenizer, file.value(), spec.seconds)
                                : promptFromBars(tokenizer, file.value(), std::size_t(std::max(0.0, std::floor(spec.bars))));
    if (!p.ok()) p.error = spec.file + ": " + p.error;
    return p;
}

}  // namespace pm::gen
