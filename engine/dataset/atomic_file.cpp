#include "dataset/atomic_file.h"

#include "core/platform_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#if defined(__unix__) || defined(__APPLE__)
#include <fcntl.h>
#include <unistd.h>
#endif

namespace pm::dataset {

namespace {
std::string describeErrno(const std::string& what, const std::string& path, int err) {
    if (err == ENOSPC) return "disk full while " + what + " " + path;
    return what + " " + path + ": " + std::strerror(err);
}
}  // namespace

void syncDirectory(const std::string& dir) { platform::syncDirectory(dir); }

namespace {
// Writes and flushes `parts` as `path` (created or truncated); on failure removes it. Messages
// after the file is created name `shown` (the final name, for a temporary).
std::string writeAndFlush(const std::string& path, std::initializer_list<std::string_view> parts, const std::string& shown) {
#if defined(__unix__) || defined(__APPLE__)
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return describeErrno("creating", path, errno);
    for (const std::string_view part : parts) {
        std::size_t done = 0;
        while (done < part.size()) {
            const ssize_t n = ::write(fd, part.data() + done, part.size() - done);
            if (n < 0) {
                if (errno == EINTR) continue;
                const int err = errno;
                ::close(fd);
                ::unlink(path.c_str());
                return describeErrno("writing", shown, err);
            }
            done += std::size_t(n);
        }
    }
    if (::fsync(fd) != 0 && errno != EINVAL) {
        const int err = errno;
        ::close(fd);
        ::unlink(path.c_str());
        return describeErrno("flushing", shown, err);
    }
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(path.c_str());
        return describeErrno("closing", shown, err);
    }
#else
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return describeErrno("creating", path, errno);
    bool ok = true;
    for (const std::string_view part : parts) ok = ok && std::fwrite(part.data(), 1, part.size(), f) == part.size();
    ok = ok && platform::syncFileToDisk(f);
    const int err = errno;
    std::fclose(f);
    if (!ok) {
        std::remove(path.c_str());
        return describeErrno("writing", shown, err);
    }
#endif
    return {};
}
}  // namespace

std::string writeFileDurably(const std::string& path, std::initializer_list<std::string_view> parts) {
    return writeAndFlush(path, parts, path);
}

std::string replaceFileDurably(const std::string& from, const std::string& to) {
    // Atomic replace on POSIX; MoveFileExW on Windows, with the UTF-8 name converted explicitly.
    if (std::string err = platform::replaceFile(from, to); !err.empty()) {
        std::error_code ec;
        std::filesystem::remove(std::filesystem::u8path(from), ec);
        return "replacing " + to + ": " + err;
    }
    syncDirectory(std::filesystem::path(to).parent_path().string());
    return {};
}

std::string writeFileAtomically(const std::string& path, const std::string& bytes) {
    const std::string tmp = path + ".tmp";
    if (std::string err = writeAndFlush(tmp, {bytes}, path); !err.empty()) return err;
    return replaceFileDurably(tmp, path);
}

}  // namespace pm::dataset
