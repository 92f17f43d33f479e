// c10d behind pm::dist::Communicator. Built with USE_C10D_GLOO (and USE_C10D_NCCL where LibTorch
// has NCCL) and Gloo's headers on its own (engine/CMakeLists.txt): LibTorch's installed c10d
// headers only declare ProcessGroupGloo under that macro, and PIANOMUSE_HAVE_C10D is off where
// they or Gloo's headers are missing — then connect() says so instead of failing to build.
#include "dist/communicator.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#if PIANOMUSE_HAVE_C10D
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#if PIANOMUSE_HAVE_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace pm::dist {

#if PIANOMUSE_HAVE_C10D

using Ms = std::chrono::milliseconds;

namespace {

Ms toMs(double seconds) { return Ms(std::max<std::int64_t>(1, std::int64_t(seconds * 1000.0))); }

std::string firstLine(const std::string& s) {
    const std::string line = s.substr(0, s.find('\n'));
    return line.size() > 300 ? line.substr(0, 300) + "..." : line;
}

std::string secondsText(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g s", s);
    return buf;
}

std::vector<std::uint8_t> bytesOf(const std::string& s) { return {s.begin(), s.end()}; }
std::string textOf(const std::vector<std::uint8_t>& b) { return {b.begin(), b.end()}; }

}  // namespace

namespace {

bool contains(const std::string& s, const char* what) { return s.find(what) != std::string::npos; }

// The local address this host uses to reach `host`: Gloo listens on it, so the other ranks can
// connect back over the same network as the store (a multi-homed node, a veth pair). A UDP
// "connect" sends nothing; it only asks the kernel for the route.
std::string localAddressTowards(const std::string& host, int port, std::string* error) {
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* res = nullptr;
    if (int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res); rc != 0 || !res) {
        *error = "cannot resolve the master address '" + host + "' (" + gai_strerror(rc) + ")";
        return "";
    }
    std::string local;
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    if (fd >= 0) {
        if (::connect(fd, res->ai_addr, res->ai_addrlen) == 0) {
            sockaddr_in me{};
            socklen_t len = sizeof me;
            char text[INET_ADDRSTRLEN] = "";
            if (::getsockname(fd, reinterpret_cast<sockaddr*>(&me), &len) == 0 &&
                inet_ntop(AF_INET, &me.sin_addr, text, sizeof text))
                local = text;
        }
        ::close(fd);
    }
    freeaddrinfo(res);
    if (local.empty() || local == "0.0.0.0") local = "127.0.0.1";
    return local;
}

// c10d logs each failure (a refused connection, a port in use, a closed socket) on stderr through
// glog (Debian's LibTorch) or c10's own logger (pip's) before it throws, so a user would read
// three lines of internals above our one line that says what happened and which rank. Every such
// failure reaches the user through DistError; their own log lines are turned down to fatal ones.
// Once per process (two ranks in one process, as in tests, would otherwise both write it).
void quietC10dLogging() {
    static std::once_flag once;
    std::call_once(once, [] {
        // glog's level (Debian's LibTorch), and c10's own logger's (pip's 2.x builds without glog,
        // where c10d logs every retried connection with a stack trace).
        for (const char* symbol : {"_ZN3fLI17FLAGS_minloglevelE", "FLAGS_minloglevel", "_ZN3fLI22FLAGS_caffe2_log_levelE",
                                   "FLAGS_caffe2_log_level"})
            if (void* flag = ::dlsym(RTLD_DEFAULT, symbol)) *static_cast<int*>(flag) = 3;   // glog's FATAL
    });
}

}  // namespace

struct Communicator::Impl {
    c10::intrusive_ptr<c10d::Store> store;        // the main connection (rendezvous, agreements)
    c10::intrusive_ptr<c10d::Store> beatStore;    // the heartbeat thread's own connection
#if PIANOMUSE_HAVE_NCCL
    c10::intrusive_ptr<c10d::ProcessGroupNCCL> nccl;
#endif
    c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
    std::thread beat;
    std::mutex beatMutex;
    std::condition_variable beatWake;
    bool beatStop = false;

