#include "worker/engine_types.h"

#include "worker/engine_jobs.h"

namespace pm::app {

void registerEngineTypes() {
    qRegisterMetaType<pm::SystemInfo>();
    qRegisterMetaType<pm::MidiPortList>();
    qRegisterMetaType<pm::dataset::BuildRequest>();
    qRegisterMetaType<pm::app::FileReportBatch>();
    qRegisterMetaType<pm::app::DatasetBuildOutcome>();
    qRegisterMetaType<pm::dataset::NotePreview>();
    qRegisterMetaType<pm::app::GenerateJob>();
    qRegisterMetaType<pm::app::GenerationChunk>();
    qRegisterMetaType<pm::app::GenerationOutcome>();
    qRegisterMetaType<pm::train::TrainEvent>();
    qRegisterMetaType<pm::train::TrainResult>();
    qRegisterMetaType<pm::train::TrainPlan>();
    qRegisterMetaType<pm::app::JobInfo>();
    qRegisterMetaType<pm::app::JobEnd>();
    qRegisterMetaType<pm::DemoStageReport>();
    qRegisterMetaType<pm::DemoResult>();
}

}  // namespace pm::app
