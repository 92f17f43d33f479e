#include "midi/midi_reader.h"

#include "midi/byte_cursor.h"
#include "midi/diagnostics.h"
#include "midi/smf_container.h"
#include "midi/tempo_map.h"
#include "midi/track_parser.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>

namespace pm::midi {
namespace {

bool isChunkIdByte(std::uint8_t b) { return b >= 0x20 && b <= 0x7E; }

class SmfReader {
public:
    SmfReader(const std::uint8_t* file, const ReadOptions& options)
        : file_(file), limits_(options.limits), diag_(options.mode, options.limits.maxWarnings),
          parser_(diag_, limits_, events_) {
        // Note indices inside a track are 32-bit.
        limits_.maxNotes = std::min<std::uint64_t>(limits_.maxNotes, std::numeric_limits<std::int32_t>::max());
    }

    Result<MidiFile> read(std::size_t size) {
        ByteRange smf;
        if (!locateSmf(file_, size, diag_, smf) || !readHeader(smf) || !readChunks() || !checkTrackCounts())
            return diag_.error();
        collectFileEvents();
        computeSeconds();
        diag_.moveWarningsInto(out_);
        return std::move(out_);
    }

private:
    std::uint64_t offset(const std::uint8_t* p) const { return std::uint64_t(p - file_); }

    bool readHeader(const ByteRange& smf) {
        const std::uint8_t* p = smf.begin;   // at "MThd"
        end_ = smf.end;
        if (end_ - p < 14) return diag_.fail(offset(p), -1, "the file ends inside the MThd header (14 bytes needed)");
        const std::uint32_t length = loadBigEndian32(p + 4);
        if (length < 6)
            return diag_.fail(offset(p), -1, "MThd header of " + std::to_string(length) + " bytes (6 needed)");
        const std::uint8_t* fields = p + 8;
        if (length > std::size_t(end_ - fields)) {
            if (!diag_.repair(offset(p), -1, "MThd length " + std::to_string(length) +
                                                 " runs past the end of the file; read as 6"))
                return false;
            next_ = fields + 6;
        } else {
            next_ = fields + length;   // longer headers are allowed by the spec: the extra is skipped
        }
        out_.format = loadBigEndian16(fields);
        out_.headerTrackCount = loadBigEndian16(fields + 2);
        const std::uint16_t division = loadBigEndian16(fields + 4);
        if (out_.format > 2 && !diag_.repair(offset(fields), -1,
                                             "format " + std::to_string(out_.format) +
                                                 " is not 0, 1 or 2; tracks read as in format 1"))
            return false;
        return readDivision(division, offset(fields + 4));
    }

    bool readDivision(std::uint16_t division, std::uint64_t at) {
        Division& d = out_.division;
        if (division & 0x8000) {
            // SMPTE: the high byte is the frame rate as a negative number, the low byte subframes.
            d.kind = Division::Kind::Smpte;
            d.ticksPerBeat = 0;
            d.smpteFormat = std::uint8_t(256 - (division >> 8));
            d.ticksPerFrame = std::uint8_t(division & 0xFF);
            const int fps = d.smpteFormat;
            if (fps != 24 && fps != 25 && fps != 29 && fps != 30 &&
                !diag_.repair(at, -1, "SMPTE frame rate -" + std::to_string(fps) +
                                          " is not -24, -25, -29 or -30; used as " + std::to_string(fps) + " fps"))
                return false;
            if (d.ticksPerFrame == 0 && !diag_.repair(at, -1, "SMPTE division of 0 ticks per frame; times will be 0"))
                return false;
            return true;
        }
        d.kind = Division::Kind::Ppq;
        d.ticksPerBeat = division;
        if (division == 0 && !diag_.repair(at, -1, "division of 0 ticks per beat; times will be 0")) return false;
        return true;
    }