    // Collectives go to NCCL when it exists (CUDA), else Gloo. Both derive from the type whose
    // allreduce/broadcast c10d declares (ProcessGroup in 1.13, Backend in 2.x): called through
    // the concrete class, the same source builds against both.
    template <class F>
    auto collective(F&& f) {
#if PIANOMUSE_HAVE_NCCL
        if (nccl) return f(*nccl);
#endif
        return f(*gloo);
    }
};

std::shared_ptr<Communicator> Communicator::connect(const LaunchEnv& env, const CommOptions& options) {
    if (!std::getenv("PIANOMUSE_C10D_LOGS")) quietC10dLogging();   // set it to see them
    std::shared_ptr<Communicator> c(new Communicator());
    c->impl_ = std::make_unique<Impl>();
    c->options_ = options;
    c->env_ = env;
    c->rank_ = env.rank;
    c->world_ = env.world;
    const Ms timeout = toMs(options.timeoutSeconds);
    const std::string where = env.masterAddr + ":" + std::to_string(env.masterPort);

    std::string error;
    const std::string local = localAddressTowards(env.masterAddr, env.masterPort, &error);
    if (local.empty()) throw DistError(error);

    c10d::TCPStoreOptions so;
    so.port = std::uint16_t(env.masterPort);
    so.isServer = env.rank == 0;
    so.numWorkers = std::size_t(env.world);
    so.waitWorkers = false;   // our own join below names the ranks that did not come
    so.timeout = timeout;
    try {
        c->impl_->store = c10::make_intrusive<c10d::TCPStore>(env.masterAddr, so);
        so.isServer = false;
        c->impl_->beatStore = c10::make_intrusive<c10d::TCPStore>(env.masterAddr, so);
    } catch (const std::exception& ex) {
        const std::string what = ex.what();
        if (env.rank == 0 && (contains(what, "in use") || contains(what, "EADDRINUSE") || contains(what, "failed to listen") ||
                              contains(what, "bind")))
            throw DistError("port " + std::to_string(env.masterPort) + " is in use on this host (rank 0 hosts the run's store at " +
                            where + "): choose another with MASTER_PORT or --master-port");
        throw DistError("could not reach the master at " + where + " within " + secondsText(options.timeoutSeconds) +
                        " (is rank 0 running, and are MASTER_ADDR and MASTER_PORT right?): " + firstLine(what));
    }

    // Join: every rank announces itself; all wait for the full count or the timeout.
    c10d::Store& store = *c->impl_->store;
    try {
        store.set("pm/joined/" + std::to_string(env.rank), bytesOf("1"));
        store.add("pm/joined", 1);
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (store.add("pm/joined", 0) < env.world) {
            if (std::chrono::steady_clock::now() >= deadline) {
                std::string missing;
                for (int r = 0; r < env.world && missing.size() < 200; ++r)
                    if (!store.check({"pm/joined/" + std::to_string(r)})) missing += (missing.empty() ? "" : ", ") + std::to_string(r);
                throw DistError(std::to_string(store.add("pm/joined", 0)) + " of " + std::to_string(env.world) +
                                " processes joined within " + secondsText(options.timeoutSeconds) + "; missing rank(s) " + missing +
                                " (were all started with the same MASTER_ADDR/MASTER_PORT and WORLD_SIZE?)");
            }
            std::this_thread::sleep_for(Ms(20));
        }
    } catch (const DistError&) {
        throw;
    } catch (const std::exception& ex) {
        throw DistError("lost the master at " + where + " while the ranks joined: " + firstLine(ex.what()));
    }

    try {
        auto prefixed = c10::make_intrusive<c10d::PrefixStore>("pm/pg", c->impl_->store);
#if PIANOMUSE_HAVE_NCCL
        if (options.cuda) {
            auto o = c10d::ProcessGroupNCCL::Options::create();
            o->timeout = timeout;
            c->impl_->nccl = c10::make_intrusive<c10d::ProcessGroupNCCL>(prefixed, env.rank, env.world, o);
        }
#endif
        auto o = c10d::ProcessGroupGloo::Options::create(timeout);
        // GLOO_SOCKET_IFNAME picks an interface as in PyTorch; otherwise the one that routes to the master.
        const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
        o->devices.push_back(ifname && *ifname ? c10d::ProcessGroupGloo::createDeviceForInterface(ifname)
                                               : c10d::ProcessGroupGloo::createDeviceForHostname(local));
        c->impl_->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(
            c10::make_intrusive<c10d::PrefixStore>("pm/gloo", c->impl_->store), env.rank, env.world, o);
        (void)prefixed;
    } catch (const std::exception& ex) {
        c->broken_ = true;
        throw DistError("the process group did not form (" + std::string(options.cuda ? "NCCL/Gloo" : "Gloo") + ", this host " +
                        local + "): " + firstLine(ex.what()));
    }

    // Heartbeats: a counter per rank, once a second, on the thread's own connection.
    Impl* impl = c->impl_.get();
    const std::string key = "pm/hb/" + std::to_string(env.rank);
    impl->beat = std::thread([impl, key] {
        std::int64_t n = 0;
        std::unique_lock<std::mutex> lock(impl->beatMutex);
        while (!impl->beatStop) {
            try {
                impl->beatStore->set(key, bytesOf(std::to_string(++n)));
            } catch (const std::exception&) {
                return;   // the store is gone (rank 0 ended or died); the next collective says so
            }
            impl->beatWake.wait_for(lock, Ms(1000), [impl] { return impl->beatStop; });
        }
    });
    return c;
}

