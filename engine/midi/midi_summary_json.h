// The JSON description of a read file that `pianomuse-cli inspect --json` prints. Its shape is
// the one ../shared/tools/midi_oracle.py prints (an independent reader built on mido), so the
// two can be compared field by field; "warnings" is ours alone.
#pragma once

#include "midi/midi_file.h"

#include <nlohmann/json.hpp>

namespace pm::midi {

struct SummaryOptions {
    bool noteSeconds = false;   // append start and end seconds to every note, like the oracle's --seconds
};

nlohmann::json summaryJson(const MidiFile& file, const SummaryOptions& options = {});

// {"ok": false, "error": "..."} for a file that could not be read.
nlohmann::json errorJson(const Diagnostic& error);

// Track names and other meta text are raw bytes, Latin-1 in practice (mido reads them so);
// JSON needs UTF-8.
std::string latin1ToUtf8(const std::string& bytes);

}  // namespace pm::midi
