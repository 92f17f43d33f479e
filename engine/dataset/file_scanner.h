// Finding the MIDI files in what the user dropped: files and folders, recursively.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace pm::dataset {

struct ScannedFile {
    std::string path;          // as found (absolute, lexically normal)
    bool explicitInput = false; // named directly by the user (read whatever its extension)
};

struct ScanProblem {
    std::string path;
    std::string reason;        // "does not exist", "permission denied", "symbolic link loop", ...
};

struct ScanResult {
    std::vector<ScannedFile> files;       // sorted by path, each real file once
    std::vector<ScanProblem> problems;    // inputs or folders that could not be read
};

// True for .mid .midi .kar .rmi in any letter case.
bool hasMidiExtension(const std::string& path);

// Walks the inputs. Folders are searched recursively for MIDI extensions; symlinks to folders
// are followed once (a folder already visited through another path is skipped, so loops end);
// files named directly are taken whatever their extension. `shouldStop` is polled per entry.
ScanResult scanInputs(const std::vector<std::string>& inputs, const std::function<bool()>& shouldStop = {});

}  // namespace pm::dataset
