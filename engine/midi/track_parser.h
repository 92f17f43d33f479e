// Reads the events of one MTrk chunk into a Track: notes paired first-in-first-out, pedal,
// programs, and the file-wide tempo / time / key signature lists. Damage is reported through
// Diagnostics; the parser never reads outside the chunk it was given.
#pragma once

#include "midi/byte_cursor.h"
#include "midi/diagnostics.h"
#include "midi/midi_file.h"
#include "midi/midi_reader.h"
#include "midi/open_notes.h"

namespace pm::midi {

// What the tracks of one file share while they are read.
struct FileEvents {
    std::vector<TempoChange> tempos;
    std::vector<TimeSignature> timeSignatures;
    std::vector<KeySignature> keySignatures;
    std::uint64_t eventCount = 0;   // all tracks, checked against ReadLimits::maxEvents
    std::uint64_t noteCount = 0;    // closed and unclosed, checked against ReadLimits::maxNotes
};

struct TrackEnd {
    bool keepReading = true;                          // false: strict error or a limit, stop the file
    const std::uint8_t* afterEndOfTrack = nullptr;    // just past the end-of-track event, if one was seen
};

class TrackParser {
public:
    TrackParser(Diagnostics& diagnostics, const ReadLimits& limits, FileEvents& events)
        : diag_(diagnostics), limits_(limits), events_(events) {}

    // `body` spans the chunk's data as far as the file has it; `cutByEndOfFile` says the chunk's
    // declared length went past the end of the file (so a cut-off event is a truncated file).
    TrackEnd parse(ByteCursor body, std::uint32_t trackIndex, bool cutByEndOfFile, Track& track);

private:
    bool readEvents(ByteCursor& in, Track& track, TrackEnd& end);
    bool readMeta(ByteCursor& in, Track& track, bool& endOfTrack);
    bool readSysex(ByteCursor& in, bool continuation, Track& track);
    bool readSystemMessage(ByteCursor& in, std::uint8_t status);
    bool readDataBytes(ByteCursor& in, int count, std::uint8_t* out);
    bool truncated(const std::string& what);
    void finishTrack(Track& track);

    Diagnostics& diag_;
    const ReadLimits& limits_;
    FileEvents& events_;
    OpenNotes open_;

    // State of the track being read.
    int track_ = -1;
    bool cutByEndOfFile_ = false;
    Tick tick_ = 0;
    std::uint8_t runningStatus_ = 0;   // last channel status byte, 0 when none
    bool sysexOpen_ = false;           // an F0 packet without its closing F7 so far ...
    std::uint64_t sysexStart_ = 0;     // ... which started here
    std::uint64_t eventStart_ = 0;     // offset of the current event's delta time, for messages
    std::uint64_t openAtEnd_ = 0;      // notes no note-off closed
    bool notesNeedSorting_ = false;    // notes are not already in (start, pitch, channel, end, velocity) order
};

}  // namespace pm::midi
