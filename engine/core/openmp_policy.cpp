#include "core/openmp_policy.h"

#include <cstdlib>

#if defined(__linux__)
#include <unistd.h>   // execv
#endif

namespace pm {

bool preferPassiveOpenMp(char** argv) {
#if defined(__linux__)
    if (std::getenv("OMP_WAIT_POLICY")) return false;
    setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    execv("/proc/self/exe", argv);
    unsetenv("OMP_WAIT_POLICY");   // exec failed: go on as we are
#else
    (void)argv;
#endif
    return false;
}

}  // namespace pm