Communicator::~Communicator() {
    if (!impl_) return;
    {
        std::lock_guard<std::mutex> lock(impl_->beatMutex);
        impl_->beatStop = true;
    }
    impl_->beatWake.notify_all();
    if (impl_->beat.joinable()) impl_->beat.join();
    if (broken_) {
        // A process group whose peer died may block in its destructor (pending work, closed
        // sockets): leave it to the process's exit.
        impl_.release();
    }
}

std::string Communicator::backend() const {
#if PIANOMUSE_HAVE_NCCL
    if (impl_ && impl_->nccl) return "nccl";
#endif
    return "gloo";
}

std::string Communicator::lostRanks() {
    // Heartbeats advance once a second: read them, wait three, read again. A rank whose counter
    // did not move (or that never wrote one) is lost; a store that does not answer means rank 0's
    // process, which hosts it, is gone.
    auto readAll = [&](std::vector<std::string>* out) {
        out->assign(std::size_t(world_), "");
        for (int r = 0; r < world_; ++r) {
            if (r == rank_) continue;
            const std::string k = "pm/hb/" + std::to_string(r);
            if (impl_->store->check({k})) (*out)[std::size_t(r)] = textOf(impl_->store->get(k));
        }
    };
    try {
        std::vector<std::string> a, b;
        readAll(&a);
        std::this_thread::sleep_for(Ms(3000));
        readAll(&b);
        std::string lost;
        for (int r = 0; r < world_; ++r)
            if (r != rank_ && (b[std::size_t(r)].empty() || a[std::size_t(r)] == b[std::size_t(r)]))
                lost += (lost.empty() ? "" : ", ") + std::to_string(r);
        return lost.empty() ? "" : "rank " + lost;
    } catch (const std::exception&) {
        return "rank 0 (its process hosts the run's store at " + env_.masterAddr + ":" + std::to_string(env_.masterPort) + ")";
    }
}

void Communicator::fail(const std::string& what, const std::exception& cause) {
    broken_ = true;
    const std::string lost = rank_ == 0 && world_ == 1 ? "" : lostRanks();
    throw DistError(lost.empty() ? what + " failed on rank " + std::to_string(rank_) + ": " + firstLine(cause.what())
                                 : "lost " + lost + " (" + what + " failed on rank " + std::to_string(rank_) + ": " +
                                       firstLine(cause.what()) + ")");
}

