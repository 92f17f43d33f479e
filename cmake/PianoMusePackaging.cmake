# Install layout and CPack settings shared by the Linux and Windows packages (details and the
# recipes in packaging/README.md).
#
# One layout everywhere (engine/core/resource_paths.h looks for it):
#   bin/pianomuse, bin/pianomuse-cli          (Windows: .exe, next to the Qt and LibTorch DLLs)
#   share/pianomuse/demo/                     the demo dataset's MIDI files and CREDITS.tsv
#   share/pianomuse/models/                   the base model (pianomuse-base.safetensors, ~11 MB)
#   share/pianomuse/translations/*.qm         PianoMuse's translations (the app also embeds them)
#   share/doc/pianomuse/                      LICENSE, THIRD_PARTY_NOTICES.md (+ Debian copyright)
#   share/applications, share/icons/hicolor, share/metainfo, share/man/man1   (Linux only)
#
#   cpack -G DEB                      pianomuse_<version>_amd64.deb (pianomuse-cuda_... with CUDA)
#   packaging/linux/make-bundle.sh    the portable .tar.gz (LibTorch, Qt and plugins inside)
#   cpack -G NSIS  (Windows)          PianoMuse-<version>-win64.exe, see packaging/windows/
set(PIANOMUSE_SHARE_DIR "share/pianomuse")
set(PIANOMUSE_DOC_DIR "share/doc/pianomuse")
set(_pkg "${CMAKE_SOURCE_DIR}/packaging")

# --- Data: demo dataset, translations, licences ---------------------------------------------
install(DIRECTORY "${CMAKE_SOURCE_DIR}/resources/demo/" DESTINATION "${PIANOMUSE_SHARE_DIR}/demo"
        FILES_MATCHING PATTERN "*.mid" PATTERN "*.tsv" PATTERN "README.md")
# The base model Train fine-tunes and Generate starts from (engine/model/base_model.h).
install(DIRECTORY "${CMAKE_SOURCE_DIR}/resources/models/" DESTINATION "${PIANOMUSE_SHARE_DIR}/models"
        FILES_MATCHING PATTERN "*.safetensors" PATTERN "*.md")
install(FILES "${CMAKE_SOURCE_DIR}/LICENSE" "${_pkg}/THIRD_PARTY_NOTICES.md" DESTINATION "${PIANOMUSE_DOC_DIR}")
if(TARGET pianomuse)
    # qt_add_translations (app/CMakeLists.txt) writes <name>.qm into the app's build folder.
    file(GLOB _pianomuse_ts RELATIVE "${CMAKE_SOURCE_DIR}/translations" "${CMAKE_SOURCE_DIR}/translations/*.ts")
    set(_pianomuse_qm "")
    foreach(ts IN LISTS _pianomuse_ts)
        string(REGEX REPLACE "\\.ts$" ".qm" qm "${ts}")
        list(APPEND _pianomuse_qm "${CMAKE_BINARY_DIR}/app/${qm}")
    endforeach()
    install(FILES ${_pianomuse_qm} DESTINATION "${PIANOMUSE_SHARE_DIR}/translations")
endif()

# --- Icons: hicolor PNGs (Linux) rendered from the one SVG at build time -----------------------
set(PIANOMUSE_ICON_SIZES 16 22 24 32 48 64 128 256 512)
if(TARGET pianomuse AND UNIX AND NOT APPLE)
    find_package(Qt6 COMPONENTS Svg QUIET)
    if(TARGET Qt6::Svg)
        add_executable(pianomuse_render_icons "${_pkg}/tools/render_icons.cpp")
        target_link_libraries(pianomuse_render_icons PRIVATE Qt6::Gui Qt6::Svg)
        set(_icon_out "${CMAKE_BINARY_DIR}/packaging/icons")
        set(_icon_pngs "")
        foreach(size IN LISTS PIANOMUSE_ICON_SIZES)
            list(APPEND _icon_pngs "${_icon_out}/hicolor/${size}x${size}/apps/pianomuse.png")
        endforeach()
        add_custom_command(OUTPUT ${_icon_pngs}
            COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen
                    $<TARGET_FILE:pianomuse_render_icons> "${CMAKE_SOURCE_DIR}/resources/icons/pianomuse.svg"
                    "${_icon_out}/hicolor" ${PIANOMUSE_ICON_SIZES}
            DEPENDS pianomuse_render_icons "${CMAKE_SOURCE_DIR}/resources/icons/pianomuse.svg"
            COMMENT "Rendering the application icon in hicolor sizes" VERBATIM)
        add_custom_target(pianomuse_icons ALL DEPENDS ${_icon_pngs})
        install(DIRECTORY "${_icon_out}/hicolor" DESTINATION share/icons)
    else()
        message(STATUS "PianoMuse packaging: Qt6Svg missing, only the scalable icon is installed")
    endif()
