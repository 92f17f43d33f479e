# GoogleTest: Debian's package config when present; otherwise its sources (Debian ships them
# under /usr/src/googletest; GPU servers get a copy in PIANOMUSE_DEPS_DIR/googletest).
# With an old-ABI LibTorch (PIANOMUSE_TORCH_OLD_ABI) Debian's prebuilt libgtest (new ABI) cannot
# link with our tests: build googletest from source with the same ABI then.
if(NOT PIANOMUSE_TORCH_OLD_ABI)
    find_package(GTest CONFIG QUIET)
endif()
if(NOT GTest_FOUND)
    set(_gtest_src "")
    foreach(candidate "${PIANOMUSE_DEPS_DIR}/googletest" /usr/src/googletest)
        if(EXISTS "${candidate}/CMakeLists.txt")
            set(_gtest_src "${candidate}")
            break()
        endif()
    endforeach()
    if(NOT _gtest_src)
        message(FATAL_ERROR "GoogleTest not found (Debian: libgtest-dev; elsewhere scripts/carry-deps.sh)")
    endif()
    set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
    add_subdirectory("${_gtest_src}" "${CMAKE_BINARY_DIR}/googletest" EXCLUDE_FROM_ALL)
    # googletest >= 1.11 names its targets GTest::* itself.
    foreach(_t gtest gtest_main gmock)
        if(NOT TARGET GTest::${_t})
            add_library(GTest::${_t} ALIAS ${_t})
        endif()
    endforeach()
endif()
include(GoogleTest)

# pianomuse_add_gtest(name SOURCES ... LABELS ... [LIBS ...] [TORCH] [RESOURCE_LOCK name])
# TORCH: the sources include LibTorch; they compile against the engine's precompiled header.
# RESOURCE_LOCK: CTest never runs two of these tests (or others naming the same lock) at once.
function(pianomuse_add_gtest name)
    cmake_parse_arguments(ARG "TORCH" "RESOURCE_LOCK" "SOURCES;LABELS;LIBS" ${ARGN})
    set(_lock "")
    if(ARG_RESOURCE_LOCK)
        set(_lock RESOURCE_LOCK "${ARG_RESOURCE_LOCK}")
    endif()
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE GTest::gtest GTest::gmock GTest::gtest_main ${ARG_LIBS})
    target_compile_definitions(${name} PRIVATE
        PIANOMUSE_TEST_DATA_DIR="${CMAKE_SOURCE_DIR}/tests/data"
        PIANOMUSE_CLI_PATH="$<TARGET_FILE:pianomuse-cli>")
    pianomuse_set_warnings(${name})
    if(ARG_TORCH)
        pianomuse_use_engine_pch(${name})
        pianomuse_batch_sources(${name})
    endif()
    if("pianomuse_engine" IN_LIST ARG_LIBS)
        # One CTest entry per binary: every process start loads LibTorch (~0.5 s), too much to pay
        # per test case.
        add_test(NAME ${name} COMMAND ${name} --gtest_brief=1)
        set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT 900 ${_lock})
    else()
        gtest_discover_tests(${name} PROPERTIES LABELS "${ARG_LABELS}" ${_lock} DISCOVERY_TIMEOUT 60)
    endif()
endfunction()
