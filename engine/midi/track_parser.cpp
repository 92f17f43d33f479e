#include "midi/track_parser.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

namespace pm::midi {
namespace {

constexpr Tick kStillOpen = ~Tick(0);   // a note's end while no note-off has closed it

std::string hexByte(std::uint8_t b) {
    char text[8];
    std::snprintf(text, sizeof text, "0x%02X", b);
    return text;
}

struct NoteLess {
    bool operator()(const Note& a, const Note& b) const {
        return std::tie(a.start, a.pitch, a.channel, a.end, a.velocity) <
               std::tie(b.start, b.pitch, b.channel, b.end, b.velocity);
    }
};

// Notes arrive in note-on order, so starts already ascend; only notes sharing a start (chords)
// can be out of order. Sorting just those runs keeps this O(n) for real music.
void sortNotes(std::vector<Note>& notes) {
    const auto end = notes.end();
    for (auto first = notes.begin(); first != end;) {
        auto last = first + 1;
        while (last != end && last->start == first->start) ++last;
        if (last - first > 1 && !std::is_sorted(first, last, NoteLess())) std::sort(first, last, NoteLess());
        first = last;
    }
}

}  // namespace

TrackEnd TrackParser::parse(ByteCursor body, std::uint32_t trackIndex, bool cutByEndOfFile, Track& track) {
    track_ = int(trackIndex);
    cutByEndOfFile_ = cutByEndOfFile;
    tick_ = 0;
    runningStatus_ = 0;
    openAtEnd_ = 0;
    notesNeedSorting_ = false;
    sysexOpen_ = false;
    // Real files spend 6–8 bytes per note (two events with running status); the chunk's bytes
    // are really there, so this reservation is bounded by the file's size, not a declared length.
    track.notes.reserve(body.remaining() / 8);
    open_.startTrack(body.remaining() / 8);

    TrackEnd end;
    readEvents(body, track, end);
    if (!diag_.failed()) finishTrack(track);
    end.keepReading = !diag_.failed();
    return end;
}

// Reads events until end-of-track, the end of the chunk, or damage that ends the track.
// Returns false when the track ended early (damage); diag_.failed() says if the file must stop.
//
// This is the reader's hot loop, so channel messages (nearly all events) are decoded here on
// local copies of the position, time and running status: the note vectors are written with
// byte stores, which may alias any member, so state kept in members would be reloaded after
// every note. Everything rarer (meta, sysex, damage) syncs the state and takes the slow path.
bool TrackParser::readEvents(ByteCursor& in, Track& track, TrackEnd& end) {
    const std::uint8_t* p = in.position();
    const std::uint8_t* const stop = in.end();
    Tick tick = tick_;
    Tick lastTick = track.endTick;   // of the last complete event
    std::uint8_t running = runningStatus_;
    std::uint64_t events = 0, notes = 0, closed = 0;
    // Notes arrive in start order; they need sorting only where a note sharing its start with
    // the previous one does not sort after it by (pitch, channel). Noticing that here saves
    // a pass over every track.
    Tick previousStart = ~Tick(0);
    unsigned previousKey = 0;
    bool needsSort = false;
    const std::uint64_t eventLimit = limits_.maxEvents - events_.eventCount;   // count so far never exceeds the limit
    const std::uint64_t noteLimit = limits_.maxNotes - events_.noteCount;

    const auto syncOut = [&](const std::uint8_t* eventStart) {
        in.seek(p);
        tick_ = tick;
        runningStatus_ = running;
        eventStart_ = in.offsetOf(eventStart);
    };
    const auto leave = [&](bool result) {
        openAtEnd_ = notes - closed;
        notesNeedSorting_ = needsSort;
        track.endTick = lastTick;
        track.eventCount += events;
        events_.eventCount += events;
        events_.noteCount += notes;
        in.seek(p);
        tick_ = tick;
        runningStatus_ = running;
        return result;
    };

    while (p != stop) {
        const std::uint8_t* const eventStart = p;
        std::uint32_t delta = *p++;
        if (delta & 0x80) {   // a multi-byte delta time: rare enough for the general reader
            p = eventStart;
            syncOut(eventStart);
            const VlqStatus status = in.readVlq(delta);
            if (status == VlqStatus::Truncated) return leave(truncated("a delta time"));
            if (status == VlqStatus::TooLong) {
                diag_.repair(eventStart_, track_, "delta time longer than 4 bytes; the rest of the track is unreadable");
                return leave(false);
            }
            p = in.position();
        }
        if (p == stop) {
            syncOut(eventStart);
            return leave(truncated("an event (delta time without a status byte)"));
        }

        std::uint8_t status = *p;
        if (status & 0x80) {
            ++p;
        } else if (running != 0) {
            status = running;   // running status: the data bytes follow directly
        } else {
            syncOut(eventStart);
            const std::uint64_t first = in.offset();
            std::size_t skipped = 0;
            while (p != stop && !(*p & 0x80)) {
                ++p;
                ++skipped;
            }
            if (!diag_.repair(first, track_,
                              std::to_string(skipped) + " data byte(s) with no status byte to repeat (running "
                                                        "status without a previous channel message) skipped"))
                return leave(false);
            if (p == stop) break;
            status = *p++;
        }
        tick += delta;   // at most 2^28 per event and ReadLimits::maxEvents events: no overflow
        if (++events > eventLimit) {
            syncOut(eventStart);
            diag_.fail(eventStart_, track_,
                       "more than " + std::to_string(limits_.maxEvents) + " events, the most this reader accepts in one file");
            return leave(false);
        }

        if (status < 0xF0) {
            running = status;
            const std::uint8_t kind = status & 0xF0;
            const std::uint8_t channel = status & 0x0F;
            const int dataBytes = kind == 0xC0 || kind == 0xD0 ? 1 : 2;
            std::uint8_t data[2];   // data[1] repeats data[0] for one-byte messages
            if (stop - p >= dataBytes && !((p[0] | p[dataBytes - 1]) & 0x80)) {
                data[0] = p[0];
                data[1] = p[dataBytes - 1];
                p += dataBytes;
            } else {
                std::uint8_t checked[2] = {0, 0};
                syncOut(eventStart);
                if (!readDataBytes(in, dataBytes, checked)) return leave(false);
                p = in.position();
                data[0] = checked[0];
                data[1] = checked[dataBytes - 1];
            }
            if (kind == 0x90 && data[1] != 0) {
                if (++notes > noteLimit) {
                    syncOut(eventStart);
                    diag_.fail(eventStart_, track_,
                               "more than " + std::to_string(limits_.maxNotes) +
                                   " notes, the most this reader accepts in one file");
                    return leave(false);
                }
                open_.open(channel, data[0], std::int32_t(track.notes.size()));
                // Field by field in place: building a Note on the stack and copying it stalls
                // on store forwarding, which cost a quarter of the reading time.
                const unsigned key = unsigned(data[0]) << 4 | channel;
                needsSort |= tick == previousStart && key <= previousKey;
                previousStart = tick;
                previousKey = key;
                Note& note = track.notes.emplace_back();
                note.start = tick;
                note.end = kStillOpen;
                note.pitch = data[0];
                note.velocity = data[1];
                note.channel = channel;
            } else if (kind == 0x80 || kind == 0x90) {   // note-off, or note-on with velocity 0
                const std::int32_t oldest = open_.closeOldest(channel, data[0]);
                if (oldest == OpenNotes::kNone) {
                    track.orphanNoteOffs.push_back({tick, data[0], channel});
                } else {
                    track.notes[std::size_t(oldest)].end = tick;
                    ++closed;
                }
            } else if (kind == 0xB0 && data[0] == 64) {
                track.sustain.push_back({tick, channel, data[1]});
            } else if (kind == 0xC0) {
                track.programs.push_back({tick, channel, data[0]});
            }
            lastTick = tick;
            continue;
        }

        syncOut(eventStart);
        if (status == 0xFF) {
            bool endOfTrack = false;
            if (!readMeta(in, track, endOfTrack)) return leave(false);
            p = in.position();
            if (endOfTrack) {
                lastTick = tick;
                end.afterEndOfTrack = p;
                return leave(true);
            }
        } else if (status == 0xF0 || status == 0xF7) {
            // Meta and sysex events neither set nor cancel running status. The spec says they
            // cancel it, but a data byte after one can only mean "repeat the last channel
            // status", and files written that way exist; mido does the same after meta events.
            if (!readSysex(in, status == 0xF7, track)) return leave(false);
            p = in.position();
        } else {
            if (!readSystemMessage(in, status)) return leave(false);
            p = in.position();
            running = runningStatus_;
        }
        lastTick = tick;
    }
    in.seek(p);
    diag_.repair(in.offset(), track_, "track has no end-of-track event");
    return leave(false);
}

bool TrackParser::readDataBytes(ByteCursor& in, int count, std::uint8_t* out) {
    if (in.remaining() < std::size_t(count)) return truncated("a channel message");
    for (int i = 0; i < count; ++i) {
        std::uint8_t b = in.take();
        if (b & 0x80) {
            if (!diag_.repair(in.offset() - 1, track_, "data byte " + hexByte(b) + " above 127 clipped to 127"))
                return false;
            b = 127;
        }
        out[i] = b;
    }
    return true;
}

bool TrackParser::readMeta(ByteCursor& in, Track& track, bool& endOfTrack) {
    if (in.atEnd()) return truncated("a meta event");
    const std::uint8_t type = in.take();
    std::uint32_t length = 0;
    const VlqStatus lengthStatus = in.readVlq(length);
    if (lengthStatus == VlqStatus::Truncated) return truncated("a meta event's length");
    if (lengthStatus == VlqStatus::TooLong) {
        diag_.repair(eventStart_, track_, "meta event length longer than 4 bytes; the rest of the track is unreadable");
        return false;
    }
    if (length > in.remaining())
        return truncated("meta event " + hexByte(type) + " of " + std::to_string(length) + " bytes");
    const std::uint8_t* data = in.position();
    in.skip(length);

    const auto wrongLength = [&](const char* what, std::uint32_t expected) {
        std::string message = std::string(what) + " event with " + std::to_string(length) + " data bytes (" +
                              std::to_string(expected) + " expected)";
        message += length < expected ? "; ignored" : "; extra bytes ignored";
        return diag_.repair(eventStart_, track_, std::move(message));
    };
    switch (type) {
    case 0x2F:
        endOfTrack = true;
        if (length != 0) return wrongLength("end-of-track", 0);
        return true;
    case 0x51:
        if (length != 3) {
            if (!wrongLength("tempo", 3)) return false;
            if (length < 3) return true;
        }
        events_.tempos.push_back({tick_, std::uint32_t(data[0]) << 16 | std::uint32_t(data[1]) << 8 | data[2],
                                  std::uint32_t(track_)});
        return true;
    case 0x58:
        if (length != 4) {
            if (!wrongLength("time signature", 4)) return false;
            if (length < 4) return true;
        }
        if (data[1] > 31)
            return diag_.repair(eventStart_, track_,
                                "time signature with denominator 2^" + std::to_string(data[1]) + " ignored");
        events_.timeSignatures.push_back({tick_, data[0], data[1], data[2], data[3], std::uint32_t(track_)});
        return true;
    case 0x59: {
        if (length != 2) {
            if (!wrongLength("key signature", 2)) return false;
            if (length < 2) return true;
        }
        const auto sharps = std::int8_t(data[0]);
        if (sharps < -7 || sharps > 7 || data[1] > 1)
            return diag_.repair(eventStart_, track_,
                                "key signature with " + std::to_string(sharps) + " sharps and mode " +
                                    std::to_string(data[1]) + " ignored");
        events_.keySignatures.push_back({tick_, sharps, data[1] == 1, std::uint32_t(track_)});
        return true;
    }
    case 0x03:
        if (!track.name) track.name.emplace(reinterpret_cast<const char*>(data), length);
        return true;
    default:
        return true;   // text, lyrics, markers, sequencer-specific, unknown types: not needed for notes
    }
}

bool TrackParser::readSysex(ByteCursor& in, bool continuation, Track& track) {
    std::uint32_t length = 0;
    const VlqStatus lengthStatus = in.readVlq(length);
    if (lengthStatus == VlqStatus::Truncated) return truncated("a sysex event's length");
    if (lengthStatus == VlqStatus::TooLong) {
        diag_.repair(eventStart_, track_, "sysex length longer than 4 bytes; the rest of the track is unreadable");
        return false;
    }
    if (length > in.remaining())
        return truncated("sysex event of " + std::to_string(length) + " bytes");
    const bool terminated = length > 0 && in.position()[length - 1] == 0xF7;
    in.skip(length);
    // F0 starts a message; until one ends with F7, F7 events carry its next packets. An F7
    // event outside such a message is an "escape": raw bytes to send as they are.
    if (!continuation) {
        ++track.sysexCount;
        sysexOpen_ = !terminated;
        sysexStart_ = eventStart_;
    } else if (sysexOpen_) {
        sysexOpen_ = !terminated;
    }
    return true;
}

bool TrackParser::readSystemMessage(ByteCursor& in, std::uint8_t status) {
    int dataBytes = 0;
    bool known = true;
    switch (status) {
    case 0xF1: case 0xF3: dataBytes = 1; break;   // MTC quarter frame, song select
    case 0xF2: dataBytes = 2; break;              // song position
    case 0xF6: case 0xF8: case 0xFA: case 0xFB: case 0xFC: case 0xFE: break;   // no data
    default: known = false;                       // 0xF4, 0xF5, 0xF9, 0xFD: undefined
    }
    // On the wire, system common messages cancel running status and real-time ones do not.
    if (status < 0xF8) runningStatus_ = 0;
    const std::string what = known ? "system message " + hexByte(status) + " (not allowed in a MIDI file) skipped"
                                   : "unknown status byte " + hexByte(status) + " skipped";
    if (!diag_.repair(eventStart_, track_, what)) return false;
    if (!in.skip(std::size_t(dataBytes))) return truncated("a system message");
    return true;
}

bool TrackParser::truncated(const std::string& what) {
    const std::string where = cutByEndOfFile_ ? "the file ends" : "the track's length ends";
    diag_.repair(eventStart_, track_, where + " in the middle of " + what + "; the rest of the track is lost");
    return false;
}

void TrackParser::finishTrack(Track& track) {
    if (sysexOpen_ && !diag_.repair(sysexStart_, track_, "sysex message without its closing F7 byte")) return;
    // Notes no note-off closed are listed apart; the rest keep their note-on order.
    if (openAtEnd_ > 0) {
        std::size_t kept = 0;
        for (std::size_t i = 0; i < track.notes.size(); ++i) {
            const Note& n = track.notes[i];
            if (n.end == kStillOpen)
                track.unclosedNotes.push_back({n.start, 0.0, n.pitch, n.velocity, n.channel});
            else
                track.notes[kept++] = n;
        }
        track.notes.resize(kept);
    }
    if (notesNeedSorting_) sortNotes(track.notes);
    std::sort(track.unclosedNotes.begin(), track.unclosedNotes.end(), [](const UnclosedNote& a, const UnclosedNote& b) {
        return std::tie(a.start, a.pitch, a.channel, a.velocity) < std::tie(b.start, b.pitch, b.channel, b.velocity);
    });
}

}  // namespace pm::midi
