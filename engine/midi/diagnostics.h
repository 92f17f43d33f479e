// Where the reader's strict/lenient policy lives: one call per damaged spot. Lenient mode keeps a
// warning and reads on; strict mode keeps the first problem as the error and stops. Keeping the
// policy here, not at each call site, is what makes "strict fails exactly when lenient warns" hold.
#pragma once

#include "midi/midi_file.h"
#include "midi/midi_reader.h"

#include <optional>
#include <string>
#include <vector>

namespace pm::midi {

class Diagnostics {
public:
    Diagnostics(ReadMode mode, std::size_t maxWarnings) : mode_(mode), maxWarnings_(maxWarnings) {}

    // Something damaged that can be repaired. Returns true when reading goes on (lenient).
    bool repair(std::uint64_t offset, int track, std::string message);
    // Something that cannot be read past in any mode (not MIDI, a limit exceeded). Always false.
    bool fail(std::uint64_t offset, int track, std::string message);

    bool failed() const { return error_.has_value(); }
    const Diagnostic& error() const { return *error_; }

    // Hands the warnings over to the model once reading is done.
    void moveWarningsInto(MidiFile& file);

private:
    ReadMode mode_;
    std::size_t maxWarnings_;
    std::vector<Diagnostic> warnings_;
    std::uint64_t dropped_ = 0;
    std::optional<Diagnostic> error_;
};

}  // namespace pm::midi
