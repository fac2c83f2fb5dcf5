// app/main_native.cpp — the native kiosk: a GLFW window (optionally fullscreen) running
// the same screens, storing to a local SQLite file (app/persist_native.cpp), syncing
// over cpp-httplib.
//
//   comptoir-kiosk [--fullscreen] [--size 1920x1080] [--server http://127.0.0.1:8080] [--db path]
//                  [--scale 1.5] [--enroll CODE] [--state-file PATH]
// Text is typed through GLFW into ImGui::InputText (no DOM overlay here); Tab/Shift+Tab
// move between text fields, Enter moves to the next one and, after the last, presses
// "Next"/"Save" (app/ui.cpp). Draws only when something happened (glfwWaitEventsTimeout),
// like the browser build. Windows larger than 1280x800 zoom the UI like the browser build
// (ui::ZoomForViewport; --scale multiplies).
// --state-file: test hook (tests/kiosk-native/): after each drawn frame whose content
// changed, writes {"state": StateJson, "widgets": {key: {x,y,w,h}}, "editing": {key, value}
// or null} (window pixels) to PATH (atomically: PATH.tmp then rename). "editing" is the
// field being typed in and its text, like the DOM input the browser tests read: a test
// hook only, never written without --state-file (use a private temp directory).
#include <GLFW/glfw3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "app/app.h"
#include "core/clock.h"
#include <nlohmann/json.hpp>
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"

#ifndef COMPTOIR_FONT_DIR
#define COMPTOIR_FONT_DIR "/usr/share/fonts/truetype/noto"
#endif

using namespace comptoir;
using namespace comptoir::app;

namespace {
int g_dirty = 3;
AppState* g_state = nullptr;
void Wake(GLFWwindow*) { g_dirty = 3; }
void Input(GLFWwindow* w) {
    if (g_state) NoteUserInput(*g_state, NowMs());
    Wake(w);
}
void OnCursor(GLFWwindow* w, double, double) { Wake(w); }
void OnButton(GLFWwindow* w, int, int, int) { Input(w); }
void OnScroll(GLFWwindow* w, double, double) { Input(w); }
void OnKey(GLFWwindow* w, int, int, int, int) { Input(w); }
void OnChar(GLFWwindow* w, unsigned int) { Input(w); }
void OnSize(GLFWwindow* w, int, int) { Wake(w); }

// ImGui 1.86 reads keys as "down now": a key pressed and released between two frames
// (a quick tap while the previous frame was drawn, or a kiosk's slow software GL) would
// never be seen as pressed. A release of a key no frame has seen down yet waits for the
// next frame (and so do the releases after it).
struct KeyEvent {
    int key, scancode, mods;
};
std::vector<int> g_pressed_unseen;
std::vector<KeyEvent> g_deferred_releases;
void OnKeyOrdered(GLFWwindow* w, int key, int scancode, int action, int mods) {
    const bool unseen = std::find(g_pressed_unseen.begin(), g_pressed_unseen.end(), key) != g_pressed_unseen.end();
    // Releases keep their order: once one waits, the following ones wait too (Shift
    // released after a Shift+Tab must not reach ImGui before the Tab was seen).
    if (action == GLFW_RELEASE && (unseen || !g_deferred_releases.empty())) {
        g_deferred_releases.push_back({key, scancode, mods});
        Input(w);
        return;
    }
    if (action == GLFW_PRESS) g_pressed_unseen.push_back(key);
    ImGui_ImplGlfw_KeyCallback(w, key, scancode, action, mods);   // calls OnKey too
}
// After a frame: every key down has been seen; the releases that waited happen now.
void FlushDeferredKeys(GLFWwindow* w) {
    g_pressed_unseen.clear();
    std::vector<KeyEvent> releases;
    releases.swap(g_deferred_releases);
    for (const KeyEvent& e : releases) ImGui_ImplGlfw_KeyCallback(w, e.key, e.scancode, GLFW_RELEASE, e.mods);
}

void Usage() {
    std::fprintf(stderr,
                 "usage: comptoir-kiosk [--fullscreen] [--size WxH] [--server URL] [--db PATH] [--scale S] "
                 "[--enroll CODE] [--state-file PATH]\n");
}

// Test hook: the state and widget rectangles of the last frame, written when they change.
void WriteStateFile(const std::string& path, const AppState& st, std::string* last) {
    std::string key, value;
    nlohmann::json editing = nullptr;
    if (ui::EditingField(&key, &value)) editing = {{"key", key}, {"value", value}};
    std::string out = "{\"state\":" + StateJson(st) + ",\"widgets\":" + ui::WidgetsJson() +
                      ",\"editing\":" + editing.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "}\n";
    if (out == *last) return;
    *last = out;
    const std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        f << out;
        if (!f) return;
    }
    std::rename(tmp.c_str(), path.c_str());
}

