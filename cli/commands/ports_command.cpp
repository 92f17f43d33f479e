// `pianomuse-cli ports`: the MIDI outputs generation can play through.
#include "command.h"

#include "playback/midi_ports.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <memory>

namespace pm::cli {

void addPortsCommand(CLI::App& root, CommandList& commands) {
    auto json = std::make_shared<bool>(false);
    CLI::App* app = root.add_subcommand("ports", "List MIDI output ports");
    app->add_flag("--json", *json, "Print one JSON object");
    commands.push_back({app, [json] {
        const MidiPortList list = listMidiOutputPorts();
        if (*json) {
            nlohmann::json j{{"available", list.available}, {"backend", list.backend}, {"message", list.message}};
            j["ports"] = nlohmann::json::array();
            for (const auto& p : list.ports) j["ports"].push_back({{"index", p.index}, {"name", p.name}});
            std::cout << j.dump(2) << "\n";
            return int(kExitOk);
        }
        if (!list.available) {
            std::printf("No MIDI output available: %s\n", list.message.c_str());
            return int(kExitOk);   // not an error: playback falls back to the built-in synth
        }
        std::printf("%s output ports:\n", list.backend.c_str());
        for (const auto& p : list.ports) std::printf("  %d: %s\n", p.index, p.name.c_str());
        if (list.ports.empty()) std::printf("  (none)\n");
        return int(kExitOk);
    }});
}

}  // namespace pm::cli
