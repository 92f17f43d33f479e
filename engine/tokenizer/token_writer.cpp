#include "tokenizer/token_writer.h"

#include "tokenizer/value_bins.h"

#include <algorithm>

namespace pm::tok {
namespace {

struct BarLine {
    std::int64_t start = 0;
    int metre = 0;
};

// The state the token stream has established so far, mirrored from what the grammar tracks.
struct StreamState {
    int metre = 0;
    int tempoBin = 0;
    bool pedalDown = false;
};

// Pedal switches at one step collapse to at most "release, then press": a quick re-pedal inside
// one grid step survives, a tap shorter than a step (press and release) does not.
struct PedalAtStep {
    bool release = false, press = false;
};

PedalAtStep applyPedal(const std::vector<PedalSwitch>& pedal, std::size_t& next, std::int64_t step, bool& down) {
    const bool before = down;
    bool released = false;
    for (; next < pedal.size() && pedal[next].step <= step; ++next) {
        if (down && !pedal[next].down) released = true;
        down = pedal[next].down;
    }
    PedalAtStep result;
    result.release = before && released;
    result.press = down && (!before || result.release);
    return result;
}

// Of several tempo (or metre) points up to `step`, the last one counts.
template <typename Point, typename Value>
bool applyLast(const std::vector<Point>& points, std::size_t& next, std::int64_t step, Value Point::*field, int& value) {
    bool any = false;
    for (; next < points.size() && points[next].step <= step; ++next) {
        value = points[next].*field;
        any = true;
    }
    return any;
}

class TokenWriter {
public:
    TokenWriter(const QuantizedPiece& piece, const Vocabulary& vocabulary, const EncodeOptions& options,
                EncodeReport report)
        : piece_(piece), vocabulary_(vocabulary), options_(options) {
        out_.report = report;
    }

    Encoding write() {
        writePrefix();
        layOutBars();
        for (std::size_t b = 0; b < bars_.size(); ++b) writeBar(b);
        emit(TokenKind::Eos);
        out_.report.bars = bars_.size();
        out_.report.notesEncoded = notesWritten_;
        out_.report.beyondLengthDropped += piece_.notes.size() - nextNote_;
        return std::move(out_);
    }

private:
    void emit(TokenKind kind, int value = 0) { out_.tokens.push_back(vocabulary_.id(kind, value)); }

    // Everything at step 0 is the state the piece starts in, so it goes into the prefix.
    void writePrefix() {
        state_.metre = vocabulary_.metreIndex({4, 4});
        state_.tempoBin = tempoBin(120.0, vocabulary_.config());
        applyLast(piece_.metres, nextMetre_, 0, &MetrePoint::metre, state_.metre);
        applyLast(piece_.tempos, nextTempo_, 0, &TempoPoint::bin, state_.tempoBin);
        applyPedal(piece_.pedal, nextPedal_, 0, state_.pedalDown);
        emit(TokenKind::Bos);
        emit(TokenKind::TimeSig, state_.metre);
        emit(TokenKind::Tempo, state_.tempoBin);
        if (state_.pedalDown) emit(TokenKind::PedalOn);
    }

    // Bar lines first, so that the last bar (length limit included) is known before any note is
    // written and notes can be kept from sounding past it. A time signature change takes effect
    // at the first bar line at or after it.
    void layOutBars() {
        std::int64_t required = piece_.endStep;
        for (const QuantizedNote& n : piece_.notes) required = std::max({required, n.onset + 1, n.onset + n.duration});
        if (nextPedal_ < piece_.pedal.size()) required = std::max(required, piece_.pedal.back().step + 1);
        if (nextTempo_ < piece_.tempos.size()) required = std::max(required, piece_.tempos.back().step + 1);

        std::size_t nextMetre = nextMetre_;
        int metre = state_.metre;
        const int ppq = vocabulary_.config().positionsPerQuarter;
        for (std::int64_t start = 0; start < required && bars_.size() < options_.maxBars;) {
            const std::size_t before = nextMetre;
            applyLast(piece_.metres, nextMetre, start, &MetrePoint::metre, metre);
            for (std::size_t i = before; i < nextMetre; ++i)
                if (piece_.metres[i].step != start) ++out_.report.metresMovedToBarLine;
            bars_.push_back({start, metre});
            start += barSteps(vocabulary_.metres()[std::size_t(metre)], ppq);
        }
        if (!bars_.empty()) {
            const BarLine& last = bars_.back();
            piecesEnd_ = last.start + barSteps(vocabulary_.metres()[std::size_t(last.metre)], ppq);
        }
    }

