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
  SQLITE_OMIT_LOAD_EXTENSION SQLITE_LIKE_DOESNT_MATCH_BLOBS SQLITE_DEFAULT_MEMSTATUS=0)
if(EMSCRIPTEN)
  # The browser download (docs/performance.md): no FTS5 (no SQL of ours uses it), and the
  # options of SQLite's "recommended compile-time options" that are safe with the
  # amalgamation (no SQLITE_OMIT_* that needs the canonical sources and a new parser).
  # JSON stays: core/store.cpp reads acknowledgements with json_each().
  # Also APIs the device never calls (UTF-16, tracing, authorizer, incremental blobs,
  # sqlite3_get_table/complete/deserialize, compile-option and introspection pragmas).
  target_compile_definitions(tp_sqlite PRIVATE SQLITE_THREADSAFE=0
    SQLITE_OMIT_PROGRESS_CALLBACK SQLITE_OMIT_DECLTYPE SQLITE_MAX_EXPR_DEPTH=0 SQLITE_USE_ALLOCA
    SQLITE_OMIT_UTF16 SQLITE_OMIT_TRACE SQLITE_OMIT_AUTHORIZATION SQLITE_OMIT_INCRBLOB
    SQLITE_OMIT_GET_TABLE SQLITE_OMIT_COMPLETE SQLITE_OMIT_DESERIALIZE
    SQLITE_OMIT_COMPILEOPTION_DIAGS SQLITE_OMIT_INTROSPECTION_PRAGMAS SQLITE_UNTESTABLE
    # Neither in the parser: no WAL (the page VFS uses a rollback journal; "PRAGMA
    # wal_checkpoint" is then a no-op), no date/time SQL functions, no integrity_check and
    # no schema pragmas (table_info, index_list, ...: no SQL of ours uses them), no
    # auto-vacuum (never enabled), no INSERT ... SELECT table-copy optimization (unused).
    SQLITE_OMIT_WAL SQLITE_OMIT_DATETIME_FUNCS SQLITE_OMIT_INTEGRITY_CHECK SQLITE_OMIT_AUTOVACUUM
    SQLITE_OMIT_SCHEMA_PRAGMAS SQLITE_OMIT_XFER_OPT)
else()
  target_compile_definitions(tp_sqlite PRIVATE SQLITE_THREADSAFE=1 SQLITE_ENABLE_FTS5)
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
set(QRCODEGEN_CPP "${COMPTOIR_DEPS}/qrcodegen/cpp/qrcodegen.cpp")
if(EMSCRIPTEN)
  # The browser download (docs/performance.md): qrcodegen formats one error message
  # (data_too_long) with std::ostringstream, which links libc++'s whole locale and
  # iostream machinery (~70 kB of wasm). The wasm build compiles a copy of the Debian
  # source with that message built by std::string instead (same text); the source itself
  # is untouched and never committed. If the source no longer has those lines, the copy
  # is the unchanged source.
  file(READ "${QRCODEGEN_CPP}" qr_src)
  set(qr_in "${qr_src}")
  foreach(pair
      "#include <sstream>|#include <string>"
      "std::ostringstream sb;|std::string sb;"
      "sb << \"Segment too long\";|sb += \"Segment too long\";"
      "sb << \"Data length = \" << dataUsedBits << \" bits, \";|sb += \"Data length = \" + std::to_string(dataUsedBits) + \" bits, \";"
      "sb << \"Max capacity = \" << dataCapacityBits << \" bits\";|sb += \"Max capacity = \" + std::to_string(dataCapacityBits) + \" bits\";"
      "throw data_too_long(sb.str());|throw data_too_long(sb);")
    string(FIND "${pair}" "|" bar)
    string(SUBSTRING "${pair}" 0 ${bar} from)
    math(EXPR bar "${bar} + 1")
    string(SUBSTRING "${pair}" ${bar} -1 to)
    string(REPLACE "${from}" "${to}" qr_src "${qr_src}")
  endforeach()
  if(qr_src MATCHES "ostringstream|sb <<")
    message(WARNING "qrcodegen.cpp changed: the wasm build compiles it unpatched")
    set(qr_src "${qr_in}")
  endif()
  set(QRCODEGEN_CPP "${CMAKE_BINARY_DIR}/qrcodegen-wasm/qrcodegen.cpp")
  file(CONFIGURE OUTPUT "${QRCODEGEN_CPP}" CONTENT "${qr_src}" @ONLY)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${COMPTOIR_DEPS}/qrcodegen/cpp/qrcodegen.cpp")