void Communicator::allReduceSum(const std::vector<torch::Tensor>& tensors) {
    const auto t0 = std::chrono::steady_clock::now();
    const Ms timeout = toMs(options_.timeoutSeconds);
    try {
        // Buckets of one dtype and device: flatten (a copy), reduce, copy back.
        std::size_t i = 0;
        while (i < tensors.size()) {
            std::vector<torch::Tensor> bucket{tensors[i].reshape({-1})};
            std::size_t bytes = std::size_t(tensors[i].numel() * tensors[i].element_size());
            std::size_t j = i + 1;
            while (j < tensors.size() && tensors[j].scalar_type() == tensors[i].scalar_type() &&
                   tensors[j].device() == tensors[i].device() &&
                   bytes + std::size_t(tensors[j].numel() * tensors[j].element_size()) <= options_.bucketBytes) {
                bucket.push_back(tensors[j].reshape({-1}));
                bytes += std::size_t(tensors[j].numel() * tensors[j].element_size());
                ++j;
            }
            std::vector<torch::Tensor> flat{bucket.size() == 1 ? bucket[0].clone() : torch::cat(bucket)};
            impl_->collective([&](auto& pg) {
                c10d::AllreduceOptions o;
                o.reduceOp = c10d::ReduceOp::SUM;
                o.timeout = timeout;
                pg.allreduce(flat, o)->wait(timeout);
                return 0;
            });
            std::int64_t offset = 0;
            torch::NoGradGuard ng;
            for (std::size_t k = i; k < j; ++k) {
                const std::int64_t n = tensors[k].numel();
                tensors[k].copy_(flat[0].narrow(0, offset, n).view(tensors[k].sizes()));
                offset += n;
            }
            stats_.bytes += bytes;
            ++stats_.calls;
            i = j;
        }
    } catch (const DistError&) {
        throw;
    } catch (const std::exception& ex) {
        fail("an all-reduce", ex);
    }
    stats_.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::vector<double> Communicator::allReduceSum(const std::vector<double>& values) {
    torch::Tensor t = torch::tensor(values, torch::kFloat64);
    if (options_.cuda && backend() == "nccl") t = t.to(torch::Device(torch::kCUDA, c10::DeviceIndex(options_.cudaDevice)));
    const Ms timeout = toMs(options_.timeoutSeconds);
    try {
        std::vector<torch::Tensor> v{t};
        impl_->collective([&](auto& pg) {
            c10d::AllreduceOptions o;
            o.reduceOp = c10d::ReduceOp::SUM;
            o.timeout = timeout;
            pg.allreduce(v, o)->wait(timeout);
            return 0;
        });
        t = v[0].cpu();
    } catch (const std::exception& ex) {
        fail("an all-reduce", ex);
    }
    return std::vector<double>(t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
}

void Communicator::broadcast(const std::vector<torch::Tensor>& tensors, int root) {
    const Ms timeout = toMs(options_.timeoutSeconds);
    try {
        torch::NoGradGuard ng;
        for (const torch::Tensor& t : tensors) {
            std::vector<torch::Tensor> v{t.is_contiguous() ? t : t.contiguous()};
            impl_->collective([&](auto& pg) {
                c10d::BroadcastOptions o;
                o.rootRank = root;
                o.timeout = timeout;
                pg.broadcast(v, o)->wait(timeout);
                return 0;
            });
            if (!t.is_contiguous()) t.copy_(v[0]);
        }
    } catch (const std::exception& ex) {
        fail("a broadcast", ex);
    }
}

std::vector<std::uint8_t> Communicator::broadcastBytes(const std::vector<std::uint8_t>& bytes) {
    // The size first, then the bytes, both over Gloo on the CPU (a checkpoint is no hot path).
    const Ms timeout = toMs(options_.timeoutSeconds);
    auto bcast = [&](torch::Tensor t) {
        std::vector<torch::Tensor> v{t};
        impl_->gloo->broadcast(v, c10d::BroadcastOptions{})->wait(timeout);
    };
    try {
        torch::Tensor n = torch::tensor({std::int64_t(rank_ == 0 ? bytes.size() : 0)}, torch::kInt64);
        bcast(n);
        const std::int64_t size = n.item<std::int64_t>();
        torch::Tensor data = torch::empty({size}, torch::kUInt8);
        if (rank_ == 0 && size > 0) std::memcpy(data.data_ptr<std::uint8_t>(), bytes.data(), bytes.size());
        if (size > 0) bcast(data);
        return std::vector<std::uint8_t>(data.data_ptr<std::uint8_t>(), data.data_ptr<std::uint8_t>() + size);
    } catch (const std::exception& ex) {
        fail("sending rank 0's checkpoint", ex);
    }
}

void Communicator::agree(const std::vector<std::pair<std::string, std::string>>& fields) {
    const std::string round = "pm/agree/" + std::to_string(agreements_++) + "/";
    nlohmann::json mine = nlohmann::json::array();
    for (const auto& [k, v] : fields) mine.push_back({k, v});
    c10d::Store& store = *impl_->store;
    const Ms timeout = toMs(options_.timeoutSeconds);
    std::string verdict;
    try {
        store.set(round + std::to_string(rank_), bytesOf(mine.dump()));
        if (rank_ == 0) {
            for (int r = 1; r < world_ && verdict.empty(); ++r) {
                const std::string key = round + std::to_string(r);
                store.wait({key}, timeout);
                const nlohmann::json theirs = nlohmann::json::parse(textOf(store.get(key)), nullptr, false);
                for (std::size_t i = 0; i < fields.size() && verdict.empty(); ++i) {
                    const std::string value = theirs.is_array() && i < theirs.size() ? theirs[i][1].get<std::string>() : "?";
                    if (value != fields[i].second)
                        verdict = "rank " + std::to_string(r) + " was started with another " + fields[i].first + " (" + value +
                                  ") than rank 0 (" + fields[i].second + "): start every rank with the same dataset, options and version";
                }
            }
            store.set(round + "verdict", bytesOf(verdict.empty() ? "ok" : verdict));
        } else {
            store.wait({round + "verdict"}, timeout);
            verdict = textOf(store.get(round + "verdict"));
            if (verdict == "ok") verdict.clear();
        }
    } catch (const std::exception& ex) {
        fail("comparing the ranks' configurations", ex);
    }
    if (!verdict.empty()) throw DistError(verdict);
}

void Communicator::barrier() { allReduceSum(std::vector<double>{0.0}); }

bool distributedAvailable(std::string* reason) {
    (void)reason;
    return true;
}

#else  // no c10d/Gloo in this LibTorch

struct Communicator::Impl {};

namespace {
constexpr const char* kNoC10d =
    "this build of PianoMuse has no distributed training: its LibTorch lacks c10d with Gloo (or Gloo's headers were "
    "missing when it was built); train with one process, or build against a LibTorch with distributed support";
}

std::shared_ptr<Communicator> Communicator::connect(const LaunchEnv&, const CommOptions&) { throw DistError(kNoC10d); }
Communicator::~Communicator() = default;
std::string Communicator::backend() const { return "none"; }
std::string Communicator::lostRanks() { return ""; }
void Communicator::fail(const std::string& what, const std::exception& cause) { throw DistError(what + ": " + cause.what()); }
void Communicator::allReduceSum(const std::vector<torch::Tensor>&) { throw DistError(kNoC10d); }
std::vector<double> Communicator::allReduceSum(const std::vector<double>&) { throw DistError(kNoC10d); }
void Communicator::broadcast(const std::vector<torch::Tensor>&, int) { throw DistError(kNoC10d); }
std::vector<std::uint8_t> Communicator::broadcastBytes(const std::vector<std::uint8_t>&) { throw DistError(kNoC10d); }
void Communicator::agree(const std::vector<std::pair<std::string, std::string>>&) { throw DistError(kNoC10d); }
void Communicator::barrier() { throw DistError(kNoC10d); }

bool distributedAvailable(std::string* reason) {
    if (reason) *reason = kNoC10d;
    return false;
}

#endif

CommStats Communicator::takeStats() {
    const CommStats s = stats_;
    stats_ = {};
    return s;
}

}  // namespace pm::dist
