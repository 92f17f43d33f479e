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
