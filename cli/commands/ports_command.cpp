// `pianomuse-cli ports`: the MIDI outputs generation can play through, the MIDI inputs jam mode
// can listen to (both also on JACK when a JACK server runs: named jack:NAME), and whether
// PianoMuse's own virtual ports can be made here.
#include "command.h"

#include "playback/midi_ports.h"
#include "playback/rtmidi_input.h"
#include "playback/rtmidi_output.h"
#include "playback/virtual_midi_ports.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <memory>

namespace pm::cli {

namespace {

nlohmann::json portsJson(const MidiPortList& list) {
    nlohmann::json ports = nlohmann::json::array();
    for (const auto& p : list.ports) ports.push_back({{"index", p.index}, {"name", p.name}});
    return ports;
}

void printPorts(const MidiPortList& list, const char* kind, bool explainEmpty) {
    if (!list.available) {
        std::printf("No MIDI %s available: %s\n", kind, list.message.c_str());
        return;
    }
    std::printf("%s %s ports:\n", list.backend.c_str(), kind);
    for (const auto& p : list.ports) std::printf("  %d: %s\n", p.index, p.name.c_str());
    if (!list.ports.empty()) return;
    // An empty input list says what to do (connect a keyboard, or play into "PianoMuse in").
    if (explainEmpty && !list.message.empty())
        std::printf("  (none): %s\n", list.message.c_str());
    else
        std::printf("  (none)\n");
}

}  // namespace

void addPortsCommand(CLI::App& root, CommandList& commands) {
    auto json = std::make_shared<bool>(false);
    CLI::App* app = root.add_subcommand("ports", "List MIDI input and output ports");
    app->add_flag("--json", *json, "Print one JSON object");
    commands.push_back({app, [json] {
        const MidiPortList outputs = listMidiOutputPorts();
        const MidiPortList inputs = listMidiInputPorts();
        const std::string noVirtual = play::virtualMidiPortsUnavailable();
        const bool jack = play::jackServerRunning();
        const MidiPortList jackOutputs = jack ? listMidiOutputPorts(play::MidiApi::Jack) : MidiPortList{};
        const MidiPortList jackInputs = jack ? listMidiInputPorts(play::MidiApi::Jack) : MidiPortList{};
        if (*json) {
            // The output keys are the original ones (available, backend, message, ports).
            nlohmann::json j{{"available", outputs.available}, {"backend", outputs.backend}, {"message", outputs.message}};
            j["ports"] = portsJson(outputs);
            j["inputs"] = portsJson(inputs);
            j["inputs_available"] = inputs.available;
            j["inputs_backend"] = inputs.backend;
            j["inputs_message"] = inputs.message;
            j["virtual_ports"] = {{"available", noVirtual.empty()},
                                  {"input", play::kVirtualInputName},
                                  {"output", play::kVirtualOutputName},
                                  {"message", noVirtual}};
            // Ports on a running JACK server: pass them as jack:NAME.
            j["jack"] = {{"running", jack}, {"outputs", portsJson(jackOutputs)}, {"inputs", portsJson(jackInputs)}};
            std::cout << j.dump(2) << "\n";
            return int(kExitOk);
        }
        // Nothing here is an error: playback falls back to the built-in synth, and jam mode
        // explains what it needs.
        printPorts(outputs, "output", false);
        printPorts(inputs, "input", true);
        if (jack) {
            std::printf("A JACK server runs; its ports are given as jack:NAME.\n");
            printPorts(jackOutputs, "output", false);
            printPorts(jackInputs, "input", true);
        }
        if (noVirtual.empty())
            std::printf("Virtual ports \"%s\" / \"%s\" can be created here.\n", play::kVirtualInputName,
                        play::kVirtualOutputName);
        else
            std::printf("Virtual ports \"%s\" / \"%s\": %s\n", play::kVirtualInputName, play::kVirtualOutputName,
                        noVirtual.c_str());
        return int(kExitOk);
    }});
}

}  // namespace pm::cli
