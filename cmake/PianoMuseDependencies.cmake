# Every external dependency is found here, once, so the rest of the build only names targets.
# All come from Debian 12 packages (see scripts/install-deps.sh); on GPU servers without apt,
# header-only libraries and googletest sources come from PIANOMUSE_DEPS_DIR instead.

find_package(Threads REQUIRED)

# --- LibTorch (Debian's 1.13.1 CPU build, or the pip torch's on GPU machines) ---------------
# Torch's config module probes for CUDA and cuDNN when its build had them; that is its business,
# with one exception: pip torch 2.5's config links CUDA::nvToolsExt, which CUDA toolkits from 12.9
# on no longer ship (NVTX is the header-only nvtx3 there), and configuring stops. The header-only
# target stands in for it (scripts/check-libtorch2.sh found this against CUDA 13).
find_package(CUDAToolkit QUIET)
if(TARGET CUDA::nvtx3 AND NOT TARGET CUDA::nvToolsExt)
    add_library(CUDA::nvToolsExt INTERFACE IMPORTED)
    target_link_libraries(CUDA::nvToolsExt INTERFACE CUDA::nvtx3)
endif()
find_package(Torch REQUIRED)
# TORCH_CXX_FLAGS carries -D_GLIBCXX_USE_CXX11_ABI=...; every TU that touches torch needs it.
separate_arguments(PIANOMUSE_TORCH_CXX_FLAGS UNIX_COMMAND "${TORCH_CXX_FLAGS}")
if(NOT Torch_VERSION)
    set(Torch_VERSION "unknown")
endif()
# Pip torch before 2.7 is built with the old libstdc++ string ABI (_GLIBCXX_USE_CXX11_ABI=0).
# Our torch-free libraries pass std::string across their interfaces too, so every translation
# unit must agree (otherwise: undefined references such as pm::play::Player::error() at link
# time, found by scripts/check-libtorch2.sh). Debian's Qt and RtMidi use the new ABI and cannot be
# mixed in: with such a torch the app and RtMidi are left out (the CLI plays through FluidSynth).
set(PIANOMUSE_TORCH_OLD_ABI OFF)
if(TORCH_CXX_FLAGS MATCHES "_GLIBCXX_USE_CXX11_ABI=0")
    set(PIANOMUSE_TORCH_OLD_ABI ON)
    add_compile_definitions(_GLIBCXX_USE_CXX11_ABI=0)
    if(PIANOMUSE_BUILD_APP)
        message(WARNING "LibTorch ${Torch_VERSION} uses the old C++ string ABI, which Debian's Qt cannot link with: "
                        "building without the app (use LibTorch >= 2.7 or Debian's for the app)")
        set(PIANOMUSE_BUILD_APP OFF CACHE BOOL "" FORCE)
    endif()
    set(PIANOMUSE_RTMIDI OFF)
endif()

# --- Header-only libraries --------------------------------------------------------------------
add_library(pianomuse_header_deps INTERFACE)
find_package(CLI11 CONFIG QUIET)
find_package(nlohmann_json 3.10 CONFIG QUIET)
if(CLI11_FOUND)
    target_link_libraries(pianomuse_header_deps INTERFACE CLI11::CLI11)
endif()
if(nlohmann_json_FOUND)
    target_link_libraries(pianomuse_header_deps INTERFACE nlohmann_json::nlohmann_json)
endif()
if(NOT CLI11_FOUND OR NOT nlohmann_json_FOUND)
    if(EXISTS "${PIANOMUSE_DEPS_DIR}/include")
        target_include_directories(pianomuse_header_deps SYSTEM INTERFACE "${PIANOMUSE_DEPS_DIR}/include")
    else()
        message(FATAL_ERROR "CLI11 and nlohmann_json not found. On Debian: scripts/install-deps.sh; "
            "elsewhere run scripts/carry-deps.sh on a Debian machine and copy third_party_carry/.")
    endif()
endif()

