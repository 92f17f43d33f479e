#include "worker/engine_jobs.h"

namespace pm::app {

const char* laneName(Lane lane) {
    switch (lane) {
    case Lane::Training: return "training";
    case Lane::Demo: return "demo";
    case Lane::Generation: return "generation";
    case Lane::Dataset: return "dataset";
    case Lane::Light: return "queries";
    case Lane::Jam: return "jam";
    case Lane::Report: return "report";
    }
    return "queries";
}

Lane laneOf(JobKind kind) {
    switch (kind) {
    case JobKind::Training:
    case JobKind::TrainingPlan: return Lane::Training;
    case JobKind::Demo: return Lane::Demo;
    case JobKind::Generation:
    case JobKind::GenerationUndo: return Lane::Generation;
    case JobKind::DatasetBuild:
    case JobKind::DatasetOpen: return Lane::Dataset;
    case JobKind::SystemInfo:
    case JobKind::MidiPorts:
    case JobKind::MidiInputPorts:
    case JobKind::Preview:
    case JobKind::BlasMeasurement: return Lane::Light;
    case JobKind::Jam: return Lane::Jam;
    case JobKind::Report: return Lane::Report;
    }
    return Lane::Light;
}

}  // namespace pm::app
