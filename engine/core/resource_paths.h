// Where PianoMuse's bundled files (demo dataset, base model) are, in a build tree and when
// installed: $PIANOMUSE_RESOURCES, then <exe>/../share/pianomuse, then the source tree.
#pragma once

#include <string>

namespace pm {

// The folder holding `name` (e.g. "demo"), or "" when none of the places has it.
std::string findResourceDir(const std::string& name);

// The running executable's folder ("" when unknown).
std::string executableDir();

}  // namespace pm
