// The CUDA device queries answer sensibly with and without a GPU, driver or CUDA build.
#include "pianomuse/kernels/cuda_info.h"

#include <gtest/gtest.h>

TEST(CudaInfo, CountAndNamesAreConsistent) {
    const int count = pm::kernels::cudaDeviceCount();
    ASSERT_GE(count, 0);
    if (!pm::kernels::builtWithCuda()) {
        EXPECT_EQ(count, 0);
    }
    for (int i = 0; i < count; ++i) {
        std::string name;
        ASSERT_TRUE(pm::kernels::cudaDeviceName(i, &name));
        EXPECT_FALSE(name.empty());
    }
    std::string name = "unchanged";
    EXPECT_FALSE(pm::kernels::cudaDeviceName(-1, &name));
    EXPECT_FALSE(pm::kernels::cudaDeviceName(count, &name));
    EXPECT_EQ(name, "unchanged");
}
