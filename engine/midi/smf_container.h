// Finds the Standard MIDI File inside the bytes a user gave us: the bytes themselves, the
// "data" chunk of a RIFF RMID file (.rmi), and in lenient mode the MThd header after leading
// junk (a MacBinary header, a web page's leftovers).
#pragma once

#include "midi/diagnostics.h"

#include <cstddef>
#include <cstdint>

namespace pm::midi {

struct ByteRange {
    const std::uint8_t* begin = nullptr;
    const std::uint8_t* end = nullptr;
};

// On success `smf` starts at "MThd". Returns false when there is no MIDI data (diagnostics say why).
bool locateSmf(const std::uint8_t* file, std::size_t size, Diagnostics& diag, ByteRange& smf);

}  // namespace pm::midi
