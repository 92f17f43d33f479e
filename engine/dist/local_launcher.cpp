#include "dist/local_launcher.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#else
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
extern char** environ;
#endif

namespace pm::dist {

namespace {

using Clock = std::chrono::steady_clock;

// The variables the launcher sets; inherited values of them are dropped, not duplicated.
const char* const kOwnVariables[] = {"RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT",
                                     "GROUP_RANK", "SLURM_PROCID", "SLURM_NTASKS", "SLURM_LOCALID"};

bool isOwn(const std::string& entry, const std::vector<std::pair<std::string, std::string>>& extra) {
    const std::string name = entry.substr(0, entry.find('='));
    for (const char* v : kOwnVariables)
        if (name == v) return true;
    for (const auto& e : extra)
        if (name == e.first) return true;
    return false;
}

std::vector<std::string> workerEnvironment(const LocalLaunch& l, int rank, int port, const std::vector<std::string>& inherited) {
    std::vector<std::string> env;
    for (const std::string& e : inherited)
        if (!isOwn(e, l.extraEnv)) env.push_back(e);
    env.push_back("RANK=" + std::to_string(rank));
    env.push_back("WORLD_SIZE=" + std::to_string(l.nproc));
    env.push_back("LOCAL_RANK=" + std::to_string(rank));
    env.push_back("LOCAL_WORLD_SIZE=" + std::to_string(l.nproc));
    env.push_back("MASTER_ADDR=" + l.masterAddr);
    env.push_back("MASTER_PORT=" + std::to_string(port));
    for (const auto& e : l.extraEnv) env.push_back(e.first + "=" + e.second);
    return env;
}

struct Worker {
    int rank = 0;
    bool running = false;
#ifdef _WIN32
    HANDLE process = nullptr;
    DWORD pid = 0;
#else
    pid_t pid = -1;
#endif
};

std::string rankName(const Worker& w) { return "rank " + std::to_string(w.rank) + " (pid " + std::to_string(long(w.pid)) + ")"; }

}  // namespace

#ifdef _WIN32

namespace {

struct WinsockUser {
    bool ok;
    WinsockUser() {
        WSADATA d;
        ok = WSAStartup(MAKEWORD(2, 2), &d) == 0;
    }
    ~WinsockUser() {
        if (ok) WSACleanup();
    }
};

std::wstring widen(const std::string& s) {
    if (s.empty()) return {};
    const int n = MultiByteToWideChar(CP_UTF8, 0, s.data(), int(s.size()), nullptr, 0);
    std::wstring w(std::size_t(n), L'\0');
    MultiByteToWideChar(CP_UTF8, 0, s.data(), int(s.size()), w.data(), n);
    return w;
}

std::string narrow(const wchar_t* w) {
    const int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, nullptr, 0, nullptr, nullptr);
    std::string s(std::size_t(n > 0 ? n - 1 : 0), '\0');
    if (n > 1) WideCharToMultiByte(CP_UTF8, 0, w, -1, s.data(), n, nullptr, nullptr);
    return s;
}

// CommandLineToArgvW's quoting rules: backslashes only escape a following quote.
std::wstring quoted(const std::wstring& arg) {
    if (!arg.empty() && arg.find_first_of(L" \t\n\v\"") == std::wstring::npos) return arg;
    std::wstring out = L"\"";
    std::size_t slashes = 0;
    for (wchar_t c : arg) {
        if (c == L'\\') {
            ++slashes;
            continue;
        }
        out.append(c == L'"' ? 2 * slashes + 1 : slashes, L'\\');
        slashes = 0;
        out.push_back(c);
    }
    out.append(2 * slashes, L'\\');
    out.push_back(L'"');
    return out;
}

}  // namespace

int freePort(const std::string& address) {
    WinsockUser ws;
    if (!ws.ok) return 0;
    SOCKET s = ::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (s == INVALID_SOCKET) return 0;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = 0;
    if (inet_pton(AF_INET, address.c_str(), &a.sin_addr) != 1) a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int port = 0;
    int len = sizeof a;
    if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    ::closesocket(s);
    return port;
}

