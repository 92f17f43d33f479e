#include "allocation_probe.h"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

std::atomic<bool> gWatching{false};
std::atomic<std::size_t> gLargest{0};

void note(std::size_t size) {
    if (!gWatching.load(std::memory_order_relaxed)) return;
    std::size_t seen = gLargest.load(std::memory_order_relaxed);
    while (size > seen && !gLargest.compare_exchange_weak(seen, size)) {
    }
}

}  // namespace

namespace pm::test {

AllocationProbe::AllocationProbe() {
    gLargest = 0;
    gWatching = true;
}
AllocationProbe::~AllocationProbe() { gWatching = false; }
std::size_t AllocationProbe::largestAllocation() const { return gLargest.load(); }

}  // namespace pm::test

void* operator new(std::size_t size) {
    note(size);
    if (void* p = std::malloc(size ? size : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
