// pm::dist::Communicator in one process: two ranks on two threads over a real TCPStore and Gloo
// (loopback). Sums are checked against hand-computed values; a rank that goes away is named.
// scripts/tsan.sh runs these too (the heartbeat thread beside the collectives).
#include "dist/communicator.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <thread>

using pm::dist::Communicator;
using pm::dist::DistError;

namespace {

int unusedLoopbackPort() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(s);
    return ntohs(a.sin_port);
}

pm::dist::LaunchEnv envFor(int rank, int world, int port) {
    pm::dist::LaunchEnv e;
    e.distributed = true;
    e.rank = e.localRank = rank;
    e.world = e.localWorld = world;
    e.masterAddr = "127.0.0.1";
    e.masterPort = port;
    e.source = "test";
    return e;
}

// Runs body(rank, comm) for ranks 0 and 1 on their own threads; exceptions become failures.
void twoRanks(const std::function<void(int, Communicator&)>& body, pm::dist::CommOptions options = {}) {
    if (std::string why; !pm::dist::distributedAvailable(&why)) GTEST_SKIP() << why;
    const int port = unusedLoopbackPort();
    options.timeoutSeconds = 20;
    std::string errors[2];
    auto rank = [&](int r) {
        try {
            std::shared_ptr<Communicator> c = Communicator::connect(envFor(r, 2, port), options);
            body(r, *c);
        } catch (const std::exception& e) {
            errors[r] = e.what();
        }
    };
    std::thread t1(rank, 1);
    rank(0);
    t1.join();
    EXPECT_EQ(errors[0], "");
    EXPECT_EQ(errors[1], "");
}

}  // namespace

TEST(Communicator, AllReduceSumsBucketsOfMixedTensorsExactly) {
    pm::dist::CommOptions o;
    o.bucketBytes = 64;   // several buckets, and tensors larger than one bucket
    twoRanks(
        [](int r, Communicator& c) {
            EXPECT_EQ(c.world(), 2);
            EXPECT_EQ(c.rank(), r);
            EXPECT_EQ(c.backend(), "gloo");
            // Rank r holds (r + 1) * (i + 1) in float tensors of several shapes and one double.
            std::vector<torch::Tensor> t = {torch::arange(1, 7, torch::kFloat).reshape({2, 3}) * float(r + 1),
                                            torch::arange(1, 41, torch::kFloat) * float(r + 1),
                                            torch::full({3}, double(r + 1) * 0.1, torch::kFloat64),
                                            torch::arange(1, 3, torch::kFloat) * float(r + 1)};
            c.allReduceSum(t);
            // 1·x + 2·x = 3·x, hand-computed per element.
            EXPECT_TRUE(torch::equal(t[0], torch::arange(1, 7, torch::kFloat).reshape({2, 3}) * 3.0f));
            EXPECT_TRUE(torch::equal(t[1], torch::arange(1, 41, torch::kFloat) * 3.0f));
            EXPECT_NEAR(t[2][1].item<double>(), 0.3, 1e-15);
            EXPECT_TRUE(torch::equal(t[3], torch::tensor({3.0f, 6.0f})));
            const pm::dist::CommStats s = c.takeStats();
            EXPECT_EQ(s.bytes, (6u + 40u + 2u) * 4u + 3u * 8u);
            EXPECT_GE(s.calls, 4);
            const std::vector<double> v = c.allReduceSum(std::vector<double>{double(r), 1e-17 * (r + 1)});
            EXPECT_EQ(v[0], 1.0);
            EXPECT_EQ(v[1], 3e-17);   // float64 on the wire
        },
        o);
}

TEST(Communicator, BroadcastsTensorsAndBytesFromRankZero) {
    twoRanks([](int r, Communicator& c) {
        torch::Tensor t = r == 0 ? torch::tensor({1.5f, -2.0f, 4.0f}) : torch::zeros({3});
        torch::Tensor strided = (r == 0 ? torch::arange(6, torch::kFloat) : torch::zeros({6})).reshape({2, 3}).t();
        c.broadcast({t, strided});
        EXPECT_TRUE(torch::equal(t, torch::tensor({1.5f, -2.0f, 4.0f})));
        EXPECT_TRUE(torch::equal(strided, torch::arange(6, torch::kFloat).reshape({2, 3}).t()));
        const std::vector<std::uint8_t> mine = r == 0 ? std::vector<std::uint8_t>{7, 0, 255, 3} : std::vector<std::uint8_t>{9};
        EXPECT_EQ(c.broadcastBytes(mine), (std::vector<std::uint8_t>{7, 0, 255, 3}));
        EXPECT_TRUE(c.broadcastBytes(r == 0 ? std::vector<std::uint8_t>{} : mine).empty());
    });
}

TEST(Communicator, AgreementNamesTheRankAndFieldThatDiffer) {
    twoRanks([](int r, Communicator& c) {
        EXPECT_NO_THROW(c.agree({{"dataset", "abc"}, {"world size", "2"}}));
        try {
            c.agree({{"dataset", r == 0 ? "abc" : "xyz"}, {"world size", "2"}});
            ADD_FAILURE() << "rank " << r << " accepted a different dataset";
        } catch (const DistError& e) {
            EXPECT_NE(std::string(e.what()).find("rank 1 was started with another dataset (xyz) than rank 0 (abc)"), std::string::npos)
                << e.what();
        }
        c.barrier();   // the group still works after a refused agreement
    });
}

TEST(Communicator, ARankThatLeavesIsNamedByTheOther) {
    if (std::string why; !pm::dist::distributedAvailable(&why)) GTEST_SKIP() << why;
    const int port = unusedLoopbackPort();
    pm::dist::CommOptions o;
    o.timeoutSeconds = 10;
    std::string error;
    std::thread leaver([&] {
        std::shared_ptr<Communicator> c = Communicator::connect(envFor(1, 2, port), o);
        c->barrier();
        // Gone: its process group and heartbeat end here (as a killed process's would).
    });
    std::shared_ptr<Communicator> c = Communicator::connect(envFor(0, 2, port), o);
    c->barrier();
    leaver.join();
    const auto t0 = std::chrono::steady_clock::now();
    try {
        c->allReduceSum(std::vector<double>{1.0});
        ADD_FAILURE() << "an all-reduce with a departed peer succeeded";
    } catch (const DistError& e) {
        error = e.what();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_NE(error.find("lost rank 1"), std::string::npos) << error;
    EXPECT_LT(seconds, 15) << "within the timeout and the heartbeat check";
}