int runLocalWorkers(const LocalLaunch& l, const std::atomic<int>* interrupts) {
    auto log = [&](const std::string& s) {
        if (l.log) l.log(s);
    };
    if (l.nproc < 1) return log("--nproc must be at least 1"), 1;
    const int port = l.masterPort > 0 ? l.masterPort : freePort(l.masterAddr);
    if (port == 0) return log("no free TCP port on " + l.masterAddr + " for the workers' rendezvous"), 2;

    std::vector<std::string> inherited;
    if (wchar_t* block = GetEnvironmentStringsW()) {
        for (const wchar_t* p = block; *p; p += wcslen(p) + 1)
            if (*p != L'=') inherited.push_back(narrow(p));   // "=C:=C:\..." entries are the shell's
        FreeEnvironmentStringsW(block);
    }
    // Workers die with the launcher: a job object that kills its processes when its last handle closes.
    HANDLE job = CreateJobObjectW(nullptr, nullptr);
    if (job) {
        JOBOBJECT_EXTENDED_LIMIT_INFORMATION info{};
        info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
        SetInformationJobObject(job, JobObjectExtendedLimitInformation, &info, sizeof info);
    }
    std::wstring commandLine = quoted(widen(l.program));
    for (const std::string& a : l.args) commandLine += L" " + quoted(widen(a));

    std::vector<Worker> workers(std::size_t(l.nproc));
    for (int r = 0; r < l.nproc; ++r) {
        std::wstring block;
        for (const std::string& e : workerEnvironment(l, r, port, inherited)) block += widen(e) + L'\0';
        block += L'\0';
        STARTUPINFOW si{};
        si.cb = sizeof si;
        PROCESS_INFORMATION pi{};
        std::wstring cmd = commandLine;   // CreateProcessW may write into it
        // Its own console process group: Ctrl-C goes to the launcher, which forwards it as Ctrl-Break.
        if (!CreateProcessW(nullptr, cmd.data(), nullptr, nullptr, TRUE, CREATE_NEW_PROCESS_GROUP | CREATE_UNICODE_ENVIRONMENT,
                            block.data(), nullptr, &si, &pi)) {
            log("could not start worker " + std::to_string(r) + " (" + l.program + "): error " + std::to_string(GetLastError()));
            for (Worker& w : workers)
                if (w.running) TerminateProcess(w.process, 2);
            return 2;
        }
        if (job) AssignProcessToJobObject(job, pi.hProcess);
        CloseHandle(pi.hThread);
        workers[std::size_t(r)] = {r, true, pi.hProcess, pi.dwProcessId};
    }

    int result = 0, running = l.nproc, forwarded = 0;
    bool deadlineSet = false;
    Clock::time_point deadline{};
    while (running > 0) {
        const int presses = interrupts ? interrupts->load() : 0;
        for (; forwarded < presses; ++forwarded)
            for (Worker& w : workers)
                if (w.running) GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, w.pid);
        for (Worker& w : workers) {
            if (!w.running || WaitForSingleObject(w.process, 0) != WAIT_OBJECT_0) continue;
            DWORD code = 0;
            GetExitCodeProcess(w.process, &code);
            CloseHandle(w.process);
            w.running = false;
            --running;
            if (code != 0) {
                log(rankName(w) + " exited with code " + std::to_string(code));
                if (result == 0) result = int(code);
                if (!deadlineSet && running > 0) {
                    deadlineSet = true;
                    deadline = Clock::now() + std::chrono::milliseconds(std::int64_t((l.timeoutSeconds + l.graceSeconds) * 1000));
                }
            }
        }
        if (deadlineSet && Clock::now() >= deadline)
            for (Worker& w : workers)
                if (w.running) {
                    log(rankName(w) + " did not stop after another worker failed: ended");
                    TerminateProcess(w.process, 2);
                }
        if (running > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (job) CloseHandle(job);
    return result;
}

#else  // POSIX

int freePort(const std::string& address) {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) return 0;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = 0;
    if (inet_pton(AF_INET, address.c_str(), &a.sin_addr) != 1) a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int port = 0;
    socklen_t len = sizeof a;
    if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    ::close(s);
    return port;
}

