#include "midi/diagnostics.h"

#include <utility>

namespace pm::midi {

bool Diagnostics::repair(std::uint64_t offset, int track, std::string message) {
    if (mode_ == ReadMode::Strict) return fail(offset, track, std::move(message));
    if (warnings_.size() < maxWarnings_)
        warnings_.push_back({std::move(message), offset, track});
    else
        ++dropped_;
    return true;
}

bool Diagnostics::fail(std::uint64_t offset, int track, std::string message) {
    if (!error_) error_ = Diagnostic{std::move(message), offset, track};
    return false;
}

void Diagnostics::moveWarningsInto(MidiFile& file) {
    file.warnings = std::move(warnings_);
    file.warningsDropped = dropped_;
}

}  // namespace pm::midi
