// How pianomuse-cli subcommands plug in: each command file adds its CLI11 subcommand and a
// function to run once the command line is parsed. Exit codes are the CLI's contract:
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace pm::cli {

enum ExitCode : int {
    kExitOk = 0,
    kExitUsage = 1,     // unknown option, bad value, missing file argument: the user can fix the call
    kExitFailed = 2,    // the input could not be used or the work failed (message says why)
};

struct Command {
    CLI::App* app = nullptr;
    std::function<int()> run;   // returns an ExitCode
};

using CommandList = std::vector<Command>;

void addInfoCommand(CLI::App& root, CommandList& commands);
void addPortsCommand(CLI::App& root, CommandList& commands);
void addDemoCommand(CLI::App& root, CommandList& commands);
void addInspectCommand(CLI::App& root, CommandList& commands);
void addTokenizeCommand(CLI::App& root, CommandList& commands);
void addDatasetCommand(CLI::App& root, CommandList& commands);
void addModelCommand(CLI::App& root, CommandList& commands);
void addScoreCommand(CLI::App& root, CommandList& commands);
void addGenerateCommand(CLI::App& root, CommandList& commands);
void addPlayCommand(CLI::App& root, CommandList& commands);
void addTrainCommand(CLI::App& root, CommandList& commands);
void addJamCommand(CLI::App& root, CommandList& commands);
void addOriginalityCommand(CLI::App& root, CommandList& commands);
void addReportCommand(CLI::App& root, CommandList& commands);

// "dataset build" for a nested command, as users type it.
std::string fullName(const CLI::App* app);

// The command line as typed (argv[1..]), for commands that start this program again
// (`train --nproc N` starts its workers with the same arguments).
const std::vector<std::string>& rawArguments();

// "pianomuse-cli: error: <message>" on stderr, one line.
void printError(const std::string& message);

// Every --device: auto, cpu, cuda or cuda:N (pm::isDeviceSpec). Whether that device exists is
// decided later by pm::resolveDevice, whose error names the devices that do.
CLI::Validator deviceSpecValidator();

}  // namespace pm::cli