int runLocalWorkers(const LocalLaunch& l, const std::atomic<int>* interrupts) {
    auto log = [&](const std::string& s) {
        if (l.log) l.log(s);
    };
    if (l.nproc < 1) return log("--nproc must be at least 1"), 1;
    const int port = l.masterPort > 0 ? l.masterPort : freePort(l.masterAddr);
    if (port == 0) return log("no free TCP port on " + l.masterAddr + " for the workers' rendezvous"), 2;

    std::vector<std::string> inherited;
    for (char** e = environ; e && *e; ++e) inherited.emplace_back(*e);
    // Everything exec needs is built before fork: the child only calls async-signal-safe functions.
    std::vector<std::string> argText{l.program};
    argText.insert(argText.end(), l.args.begin(), l.args.end());
    std::vector<char*> argv;
    for (std::string& a : argText) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t launcher = ::getpid();

    std::vector<Worker> workers(std::size_t(l.nproc));
    for (int r = 0; r < l.nproc; ++r) {
        std::vector<std::string> envText = workerEnvironment(l, r, port, inherited);
        std::vector<char*> envp;
        for (std::string& e : envText) envp.push_back(e.data());
        envp.push_back(nullptr);
        const pid_t pid = ::fork();
        if (pid == 0) {
            // Its own process group: the terminal's Ctrl-C reaches the launcher alone, which
            // forwards it once (two SIGINTs would end a worker before its checkpoint).
            ::setpgid(0, 0);
#ifdef __linux__
            ::prctl(PR_SET_PDEATHSIG, SIGTERM);   // the launcher killed: the workers stop (with a checkpoint)
            if (::getppid() != launcher) ::_exit(2);
#endif
            ::execve(argv[0], argv.data(), envp.data());
            ::_exit(127);
        }
        if (pid < 0) {
            log("could not start worker " + std::to_string(r) + ": " + std::strerror(errno));
            for (Worker& w : workers)
                if (w.running) ::kill(w.pid, SIGKILL);
            return 2;
        }
        workers[std::size_t(r)] = {r, true, pid};
    }

    int result = 0, running = l.nproc, forwarded = 0;
    bool deadlineSet = false;
    Clock::time_point deadline{};
    while (running > 0) {
        const int presses = interrupts ? interrupts->load() : 0;
        for (; forwarded < presses; ++forwarded)
            for (Worker& w : workers)
                if (w.running) ::kill(w.pid, SIGINT);
        int status = 0;
        const pid_t done = ::waitpid(-1, &status, WNOHANG);
        if (done > 0) {
            for (Worker& w : workers) {
                if (!w.running || w.pid != done) continue;
                w.running = false;
                --running;
                int code = 0;
                if (WIFEXITED(status)) {
                    code = WEXITSTATUS(status);
                    if (code == 127) log(rankName(w) + ": could not run " + l.program);
                    else if (code != 0) log(rankName(w) + " exited with code " + std::to_string(code));
                } else if (WIFSIGNALED(status)) {
                    const int sig = WTERMSIG(status);
                    const char* name = ::strsignal(sig);
                    log(rankName(w) + " was killed by signal " + std::to_string(sig) + (name ? std::string(" (") + name + ")" : ""));
                    code = 2;
                }
                if (code != 0) {
                    if (result == 0) result = code;
                    if (!deadlineSet && running > 0) {
                        // The others notice the lost peer within their timeout; past it, end them.
                        deadlineSet = true;
                        deadline = Clock::now() + std::chrono::milliseconds(std::int64_t((l.timeoutSeconds + l.graceSeconds) * 1000));
                    }
                }
            }
            continue;
        }
        if (deadlineSet && Clock::now() >= deadline) {
            for (Worker& w : workers)
                if (w.running) {
                    log(rankName(w) + " did not stop within " + std::to_string(int(l.timeoutSeconds + l.graceSeconds)) +
                        " s after another worker failed: killed");
                    ::kill(w.pid, SIGKILL);
                }
            deadline = Clock::now() + std::chrono::hours(24);   // killed once; waitpid reaps them
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return result;
}

#endif

}  // namespace pm::dist
