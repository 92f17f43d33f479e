// pianomuse-cli: everything the GUI does, headless. `pianomuse-cli <command> [options]`.
#include "command.h"

#include "core/allocator_policy.h"
#include "core/openmp_policy.h"
#include "core/system_info.h"
#include "core/version.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>

namespace pm::cli {

namespace {
std::vector<std::string> g_rawArguments;
}
const std::vector<std::string>& rawArguments() { return g_rawArguments; }

void printError(const std::string& message) { std::fprintf(stderr, "pianomuse-cli: error: %s\n", message.c_str()); }

CLI::Validator deviceSpecValidator() {
    return CLI::Validator(
        [](const std::string& s) { return pm::isDeviceSpec(s) ? std::string() : "must be auto, cpu, cuda or cuda:N"; },
        "auto|cpu|cuda|cuda:N");
}

std::string fullName(const CLI::App* app) {
    std::string name = app->get_name();
    for (const CLI::App* p = app->get_parent(); p && p->get_parent(); p = p->get_parent()) name = p->get_name() + " " + name;
    return name;
}

namespace {

// The command a command line runs: the first word that is neither an option nor the value of the
// root's --threads.
std::string commandOf(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--threads") == 0) ++i;
        else if (argv[i][0] != '-') return argv[i];
    }
    return "";
}

// The commands that train or evaluate run with passive OpenMP threads (engine/core/openmp_policy.h:
// spinning threads cut a busy 2-core machine's planned run from 3 passes to 1.2); the other
// commands skip the second start.
void preferPassiveOpenMp(int argc, char** argv) {
    const std::string command = commandOf(argc, argv);
    if (command != "train" && command != "eval" && command != "demo") return;
    pm::preferPassiveOpenMp(argv);
}

}  // namespace

}  // namespace pm::cli

int main(int argc, char** argv) {
    using namespace pm::cli;
    preferPassiveOpenMp(argc, argv);
    g_rawArguments.assign(argv + 1, argv + argc);
    pm::keepFreedTensorMemory();   // engine/core/allocator_policy.h
    CLI::App root{"PianoMuse — train an AI model of your own piano music, headless.", "pianomuse-cli"};
    root.set_version_flag("-V,--version", std::string("pianomuse-cli ") + pm::kVersion);
    root.require_subcommand(1);
    root.fallthrough(false);

    int threads = 0;
    root.add_option("--threads", threads, "CPU threads for the engine (0 = all cores)")
        ->check(CLI::Range(0, 1024));

    CommandList commands;
    addInfoCommand(root, commands);
    addPortsCommand(root, commands);
    addDemoCommand(root, commands);
    addInspectCommand(root, commands);
    addTokenizeCommand(root, commands);
    addDatasetCommand(root, commands);
    addModelCommand(root, commands);
    addScoreCommand(root, commands);
    addGenerateCommand(root, commands);
    addPlayCommand(root, commands);
    addTrainCommand(root, commands);
    addJamCommand(root, commands);
    addOriginalityCommand(root, commands);
    addReportCommand(root, commands);

    // CLI11 reports "a subcommand is required" before it mentions a misspelt one; name it.
    if (argc > 1 && argv[1][0] != '-') {
        bool known = false;
        for (const CLI::App* sub : root.get_subcommands([](CLI::App*) { return true; }))
            known = known || sub->check_name(argv[1]);
        if (!known) {
            printError(std::string("unknown command '") + argv[1] + "' (see 'pianomuse-cli --help')");
            return kExitUsage;
        }
    }

    try {
        root.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        std::cout << root.help();
        return kExitOk;
    } catch (const CLI::CallForAllHelp&) {
        std::cout << root.help("", CLI::AppFormatMode::All);
        return kExitOk;
    } catch (const CLI::CallForVersion&) {
        std::cout << root.version() << "\n";
        return kExitOk;
    } catch (const CLI::ParseError& e) {
        // CLI11 throws CallForHelp from subcommands through the same path; route those to stdout.
        if (e.get_exit_code() == 0) return root.exit(e);
        std::string hint;
        for (const Command& c : commands)
            if (c.app->parsed()) hint = " (see 'pianomuse-cli " + fullName(c.app) + " --help')";
        if (hint.empty())
            for (const CLI::App* sub : root.get_subcommands([](CLI::App*) { return true; }))
                if (sub->parsed()) hint = " (see 'pianomuse-cli " + sub->get_name() + " --help')";
        if (hint.empty()) hint = " (see 'pianomuse-cli --help')";
        printError(e.what() + hint);
        return kExitUsage;
    }

    // LibTorch's default intra-op thread count differs between versions and builds; be explicit.
    // generate uses LibTorch only for the prompt's prefill (≈ 15 ms for 200 tokens on one thread);
    // a second OpenMP thread there cost 30–450 ms on a busy 2-core machine (its team waits for a
    // descheduled thread) and then spins beside the fused step's own worker. So generate runs
    // LibTorch on one thread unless --threads says otherwise (issue 15: docs/generation.md).
    if (threads == 0 && commandOf(argc, argv) == "generate") threads = 1;
    pm::configureThreads(threads);

    for (const Command& c : commands) {
        if (!c.app->parsed()) continue;
        try {
            return c.run();
        } catch (const std::exception& e) {
            // Anything unexpected still ends as one clear line, never a core dump.
            printError(fullName(c.app) + ": " + e.what());
            return kExitFailed;
        }
    }
    printError("no command given (see 'pianomuse-cli --help')");
    return kExitUsage;
}
