// Records the largest single heap allocation made while a probe is alive, so tests can show
// that a huge length declared in a file never turns into a huge allocation. The test binary that
// links allocation_probe.cpp gets replaced global operator new/delete.
#pragma once

#include <cstddef>

namespace pm::test {

class AllocationProbe {
public:
    AllocationProbe();
    ~AllocationProbe();
    AllocationProbe(const AllocationProbe&) = delete;
    AllocationProbe& operator=(const AllocationProbe&) = delete;
    std::size_t largestAllocation() const;
};

}  // namespace pm::test