# --- RtMidi (pkg-config only) -------------------------------------------------------------------
set(PIANOMUSE_HAVE_RTMIDI OFF)
if(NOT PIANOMUSE_RTMIDI STREQUAL "OFF")
    find_package(PkgConfig QUIET)
    if(PkgConfig_FOUND)
        pkg_check_modules(RTMIDI IMPORTED_TARGET rtmidi)
    endif()
    if(RTMIDI_FOUND)
        set(PIANOMUSE_HAVE_RTMIDI ON)
    elseif(PIANOMUSE_RTMIDI STREQUAL "ON")
        message(FATAL_ERROR "PIANOMUSE_RTMIDI=ON but rtmidi was not found (Debian: librtmidi-dev)")
    endif()
endif()

# --- CUDA (optional: kernels compile wherever nvcc is; the torch binding needs a CUDA LibTorch) ---
set(PIANOMUSE_HAVE_CUDA OFF)
if(NOT PIANOMUSE_CUDA STREQUAL "OFF")
    if(NOT CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX} AND EXISTS /usr/local/cuda/bin/nvcc)
        set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
    endif()
    include(CheckLanguage)
    check_language(CUDA)
    if(CMAKE_CUDA_COMPILER)
        if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
            # An explicit list (never "native") so packages run on every card we support.
            set(CMAKE_CUDA_ARCHITECTURES "80;86;89;90")
        endif()
        enable_language(CUDA)
        find_package(CUDAToolkit REQUIRED)
        set(PIANOMUSE_HAVE_CUDA ON)
    elseif(PIANOMUSE_CUDA STREQUAL "ON")
        message(FATAL_ERROR "PIANOMUSE_CUDA=ON but no CUDA compiler was found")
    endif()
endif()
# LibTorch built with CUDA exposes the torch::cuda runtime; only then can the binding be built.
# Pip torch 2.x's TorchConfig sets TORCH_CUDA_LIBRARIES (c10_cuda + CUDA deps) and imports the
# torch_cuda / c10_cuda targets; 1.x CUDA builds set CUDA_FOUND through FindCUDA. Debian's CPU
# LibTorch has none of these.
set(PIANOMUSE_TORCH_HAS_CUDA OFF)
if(PIANOMUSE_HAVE_CUDA AND (TORCH_CUDA_LIBRARIES OR CUDA_FOUND OR TARGET torch_cuda OR TARGET c10_cuda))
    set(PIANOMUSE_TORCH_HAS_CUDA ON)
endif()
message(STATUS "PianoMuse: CUDA kernels=${PIANOMUSE_HAVE_CUDA}, LibTorch CUDA binding=${PIANOMUSE_TORCH_HAS_CUDA}")

# --- Distributed training (issue 16): c10d's TCPStore and Gloo process group ---
# LibTorch ships c10d (Debian's 1.13 and pip's 2.x alike) but declares ProcessGroupGloo only under
# USE_C10D_GLOO and includes Gloo's headers, which pip wheels do not carry: Debian's libgloo-dev
# provides them (scripts/install-deps.sh). Without them the engine still builds and says so when
# asked for more than one process. NCCL: CUDA LibTorch builds (pip) have ProcessGroupNCCL.
set(PIANOMUSE_DISTRIBUTED AUTO CACHE STRING "Distributed training over c10d: AUTO (when Gloo's headers are found) or OFF")
set(PIANOMUSE_HAVE_C10D OFF)
set(PIANOMUSE_HAVE_NCCL OFF)
if(NOT PIANOMUSE_DISTRIBUTED STREQUAL "OFF")
find_path(PIANOMUSE_C10D_INCLUDE torch/csrc/distributed/c10d/ProcessGroupGloo.hpp HINTS ${TORCH_INCLUDE_DIRS})
find_path(PIANOMUSE_GLOO_INCLUDE gloo/algorithm.h HINTS ${TORCH_INCLUDE_DIRS} "${PIANOMUSE_DEPS_DIR}/include")
if(PIANOMUSE_C10D_INCLUDE AND PIANOMUSE_GLOO_INCLUDE)
    set(PIANOMUSE_HAVE_C10D ON)
    if(PIANOMUSE_TORCH_HAS_CUDA AND EXISTS "${PIANOMUSE_C10D_INCLUDE}/torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp")
        set(PIANOMUSE_HAVE_NCCL ON)
    endif()
endif()
endif()
message(STATUS "PianoMuse: distributed training (c10d Gloo)=${PIANOMUSE_HAVE_C10D}, NCCL=${PIANOMUSE_HAVE_NCCL}")
