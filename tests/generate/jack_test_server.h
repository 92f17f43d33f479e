// A JACK server of the test's own for the loopback tests (jack_loopback_test.cpp: output,
// jack_input_test.cpp: input): the dummy driver, no realtime, a server name of its own (set as
// JACK_DEFAULT_SERVER so that this process's clients find it), killed at the end in every case
// and by the kernel if the test process dies (PR_SET_PDEATHSIG).
#pragma once

#include "playback/rtmidi_output.h"   // jackServerRunning

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace pm::play::test {

// The jackd program on PATH (or in /usr/bin, /usr/local/bin); "" when JACK is not installed.
inline std::string findJackd() {
    const char* path = std::getenv("PATH");
    std::string dirs = std::string(path ? path : "") + ":/usr/bin:/usr/local/bin";
    std::size_t from = 0;
    while (from <= dirs.size()) {
        const std::size_t to = std::min(dirs.find(':', from), dirs.size());
        const std::string candidate = dirs.substr(from, to - from) + "/jackd";
        if (to > from && access(candidate.c_str(), X_OK) == 0) return candidate;
        from = to + 1;
    }
    return {};
}

// A jackd of our own, on the dummy driver with a short period (64 frames at 48 kHz = 1.3 ms), in
// synchronous mode: a client that is late (a busy machine, no realtime) delays the cycle instead
// of missing it, which in asynchronous mode drops that cycle's MIDI events (seen here at load 6).
class JackServer {
public:
    ~JackServer() { stop(); }

    bool start(const std::string& jackd, std::string* why) {
        static int started = 0;   // a fresh name for every server this process starts
        name_ = "pianomuse-test-" + std::to_string(getpid()) + "-" + std::to_string(++started);
        log_ = "/tmp/" + name_ + ".log";
        // Clients of this process (RtMidi's, the probe) find the server by this name.
        setenv("JACK_DEFAULT_SERVER", name_.c_str(), 1);
        setenv("JACK_NO_AUDIO_RESERVATION", "1", 1);
        const pid_t parent = getpid();
        pid_ = fork();
        if (pid_ < 0) {
            *why = std::string("fork: ") + std::strerror(errno);
            return false;
        }
        if (pid_ == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);   // never outlive the test
            if (getppid() != parent) _exit(127);
            const int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0) {
                dup2(fd, 1);
                dup2(fd, 2);
            }
            execl(jackd.c_str(), "jackd", "--no-realtime", "--sync", "-n", name_.c_str(), "-d", "dummy", "-r", "48000", "-p", "64",
                  static_cast<char*>(nullptr));
            _exit(127);
        }
        // Up when a client can connect; gone early means it failed.
        for (int i = 0; i < 100; ++i) {
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                *why = "jackd exited at once; its log: " + readLog();
                return false;
            }
            if (jackServerRunning()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        *why = "jackd did not accept clients within 5 s; its log: " + readLog();
        return false;
    }

    void stop() {
        if (pid_ > 0) {
            kill(pid_, SIGTERM);
            for (int i = 0; i < 100; ++i) {   // 2 s, then for sure
                if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
                    pid_ = -1;
                    break;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
            if (pid_ > 0) {
                kill(pid_, SIGKILL);
                waitpid(pid_, nullptr, 0);
                pid_ = -1;
            }
        }
        if (!log_.empty()) std::remove(log_.c_str());
        removeLeftovers();
        unsetenv("JACK_DEFAULT_SERVER");
    }

private:
    // A server stopped while clients were connected (a test does that on purpose) leaves their
    // semaphores in /dev/shm (jack_sem.<uid>_<server>_<client>), and a killed one its socket
    // (jack_<server>_<uid>_0). The names carry this server's name, unique to this process.
    void removeLeftovers() const {
        if (name_.empty()) return;
        DIR* dir = opendir("/dev/shm");
        if (!dir) return;
        const std::string semaphore = "_" + name_ + "_", socket = "jack_" + name_ + "_";
        while (dirent* entry = readdir(dir)) {
            const std::string file = entry->d_name;
            if ((file.rfind("jack_sem.", 0) == 0 && file.find(semaphore) != std::string::npos) ||
                file.rfind(socket, 0) == 0)
                unlink(("/dev/shm/" + file).c_str());
        }
        closedir(dir);
    }

    std::string readLog() const {
        std::string text;
        if (FILE* f = std::fopen(log_.c_str(), "r")) {
            char buf[512];
            std::size_t n;
            while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && text.size() < 4000) text.append(buf, n);
            std::fclose(f);
        }
        return text;
    }

    pid_t pid_ = -1;
    std::string name_, log_;
};

}  // namespace pm::play::test
