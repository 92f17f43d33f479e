#include "core/resource_paths.h"

#include <cstdlib>
#include <filesystem>

#if defined(_WIN32)
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#endif

namespace fs = std::filesystem;

namespace pm {

namespace {
// UTF-8 std::string <-> path on every platform (on POSIX both are plain byte copies).
fs::path fromUtf8(const std::string& s) { return fs::u8path(s); }
std::string toUtf8(const fs::path& p) { return p.u8string(); }
}  // namespace

std::string executablePath() {
#if defined(_WIN32)
    std::wstring buf(512, L'\0');
    for (;;) {
        const DWORD n = GetModuleFileNameW(nullptr, buf.data(), DWORD(buf.size()));
        if (n == 0) return {};
        if (n < buf.size()) {
            buf.resize(n);
            break;
        }
        if (buf.size() >= 32768) return {};
        buf.resize(buf.size() * 2);
    }
    return toUtf8(fs::path(buf));
#else
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : toUtf8(exe);
#endif
}

std::string executableDir() {
    const std::string exe = executablePath();
    return exe.empty() ? std::string() : toUtf8(fromUtf8(exe).parent_path());
}

std::string findResourceDirFrom(const std::string& exeDir, const std::string& name,
                                const std::string& sourceResources) {
    std::error_code ec;
    bool installedLayout = false;
    if (!exeDir.empty()) {
        const fs::path exe = fromUtf8(exeDir);
        const fs::path share = exe / ".." / "share" / "pianomuse";
        installedLayout = fs::is_directory(share, ec);
        for (const fs::path& p : {share / fromUtf8(name), exe / "resources" / fromUtf8(name)}) {
            if (fs::is_directory(p, ec)) {
                const fs::path canonical = fs::weakly_canonical(p, ec);
                return toUtf8(ec ? p : canonical);
            }
        }
    }
    // An installed binary never reads the source tree it was built from: a package that lacks
    // its data must say so, not work by accident on the build machine only.
    if (!installedLayout && !sourceResources.empty()) {
        const fs::path source = fromUtf8(sourceResources) / fromUtf8(name);
        if (fs::is_directory(source, ec)) return toUtf8(source);
    }
    return {};
}

std::string findResourceDir(const std::string& name) {
    std::error_code ec;
    if (const char* env = std::getenv("PIANOMUSE_RESOURCES"); env && *env) {
        const fs::path p = fromUtf8(env) / fromUtf8(name);
        if (fs::is_directory(p, ec)) return toUtf8(p);
    }
#ifdef PIANOMUSE_SOURCE_RESOURCES
    const std::string source = PIANOMUSE_SOURCE_RESOURCES;   // running from the build tree
#else
    const std::string source;
#endif
    return findResourceDirFrom(executableDir(), name, source);
}

}  // namespace pm
