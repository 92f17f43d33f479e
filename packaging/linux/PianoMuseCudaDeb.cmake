# The CUDA variant of the .deb (included by cmake/PianoMusePackaging.cmake when LibTorch has CUDA,
# i.e. pip torch on a GPU machine). Debian has no CUDA LibTorch, so the package carries it:
#   /usr/lib/pianomuse/           libtorch*.so, libc10*.so and every library they need that is not
#                                 part of Debian's base system (CUDA runtime, cuBLAS, cuDNN, NCCL,
#                                 gomp, ...), found with file(GET_RUNTIME_DEPENDENCIES)
#   /usr/bin/pianomuse*           RUNPATH $ORIGIN/../lib/pianomuse
# It needs only the NVIDIA driver from the system (libcuda.so.1, never bundled). Size: see
# packaging/README.md. Named pianomuse-cuda; it conflicts with and replaces the CPU package.
set(CPACK_DEBIAN_PACKAGE_NAME "pianomuse-cuda")
set(CPACK_DEBIAN_PACKAGE_CONFLICTS "pianomuse")
set(CPACK_DEBIAN_PACKAGE_REPLACES "pianomuse")
set(CPACK_DEBIAN_PACKAGE_PROVIDES "pianomuse")
set(CPACK_DEBIAN_PACKAGE_DEPENDS "")   # pip's LibTorch brings its own BLAS (MKL)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fluid-soundfont-gm, nvidia-driver | nvidia-tesla-driver")
# dpkg-shlibdeps resolves the bundled libraries from here instead of asking for a package.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${CMAKE_BINARY_DIR}/packaging/cuda-libs")
set(CPACK_DEBIAN_COMPRESSION_TYPE "zstd")   # xz over ~3 GB of CUDA libraries takes far too long

foreach(t pianomuse pianomuse-cli)
    if(TARGET ${t})
        set_target_properties(${t} PROPERTIES INSTALL_RPATH "$ORIGIN/../lib/pianomuse" BUILD_WITH_INSTALL_RPATH OFF)
    endif()
endforeach()

# Copy LibTorch's libraries and their non-system dependencies at install time.
# From TorchConfig's own prefix: its find_library(TORCH_LIBRARY) searches the system first, so on
# a machine that also has Debian's LibTorch TORCH_LIBRARY names /usr/lib's 1.13 (while the
# targets link pip's), and those would be bundled (found by scripts/check-libtorch2.sh).
if(TORCH_INSTALL_PREFIX AND EXISTS "${TORCH_INSTALL_PREFIX}/lib")
    set(_torch_lib_dir "${TORCH_INSTALL_PREFIX}/lib")
else()
    get_filename_component(_torch_lib_dir "${TORCH_LIBRARY}" DIRECTORY)
endif()
set(PIANOMUSE_CUDA_LIB_STAGE "${CMAKE_BINARY_DIR}/packaging/cuda-libs")
install(CODE "
    set(_stage \"${PIANOMUSE_CUDA_LIB_STAGE}\")
    file(GLOB _torch_libs \"${_torch_lib_dir}/libtorch*.so*\" \"${_torch_lib_dir}/libc10*.so*\")
    file(GET_RUNTIME_DEPENDENCIES
        LIBRARIES \${_torch_libs}
        RESOLVED_DEPENDENCIES_VAR _deps UNRESOLVED_DEPENDENCIES_VAR _missing
        DIRECTORIES \"${_torch_lib_dir}\" ${CUDAToolkit_LIBRARY_DIR}
        PRE_EXCLUDE_REGEXES \"^libcuda\\\\.so\" \"^libnvidia-\"
        POST_EXCLUDE_REGEXES \"^/lib/\" \"^/usr/lib/\" \"^/lib64/\")
    set(_all \${_torch_libs} \${_deps})
    list(REMOVE_DUPLICATES _all)
    file(MAKE_DIRECTORY \"\${_stage}\")
    foreach(_lib IN LISTS _all)
        file(INSTALL \"\${_lib}\" DESTINATION \"\${CMAKE_INSTALL_PREFIX}/lib/pianomuse\" FOLLOW_SYMLINK_CHAIN)
        # file(COPY), not file(INSTALL): the latter puts DESTDIR in front of the stage's absolute
        # path, and cpack's install then packed the stage into the .deb as well.
        file(COPY \"\${_lib}\" DESTINATION \"\${_stage}\" FOLLOW_SYMLINK_CHAIN)
    endforeach()
    if(_missing)
        message(STATUS \"pianomuse-cuda: not bundled (expected from the system): \${_missing}\")
    endif()
")
