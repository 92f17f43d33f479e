#include "tokenizer/streaming_decoder.h"

#include "tokenizer/value_bins.h"

#include "midi/tempo_map.h"   // pm::midi::TempoMap: seconds of the finished file

#include <algorithm>
#include <tuple>

namespace pm::tok {

StreamingDecoder::StreamingDecoder(std::shared_ptr<const Vocabulary> vocabulary)
    : vocabulary_(std::move(vocabulary)), grammar_(vocabulary_), lastBoundary_(grammar_.state()) {}

double StreamingDecoder::secondsAt(midi::Tick tick) const {
    const double ticksPerQuarter = double(kTicksPerStep) * vocabulary_->config().positionsPerQuarter;
    return tempoSeconds_ + double(tick - std::min(tick, tempoTick_)) * usPerQuarter_ / 1e6 / ticksPerQuarter;
}

void StreamingDecoder::emitEvent(std::vector<DecodedEvent>* events, DecodedEvent event) const {
    if (!events) return;
    event.seconds = secondsAt(event.tick);
    events->push_back(event);
}

void StreamingDecoder::assumePrefixFor(TokenId id) {
    const Vocabulary& v = *vocabulary_;
    const TokenizerConfig& config = v.config();
    while (!grammar_.accepts(id)) {
        TokenId assumed;
        switch (grammar_.state().phase) {
            case GrammarPhase::Start: assumed = v.id(TokenKind::Bos); break;
            case GrammarPhase::AfterBos: assumed = v.id(TokenKind::TimeSig, v.metreIndex({4, 4})); break;
            case GrammarPhase::AfterPrefixMetre: assumed = v.id(TokenKind::Tempo, tempoBin(120.0, config)); break;
            default: return;
        }
        apply(assumed, nullptr);
        ++stats_.assumedPrefix;
    }
}

bool StreamingDecoder::push(TokenId id, std::vector<DecodedEvent>* events) {
    ++stats_.tokens;
    const TokenKind kind = vocabulary_->token(id).kind;
    if (kind == TokenKind::Pad) {
        ++stats_.padding;
        return false;
    }
    // Only tokens that belong to music make the decoder assume a missing prefix: a stray EOS
    // or BOS-less garbage id should not.
    if (kind != TokenKind::Invalid && kind != TokenKind::Sep && kind != TokenKind::Mask && kind != TokenKind::Eos)
        assumePrefixFor(id);
    if (grammar_.accepts(id)) {
        apply(id, events);
        return true;
    }
    if (pending_ > 0) {
        // The token cannot finish what is half-read. If it makes sense from the last whole
        // event (a Bar after Pitch Velocity), the half note is what went wrong: give it up.
        // Otherwise the token itself is the junk: skip it and keep the half note.
        const GrammarState halfRead = grammar_.state();
        grammar_.restore(lastBoundary_);
        if (grammar_.accepts(id)) {
            stats_.skipped += pending_;
            pending_ = 0;
            apply(id, events);
            return true;
        }
        grammar_.restore(halfRead);
    }
    ++stats_.skipped;
    return false;
}

void StreamingDecoder::apply(TokenId id, std::vector<DecodedEvent>* events) {
    grammar_.advance(id);
    const GrammarState& s = grammar_.state();
    const Token t = vocabulary_->token(id);
    const midi::Tick tick = tickNow();
    switch (t.kind) {
        case TokenKind::TimeSig: {
            const Metre& m = vocabulary_->metres()[std::size_t(t.value)];
            int power = 0;
            while ((1 << power) < m.denominator) ++power;
            midi::TimeSignature ts;
            ts.tick = tick;
            ts.numerator = std::uint8_t(m.numerator);
            ts.denominatorPower = std::uint8_t(power);
            ts.clocksPerClick = std::uint8_t(96 / m.denominator);   // one click per notated beat
            metres_.push_back(ts);
            DecodedEvent e;
            e.kind = DecodedEvent::Kind::TimeSignature;
            e.tick = tick;
            e.metre = m;
            emitEvent(events, e);
            break;
        }
        case TokenKind::Tempo: {
            const std::uint32_t us = tempoBinMicroseconds(t.value, vocabulary_->config());
            tempoSeconds_ = secondsAt(tick);
            tempoTick_ = tick;
            usPerQuarter_ = us;
            tempos_.push_back({tick, us, 0});
            DecodedEvent e;
            e.kind = DecodedEvent::Kind::Tempo;
            e.tick = tick;
            e.usPerQuarter = us;
            emitEvent(events, e);
            break;
        }
        case TokenKind::PedalOn:
        case TokenKind::PedalOff: {
            const bool down = t.kind == TokenKind::PedalOn;
            pedal_.push_back({tick, 0, std::uint8_t(down ? 127 : 0)});
            DecodedEvent e;
            e.kind = down ? DecodedEvent::Kind::PedalDown : DecodedEvent::Kind::PedalUp;
            e.tick = tick;
            emitEvent(events, e);
            break;
        }
        case TokenKind::Bar: {
            DecodedEvent e;
            e.kind = DecodedEvent::Kind::Bar;
            e.tick = tick;
            e.bar = s.bars - 1;
            emitEvent(events, e);
            break;
        }
        case TokenKind::Duration: {
            midi::Note note;
            note.start = tick;
            // Duration_0 stands for "shorter than half a step": a quarter step still sounds.
            note.end = tick + (s.lastDuration == 0 ? kTicksPerStep / 4 : midi::Tick(s.lastDuration) * kTicksPerStep);
            note.pitch = std::uint8_t(s.lastPitch);
            note.velocity = std::uint8_t(velocityOfBin(s.lastVelocity, vocabulary_->config()));
            note.startSeconds = secondsAt(note.start);
            note.endSeconds = secondsAt(note.end);
            notes_.push_back(note);
            latestNoteEnd_ = std::max(latestNoteEnd_, note.end);
            ++stats_.notes;
            DecodedEvent e;
            e.kind = DecodedEvent::Kind::Note;
            e.tick = tick;
            e.note = note;
            emitEvent(events, e);
            break;
        }
        case TokenKind::Eos: {
            stats_.ended = true;
            DecodedEvent e;
            e.kind = DecodedEvent::Kind::End;
            e.tick = midi::Tick(s.bars > 0 ? s.barStart + s.barLength : 0) * kTicksPerStep;
            emitEvent(events, e);
            break;
        }
        default: break;   // BOS, Position, Pitch, Velocity, DurationExtra: state only
    }
    if (grammar_.atEventBoundary()) {
        lastBoundary_ = s;
        pending_ = 0;
    } else {
        ++pending_;
    }
}

DecodeStats StreamingDecoder::stats() const {
    DecodeStats s = stats_;
    s.unfinished = pending_;
    return s;
}

midi::MidiFile StreamingDecoder::file() const {
    const GrammarState& s = grammar_.state();
    midi::MidiFile file;
    file.format = 0;
    file.headerTrackCount = 1;
    file.division.kind = midi::Division::Kind::Ppq;
    file.division.ticksPerBeat = std::uint16_t(kTicksPerStep * vocabulary_->config().positionsPerQuarter);
    file.tempos = tempos_;
    file.timeSignatures = metres_;

    midi::Track track;
    track.name = "Piano";
    track.notes = notes_;
    std::sort(track.notes.begin(), track.notes.end(), [](const midi::Note& a, const midi::Note& b) {
        return std::tie(a.start, a.pitch, a.channel, a.end, a.velocity) < std::tie(b.start, b.pitch, b.channel, b.end, b.velocity);
    });
    track.sustain = pedal_;
    const midi::Tick barsEnd = midi::Tick(s.bars > 0 ? s.barStart + s.barLength : 0) * kTicksPerStep;
    // A finished piece lasts to the end of its last bar (the grammar made every note end by then);
    // an unfinished one at least until its notes have ended.
    track.endTick = stats_.ended ? barsEnd : std::max(barsEnd, latestNoteEnd_);
    if (!stats_.ended) {
        if (!pedal_.empty()) track.endTick = std::max(track.endTick, pedal_.back().tick);
        if (!tempos_.empty()) track.endTick = std::max(track.endTick, tempos_.back().tick);
    }
    file.tracks.push_back(std::move(track));

    // Seconds from the complete tempo map: a tempo change read after a note started may fall
    // inside it, which the streamed events could not know yet.
    const midi::TempoMap tempoMap(file.division, file.tempos);
    for (midi::Note& n : file.tracks[0].notes) {
        n.startSeconds = tempoMap.seconds(n.start);
        n.endSeconds = tempoMap.seconds(n.end);
    }
    file.durationSeconds = tempoMap.seconds(file.tracks[0].endTick);
    return file;
}

}  // namespace pm::tok
