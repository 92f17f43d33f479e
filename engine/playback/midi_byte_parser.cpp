#include "playback/midi_byte_parser.h"

namespace pm::play {

void MidiByteParser::discardPending() {
    counts_.discardedBytes += pending_;
    pending_ = 0;
    have_ = 0;
}

void MidiByteParser::startChannel(std::uint8_t status) {
    runningStatus_ = status;
    // Program change (Cn) and channel pressure (Dn) carry one data byte, the others two.
    const std::uint8_t kind = status & 0xF0;
    need_ = (kind == 0xC0 || kind == 0xD0) ? 1 : 2;
    have_ = 0;
    pending_ = 1;
    state_ = State::Channel;
}

bool MidiByteParser::push(std::uint8_t byte, MidiMessage* out) {
    // Realtime bytes may sit between any two bytes of anything; they change no state.
    if (byte >= 0xF8) {
        ++counts_.realtime;
        return false;
    }

    if (state_ == State::SysEx) {
        if (byte < 0x80) {
            ++counts_.sysexBytes;
            return false;
        }
        if (byte == 0xF7) {
            ++counts_.sysexBytes;
            state_ = State::Idle;
            return false;
        }
        // Any other status ends the SysEx (its EOX was lost) and then counts as itself.
        state_ = State::Idle;
    }

    if (byte < 0x80) {
        if (state_ == State::Idle) {   // no status to attach it to
            ++counts_.discardedBytes;
            return false;
        }
        data_[have_++] = byte;
        ++pending_;
        if (have_ < need_) return false;
        if (state_ == State::SystemCommon) {
            ++counts_.systemCommon;
            counts_.systemCommonBytes += pending_;
            pending_ = 0;
            have_ = 0;
            state_ = State::Idle;
            return false;
        }
        // A complete channel message; the status stays for running status.
        const std::uint8_t status = runningStatus_;
        MidiMessage m;
        if ((status & 0xF0) == 0x90 && data_[1] == 0) {
            m.bytes[0] = std::uint8_t(0x80 | (status & 0x0F));
            m.bytes[1] = data_[0];
            m.bytes[2] = 64;
            m.size = 3;
        } else {
            m.bytes[0] = status;
            m.bytes[1] = data_[0];
            m.bytes[2] = need_ == 2 ? data_[1] : 0;
            m.size = std::uint8_t(need_ + 1);
        }
        *out = m;
        ++counts_.messages;
        counts_.channelBytes += pending_;
        pending_ = 0;
        have_ = 0;
        return true;
    }

    // A status byte (80-F7): whatever was unfinished is cut short.
    discardPending();
    if (byte < 0xF0) {
        startChannel(byte);
        return false;
    }
    // System messages end running status (MIDI 1.0: system exclusive and system common).
    runningStatus_ = 0;
    state_ = State::Idle;
    switch (byte) {
        case 0xF0:
            ++counts_.sysex;
            ++counts_.sysexBytes;
            state_ = State::SysEx;
            return false;
        case 0xF1:   // MTC quarter frame
        case 0xF3:   // song select
        case 0xF2:   // song position pointer
            need_ = byte == 0xF2 ? 2 : 1;
            have_ = 0;
            pending_ = 1;
            state_ = State::SystemCommon;
            return false;
        case 0xF6:   // tune request: no data
            ++counts_.systemCommon;
            ++counts_.systemCommonBytes;
            return false;
        default:     // F4, F5 (undefined) and an EOX outside a SysEx
            ++counts_.discardedBytes;
            return false;
    }
}

void MidiByteParser::reset() {
    discardPending();
    runningStatus_ = 0;
    state_ = State::Idle;
}

}  // namespace pm::play
