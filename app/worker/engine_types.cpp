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
    qRegisterMetaType<pm::app::MidiInputChoices>();
    qRegisterMetaType<pm::app::JamJob>();
    qRegisterMetaType<pm::app::JamStarted>();
    qRegisterMetaType<pm::app::JamNoteBatch>();
    qRegisterMetaType<pm::app::JamEvent>();
    qRegisterMetaType<pm::app::JamRecording>();
    qRegisterMetaType<pm::app::JamOutcome>();
    qRegisterMetaType<pm::report::ReportRequest>();
    qRegisterMetaType<pm::report::ReportProgress>();
    qRegisterMetaType<pm::app::ReportOutcome>();
}

}  // namespace pm::app
