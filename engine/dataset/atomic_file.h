// Writing files so that a crash, a kill or a full disk never leaves a half-written file under
// the final name: write a temporary beside it, flush it to disk, rename over the target.
#pragma once

#include <string>

namespace pm::dataset {

// Returns "" on success or a one-line message ("disk full while writing X", ...).
std::string writeFileAtomically(const std::string& path, const std::string& bytes);

// fsync of a directory, so a rename inside it survives power loss (no-op where unsupported).
void syncDirectory(const std::string& dir);

}  // namespace pm::dataset
