// The few file-system calls that differ between POSIX and Windows, in one header so the
// torch-free libraries (pianomuse_dataset, pianomuse_formats) use them without linking anything.
// Paths are UTF-8 std::strings on every platform; on Windows the executables carry a manifest
// that makes UTF-8 the process code page (packaging/windows/pianomuse.manifest), so fopen and
// std::filesystem read them as UTF-8 too. Tested by tests/packaging/platform_file_test.cpp, which
// also runs under wine (tests/packaging/windows_core_test.sh).
#pragma once

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>

#if defined(_WIN32)
#include <io.h>        // _commit, _fileno
#include <process.h>   // _getpid
#else
#include <fcntl.h>
#include <unistd.h>
#endif

namespace pm::platform {

// This process's id (for unique temporary names).
inline long processId() {
#if defined(_WIN32)
    return long(::_getpid());
#else
    return long(::getpid());
#endif
}

// Flushes stdio's buffer and asks the OS to put the file's bytes on disk. False on failure
// (errno set). EINVAL from fsync (a file system that cannot sync, e.g. some FUSE mounts) counts
// as success: there is nothing more to do.
inline bool syncFileToDisk(std::FILE* f) {
    if (std::fflush(f) != 0) return false;
#if defined(_WIN32)
    return ::_commit(::_fileno(f)) == 0;   // FlushFileBuffers underneath
#else
    return ::fsync(::fileno(f)) == 0 || errno == EINVAL;
#endif
}

// Makes a rename inside `dir` durable (POSIX: fsync of the directory). Windows journals the
// rename itself and cannot open a directory for flushing without backup rights: a no-op there.
inline void syncDirectory(const std::string& dir) {
#if defined(_WIN32)
    (void)dir;
#else
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
#endif
}

// Renames `from` over `to`, replacing an existing file (POSIX rename(2); Windows MoveFileExW
// with MOVEFILE_REPLACE_EXISTING, which std::rename does not do). "" or the error message.
inline std::string replaceFile(const std::string& from, const std::string& to) {
    std::error_code ec;
    std::filesystem::rename(std::filesystem::u8path(from), std::filesystem::u8path(to), ec);
    return ec ? ec.message() : std::string();
}

}  // namespace pm::platform
