# CPack NSIS settings for the Windows installer. Included by cmake/PianoMusePackaging.cmake on
# WIN32 and by packaging/windows/nsis-check (which runs makensis on Linux over placeholder files,
# tests/packaging/nsis_check_test.sh), so what is checked here is what Windows builds.
#
# The installer: per-machine or per-user (asks), Start-menu folder with PianoMuse and an
# uninstaller entry, optional desktop icon, optional PATH entry for pianomuse-cli, "Open with
# PianoMuse" for .mid/.midi/.kar without stealing the default player (OpenWithProgids), and an
# uninstaller (Add/Remove Programs) that removes all of it. Datasets, runs and settings live in
# %LOCALAPPDATA%\PianoMuse and are left in place on uninstall.
set(_win_dir "${CMAKE_CURRENT_LIST_DIR}")
set(CPACK_NSIS_PACKAGE_NAME "PianoMuse ${PROJECT_VERSION}")
set(CPACK_NSIS_DISPLAY_NAME "PianoMuse")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "PianoMuse")
set(CPACK_PACKAGE_INSTALL_REGISTRY_KEY "PianoMuse")
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\pianomuse.exe")
set(CPACK_NSIS_MUI_ICON "${_win_dir}/pianomuse.ico")
set(CPACK_NSIS_MUI_UNIICON "${_win_dir}/pianomuse.ico")
set(CPACK_NSIS_URL_INFO_ABOUT "${PROJECT_HOMEPAGE_URL}")
set(CPACK_NSIS_CONTACT "${CPACK_PACKAGE_CONTACT}")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_MODIFY_PATH ON)                       # offers to put bin\ (pianomuse-cli) on PATH
set(CPACK_NSIS_EXECUTABLES_DIRECTORY "bin")
set(CPACK_PACKAGE_EXECUTABLES "pianomuse" "PianoMuse")   # Start-menu shortcut
set(CPACK_CREATE_DESKTOP_LINKS "pianomuse")
set(CPACK_NSIS_MENU_LINKS "share/doc/pianomuse/THIRD_PARTY_NOTICES.md" "Third-party notices")
set(CPACK_NSIS_COMPRESSOR "/SOLID lzma")
set(CPACK_NSIS_MANIFEST_DPI_AWARE ON)
set(CPACK_PACKAGE_FILE_NAME "PianoMuse-${PROJECT_VERSION}-win64${PIANOMUSE_PACKAGE_SUFFIX}")
# A 64-bit installer for a 64-bit program (LibTorch is x64 only): native Program Files and the
# 64-bit registry view, no WOW64 redirection.
set(CPACK_NSIS_DEFINES "  Target amd64-unicode")
set(CPACK_NSIS_INSTALL_ROOT "$PROGRAMFILES64")

# File association: SHCTX is HKLM for a per-machine install, HKCU for a per-user one.
set(_progid "PianoMuse.MidiFile")
set(_assoc "
  WriteRegStr SHCTX 'Software\\\\Classes\\\\${_progid}' '' 'MIDI file (PianoMuse)'
  WriteRegStr SHCTX 'Software\\\\Classes\\\\${_progid}\\\\DefaultIcon' '' '$INSTDIR\\\\bin\\\\pianomuse.exe,0'
  WriteRegStr SHCTX 'Software\\\\Classes\\\\${_progid}\\\\shell\\\\open' 'FriendlyAppName' 'PianoMuse'
  WriteRegStr SHCTX 'Software\\\\Classes\\\\${_progid}\\\\shell\\\\open\\\\command' '' '\\\"$INSTDIR\\\\bin\\\\pianomuse.exe\\\" \\\"%1\\\"'
  WriteRegStr SHCTX 'Software\\\\Classes\\\\Applications\\\\pianomuse.exe\\\\shell\\\\open\\\\command' '' '\\\"$INSTDIR\\\\bin\\\\pianomuse.exe\\\" \\\"%1\\\"'")
set(_unassoc "
  DeleteRegKey SHCTX 'Software\\\\Classes\\\\${_progid}'
  DeleteRegKey SHCTX 'Software\\\\Classes\\\\Applications\\\\pianomuse.exe'")
foreach(ext .mid .midi .kar)
    string(APPEND _assoc "
  WriteRegStr SHCTX 'Software\\\\Classes\\\\${ext}\\\\OpenWithProgids' '${_progid}' ''
  WriteRegStr SHCTX 'Software\\\\Classes\\\\Applications\\\\pianomuse.exe\\\\SupportedTypes' '${ext}' ''")
    string(APPEND _unassoc "
  DeleteRegValue SHCTX 'Software\\\\Classes\\\\${ext}\\\\OpenWithProgids' '${_progid}'")
endforeach()
# SHCNE_ASSOCCHANGED so Explorer shows the new "Open with" entry without a log-off.
set(_notify "
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'")
set(CPACK_NSIS_EXTRA_INSTALL_COMMANDS "${_assoc}${_notify}")
set(CPACK_NSIS_EXTRA_UNINSTALL_COMMANDS "${_unassoc}${_notify}")
