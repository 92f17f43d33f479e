// Where the committed MIDI fixtures are (tests/data/midi, see SOURCES.md there).
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace pm::test {

inline std::string midiDataDir() { return std::string(PIANOMUSE_TEST_DATA_DIR) + "/midi"; }

// The files of one fixture folder ("real", "crafted", "regressions"), sorted by name.
inline std::vector<std::string> midiFixtures(const std::string& folder) {
    std::vector<std::string> files;
    const std::filesystem::path dir = midiDataDir() + "/" + folder;
    if (!std::filesystem::exists(dir)) return files;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        if (entry.is_regular_file()) files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace pm::test
