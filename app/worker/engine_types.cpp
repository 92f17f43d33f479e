#include "worker/engine_types.h"

namespace pm::app {

void registerEngineTypes() {
    qRegisterMetaType<pm::SystemInfo>();
    qRegisterMetaType<pm::MidiPortList>();
}

}  // namespace pm::app
