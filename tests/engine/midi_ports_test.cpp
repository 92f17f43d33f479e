#include "playback/midi_ports.h"

#include <gtest/gtest.h>

#include <unistd.h>

namespace {

// Listing ports must never throw or crash, with or without an ALSA sequencer (CI has none).
TEST(MidiPorts, ListingNeverThrows) {
    pm::MidiPortList list;
    ASSERT_NO_THROW(list = pm::listMidiOutputPorts());
    if (!list.available) {
        EXPECT_FALSE(list.message.empty()) << "an unavailable backend must say why";
    }
    // Repeated listing (the settings dialog refreshes) stays stable.
    for (int i = 0; i < 3; ++i) ASSERT_NO_THROW(pm::listMidiOutputPorts());
}

TEST(MidiPorts, NoSequencerIsReportedInWords) {
    if (access("/dev/snd/seq", F_OK) == 0) GTEST_SKIP() << "this machine has an ALSA sequencer";
    if (!pm::midiOutputSupported()) GTEST_SKIP() << "built without RtMidi";
    const pm::MidiPortList list = pm::listMidiOutputPorts();
    EXPECT_FALSE(list.available);
    EXPECT_NE(list.message.find("/dev/snd/seq"), std::string::npos) << list.message;
}

}  // namespace
