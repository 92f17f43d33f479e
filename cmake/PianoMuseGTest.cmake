# GoogleTest: Debian's package config when present; otherwise its sources (Debian ships them
# under /usr/src/googletest; GPU servers get a copy in PIANOMUSE_DEPS_DIR/googletest).
find_package(GTest CONFIG QUIET)
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
    add_library(GTest::gtest ALIAS gtest)
    add_library(GTest::gtest_main ALIAS gtest_main)
    add_library(GTest::gmock ALIAS gmock)
endif()
include(GoogleTest)

# pianomuse_add_gtest(name SOURCES ... LABELS ... [LIBS ...])
function(pianomuse_add_gtest name)
    cmake_parse_arguments(ARG "" "" "SOURCES;LABELS;LIBS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE GTest::gtest GTest::gmock GTest::gtest_main ${ARG_LIBS})
    target_compile_definitions(${name} PRIVATE
        PIANOMUSE_TEST_DATA_DIR="${CMAKE_SOURCE_DIR}/tests/data"
        PIANOMUSE_CLI_PATH="$<TARGET_FILE:pianomuse-cli>")
    pianomuse_set_warnings(${name})
    if("pianomuse_engine" IN_LIST ARG_LIBS)
        # Test files that include LibTorch would each cost 20-37 s to compile; reuse the engine's
        # precompiled header (same flags, hence PIC like the engine). And one CTest entry per
        # binary: every process start loads LibTorch (~0.5 s), too much to pay per test case.
        set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
        target_precompile_headers(${name} REUSE_FROM pianomuse_engine)
        add_test(NAME ${name} COMMAND ${name} --gtest_brief=1)
        set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT 900)
    else()
        gtest_discover_tests(${name} PROPERTIES LABELS "${ARG_LABELS}" DISCOVERY_TIMEOUT 60)
    endif()
endfunction()
