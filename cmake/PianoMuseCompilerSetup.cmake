# Compiler cache, warnings and helpers shared by every target.

find_program(PIANOMUSE_CCACHE ccache)
if(PIANOMUSE_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
    # CCACHE_BASEDIR makes hits independent of where the clone lives (fresh clones in CI).
    set(CMAKE_CXX_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${CMAKE_SOURCE_DIR}
        CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime ${PIANOMUSE_CCACHE})
    set(CMAKE_CUDA_COMPILER_LAUNCHER ${PIANOMUSE_CCACHE})
endif()

# Our own targets get warnings; third-party headers come in as SYSTEM and stay quiet.
function(pianomuse_set_warnings target)
    if(MSVC)
        target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:/W4 /permissive- /utf-8>)
    else()
        target_compile_options(${target} PRIVATE
            $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wno-unused-parameter>)
    endif()
endfunction()

# pianomuse_use_engine_pch(target): compile the target's sources against the engine's precompiled
# LibTorch header instead of parsing torch.h again (15–25 s per translation unit on 2 cores, some
# thirty of them outside the engine). GCC accepts a precompiled header only under the same code
# model and predefined macros: the engine is -fPIC, so the target's objects are too (PIC objects
# link into PIE executables), and -pthread as the engine has (it defines _REENTRANT). Other
# compilers keep plain includes. -Winvalid-pch says so when GCC falls back to parsing.
function(pianomuse_use_engine_pch target)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-fPIC -pthread -Winvalid-pch>)
        target_precompile_headers(${target} REUSE_FROM pianomuse_engine)
    endif()
endfunction()

# pianomuse_batch_sources(target): a unity build of the target, its sources compiled in batches of
# four. A file that includes LibTorch spends most of its compile time instantiating and generating
# the same LibTorch templates, even with the precompiled header; batched, that is paid once per
# batch: the engine's 20 files went from ~260 s to 92 s of compiler time, train_tests' 8 from
# 121 s to 41 s (2 cores, cold, no ccache). Used where LibTorch is included; elsewhere files
# compile in seconds and keep their own translation units. PIANOMUSE_UNITY_BUILD=OFF compiles
# file by file (e.g. to check that every file includes what it uses).
option(PIANOMUSE_UNITY_BUILD "Compile the LibTorch-heavy targets in batches (faster cold builds)" ON)
function(pianomuse_batch_sources target)
    if(PIANOMUSE_UNITY_BUILD)
        set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 4)
    endif()
endfunction()
