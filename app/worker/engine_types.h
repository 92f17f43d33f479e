// Engine value structs that travel through queued signals. Registered once so Qt can copy
// them across threads; the GUI only ever sees these plain structs, never tensors.
#pragma once

#include "core/system_info.h"
#include "dataset/dataset_builder.h"
#include "dataset/note_preview.h"
#include "playback/midi_ports.h"

#include <QMetaType>

#include <vector>

namespace pm::app {
using FileReportBatch = std::vector<pm::dataset::FileReport>;

// A finished (or failed) dataset build as the GUI sees it.
struct DatasetBuildOutcome {
    bool ok = false;
    bool cancelled = false;
    std::string error;
    std::string directory;
    pm::dataset::Manifest manifest;
};
}  // namespace pm::app

Q_DECLARE_METATYPE(pm::SystemInfo)
Q_DECLARE_METATYPE(pm::MidiPortList)
Q_DECLARE_METATYPE(pm::dataset::BuildRequest)
Q_DECLARE_METATYPE(pm::app::FileReportBatch)
Q_DECLARE_METATYPE(pm::app::DatasetBuildOutcome)
Q_DECLARE_METATYPE(pm::dataset::NotePreview)

namespace pm::app {
void registerEngineTypes();
}
