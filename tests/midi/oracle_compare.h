// Compares our summary JSON (midi_summary_json / `inspect --json`) with what the independent
// reader ../shared/tools/midi_oracle.py printed for the same file. Used by the golden tests (the
// oracle's output committed) and by the slow corpus test (the oracle run live).
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace pm::test {

using nlohmann::json;

// Seconds are rounded to 9 decimals by both sides; allow that rounding plus double noise on
// large values (files hours long).
inline bool closeSeconds(double a, double b) { return std::fabs(a - b) <= std::max(2e-9, 1e-12 * std::fabs(b)); }

// Notes: integers exactly; the seconds columns (when present) within closeSeconds.
inline bool sameNoteRows(const json& ours, const json& oracle) {
    if (ours.size() != oracle.size()) return false;
    for (std::size_t i = 0; i < ours.size(); ++i) {
        const json& a = ours[i];
        const json& b = oracle[i];
        if (a.size() != b.size()) return false;
        for (std::size_t k = 0; k < a.size(); ++k) {
            if (k >= 5) {
                if (!closeSeconds(a[k].get<double>(), b[k].get<double>())) return false;
            } else if (a[k] != b[k]) {
                return false;
            }
        }
    }
    return true;
}

inline std::string firstNoteDifference(const json& ours, const json& oracle) {
    const std::size_t n = std::min(ours.size(), oracle.size());
    for (std::size_t i = 0; i < n; ++i)
        if (!sameNoteRows(json::array({ours[i]}), json::array({oracle[i]})))
            return "row " + std::to_string(i) + ": ours " + ours[i].dump() + ", oracle " + oracle[i].dump();
    return "lengths " + std::to_string(ours.size()) + " vs " + std::to_string(oracle.size());
}

// Every difference, as readable lines; empty when the two readings agree.
inline std::vector<std::string> compareWithOracle(const json& ours, const json& oracle) {
    std::vector<std::string> diffs;
    const auto expectSame = [&](const std::string& what, const json& a, const json& b) {
        if (a != b) diffs.push_back(what + ": ours " + a.dump().substr(0, 300) + ", oracle " + b.dump().substr(0, 300));
    };
    if (!oracle.at("ok").get<bool>()) {
        diffs.push_back("the oracle could not read the file: " + oracle.value("error", std::string()));
        return diffs;
    }
    if (!ours.at("ok").get<bool>()) {
        diffs.push_back("we could not read the file: " + ours.value("error", std::string()));
        return diffs;
    }
    for (const char* key : {"format", "ntracks_header", "tempo_scope", "tempos", "time_signatures", "key_signatures",
                            "n_notes", "n_unclosed_notes", "n_orphan_note_offs", "channels", "programs_used"})
        expectSame(key, ours.at(key), oracle.at(key));
    const json& od = oracle.at("division");
    const json& wd = ours.at("division");
    expectSame("division type", wd.at("type"), od.at("type"));
    if (od.at("type") == "ppq") {
        expectSame("ticks_per_beat", wd.at("ticks_per_beat"), od.at("ticks_per_beat"));
    } else {
        expectSame("fps_code", wd.at("fps_code"), od.at("fps_code"));
        expectSame("ticks_per_frame", wd.at("ticks_per_frame"), od.at("ticks_per_frame"));
        if (!closeSeconds(wd.at("fps").get<double>(), od.at("fps").get<double>())) diffs.push_back("fps differs");
    }
    for (const char* key : {"duration_seconds", "notes_end_seconds"})
        if (!closeSeconds(ours.at(key).get<double>(), oracle.at(key).get<double>()))
            diffs.push_back(std::string(key) + ": ours " + ours.at(key).dump() + ", oracle " + oracle.at(key).dump());

    // mido reads only as many tracks as the header declares; we read every MTrk chunk and warn.
    // Extra tracks are accepted only with that warning and without notes (so notes still agree).
    const json& ot = oracle.at("tracks");
    const json& wt = ours.at("tracks");
    if (wt.size() != ot.size()) {
        const bool warned = std::any_of(ours.at("warnings").begin(), ours.at("warnings").end(), [](const json& w) {
            return w.get<std::string>().find("the header declares") != std::string::npos;
        });
        if (wt.size() < ot.size() || !warned)
            diffs.push_back("ntracks: ours " + std::to_string(wt.size()) + ", oracle " + std::to_string(ot.size()));
    } else {
        expectSame("end_tick", ours.at("end_tick"), oracle.at("end_tick"));
    }
    for (std::size_t i = 0; i < std::min(wt.size(), ot.size()); ++i) {
        const std::string t = "track " + std::to_string(i) + " ";
        for (const char* key : {"index", "name", "n_events", "end_tick", "n_notes", "unclosed_notes",
                                "orphan_note_offs", "zero_length_notes", "programs", "sustain"})
            expectSame(t + key, wt[i].at(key), ot[i].at(key));
        if (!sameNoteRows(wt[i].at("notes"), ot[i].at("notes")))
            diffs.push_back(t + "notes differ, first at " + firstNoteDifference(wt[i].at("notes"), ot[i].at("notes")));
    }
    return diffs;
}

}  // namespace pm::test
