// app/main_native.cpp — the native kiosk: a GLFW window (optionally fullscreen) running
// the same screens, storing to a local SQLite file (app/persist_native.cpp), syncing
// over cpp-httplib.
//
//   comptoir-kiosk [--fullscreen] [--server http://127.0.0.1:8080] [--db path] [--scale 1.5]
//                  [--enroll CODE]
// Text is typed through GLFW into ImGui::InputText (no DOM overlay here). Draws only when
// something happened (glfwWaitEventsTimeout), like the browser build.
#include <GLFW/glfw3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "app/app.h"
#include "core/clock.h"
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

void Usage() {
    std::fprintf(stderr,
                 "usage: comptoir-kiosk [--fullscreen] [--server URL] [--db PATH] [--scale S] [--enroll CODE]\n");
}
}  // namespace

int main(int argc, char** argv) {
    bool fullscreen = false;
    std::string server = "http://127.0.0.1:8080";
    std::string enroll;
    float scale = 1.0f;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        if (a == "--fullscreen") fullscreen = true;
        else if (a == "--server" && i + 1 < argc) server = next();
        else if (a == "--db" && i + 1 < argc) SetDeviceStorePath(next());
        else if (a == "--scale" && i + 1 < argc) scale = static_cast<float>(std::atof(next()));
        else if (a == "--enroll" && i + 1 < argc) enroll = next();
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
    int width = 1280, height = 800;
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
    ImGui_ImplOpenGL3_Init("#version 150");
    const std::string fonts = COMPTOIR_FONT_DIR;
    ui::LoadFonts(fonts + "/NotoSans-Regular.ttf", fonts + "/NotoSans-Bold.ttf", scale);
    ui::ApplyTheme(scale);

    AppServices services;
    AppState state;
    g_state = &state;
    StartServices(services, server);
    InitApp(state, services, enroll);
    ui::UiPlatform platform;
    platform.dpr = scale;
    platform.text_overlay = false;

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
    }
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    return 0;
}
