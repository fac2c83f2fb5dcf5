# Third-party code, compiled from the Debian source packages that scripts/bootstrap
# fetched into COMPTOIR_DEPS (never committed). Native and wasm builds compile the
# very same sources.
if(NOT COMPTOIR_DEPS)
  if(DEFINED ENV{COMPTOIR_DEPS})
    set(COMPTOIR_DEPS "$ENV{COMPTOIR_DEPS}")
  elseif(DEFINED ENV{XDG_CACHE_HOME})
    set(COMPTOIR_DEPS "$ENV{XDG_CACHE_HOME}/comptoir")
  else()
    set(COMPTOIR_DEPS "$ENV{HOME}/.cache/comptoir")
  endif()
endif()
if(NOT EXISTS "${COMPTOIR_DEPS}/sqlite-amalgamation/sqlite3.c")
  message(FATAL_ERROR "Third-party sources missing in ${COMPTOIR_DEPS}: run scripts/bootstrap first")
endif()

# --- SQLite (amalgamation generated from Debian's sqlite3 source package) -------
add_library(tp_sqlite STATIC "${COMPTOIR_DEPS}/sqlite-amalgamation/sqlite3.c")
target_include_directories(tp_sqlite SYSTEM PUBLIC "${COMPTOIR_DEPS}/sqlite-amalgamation")
target_compile_definitions(tp_sqlite PRIVATE
  SQLITE_DQS=0 SQLITE_DEFAULT_FOREIGN_KEYS=1 SQLITE_OMIT_DEPRECATED SQLITE_OMIT_SHARED_CACHE
  SQLITE_OMIT_LOAD_EXTENSION SQLITE_LIKE_DOESNT_MATCH_BLOBS SQLITE_DEFAULT_MEMSTATUS=0
  SQLITE_ENABLE_FTS5)
if(EMSCRIPTEN)
  target_compile_definitions(tp_sqlite PRIVATE SQLITE_THREADSAFE=0)
else()
  target_compile_definitions(tp_sqlite PRIVATE SQLITE_THREADSAFE=1)
  find_package(Threads REQUIRED)
  target_link_libraries(tp_sqlite PUBLIC Threads::Threads ${CMAKE_DL_LIBS})
endif()
target_compile_options(tp_sqlite PRIVATE -w)

# --- utf8proc (Unicode NFC) --------------------------------------------------
add_library(tp_utf8proc STATIC "${COMPTOIR_DEPS}/utf8proc/utf8proc.c")
target_include_directories(tp_utf8proc SYSTEM PUBLIC "${COMPTOIR_DEPS}/utf8proc")
target_compile_definitions(tp_utf8proc PUBLIC UTF8PROC_STATIC)
target_compile_options(tp_utf8proc PRIVATE -w)

# --- nlohmann/json and doctest (Debian header-only packages) -----------------
add_library(tp_json INTERFACE)
if(EMSCRIPTEN)
  # The wasm toolchain has its own sysroot: point it at Debian's headers explicitly.
  file(MAKE_DIRECTORY "${CMAKE_BINARY_DIR}/hdr/nlohmann" "${CMAKE_BINARY_DIR}/hdr/doctest")
  file(COPY /usr/include/nlohmann/ DESTINATION "${CMAKE_BINARY_DIR}/hdr/nlohmann")
  file(COPY /usr/include/doctest/ DESTINATION "${CMAKE_BINARY_DIR}/hdr/doctest")
  target_include_directories(tp_json SYSTEM INTERFACE "${CMAKE_BINARY_DIR}/hdr")
endif()
add_library(tp_doctest INTERFACE)
target_link_libraries(tp_doctest INTERFACE tp_json)

# --- QR Code generator (Nayuki, Debian source qr-code-generator) -------------
add_library(tp_qrcodegen STATIC "${COMPTOIR_DEPS}/qrcodegen/cpp/qrcodegen.cpp")
target_include_directories(tp_qrcodegen SYSTEM PUBLIC "${COMPTOIR_DEPS}/qrcodegen/cpp")
target_compile_options(tp_qrcodegen PRIVATE -w)

# --- Dear ImGui 1.86 (Debian source imgui) + GLFW/OpenGL3 backends -----------
set(IMGUI_DIR "${COMPTOIR_DEPS}/imgui")
add_library(tp_imgui STATIC
  ${IMGUI_DIR}/imgui.cpp ${IMGUI_DIR}/imgui_draw.cpp ${IMGUI_DIR}/imgui_tables.cpp
  ${IMGUI_DIR}/imgui_widgets.cpp ${IMGUI_DIR}/backends/imgui_impl_glfw.cpp
  ${IMGUI_DIR}/backends/imgui_impl_opengl3.cpp)
target_include_directories(tp_imgui SYSTEM PUBLIC ${IMGUI_DIR} ${IMGUI_DIR}/backends)
target_compile_definitions(tp_imgui PUBLIC IMGUI_DISABLE_OBSOLETE_FUNCTIONS IMGUI_DISABLE_DEMO_WINDOWS)
target_compile_options(tp_imgui PRIVATE -w)
if(EMSCRIPTEN)
  target_compile_options(tp_imgui PUBLIC -sUSE_GLFW=3)
  target_link_options(tp_imgui PUBLIC -sUSE_GLFW=3 -sUSE_WEBGL2=1 -sFULL_ES3=1 -sMIN_WEBGL_VERSION=2)
else()
  find_package(glfw3 REQUIRED)
  find_package(OpenGL REQUIRED)
  target_link_libraries(tp_imgui PUBLIC glfw OpenGL::GL ${CMAKE_DL_LIBS})
endif()
