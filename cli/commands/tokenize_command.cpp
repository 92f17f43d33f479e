// `pianomuse-cli tokenize FILE.mid [--json] [--config CFG]`: the tokens the model would see for a
// file, with what the tokenizer left out. `pianomuse-cli detokenize TOKENS.json -o OUT.mid`: back
// to MIDI from what `tokenize --json` printed (or a plain JSON list of ids).
#include "command.h"

#include "midi/midi_reader.h"   // pm::midi::readMidiFile
#include "midi/midi_writer.h"   // pm::midi::writeMidiFile
#include "tokenizer/tokenizer.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

namespace pm::cli {
namespace {

struct TokenizeOptions {
    std::string file;
    std::string config;
    bool json = false;
};

struct DetokenizeOptions {
    std::string input;
    std::string output;
    std::string config;
};

// The tokenizer from --config (a config file or a whole `tokenize --json` output), else the default.
std::optional<tok::Tokenizer> tokenizerFrom(const std::string& configPath, const nlohmann::json* embedded) {
    if (!configPath.empty()) {
        const tok::ConfigReadResult r = tok::readConfigFile(configPath);
        if (!r.config) {
            printError(r.error);
            return std::nullopt;
        }
        return tok::Tokenizer(*r.config);
    }
    if (embedded) {
        const tok::ConfigReadResult r = tok::configFromJson(*embedded);
        if (!r.config) {
            printError(r.error);
            return std::nullopt;
        }
        return tok::Tokenizer(*r.config);
    }
    return tok::Tokenizer();
}

nlohmann::json reportJson(const tok::EncodeReport& r) {
    return {{"notes_in_file", r.notesInFile},
            {"notes_encoded", r.notesEncoded},
            {"notes_folded_to_piano", r.notesFolded},
            {"drum_notes_dropped", r.drumNotesDropped},
            {"out_of_range_dropped", r.outOfRangeDropped},
            {"beyond_length_dropped", r.beyondLengthDropped},
            {"unclosed_notes_ignored", r.unclosedNotesIgnored},
            {"durations_clamped", r.durationsClamped},
            {"tempos_clamped", r.temposClamped},
            {"metres_substituted", r.metresSubstituted},
            {"metres_moved_to_bar_line", r.metresMovedToBarLine},
            {"bars", r.bars}};
}

void printHuman(const std::string& file, const tok::Tokenizer& t, const tok::Encoding& e) {
    const tok::EncodeReport& r = e.report;
    std::printf("File:      %s\n", file.c_str());
    std::printf("Tokens:    %zu (vocabulary %zu), %zu bars\n", e.tokens.size(), t.vocabulary().size(), r.bars);
    std::printf("Notes:     %zu encoded of %zu", r.notesEncoded, r.notesInFile);
    if (r.notesFolded) std::printf(", %zu folded from other instruments", r.notesFolded);
    if (r.drumNotesDropped) std::printf(", %zu drum notes dropped", r.drumNotesDropped);
    if (r.outOfRangeDropped) std::printf(", %zu outside the piano range dropped", r.outOfRangeDropped);
    if (r.beyondLengthDropped) std::printf(", %zu past the length limit dropped", r.beyondLengthDropped);
    if (r.unclosedNotesIgnored) std::printf(", %zu never released ignored", r.unclosedNotesIgnored);
    std::printf("\n");
    if (r.durationsClamped || r.temposClamped || r.metresSubstituted || r.metresMovedToBarLine)
        std::printf("Adjusted:  %zu durations clamped, %zu tempi clamped, %zu time signatures substituted, %zu moved to a bar line\n",
                    r.durationsClamped, r.temposClamped, r.metresSubstituted, r.metresMovedToBarLine);
    // One line for the prefix, then one per bar: "name:id" pairs.
    std::size_t nextBar = 0;
    std::printf("prefix |");
    for (std::size_t i = 0; i < e.tokens.size(); ++i) {
        if (nextBar < e.bars.size() && e.bars[nextBar].tokenOffset == i) std::printf("\nbar %zu |", ++nextBar);
        std::printf(" %s:%u", t.vocabulary().name(e.tokens[i]).c_str(), unsigned(e.tokens[i]));
    }
    std::printf("\n");
}

int runTokenize(const TokenizeOptions& opt) {
    auto tokenizer = tokenizerFrom(opt.config, nullptr);
    if (!tokenizer) return kExitFailed;
    auto read = midi::readMidiFile(opt.file);
    if (!read.ok()) {
        printError(opt.file + ": " + read.error().toString());
        return kExitFailed;
    }
    const tok::Encoding e = tokenizer->encode(read.value());
    if (!opt.json) {
        printHuman(opt.file, *tokenizer, e);
        return kExitOk;
    }
    nlohmann::json j;
    j["file"] = opt.file;
    j["tokenizer"] = tokenizer->configJson();
    j["tokens"] = e.tokens;
    nlohmann::json names = nlohmann::json::array();
    for (tok::TokenId id : e.tokens) names.push_back(tokenizer->vocabulary().name(id));
    j["token_names"] = std::move(names);
    nlohmann::json bars = nlohmann::json::array();
    for (const tok::BarStart& b : e.bars) bars.push_back(b.tokenOffset);
    j["bar_offsets"] = std::move(bars);
    j["report"] = reportJson(e.report);
    std::cout << j.dump() << "\n";
    return kExitOk;
}

int runDetokenize(const DetokenizeOptions& opt) {
    std::ifstream in(opt.input);
    if (!in) {
        printError("cannot open " + opt.input);
        return kExitFailed;
    }
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
        printError(opt.input + " is not valid JSON");
        return kExitFailed;
    }
    const nlohmann::json* list = &j;
    const nlohmann::json* embedded = nullptr;
    if (j.is_object()) {
        if (!j.contains("tokens")) {
            printError(opt.input + ": a JSON object needs a \"tokens\" list (as `tokenize --json` prints)");
            return kExitFailed;
        }
        list = &j["tokens"];
        if (j.contains("tokenizer")) embedded = &j["tokenizer"];
    }
    if (!list->is_array()) {
        printError(opt.input + ": \"tokens\" is not a list of ids");
        return kExitFailed;
    }
    auto tokenizer = tokenizerFrom(opt.config, embedded);
    if (!tokenizer) return kExitFailed;
    // Anything that is not an id in 0..65535 becomes an id the decoder skips and counts, so a
    // damaged list still decodes as far as it makes sense.
    std::vector<tok::TokenId> ids;
    ids.reserve(list->size());
    for (const nlohmann::json& v : *list) {
        const bool fits = v.is_number_integer() && v.get<std::int64_t>() >= 0 && v.get<std::int64_t>() < tok::kNotAToken;
        ids.push_back(fits ? tok::TokenId(v.get<std::int64_t>()) : tok::kNotAToken);
    }
    const tok::Decoded d = tokenizer->decode(ids);
    auto written = midi::writeMidiFile(d.file, opt.output);
    if (!written.ok()) {
        printError(opt.output + ": " + written.error().toString());
        return kExitFailed;
    }
    std::printf("Wrote %s: %zu notes, %.1f s from %zu tokens\n", opt.output.c_str(), d.stats.notes, d.file.durationSeconds,
                d.stats.tokens);
    if (!d.stats.clean())
        std::fprintf(stderr, "pianomuse-cli: warning: %zu tokens skipped, %zu prefix tokens assumed, %zu left unfinished\n",
                     d.stats.skipped, d.stats.assumedPrefix, d.stats.unfinished);
    return kExitOk;
}

}  // namespace

