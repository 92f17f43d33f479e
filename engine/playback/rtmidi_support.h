// Internal to pianomuse_playback (included only by .cpp files built with RtMidi): which RtMidi
// API is "the system's" here and whether the ALSA sequencer can be used, shared by the input and
// output sides so that both guard the same way.
#pragma once

#include <RtMidi.h>

#include <string>

#if defined(__linux__)
#include <unistd.h>   // access
#endif

namespace pm::play::detail {

// RtMidi throws (Debian's build: and prints) when ALSA has no sequencer device; check first.
inline bool alsaUsable() {
#if defined(__linux__)
    return access("/dev/snd/seq", R_OK | W_OK) == 0;
#else
    return true;
#endif
}

// ALSA on Linux; elsewhere RtMidi's own choice (Windows MM on Windows, CoreMIDI on macOS).
inline RtMidi::Api systemApi() {
#if defined(__linux__)
    return RtMidi::LINUX_ALSA;
#else
    return RtMidi::UNSPECIFIED;
#endif
}

}  // namespace pm::play::detail
