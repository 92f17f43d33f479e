// Writing files so that a crash, a kill or a full disk never leaves a half-written file under
// the final name: write a temporary beside it, flush it to disk, rename over the target.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace pm::dataset {

// Returns "" on success or a one-line message ("disk full while writing X", ...).
std::string writeFileAtomically(const std::string& path, const std::string& bytes);

// Writes `parts` one after another as the file `path` and flushes it to disk, under its final
// name straight away (no temporary, no rename, no folder sync): only for files in a folder that
// nothing reads until a later atomic switch names it (a dataset generation before dataset.json
// does), whose folder the caller syncs once for all its files. On failure the file is removed.
// Returns "" or a one-line message, as writeFileAtomically.
std::string writeFileDurably(const std::string& path, std::initializer_list<std::string_view> parts);

// Renames `from` over `to` atomically and syncs the folder, so the switch survives power loss:
// the second half of writeFileAtomically, for a temporary written with writeFileDurably earlier.
std::string replaceFileDurably(const std::string& from, const std::string& to);

// fsync of a directory, so a rename inside it survives power loss (no-op where unsupported).
void syncDirectory(const std::string& dir);

}  // namespace pm::dataset
