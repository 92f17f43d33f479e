#include "core/resource_paths.h"

#include <cstdlib>
#include <filesystem>

#if defined(_WIN32)
#include <windows.h>
#endif

namespace fs = std::filesystem;

namespace pm {

std::string executableDir() {
    std::error_code ec;
#if defined(_WIN32)
    wchar_t buf[32768];
    const DWORD n = GetModuleFileNameW(nullptr, buf, DWORD(std::size(buf)));
    if (n == 0 || n >= std::size(buf)) return {};
    return fs::path(std::wstring(buf, n)).parent_path().string();
#else
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : exe.parent_path().string();
#endif
}

std::string findResourceDir(const std::string& name) {
    std::error_code ec;
    if (const char* env = std::getenv("PIANOMUSE_RESOURCES"); env && *env) {
        const fs::path p = fs::path(env) / name;
        if (fs::is_directory(p, ec)) return p.string();
    }
    const std::string exe = executableDir();
    if (!exe.empty()) {
        for (const fs::path& p : {fs::path(exe) / ".." / "share" / "pianomuse" / name,   // installed (Linux)
                                  fs::path(exe) / "resources" / name})                    // portable / Windows
            if (fs::is_directory(p, ec)) return fs::weakly_canonical(p, ec).string();
    }
#ifdef PIANOMUSE_SOURCE_RESOURCES
    const fs::path source = fs::path(PIANOMUSE_SOURCE_RESOURCES) / name;   // running from the build tree
    if (fs::is_directory(source, ec)) return source.string();
#endif
    return {};
}

}  // namespace pm