    bool readChunks() {
        const std::uint8_t* p = next_;
        while (p < end_) {
            const std::size_t left = std::size_t(end_ - p);
            if (left < 8) {
                diag_.repair(offset(p), -1, std::to_string(left) + " trailing bytes after the last chunk ignored");
                return !diag_.failed();
            }
            const std::uint32_t length = loadBigEndian32(p + 4);
            if (std::memcmp(p, "MTrk", 4) == 0) {
                if (!readTrack(p, length, p)) return false;
                continue;
            }
            const bool looksLikeChunk = std::all_of(p, p + 4, isChunkIdByte) && length <= left - 8;
            if (looksLikeChunk) {
                // Unknown chunks are skipped, as the spec asks of readers. A second MThd means
                // files were glued together; its tracks are read as more tracks of this one.
                if (std::memcmp(p, "MThd", 4) == 0 &&
                    !diag_.repair(offset(p), -1, "a second MThd header (concatenated files?) skipped"))
                    return false;
                p += 8 + std::size_t(length);
                continue;
            }
            static const char kMTrk[4] = {'M', 'T', 'r', 'k'};
            const std::uint8_t* nextTrack = std::search(p + 1, end_, kMTrk, kMTrk + 4);
            if (nextTrack == end_) {
                diag_.repair(offset(p), -1, std::to_string(left) + " bytes after the last track are not a chunk; ignored");
                return !diag_.failed();
            }
            if (!diag_.repair(offset(p), -1, std::to_string(nextTrack - p) +
                                                 " unreadable bytes skipped up to the next track at byte " +
                                                 std::to_string(offset(nextTrack))))
                return false;
            p = nextTrack;
        }
        return true;
    }

    // Reads the MTrk chunk at `chunk`; sets `next` to where the following chunk starts.
    bool readTrack(const std::uint8_t* chunk, std::uint32_t length, const std::uint8_t*& next) {
        const auto index = std::uint32_t(out_.tracks.size());
        if (index >= limits_.maxTracks)
            return diag_.fail(offset(chunk), -1, "more than " + std::to_string(limits_.maxTracks) +
                                                     " tracks, the most this reader accepts");
        const std::uint8_t* body = chunk + 8;
        const std::size_t available = std::size_t(end_ - body);
        const bool cut = length > available;
        if (cut && !diag_.repair(offset(chunk), int(index),
                                 "track length " + std::to_string(length) + " runs past the end of the file (" +
                                     std::to_string(available) + " bytes left)"))
            return false;
        const std::uint8_t* bodyEnd = body + (cut ? available : length);

        out_.tracks.emplace_back();
        const TrackEnd end = parser_.parse(ByteCursor(file_, body, bodyEnd), index, cut, out_.tracks.back());
        if (!end.keepReading) return false;
        next = bodyEnd;
        const std::uint8_t* after = end.afterEndOfTrack;
        if (after && after < bodyEnd) {
            // A declared length longer than the track: if the next track starts right after
            // end-of-track, the length was wrong and we go on from there.
            if (bodyEnd - after >= 4 && std::memcmp(after, "MTrk", 4) == 0) {
                if (!diag_.repair(offset(chunk), int(index),
                                  "track length " + std::to_string(length) +
                                      " is too long; the next track starts right after end-of-track at byte " +
                                      std::to_string(offset(after))))
                    return false;
                next = after;
            } else if (!diag_.repair(offset(after), int(index),
                                     std::to_string(bodyEnd - after) + " bytes after the end-of-track event ignored")) {
                return false;
            }
        }
        return true;
    }

    bool checkTrackCounts() {
        const std::size_t found = out_.tracks.size();
        if (found != out_.headerTrackCount &&
            !diag_.repair(offset(next_), -1,
                          "the header declares " + std::to_string(out_.headerTrackCount) + " tracks but the file has " +
                              std::to_string(found) + (found ? "; all were read" : "")))
            return false;
        if (out_.format == 0 && found > 1 &&
            !diag_.repair(offset(next_), -1, "format 0 file with " + std::to_string(found) + " tracks (1 expected)"))
            return false;
        return true;
    }

