// `pianomuse-cli inspect FILE [--json] [--strict]`: what is in a MIDI file and what was wrong
// with it. Exit 0 when it was read (repairs are listed as warnings), 2 when it could not be.
#include "command.h"

#include "midi/midi_reader.h"
#include "midi/midi_summary_json.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>

namespace pm::cli {
namespace {

struct InspectOptions {
    std::string file;
    bool json = false;
    bool strict = false;
    bool noteSeconds = false;
};

std::string fileName(const std::string& path) { return std::filesystem::path(path).filename().string(); }

// Paths and messages can carry bytes that are not UTF-8; never let that abort the output.
std::string dumpJson(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

std::string formatDuration(double seconds) {
    const long whole = long(seconds);
    char text[64];
    std::snprintf(text, sizeof text, "%ld:%04.1f (%.2f s)", whole / 60, seconds - double(whole / 60 * 60), seconds);
    return text;
}

std::string describeDivision(const midi::Division& d) {
    char text[96];
    if (d.kind == midi::Division::Kind::Smpte)
        std::snprintf(text, sizeof text, "SMPTE %g frames per second, %d ticks per frame", d.framesPerSecond(),
                      d.ticksPerFrame);
    else
        std::snprintf(text, sizeof text, "%d ticks per quarter note", d.ticksPerBeat);
    return text;
}

std::string describeTempo(const midi::MidiFile& f) {
    if (f.division.kind == midi::Division::Kind::Smpte) return "fixed by the SMPTE division";
    if (f.tempos.empty()) return "120 BPM (none given, the default)";
    std::uint32_t fastest = f.tempos[0].usPerBeat, slowest = fastest;
    for (const auto& t : f.tempos) {
        fastest = std::min(fastest, t.usPerBeat);
        slowest = std::max(slowest, t.usPerBeat);
    }
    const auto bpm = [](std::uint32_t us) { return us ? 60e6 / us : 0.0; };
    char text[128];
    if (f.tempos.size() == 1)
        std::snprintf(text, sizeof text, "%.1f BPM", bpm(fastest));
    else
        std::snprintf(text, sizeof text, "%.1f BPM at the start, %zu changes, %.1f-%.1f BPM",
                      bpm(f.tempos[0].usPerBeat), f.tempos.size(), bpm(slowest), bpm(fastest));
    return text;
}

std::string describeChannels(const midi::Track& t) {
    std::set<int> channels;
    for (const auto& n : t.notes) channels.insert(n.channel + 1);   // musicians count channels from 1
    std::string s;
    for (int c : channels) s += (s.empty() ? "" : ",") + std::to_string(c);
    return s.empty() ? "-" : s;
}

void printSummary(const midi::MidiFile& f, const std::string& path, bool strict) {
    std::printf("File:       %s\n", path.c_str());
    std::printf("Format:     %d, %zu track%s", f.format, f.tracks.size(), f.tracks.size() == 1 ? "" : "s");
    if (f.headerTrackCount != f.tracks.size()) std::printf(" (header says %d)", f.headerTrackCount);
    std::printf("\nDivision:   %s\n", describeDivision(f.division).c_str());
    std::printf("Tempo:      %s\n", describeTempo(f).c_str());
    if (f.timeSignatures.empty()) {
        std::printf("Time sig:   none (4/4 assumed)\n");
    } else {
        const auto& t = f.timeSignatures[0];
        std::printf("Time sig:   %d/%llu", t.numerator, static_cast<unsigned long long>(t.denominator()));
        if (f.timeSignatures.size() > 1) std::printf(" (%zu changes)", f.timeSignatures.size() - 1);
        std::printf("\n");
    }
    if (!f.keySignatures.empty()) std::printf("Key:        %s\n", f.keySignatures[0].name().c_str());
    std::printf("Duration:   %s\n", formatDuration(f.durationSeconds).c_str());
    std::printf("Notes:      %zu\n", f.noteCount());
    std::printf("Tracks:\n");
    for (std::size_t i = 0; i < f.tracks.size(); ++i) {
        const midi::Track& t = f.tracks[i];
        const std::string name = t.name ? "\"" + midi::latin1ToUtf8(*t.name) + "\"" : "(no name)";
        std::printf("  %3zu  %-28s %7zu notes  channels %-8s", i, name.c_str(), t.notes.size(),
                    describeChannels(t).c_str());
        if (!t.sustain.empty()) std::printf("  %zu pedal events", t.sustain.size());
        if (!t.unclosedNotes.empty()) std::printf("  %zu never released", t.unclosedNotes.size());
        if (!t.orphanNoteOffs.empty()) std::printf("  %zu stray note-offs", t.orphanNoteOffs.size());
        std::printf("\n");
    }
    if (f.warnings.empty()) {
        std::printf("Warnings:   none%s\n", strict ? " (read in strict mode)" : "");
        return;
    }
    std::printf("Warnings:   %llu (repaired while reading)\n",
                static_cast<unsigned long long>(f.warnings.size() + f.warningsDropped));
    for (const auto& w : f.warnings) std::printf("  %s\n", w.toString().c_str());
    if (f.warningsDropped)
        std::printf("  ... and %llu more\n", static_cast<unsigned long long>(f.warningsDropped));
}

int runInspect(const InspectOptions& opt) {
    midi::ReadOptions readOptions;
    readOptions.mode = opt.strict ? midi::ReadMode::Strict : midi::ReadMode::Lenient;
    const midi::Result<midi::MidiFile> result = midi::readMidiFile(opt.file, readOptions);
    if (!result) {
        if (opt.json) {
            nlohmann::json j = midi::errorJson(result.error());
            j["file"] = fileName(opt.file);
            std::cout << dumpJson(j) << "\n";
        }
        printError(opt.file + ": " + result.error().toString());
        return kExitFailed;
    }
    if (opt.json) {
        midi::SummaryOptions summary;
        summary.noteSeconds = opt.noteSeconds;
        nlohmann::json j = midi::summaryJson(result.value(), summary);
        j["file"] = fileName(opt.file);
        std::error_code ec;
        j["bytes"] = std::filesystem::file_size(opt.file, ec);
        std::cout << dumpJson(j) << "\n";
    } else {
        printSummary(result.value(), opt.file, opt.strict);
    }
    return kExitOk;
}

}  // namespace

void addInspectCommand(CLI::App& root, CommandList& commands) {
    auto opt = std::make_shared<InspectOptions>();
    CLI::App* app = root.add_subcommand("inspect", "Describe a MIDI file: tracks, tempo, notes, and any damage");
    app->add_option("FILE", opt->file, "A .mid, .midi, .kar or .rmi file")->required();
    app->add_flag("--json", opt->json, "Print one JSON object (the shape midi_oracle.py prints)");
    app->add_flag("--strict", opt->strict, "Refuse damaged files instead of repairing them");
    app->add_flag("--seconds", opt->noteSeconds, "With --json: add start and end seconds to every note");
    commands.push_back({app, [opt] { return runInspect(*opt); }});
}

}  // namespace pm::cli
