// Engine value structs that travel through queued signals. Registered once so Qt can copy
// them across threads; the GUI only ever sees these plain structs, never tensors.
#pragma once

#include "core/system_info.h"
#include "playback/midi_ports.h"

#include <QMetaType>

Q_DECLARE_METATYPE(pm::SystemInfo)
Q_DECLARE_METATYPE(pm::MidiPortList)

namespace pm::app {
void registerEngineTypes();
}
