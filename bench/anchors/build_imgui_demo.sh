#!/usr/bin/env bash
# bench/anchors/build_imgui_demo.sh OUT_DIR — builds the bare Dear ImGui + GLFW + WebGL2
# anchor (bench/anchors/imgui_demo_min.cpp) with Debian's emcc -Os into OUT_DIR
# (imgui_demo_min.js + .wasm + our own imgui_demo.html). ImGui 1.86 sources come from
# ~/.cache/comptoir/imgui (scripts/bootstrap). Rebuilds only when a source is newer.
set -euo pipefail
out=${1:?usage: build_imgui_demo.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
imgui=${COMPTOIR_DEPS:-$HOME/.cache/comptoir}/imgui
export NODE_PATH=/usr/share/nodejs   # Debian's emscripten 3.1.6 needs acorn from here
mkdir -p "$out"
cp "$here/imgui_demo.html" "$out/imgui_demo.html"
if [ -f "$out/imgui_demo_min.wasm" ] && [ "$out/imgui_demo_min.wasm" -nt "$here/imgui_demo_min.cpp" ]; then
  exit 0
fi
objs=()
for src in imgui.cpp imgui_draw.cpp imgui_tables.cpp imgui_widgets.cpp backends/imgui_impl_glfw.cpp backends/imgui_impl_opengl3.cpp; do
  obj="$out/$(basename "$src" .cpp).o"
  if [ ! -f "$obj" ]; then
    emcc -Os -w -DIMGUI_DISABLE_DEMO_WINDOWS -I"$imgui" -I"$imgui/backends" -c "$imgui/$src" -o "$obj"
  fi
  objs+=("$obj")
done
emcc -Os -std=c++17 -DIMGUI_DISABLE_DEMO_WINDOWS -I"$imgui" -I"$imgui/backends" \
  -c "$here/imgui_demo_min.cpp" -o "$out/imgui_demo_min.o"
emcc -Os "$out/imgui_demo_min.o" "${objs[@]}" -sUSE_GLFW=3 -sUSE_WEBGL2=1 -sFULL_ES3=1 -sMIN_WEBGL_VERSION=2 \
  -sENVIRONMENT=web -sALLOW_MEMORY_GROWTH=1 -o "$out/imgui_demo_min.js"