    // Tracks were read in file order, each in tick order: a stable sort by tick gives the
    // (tick, track, file order) order the tempo map applies them in.
    void collectFileEvents() {
        const auto byTick = [](const auto& a, const auto& b) { return a.tick < b.tick; };
        std::stable_sort(events_.tempos.begin(), events_.tempos.end(), byTick);
        std::stable_sort(events_.timeSignatures.begin(), events_.timeSignatures.end(), byTick);
        std::stable_sort(events_.keySignatures.begin(), events_.keySignatures.end(), byTick);
        out_.tempos = std::move(events_.tempos);
        out_.timeSignatures = std::move(events_.timeSignatures);
        out_.keySignatures = std::move(events_.keySignatures);
    }

    void computeSeconds() {
        // Formats 0/1: one tempo map for all tracks. Format 2: tracks are separate sequences.
        std::vector<TempoMap> maps;
        if (out_.format == 2) {
            std::vector<std::vector<TempoChange>> perTrack(out_.tracks.size());
            for (const TempoChange& t : out_.tempos) perTrack[t.track].push_back(t);
            for (const auto& tempos : perTrack) maps.emplace_back(out_.division, tempos);
        } else {
            maps.emplace_back(out_.division, out_.tempos);
        }
        double duration = 0;
        for (std::size_t i = 0; i < out_.tracks.size(); ++i) {
            Track& track = out_.tracks[i];
            const TempoMap& map = maps[maps.size() == 1 ? 0 : i];
            // Starts and ends in separate passes: chords share their start and often their end,
            // so each pass reuses the previous answer. (One pass pairing the two values made GCC
            // combine their stores through the stack, stalling on store forwarding.)
            std::size_t startHint = 0, endHint = 0;
            Tick lastTick = 0;
            double lastSeconds = map.seconds(0, startHint);
            for (Note& n : track.notes) {
                if (n.start != lastTick) {
                    lastTick = n.start;
                    lastSeconds = map.seconds(n.start, startHint);
                }
                n.startSeconds = lastSeconds;
            }
            lastTick = 0;
            lastSeconds = map.seconds(0, endHint);
            for (Note& n : track.notes) {
                if (n.end != lastTick) {
                    lastTick = n.end;
                    lastSeconds = map.seconds(n.end, endHint);
                }
                n.endSeconds = lastSeconds;
            }
            for (UnclosedNote& n : track.unclosedNotes) n.startSeconds = map.seconds(n.start, startHint);
            duration = std::max(duration, map.seconds(track.endTick));
        }
        out_.durationSeconds = duration;
    }

    const std::uint8_t* file_;
    const std::uint8_t* end_ = nullptr;
    const std::uint8_t* next_ = nullptr;   // first byte after the MThd chunk
    ReadLimits limits_;
    Diagnostics diag_;
    FileEvents events_;
    TrackParser parser_;
    MidiFile out_;
};

}  // namespace

Result<MidiFile> readMidi(const std::uint8_t* data, std::size_t size, const ReadOptions& options) {
    if (size > options.limits.maxFileBytes)
        return Diagnostic{"file of " + std::to_string(size) + " bytes is larger than the " +
                              std::to_string(options.limits.maxFileBytes) + "-byte limit for MIDI files",
                          0, -1};
    return SmfReader(data, options).read(size);
}

Result<MidiFile> readMidiFile(const std::string& path, const ReadOptions& options) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return Diagnostic{"'" + path + "' is a directory, not a file", 0, -1};
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return Diagnostic{"cannot open '" + path + "': " + std::strerror(errno), 0, -1};
    std::vector<std::uint8_t> bytes;
    // Read in blocks rather than trusting a size from the file system (pipes, /proc files), and
    // stop as soon as the limit is passed.
    std::uint8_t block[1 << 16];
    std::size_t n = 0;
    while ((n = std::fread(block, 1, sizeof block, f)) > 0) {
        if (bytes.size() + n > options.limits.maxFileBytes) {
            std::fclose(f);
            return Diagnostic{"'" + path + "' is larger than the " + std::to_string(options.limits.maxFileBytes) +
                                  "-byte limit for MIDI files",
                              0, -1};
        }
        bytes.insert(bytes.end(), block, block + n);
    }
    const bool failed = std::ferror(f);
    std::fclose(f);
    if (failed) return Diagnostic{"cannot read '" + path + "'", 0, -1};
    return readMidi(bytes.data(), bytes.size(), options);
}

}  // namespace pm::midi
