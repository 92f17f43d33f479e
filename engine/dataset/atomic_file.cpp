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

std::string writeFileAtomically(const std::string& path, const std::string& bytes) {
    const std::string tmp = path + ".tmp";
#if defined(__unix__) || defined(__APPLE__)
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return describeErrno("creating", tmp, errno);
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            return describeErrno("writing", path, err);
        }
        done += std::size_t(n);
    }
    if (::fsync(fd) != 0 && errno != EINVAL) {
        const int err = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        return describeErrno("flushing", path, err);
    }
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        return describeErrno("closing", path, err);
    }
#else
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) return describeErrno("creating", tmp, errno);
    const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size() && platform::syncFileToDisk(f);
    const int err = errno;
    std::fclose(f);
    if (!ok) {
        std::remove(tmp.c_str());
        return describeErrno("writing", path, err);
    }
#endif
    // Atomic replace on POSIX; MoveFileExW on Windows, with the UTF-8 name converted explicitly.
    if (std::string err = platform::replaceFile(tmp, path); !err.empty()) {
        std::error_code ec;
        std::filesystem::remove(std::filesystem::u8path(tmp), ec);
        return "replacing " + path + ": " + err;
    }
    syncDirectory(std::filesystem::path(path).parent_path().string());
    return {};
}

}  // namespace pm::dataset