void addTokenizeCommand(CLI::App& root, CommandList& commands) {
    auto opt = std::make_shared<TokenizeOptions>();
    CLI::App* app = root.add_subcommand("tokenize", "Show the tokens the model sees for a MIDI file");
    app->add_option("FILE", opt->file, "A .mid, .midi, .kar or .rmi file")->required();
    app->add_flag("--json", opt->json, "Print one JSON object: tokens, names, bar offsets, report and tokenizer config");
    app->add_option("--config", opt->config, "Tokenizer config JSON (default: the built-in one)");
    commands.push_back({app, [opt] { return runTokenize(*opt); }});

    auto dopt = std::make_shared<DetokenizeOptions>();
    CLI::App* dapp = root.add_subcommand("detokenize", "Turn tokens (from `tokenize --json` or a JSON list of ids) into MIDI");
    dapp->add_option("TOKENS", dopt->input, "JSON file: `tokenize --json` output or a list of ids")->required();
    dapp->add_option("-o,--output", dopt->output, "The .mid file to write")->required();
    dapp->add_option("--config", dopt->config, "Tokenizer config JSON (default: the one in TOKENS, else the built-in one)");
    commands.push_back({dapp, [dopt] { return runDetokenize(*dopt); }});
}

}  // namespace pm::cli