    void writeBar(std::size_t b) {
        const BarLine& bar = bars_[b];
        const std::int64_t end = b + 1 < bars_.size() ? bars_[b + 1].start : piecesEnd_;
        BarStart record;
        record.tokenOffset = std::uint32_t(out_.tokens.size());
        emit(TokenKind::Bar);
        if (bar.metre != state_.metre) {
            state_.metre = bar.metre;
            emit(TokenKind::TimeSig, bar.metre);
        }
        bool recorded = false;
        while (true) {
            const std::int64_t step = nextEventStep();
            if (step >= end) break;
            if (!recorded && step > bar.start) {
                recordBar(record);
                recorded = true;
            }
            writePosition(step, step - bar.start);
            if (!recorded) {
                recordBar(record);
                recorded = true;
            }
        }
        if (!recorded) recordBar(record);
    }

    void recordBar(BarStart record) {
        record.metre = std::uint16_t(state_.metre);
        record.tempoBin = std::uint16_t(state_.tempoBin);
        record.pedalDown = state_.pedalDown;
        out_.bars.push_back(record);
    }

    std::int64_t nextEventStep() const {
        std::int64_t step = INT64_MAX;
        if (nextNote_ < piece_.notes.size()) step = std::min(step, piece_.notes[nextNote_].onset);
        if (nextPedal_ < piece_.pedal.size()) step = std::min(step, piece_.pedal[nextPedal_].step);
        if (nextTempo_ < piece_.tempos.size()) step = std::min(step, piece_.tempos[nextTempo_].step);
        return step;
    }

    void writePosition(std::int64_t step, std::int64_t position) {
        const std::size_t groupStart = out_.tokens.size();
        emit(TokenKind::Position, int(position));
        const std::size_t afterPosition = out_.tokens.size();

        int tempo = state_.tempoBin;
        if (applyLast(piece_.tempos, nextTempo_, step, &TempoPoint::bin, tempo) && tempo != state_.tempoBin) {
            state_.tempoBin = tempo;
            emit(TokenKind::Tempo, tempo);
        }
        const PedalAtStep pedal = applyPedal(piece_.pedal, nextPedal_, step, state_.pedalDown);
        if (pedal.release) emit(TokenKind::PedalOff);
        if (pedal.press) emit(TokenKind::PedalOn);

        for (; nextNote_ < piece_.notes.size() && piece_.notes[nextNote_].onset == step; ++nextNote_) {
            const QuantizedNote& note = piece_.notes[nextNote_];
            std::int64_t duration = note.duration;
            if (note.onset + duration > piecesEnd_) {   // only when the bar limit cut the piece short
                duration = piecesEnd_ - note.onset;
                ++out_.report.durationsClamped;
            }
            const DurationSplit split = splitDuration(duration, vocabulary_.config());
            emit(TokenKind::Pitch, note.pitch);
            emit(TokenKind::Velocity, note.velocityBin);
            if (split.extra > 0) emit(TokenKind::DurationExtra, split.extra);
            emit(TokenKind::Duration, split.rest);
            ++notesWritten_;
        }
        // A tempo event that repeats the current bin, or a pedal tap inside one step, leaves
        // nothing to say: drop the Position as well.
        if (out_.tokens.size() == afterPosition) out_.tokens.resize(groupStart);
    }

    const QuantizedPiece& piece_;
    const Vocabulary& vocabulary_;
    const EncodeOptions& options_;
    Encoding out_;
    StreamState state_;
    std::vector<BarLine> bars_;
    std::int64_t piecesEnd_ = 0;
    std::size_t nextNote_ = 0, nextPedal_ = 0, nextTempo_ = 0, nextMetre_ = 0;
    std::size_t notesWritten_ = 0;
};

}  // namespace

Encoding writeTokens(const QuantizedPiece& piece, const Vocabulary& vocabulary, const EncodeOptions& options,
                     EncodeReport report) {
    return TokenWriter(piece, vocabulary, options, report).write();
}

}  // namespace pm::tok
