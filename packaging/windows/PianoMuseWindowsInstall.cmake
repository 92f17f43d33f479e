# Windows extras of the install (included by cmake/PianoMusePackaging.cmake on WIN32):
#  - an icon, version information and packaging/windows/pianomuse.manifest (UTF-8 code page, long
#    paths) in both executables;
#  - windeployqt copies Qt's DLLs, plugins and Qt's own translations next to pianomuse.exe;
#  - every other DLL the executables need (LibTorch: CPU, or CUDA when built against the CUDA
#    archive; RtMidi, FluidSynth, QCustomPlot from vcpkg or their own folders) is found with
#    file(GET_RUNTIME_DEPENDENCIES) and copied into bin/; Windows' own DLLs are not.
# Written for MSVC + the official Qt and LibTorch archives (.github/workflows/windows.yml);
# MinGW gets the same resources. Not built on the Linux development machines: see packaging/README.md.
set(_win "${CMAKE_SOURCE_DIR}/packaging/windows")
set(PIANOMUSE_ICO "${_win}/pianomuse.ico")
foreach(t pianomuse pianomuse-cli)
    if(NOT TARGET ${t})
        continue()
    endif()
    if(t STREQUAL "pianomuse")
        set(PIANOMUSE_RC_DESCRIPTION "PianoMuse")
    else()
        set(PIANOMUSE_RC_DESCRIPTION "PianoMuse command line")
    endif()
    if(MSVC)
        set(PIANOMUSE_RC_MANIFEST "")             # MSVC merges .manifest sources through mt.exe
        target_sources(${t} PRIVATE "${_win}/pianomuse.manifest")
    else()
        set(PIANOMUSE_RC_MANIFEST "1 24 \"${_win}/pianomuse.manifest\"")   # RT_MANIFEST
    endif()
    configure_file("${_win}/pianomuse.rc.in" "${CMAKE_BINARY_DIR}/packaging/windows/${t}.rc" @ONLY)
    target_sources(${t} PRIVATE "${CMAKE_BINARY_DIR}/packaging/windows/${t}.rc")
endforeach()

# Directories the DLLs come from: LibTorch's lib/, Qt's bin/, vcpkg's bin/, and PATH.
get_filename_component(_torch_lib_dir "${TORCH_LIBRARY}" DIRECTORY)
set(PIANOMUSE_DLL_DIRS "${_torch_lib_dir}" CACHE STRING "Folders searched for DLLs to bundle")
if(TARGET Qt6::qmake)
    get_target_property(_qmake Qt6::qmake IMPORTED_LOCATION)
    get_filename_component(_qt_bin "${_qmake}" DIRECTORY)
    list(APPEND PIANOMUSE_DLL_DIRS "${_qt_bin}")
    find_program(PIANOMUSE_WINDEPLOYQT windeployqt HINTS "${_qt_bin}" REQUIRED)
endif()
if(DEFINED ENV{VCPKG_INSTALLED_BIN})
    list(APPEND PIANOMUSE_DLL_DIRS "$ENV{VCPKG_INSTALLED_BIN}")
endif()

set(_exes "")
foreach(t pianomuse pianomuse-cli)
    if(TARGET ${t})
        list(APPEND _exes "\${CMAKE_INSTALL_PREFIX}/bin/$<TARGET_FILE_NAME:${t}>")
    endif()
endforeach()

install(CODE "
    set(_exes \"${_exes}\")
    file(GET_RUNTIME_DEPENDENCIES
        EXECUTABLES \${_exes}
        RESOLVED_DEPENDENCIES_VAR _deps UNRESOLVED_DEPENDENCIES_VAR _missing
        DIRECTORIES ${PIANOMUSE_DLL_DIRS} \$ENV{PATH}
        PRE_EXCLUDE_REGEXES \"^api-ms-\" \"^ext-ms-\" \"^(Qt6|qt6).*\" \"^nvcuda\\\\.dll$\"
        POST_EXCLUDE_REGEXES \".*[/\\\\\\\\][Ss]ystem32[/\\\\\\\\].*\" \".*[/\\\\\\\\]Windows[/\\\\\\\\].*\")
    foreach(_dll IN LISTS _deps)
        file(INSTALL \"\${_dll}\" DESTINATION \"\${CMAKE_INSTALL_PREFIX}/bin\")
    endforeach()
    if(_missing)
        message(WARNING \"PianoMuse: DLLs not found, the package may not start: \${_missing}\")
    endif()
")
if(TARGET pianomuse AND PIANOMUSE_WINDEPLOYQT)
    # Qt's DLLs, platform/style/imageformat/iconengine plugins and qtbase_*.qm; the MSVC runtime
    # comes with the compiler-runtime switch (vc_redist is not needed on the target machine).
    install(CODE "
        execute_process(COMMAND \"${PIANOMUSE_WINDEPLOYQT}\" --release --compiler-runtime
                                --no-system-d3d-compiler --no-opengl-sw
                                --dir \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/bin\"
                                \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/bin/pianomuse.exe\"
                        RESULT_VARIABLE _rc)
        if(NOT _rc EQUAL 0)
            message(FATAL_ERROR \"windeployqt failed (\${_rc})\")
        endif()
    ")
endif()