endif()
add_library(tp_qrcodegen STATIC "${QRCODEGEN_CPP}")
target_include_directories(tp_qrcodegen SYSTEM PUBLIC "${COMPTOIR_DEPS}/qrcodegen/cpp")
target_compile_options(tp_qrcodegen PRIVATE -w)

# --- Dear ImGui 1.86 (Debian source imgui) + GLFW/OpenGL3 backends -----------
set(IMGUI_DIR "${COMPTOIR_DEPS}/imgui")
set(IMGUI_DRAW_CPP "${IMGUI_DIR}/imgui_draw.cpp")
if(EMSCRIPTEN)
  # The browser download (docs/performance.md): no built-in ProggyClean font (12 kB of
  # base85 data, ~9 kB brotli). The app ships its own fonts (web/js/platform.js never
  # starts main() without one), so the wasm build compiles a copy of the Debian source
  # whose AddFontDefault() returns NULL without embedding the data; the source itself is
  # untouched and never committed. If the source no longer has those lines, the copy is
  # the unchanged source (and the font stays in).
  file(READ "${IMGUI_DRAW_CPP}" imgui_draw_src)
  set(imgui_draw_in "${imgui_draw_src}")
  string(REPLACE "    return proggy_clean_ttf_compressed_data_base85;"
                 "    return NULL;  // comptoir wasm build: no built-in font" imgui_draw_src "${imgui_draw_src}")
  string(REPLACE "    const char* ttf_compressed_base85 = GetDefaultCompressedFontDataTTFBase85();\n"
                 "    const char* ttf_compressed_base85 = GetDefaultCompressedFontDataTTFBase85();\n    if (!ttf_compressed_base85) return NULL;\n"
                 imgui_draw_src "${imgui_draw_src}")
  if(NOT imgui_draw_src MATCHES "if \\(!ttf_compressed_base85\\) return NULL;" OR
     imgui_draw_src MATCHES "return proggy_clean_ttf_compressed_data_base85;")
    message(WARNING "imgui_draw.cpp changed: the wasm build compiles it unpatched (with ProggyClean)")
    set(imgui_draw_src "${imgui_draw_in}")
  endif()
  set(IMGUI_DRAW_CPP "${CMAKE_BINARY_DIR}/imgui-wasm/imgui_draw.cpp")
  file(CONFIGURE OUTPUT "${IMGUI_DRAW_CPP}" CONTENT "${imgui_draw_src}" @ONLY)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${IMGUI_DIR}/imgui_draw.cpp")
endif()
add_library(tp_imgui STATIC
  ${IMGUI_DIR}/imgui.cpp ${IMGUI_DRAW_CPP} ${IMGUI_DIR}/imgui_tables.cpp
  ${IMGUI_DIR}/imgui_widgets.cpp ${IMGUI_DIR}/backends/imgui_impl_glfw.cpp
  ${IMGUI_DIR}/backends/imgui_impl_opengl3.cpp)
target_include_directories(tp_imgui SYSTEM PUBLIC ${IMGUI_DIR} ${IMGUI_DIR}/backends)
target_compile_definitions(tp_imgui PUBLIC IMGUI_DISABLE_OBSOLETE_FUNCTIONS IMGUI_DISABLE_DEMO_WINDOWS)
target_compile_options(tp_imgui PRIVATE -w)
if(EMSCRIPTEN)
  target_compile_options(tp_imgui PUBLIC -sUSE_GLFW=3)
  # No -sFULL_ES3 (its client-side-array emulation): ImGui's OpenGL3 backend draws from
  # buffer objects only.
  target_link_options(tp_imgui PUBLIC -sUSE_GLFW=3 -sUSE_WEBGL2=1 -sMIN_WEBGL_VERSION=2)
else()
  find_package(glfw3 REQUIRED)
  find_package(OpenGL REQUIRED)
  target_link_libraries(tp_imgui PUBLIC glfw OpenGL::GL ${CMAKE_DL_LIBS})
endif()
