#include "core/system_info.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace {

TEST(SystemInfo, CpuIsAlwaysTheFirstDevice) {
    const pm::SystemInfo info = pm::querySystemInfo();
    ASSERT_FALSE(info.devices.empty());
    EXPECT_EQ(info.devices.front().id, "cpu");
    EXPECT_GE(info.intraOpThreads, 1);
    EXPECT_FALSE(info.version.empty());
    for (size_t i = 1; i < info.devices.size(); ++i) EXPECT_EQ(info.devices[i].id.rfind("cuda:", 0), 0u);
}

TEST(SystemInfo, ResolvesDeviceRequests) {
    pm::ComputeDevice dev;
    std::string error;
    ASSERT_TRUE(pm::resolveDevice("cpu", &dev, &error)) << error;
    EXPECT_EQ(dev.kind, pm::DeviceKind::Cpu);
    ASSERT_TRUE(pm::resolveDevice("CPU", &dev, &error)) << "device names are case-insensitive";
    ASSERT_TRUE(pm::resolveDevice("auto", &dev, &error));
    ASSERT_TRUE(pm::resolveDevice("", &dev, &error));
}

TEST(SystemInfo, RejectsUnknownDevicesNamingTheAvailableOnes) {
    pm::ComputeDevice dev;
    std::string error;
    EXPECT_FALSE(pm::resolveDevice("cuda:99", &dev, &error));
    EXPECT_NE(error.find("cpu"), std::string::npos) << error;
    error.clear();
    EXPECT_FALSE(pm::resolveDevice("tpu", &dev, &error));
    EXPECT_NE(error.find("unknown device 'tpu'"), std::string::npos) << error;
}

TEST(SystemInfo, DeviceSpecSyntaxIsTheSameEverywhere) {
    for (const char* ok : {"auto", "cpu", "cuda", "cuda:0", "cuda:7", "cuda:12", "CPU", "Cuda:3", "AUTO"})
        EXPECT_TRUE(pm::isDeviceSpec(ok)) << ok;
    for (const char* bad : {"", "gpu", "cuda:", "cuda:-1", "cuda:x", "cuda0", "cpu:0", "cuda:1a", " cuda", "cuda:0 ",
                            "cuda:12345", "mps", "cuda::1"})
        EXPECT_FALSE(pm::isDeviceSpec(bad)) << "'" << bad << "'";
}

TEST(SystemInfo, ConfigureThreadsTakesEffect) {
    pm::configureThreads(1);
    EXPECT_EQ(pm::querySystemInfo().intraOpThreads, 1);
    pm::configureThreads(0);
    EXPECT_GE(pm::querySystemInfo().intraOpThreads, 1);
}

#if defined(__linux__)
// The check the product relies on: which implementation /etc/alternatives selected for
// libblas.so.3 is what LibTorch multiplies with. Read the alternative independently here.
TEST(BlasDetection, AgreesWithTheAlternativesSystem) {
    namespace fs = std::filesystem;
    const fs::path alt = "/etc/alternatives/libblas.so.3-x86_64-linux-gnu";
    if (!fs::exists(alt)) GTEST_SKIP() << "no Debian BLAS alternative on this machine";
    const std::string target = fs::canonical(alt).string();
    const pm::BlasInfo blas = pm::detectBlas();
    // The alternative only decides when LibTorch multiplies through the system's libblas.so.3
    // (Debian's LibTorch links it). A LibTorch that carries its own BLAS (pip's wheels link MKL
    // in) never loads it: then the answer must be the built-in one, not what /etc/alternatives
    // selected for other programs.
    bool loaded = false;
    std::ifstream maps("/proc/self/maps");
    for (std::string line; std::getline(maps, line);) {
        const auto slash = line.find('/');
        std::error_code ec;
        if (slash == std::string::npos) continue;
        const fs::path mapped = line.substr(slash);
        if (mapped.filename() == fs::path(target).filename() && fs::equivalent(mapped, target, ec)) loaded = true;
    }
    if (!loaded) {
        EXPECT_NE(blas.library.find("built in"), std::string::npos) << blas.library << "; " << target << " is not loaded";
        EXPECT_FALSE(blas.slow);
        return;
    }
    if (target.find("openblas") != std::string::npos) {
        EXPECT_EQ(blas.library.rfind("OpenBLAS", 0), 0u) << blas.library << " vs " << target;
        EXPECT_FALSE(blas.slow);
    } else if (target.find("/blas/") != std::string::npos) {
        EXPECT_TRUE(blas.slow) << blas.library;
        EXPECT_NE(blas.advice.find("libopenblas0-pthread"), std::string::npos);
    }
}
#endif

TEST(BlasDetection, MatmulThroughputIsMeasured) {
    const double gflops = pm::measureMatmulGflops(64);
    EXPECT_GT(gflops, 0.01);   // a positive, finite number; speed itself is a benchmark's business
    EXPECT_LT(gflops, 1e6);
}

}  // namespace
