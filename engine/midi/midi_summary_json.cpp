#include "midi/midi_summary_json.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>
#include <utility>

namespace pm::midi {
namespace {

using nlohmann::json;

// The oracle rounds seconds to 9 decimals (nanoseconds); so do we, so the outputs look alike.
double roundNanoseconds(double seconds) { return std::round(seconds * 1e9) / 1e9; }

json divisionJson(const Division& d) {
    if (d.kind == Division::Kind::Smpte)
        return {{"type", "smpte"}, {"fps_code", d.smpteFormat}, {"fps", d.framesPerSecond()},
                {"ticks_per_frame", d.ticksPerFrame}};
    return {{"type", "ppq"}, {"ticks_per_beat", d.ticksPerBeat}};
}

json trackJson(const Track& t, std::size_t index, const SummaryOptions& options) {
    json notes = json::array();
    std::size_t zeroLength = 0;
    for (const Note& n : t.notes) {
        json note = {n.pitch, n.start, n.end, n.velocity, n.channel};
        if (options.noteSeconds) {
            note.push_back(roundNanoseconds(n.startSeconds));
            note.push_back(roundNanoseconds(n.endSeconds));
        }
        notes.push_back(std::move(note));
        zeroLength += n.start == n.end;
    }
    // The oracle lists unclosed notes as sorted [pitch, start, velocity, channel] rows.
    std::vector<std::tuple<int, Tick, int, int>> unclosedRows;
    for (const UnclosedNote& n : t.unclosedNotes) unclosedRows.emplace_back(n.pitch, n.start, n.velocity, n.channel);
    std::sort(unclosedRows.begin(), unclosedRows.end());
    json unclosed = json::array();
    for (const auto& [pitch, start, velocity, channel] : unclosedRows) unclosed.push_back({pitch, start, velocity, channel});
    json sustain = json::array();
    for (const SustainEvent& s : t.sustain) sustain.push_back({s.tick, s.channel, s.value});
    json programs = json::array();
    for (const ProgramChange& p : t.programs) programs.push_back({p.tick, p.channel, p.program});

    return {{"index", index},
            {"name", t.name ? json(latin1ToUtf8(*t.name)) : json(nullptr)},
            {"n_events", t.eventCount},
            {"end_tick", t.endTick},
            {"n_notes", t.notes.size()},
            {"notes", std::move(notes)},
            {"unclosed_notes", std::move(unclosed)},
            {"orphan_note_offs", t.orphanNoteOffs.size()},
            {"zero_length_notes", zeroLength},
            {"programs", std::move(programs)},
            {"sustain", std::move(sustain)},
            {"n_sysex", t.sysexCount}};
}

}  // namespace

std::string latin1ToUtf8(const std::string& bytes) {
    std::string out;
    out.reserve(bytes.size());
    for (const char c : bytes) {
        const auto b = std::uint8_t(c);
        if (b < 0x80) {
            out += c;
        } else {
            out += char(0xC0 | (b >> 6));
            out += char(0x80 | (b & 0x3F));
        }
    }
    return out;
}

json summaryJson(const MidiFile& file, const SummaryOptions& options) {
    json j;
    j["ok"] = true;
    j["format"] = file.format;
    j["ntracks_header"] = file.headerTrackCount;
    j["ntracks"] = file.tracks.size();
    j["division"] = divisionJson(file.division);
    if (file.division.kind == Division::Kind::Ppq) j["ticks_per_beat"] = file.division.ticksPerBeat;
    j["tempo_scope"] = file.format == 2 ? "per_track" : "global";

    json tempos = json::array();
    for (const TempoChange& t : file.tempos) tempos.push_back({t.tick, t.usPerBeat});
    j["tempos"] = std::move(tempos);
    json timeSignatures = json::array();
    for (const TimeSignature& t : file.timeSignatures)
        timeSignatures.push_back({t.tick, t.numerator, t.denominator(), t.clocksPerClick, t.thirtySecondsPerBeat});
    j["time_signatures"] = std::move(timeSignatures);
    json keySignatures = json::array();
    for (const KeySignature& k : file.keySignatures) keySignatures.push_back({k.tick, k.name()});
    j["key_signatures"] = std::move(keySignatures);

    json tracks = json::array();
    std::size_t unclosed = 0, orphans = 0;
    std::set<int> channels;
    std::set<std::pair<int, int>> programsUsed;
    for (std::size_t i = 0; i < file.tracks.size(); ++i) {
        const Track& t = file.tracks[i];
        tracks.push_back(trackJson(t, i, options));
        unclosed += t.unclosedNotes.size();
        orphans += t.orphanNoteOffs.size();
        for (const Note& n : t.notes) channels.insert(n.channel);
        for (const ProgramChange& p : t.programs) programsUsed.emplace(p.channel, p.program);
    }
    j["tracks"] = std::move(tracks);
    j["n_notes"] = file.noteCount();
    j["n_unclosed_notes"] = unclosed;
    j["n_orphan_note_offs"] = orphans;
    j["end_tick"] = file.endTick();
    j["duration_seconds"] = roundNanoseconds(file.durationSeconds);
    double notesEnd = 0;
    for (const Track& t : file.tracks)
        for (const Note& n : t.notes) notesEnd = std::max(notesEnd, n.endSeconds);
    j["notes_end_seconds"] = roundNanoseconds(notesEnd);
    j["channels"] = channels;
    json programsJson = json::array();
    for (const auto& [channel, program] : programsUsed) programsJson.push_back({channel, program});
    j["programs_used"] = std::move(programsJson);

    json warnings = json::array();
    for (const Diagnostic& w : file.warnings) warnings.push_back(w.toString());
    if (file.warningsDropped) warnings.push_back("... and " + std::to_string(file.warningsDropped) + " more warnings");
    j["warnings"] = std::move(warnings);
    return j;
}

json errorJson(const Diagnostic& error) { return {{"ok", false}, {"error", error.toString()}}; }

}  // namespace pm::midi
