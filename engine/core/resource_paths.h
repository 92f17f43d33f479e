// Where PianoMuse's bundled files (demo dataset, base model, translations) are, in a build tree
// and when installed. Every installed layout is the same: the binaries in <prefix>/bin, the data
// in <prefix>/share/pianomuse (the .deb: /usr; the portable bundle and the Windows installer:
// the folder they were unpacked or installed to).
//
// Lookup order for findResourceDir(name):
//   1. $PIANOMUSE_RESOURCES/<name>
//   2. <exe>/../share/pianomuse/<name>        installed (.deb, portable bundle, Windows)
//   3. <exe>/resources/<name>                 a flat copy beside the executable
//   4. the source tree's resources/<name>     only for a binary that is NOT in an installed
//                                             layout (no <exe>/../share/pianomuse), i.e. one
//                                             running from the build tree
// Strings are UTF-8 on every platform (on Windows the executables carry a manifest that makes
// UTF-8 the process code page, see packaging/windows/).
#pragma once

#include <string>

namespace pm {

// The folder holding `name` (e.g. "demo"), or "" when none of the places has it.
std::string findResourceDir(const std::string& name);

// The lookup itself with the executable's folder and the source tree's resources/ folder given
// ("" = none), so tests can build layouts in a temporary folder. Ignores $PIANOMUSE_RESOURCES.
std::string findResourceDirFrom(const std::string& exeDir, const std::string& name,
                                const std::string& sourceResources);

// The running executable's folder ("" when unknown).
std::string executableDir();
// The running executable itself ("" when unknown): what `train --nproc` starts again.
std::string executablePath();

}  // namespace pm
