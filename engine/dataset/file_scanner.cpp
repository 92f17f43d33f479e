#include "dataset/file_scanner.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <filesystem>
#include <set>
#include <system_error>

namespace fs = std::filesystem;

#if !defined(_WIN32)
#include <sys/stat.h>
#endif

namespace pm::dataset {

bool hasMidiExtension(const std::string& path) {
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext == ".mid" || ext == ".midi" || ext == ".kar" || ext == ".rmi";
}

namespace {

class Scanner {
public:
    Scanner(ScanResult& out, const std::function<bool()>& stop) : out_(out), stop_(stop) {}

    void input(const std::string& raw) {
        std::error_code ec;
        const fs::path path = fs::absolute(fs::path(raw), ec).lexically_normal();
        const fs::file_status st = fs::status(path, ec);
        if (ec || !fs::exists(st)) {
            out_.problems.push_back({raw, fs::is_symlink(fs::symlink_status(path, ec)) ? "broken symbolic link"
                                                                                        : "does not exist"});
            return;
        }
        if (fs::is_directory(st)) folder(path);
        else if (fs::is_regular_file(st)) file(path, true, identity(path));
        else out_.problems.push_back({raw, "not a regular file or folder"});
    }

private:
    // `id`: what makes two paths the same file (identity()); the caller may have it already.
    void file(const fs::path& path, bool explicitInput, const std::string& id) {
        // The same file reached twice (a symlink and its target, or a folder dropped twice)
        // is one file; duplicate *content* under different names is reported later.
        if (!seenFiles_.insert(id).second) return;
        out_.files.push_back({path.string(), explicitInput});
    }

    // What makes two paths the same file. POSIX: device and inode, one stat (canonical() costs a
    // readlink per path component, a tenth of a whole single-threaded dataset build); elsewhere
    // the canonical path.
    static std::string identity(const fs::path& path) {
#if defined(_WIN32)
        std::error_code ec;
        const fs::path real = fs::canonical(path, ec);
        return ec ? path.string() : real.string();
#else
        struct stat sb {};
        if (::stat(path.c_str(), &sb) != 0) return path.string();
        return identity(sb);
#endif
    }
#if !defined(_WIN32)
    static std::string identity(const struct stat& sb) {
        return std::to_string(static_cast<unsigned long long>(sb.st_dev)) + ":" + std::to_string(static_cast<unsigned long long>(sb.st_ino));
    }
#endif

    void folder(const fs::path& root) {
        std::error_code ec;
        const fs::path real = fs::canonical(root, ec);
        if (ec || !seenDirs_.insert(real.string()).second) return;
        fs::directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
        if (ec) {
            out_.problems.push_back({root.string(), ec.message()});
            return;
        }
        std::vector<fs::path> entries;
        for (; it != fs::directory_iterator(); it.increment(ec)) {
            if (ec) {
                out_.problems.push_back({root.string(), ec.message()});
                break;
            }
            entries.push_back(it->path());
        }
        std::sort(entries.begin(), entries.end());
        for (const fs::path& entry : entries) {
            if (stop_ && stop_()) return;
#if defined(_WIN32)
            const fs::file_status st = fs::status(entry, ec);
            if (ec) {
                if (hasMidiExtension(entry.string())) out_.problems.push_back({entry.string(), ec.message()});
                continue;
            }
            if (fs::is_directory(st)) folder(entry);   // canonical-path set stops symlink loops
            else if (fs::is_regular_file(st) && hasMidiExtension(entry.string())) file(entry, false, identity(entry));
#else
            // One stat gives both the type (through symlinks, as fs::status) and the identity:
            // the scan is serial, before any file is read, so its system calls count twice.
            struct stat sb {};
            if (::stat(entry.c_str(), &sb) != 0) {
                if (hasMidiExtension(entry.string()))
                    out_.problems.push_back({entry.string(), std::error_code(errno, std::generic_category()).message()});
                continue;
            }
            if (S_ISDIR(sb.st_mode)) folder(entry);   // canonical-path set stops symlink loops
            else if (S_ISREG(sb.st_mode) && hasMidiExtension(entry.string())) file(entry, false, identity(sb));
#endif
        }
    }

    ScanResult& out_;
    const std::function<bool()>& stop_;
    std::set<std::string> seenDirs_, seenFiles_;
};

}  // namespace

ScanResult scanInputs(const std::vector<std::string>& inputs, const std::function<bool()>& shouldStop) {
    ScanResult result;
    Scanner scanner(result, shouldStop);
    for (const std::string& in : inputs) {
        if (shouldStop && shouldStop()) break;
        scanner.input(in);
    }
    std::sort(result.files.begin(), result.files.end(),
              [](const ScannedFile& a, const ScannedFile& b) { return a.path < b.path; });
    return result;
}

}  // namespace pm::dataset