// Fonts and style at the window's scale x zoom (rebuilt between frames when it changes).
void ApplyScale(float scale, float zoom, bool recreate_texture) {
    const std::string fonts = COMPTOIR_FONT_DIR;
    ui::LoadFonts(fonts + "/NotoSans-Regular.ttf", fonts + "/NotoSans-Bold.ttf", scale * zoom);
    ui::ApplyTheme(scale * zoom);
    if (recreate_texture) {
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
    }
}
}  // namespace

int main(int argc, char** argv) {
    bool fullscreen = false;
    std::string server = "http://127.0.0.1:8080";
    std::string enroll;
    std::string state_file;
    int width = 1280, height = 800;
    float scale = 1.0f;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        if (a == "--fullscreen") fullscreen = true;
        else if (a == "--server" && i + 1 < argc) server = next();
        else if (a == "--db" && i + 1 < argc) SetDeviceStorePath(next());
        else if (a == "--scale" && i + 1 < argc) scale = static_cast<float>(std::atof(next()));
        else if (a == "--enroll" && i + 1 < argc) enroll = next();
        else if (a == "--state-file" && i + 1 < argc) state_file = next();
        else if (a == "--size" && i + 1 < argc) {
            if (std::sscanf(next(), "%dx%d", &width, &height) != 2 || width < 320 || height < 320) {
                Usage();
                return 2;
            }
        }
        else { Usage(); return 2; }
    }
    if (scale < 0.5f || scale > 4.0f) scale = 1.0f;

    if (!glfwInit()) {
        std::fprintf(stderr, "comptoir-kiosk: cannot initialise GLFW (no display?)\n");
        return 1;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 2);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GL_TRUE);
    GLFWmonitor* monitor = fullscreen ? glfwGetPrimaryMonitor() : nullptr;
    if (monitor) {
        const GLFWvidmode* mode = glfwGetVideoMode(monitor);
        width = mode->width;
        height = mode->height;
    }
    GLFWwindow* window = glfwCreateWindow(width, height, "Comptoir", monitor, nullptr);
    if (!window) {
        std::fprintf(stderr, "comptoir-kiosk: cannot open a window with OpenGL 3.2\n");
        glfwTerminate();
        return 1;
    }
    glfwMakeContextCurrent(window);
    glfwSwapInterval(1);
    glfwSetCursorPosCallback(window, OnCursor);
    glfwSetMouseButtonCallback(window, OnButton);
    glfwSetScrollCallback(window, OnScroll);
    glfwSetKeyCallback(window, OnKey);
    glfwSetCharCallback(window, OnChar);
    glfwSetWindowSizeCallback(window, OnSize);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.ConfigInputTextCursorBlink = false;
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    glfwSetKeyCallback(window, OnKeyOrdered);   // in front of ImGui's (which chains to OnKey)
    ImGui_ImplOpenGL3_Init("#version 150");
    int win_w = 0, win_h = 0;
    glfwGetWindowSize(window, &win_w, &win_h);
    float zoom = ui::ZoomForViewport(win_w / scale, win_h / scale);
    ApplyScale(scale, zoom, false);

    AppServices services;
    AppState state;
    g_state = &state;
    StartServices(services, server);
    InitApp(state, services, enroll);
    ui::UiPlatform platform;
    platform.dpr = scale;
    platform.zoom = zoom;
    platform.text_overlay = false;
    std::string last_state;

    while (!glfwWindowShouldClose(window)) {
        const int64_t now = NowMs();
        int64_t timer = NextTimerMs(state);
        double wait_s = g_dirty > 0 ? 0.0 : 0.25;   // the sync engine ticks 4x/s when idle
        if (timer > 0) wait_s = std::min(wait_s, std::max(0.0, (timer - now) / 1000.0));
        glfwWaitEventsTimeout(wait_s);
        TickServices(services, NowMs());
        if (services.wake) { services.wake = false; g_dirty = 3; }
        if (timer > 0 && NowMs() >= timer) g_dirty = std::max(g_dirty, 1);
        if (g_dirty <= 0) continue;
        --g_dirty;
        glfwGetWindowSize(window, &win_w, &win_h);
        const float new_zoom = ui::ZoomForViewport(win_w / scale, win_h / scale);
        if (new_zoom != zoom) {
            zoom = new_zoom;
            platform.zoom = zoom;
            ApplyScale(scale, zoom, true);
        }
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
        const Screen before = state.screen;
        DrawApp(state, services, platform, NowMs());
        if (state.screen != before) g_dirty = 3;
        ImGui::Render();
        int fw, fh;
        glfwGetFramebufferSize(window, &fw, &fh);
        glViewport(0, 0, fw, fh);
        glClearColor(0.965f, 0.957f, 0.937f, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
        glfwSwapBuffers(window);
        FlushDeferredKeys(window);
        if (!state_file.empty()) WriteStateFile(state_file, state, &last_state);
    }
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    return 0;
}
