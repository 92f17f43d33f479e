# CPack settings shared by the Linux and Windows packages (details in packaging/).
set(CPACK_PACKAGE_NAME "pianomuse")
set(CPACK_PACKAGE_VENDOR "PianoMuse")
set(CPACK_PACKAGE_CONTACT "PianoMuse developers <dev@pianomuse.invalid>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_RESOURCE_FILE_LICENSE "${CMAKE_SOURCE_DIR}/LICENSE")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION "sound")
# Debian's LibTorch multiplies matrices on whatever libblas.so.3 is selected; without OpenBLAS
# that is the reference BLAS, ~20x slower.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0-pthread")
include(CPack)