endif()

# --- Linux desktop integration, man pages, Debian copyright -------------------------------------
if(UNIX AND NOT APPLE)
    find_program(PIANOMUSE_GZIP gzip)
    set(_man_pages "${_pkg}/linux/pianomuse-cli.1")
    if(TARGET pianomuse)
        list(APPEND _man_pages "${_pkg}/linux/pianomuse.1")
    endif()
    foreach(page IN LISTS _man_pages)
        get_filename_component(name "${page}" NAME)
        if(PIANOMUSE_GZIP)   # Debian policy: man pages compressed with gzip -9n
            set(gz "${CMAKE_BINARY_DIR}/packaging/man/${name}.gz")
            add_custom_command(OUTPUT "${gz}"
                COMMAND ${CMAKE_COMMAND} -E make_directory "${CMAKE_BINARY_DIR}/packaging/man"
                COMMAND sh -c "'${PIANOMUSE_GZIP}' -9nc '${page}' > '${gz}'"
                DEPENDS "${page}" VERBATIM)
            list(APPEND _man_gz "${gz}")
            install(FILES "${gz}" DESTINATION share/man/man1)
        else()
            install(FILES "${page}" DESTINATION share/man/man1)
        endif()
    endforeach()
    if(_man_gz)
        add_custom_target(pianomuse_man_pages ALL DEPENDS ${_man_gz})
    endif()
    install(FILES "${_pkg}/linux/copyright" DESTINATION "${PIANOMUSE_DOC_DIR}")
    if(TARGET pianomuse)
        install(FILES "${_pkg}/linux/pianomuse.desktop" DESTINATION share/applications)
        install(FILES "${_pkg}/linux/io.pianomuse.PianoMuse.metainfo.xml" DESTINATION share/metainfo)
        install(FILES "${CMAKE_SOURCE_DIR}/resources/icons/pianomuse.svg" DESTINATION share/icons/hicolor/scalable/apps)
    endif()
endif()

# --- Windows: icon + UTF-8 manifest in the executables, runtime DLLs, windeployqt --------------
if(WIN32)
    include("${_pkg}/windows/PianoMuseWindowsInstall.cmake")
endif()

# --- CPack -------------------------------------------------------------------------------------
set(CPACK_PACKAGE_NAME "pianomuse")
set(CPACK_PACKAGE_VENDOR "PianoMuse")
set(CPACK_PACKAGE_CONTACT "PianoMuse developers <dev@pianomuse.invalid>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_RESOURCE_FILE_LICENSE "${CMAKE_SOURCE_DIR}/LICENSE")
set(CPACK_STRIP_FILES ON)

# Debian. The variant with a CUDA LibTorch is its own package (pianomuse-cuda) that carries that
# LibTorch in /usr/lib/pianomuse: pip's LibTorch is no Debian package dpkg-shlibdeps could name.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION "sound")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "${PROJECT_DESCRIPTION}
 PianoMuse fine-tunes an RWKV-7 music model on your own MIDI files, plots the
 loss while it trains, and lets the model continue a piece of yours: on a
 piano roll, through MIDI out or the built-in synthesizer, exported as MIDI.
 pianomuse-cli does the same headless. Includes a demo dataset of 32
 public-domain piano pieces.")
# Debian's LibTorch multiplies matrices on whatever libblas.so.3 is selected; without OpenBLAS
# that is the reference BLAS, ~20x slower. The soundfont is the built-in synth's piano.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0-pthread")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fluid-soundfont-gm")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "qt6-translations-l10n")
# xz for releases; the package test overrides it with gzip, which packs ~10x faster.
set(PIANOMUSE_DEB_COMPRESSION "xz" CACHE STRING "Compression of the .deb: xz, gzip, zstd or none")
set(CPACK_DEBIAN_COMPRESSION_TYPE "${PIANOMUSE_DEB_COMPRESSION}")
if(PIANOMUSE_TORCH_HAS_CUDA)
    include("${_pkg}/linux/PianoMuseCudaDeb.cmake")
endif()

if(WIN32)
    include("${_pkg}/windows/PianoMuseNSIS.cmake")
    set(CPACK_GENERATOR "NSIS;ZIP")
else()
    set(CPACK_GENERATOR "DEB")
endif()
include(CPack)
