// app/main_web.cpp — the browser entry point: Emscripten main loop, HiDPI canvas,
// touch input, the DOM text overlay bridge, idle rendering, the test hook.
// JS side: web/js/platform.js (loaded with --pre-js, runs before main()).
//   [SECTION] Platform state
//   [SECTION] Calls from JavaScript
//   [SECTION] Calls into JavaScript
//   [SECTION] Frame loop
//   [SECTION] main
#include <emscripten.h>
#include <emscripten/html5.h>
#define GLFW_INCLUDE_ES3
#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <string>

#include "app/app.h"
#include "core/clock.h"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"

using namespace comptoir;
using namespace comptoir::app;

// [SECTION] Platform state
namespace {

struct Touch {
    bool active = false;        // touch drives the ImGui mouse (until a real mouse moves)
    bool down = false;
    bool just_pressed = false;  // latch: a tap shorter than a frame still clicks
    bool release_frame = false; // the frame after release: move the pointer away
    bool dragging = false;      // moved beyond the tap slop: scroll, never click
    float x = 0, y = 0;         // physical px
    float start_x = 0, start_y = 0;
    float scroll_accum = 0;     // physical px to scroll at the next frame
    double last_move_ms = 0;
    float velocity = 0;         // px per ms, for inertia
};

struct Web {
    GLFWwindow* window = nullptr;
    AppState state;
    AppServices services;
    ui::UiPlatform platform;
    int dirty_frames = 3;       // frames still to draw (ImGui settles over 2-3 frames)
    float css_w = 0, css_h = 0, dpr = 0;
    Touch touch;
    bool context_lost = false;
    bool paused = false;        // main loop paused: no requestAnimationFrame while idle
    int64_t loop_iterations = 0;   // wake-ups of the main loop (drawn or not), for tests
    int64_t last_wake_ms = 0;      // the last Wake(): input, network, timers
};
Web* g_web = nullptr;

// Any reason to draw: mark frames to draw and, when the loop is paused, resume it (the
// next requestAnimationFrame draws). Called from DOM event handlers, GLFW callbacks,
// fetch/IndexedDB completions (AppServices::on_wake) and the idle timer.
void Wake(int frames = 3) {
    if (!g_web) return;
    g_web->last_wake_ms = NowMs();
    if (g_web->dirty_frames < frames) g_web->dirty_frames = frames;
    if (g_web->paused) {
        g_web->paused = false;
        emscripten_resume_main_loop();
    }
}
// A person did something (not the network, not a timer): restarts the inactivity timer.
void Input() {
    if (g_web) NoteUserInput(g_web->state, NowMs());
    Wake();
}

void OnCursorPos(GLFWwindow*, double, double) {
    if (g_web) g_web->touch.active = false;   // a real mouse is back
    Wake();
}
void OnMouseButton(GLFWwindow*, int, int, int) { Input(); }
void OnScroll(GLFWwindow*, double, double) { Input(); }
void OnKey(GLFWwindow*, int, int, int, int) { Input(); }
void OnChar(GLFWwindow*, unsigned int) { Input(); }

}  // namespace

// [SECTION] Calls from JavaScript
extern "C" {

// type: 0 start, 1 move, 2 end, 3 cancel; coordinates in CSS px relative to the canvas.
EMSCRIPTEN_KEEPALIVE void comptoir_touch(int type, float x_css, float y_css, double t_ms) {
    if (!g_web) return;
    Touch& t = g_web->touch;
    const float dpr = g_web->dpr > 0 ? g_web->dpr : 1;
    const float x = x_css * dpr, y = y_css * dpr;
    const float slop = 10 * dpr;
    t.active = true;
    switch (type) {
        case 0:
            t.down = true;
            t.just_pressed = true;
            t.dragging = false;
            t.velocity = 0;
            NoteUserInput(g_web->state, NowMs());
            t.x = t.start_x = x;
            t.y = t.start_y = y;
            t.last_move_ms = t_ms;
            break;
        case 1:
            if (!t.dragging && std::fabs(y - t.start_y) + std::fabs(x - t.start_x) > slop) t.dragging = true;
            if (t.dragging) {
                float dy = y - t.y;
                t.scroll_accum += dy;
                double dt = t_ms - t.last_move_ms;
                if (dt > 0) t.velocity = 0.8f * static_cast<float>(dy / dt) + 0.2f * t.velocity;
            }
            t.last_move_ms = t_ms;
            t.x = x;
            t.y = y;
            break;
        default:
            t.down = false;
            t.release_frame = true;
            if (type == 3) t.dragging = true;
            break;
    }
    Wake();
}

// Wheel in ImGui units (+1 = one notch up). Emscripten 3.1.6's GLFW passes raw DOM
// deltas with the wrong sign, so platform.js keeps wheel events for itself.
EMSCRIPTEN_KEEPALIVE void comptoir_wheel(float dx, float dy) {
    if (!g_web || !ImGui::GetCurrentContext()) return;
    ImGuiIO& io = ImGui::GetIO();
    io.MouseWheelH += dx;
    io.MouseWheel += dy;
    Input();
}

EMSCRIPTEN_KEEPALIVE void comptoir_overlay_input(const char* value) {
    ui::TextOverlayInput(value ? value : "");
    Input();
}
EMSCRIPTEN_KEEPALIVE void comptoir_overlay_activate(const char* key) {
    ui::TextOverlayActivate(key ? key : "");
    Wake();
}
// mode: 0 Tab, 1 Shift+Tab, 2 Enter.
EMSCRIPTEN_KEEPALIVE void comptoir_overlay_next(int mode) {
    if (mode == 2) ui::TextOverlayEnter();
    else ui::TextOverlayNext(mode == 1);
    Wake();
}
EMSCRIPTEN_KEEPALIVE void comptoir_overlay_blur() {
    ui::TextOverlayDeactivate();
    Wake();
}
EMSCRIPTEN_KEEPALIVE void comptoir_wake() { Wake(); }
// "#admin" (hashchange): the staff sign-in, or the admin screen if still signed in.
EMSCRIPTEN_KEEPALIVE void comptoir_open_admin() {
    if (!g_web) return;
    OpenAdmin(g_web->state, IsEnrolled(g_web->services));
    Wake();
}
// Test hook: main loop iterations so far and whether the loop is paused now.
EMSCRIPTEN_KEEPALIVE double comptoir_loop_iterations() { return g_web ? double(g_web->loop_iterations) : 0; }
EMSCRIPTEN_KEEPALIVE int comptoir_loop_paused() { return g_web && g_web->paused ? 1 : 0; }
// The browser's `online` event: the network is back, so the exponential backoff (which
// was waiting it out) is skipped; a server's Retry-After is still respected.
EMSCRIPTEN_KEEPALIVE void comptoir_online() {
    if (g_web && g_web->services.engine) g_web->services.engine->SyncNowIgnoringBackoff();
    Wake();
}
// Test hook (web/tests/e2e-sync-offline.mjs): saves `n` generated registrations one after
// another through the real save path (app/services.h SaveRegistration: validation, the
// store's transaction with its outbox entries, PersistNow to IndexedDB), as the wizard
// does. Progress: comptoir_test_saved() / comptoir_test_save_failures(); the device's
// outbox: comptoir_test_pending().
static int g_test_saved = 0, g_test_save_failures = 0;
static void TestSaveNext(int i, int n, int seed) {
    if (!g_web || i >= n) return;
    AppServices& s = g_web->services;
    std::vector<CatalogueEntry> sectors = Sectors(s), items = NeedItems(s);
    if (sectors.empty() || items.empty()) {
        g_test_save_failures += n - i;
        return;
    }
    static const char* firsts[] = {"Anne", "Zoë", "Jérôme", "Łukasz", "Noémie", "Saïd", "Inès", "Bram"};
    Registration r;
    r.creator.first_name = firsts[i % 8];
    r.creator.last_name = "Hors-Ligne " + std::to_string(i);
    r.creator.email = "offline." + std::to_string(seed) + "." + std::to_string(i) + "@example.be";
    r.creator.postcode = "7000";
    r.creator.sectors = {sectors[size_t(i) % sectors.size()].id};
    r.creator.consents.processing.given = true;
    r.creator.consents.processing.at = NowRfc3339();
    r.creator.consents.processing.text_version = "fr-2026-1";
    Need need;
    need.item = items[size_t(i) % items.size()].id;
    need.frequency = "mensuel";
    r.needs.push_back(need);
    SaveRegistration(s, std::move(r), [i, n, seed](SaveOutcome o) {
        if (o.ok) g_test_saved++;
        else g_test_save_failures++;
        TestSaveNext(i + 1, n, seed);
    });
}
EMSCRIPTEN_KEEPALIVE void comptoir_test_save_generated(int n, int seed) {
    g_test_saved = 0;
    g_test_save_failures = 0;
    TestSaveNext(0, n, seed);
}
EMSCRIPTEN_KEEPALIVE int comptoir_test_saved() { return g_test_saved; }
EMSCRIPTEN_KEEPALIVE int comptoir_test_save_failures() { return g_test_save_failures; }
EMSCRIPTEN_KEEPALIVE double comptoir_test_pending() {
    return g_web && g_web->services.store ? double(g_web->services.store->PendingCount()) : -1;
}
EMSCRIPTEN_KEEPALIVE void comptoir_context_lost(int lost) {
    if (!g_web) return;
    g_web->context_lost = lost != 0;
    if (!lost) {
        ImGui_ImplOpenGL3_DestroyDeviceObjects();
        ImGui_ImplOpenGL3_CreateDeviceObjects();
    }
    Wake();
}

}  // extern "C"

// [SECTION] Calls into JavaScript
// clang-format off
EM_JS(void, js_viewport, (float* out), {
    var c = Module['canvas'];
    var r = c.getBoundingClientRect();
    HEAPF32[out >> 2] = r.width;
    HEAPF32[(out >> 2) + 1] = r.height;
    HEAPF32[(out >> 2) + 2] = window.devicePixelRatio || 1;
});
// "#enroll=<code>" (staff setting up a kiosk) or, which = 1, "#join=<code>" (a phone
// that scanned a kiosk's QR code).
EM_JS(void, js_enroll_code, (char* out, int size, int which), {
    var m = (which === 1 ? /[#&]join=([^&]*)/ : /[#&]enroll=([^&]*)/).exec(window.location.hash || "");
    var code = "";
    try { code = m ? decodeURIComponent(m[1]) : ""; } catch (e) {}
    stringToUTF8(code, out, size);
});
// The page's address without query or fragment: what the QR code on Start points to.
EM_JS(void, js_app_url, (char* out, int size), {
    stringToUTF8(window.location.origin + window.location.pathname, out, size);
});
EM_JS(int, js_hash_admin, (), {
    return /^#admin(?![A-Za-z0-9_])/.test(window.location.hash || "") ? 1 : 0;
});
EM_JS(void, js_hash_event, (char* out, int size), {
    var m = /[#&]event=([^&]*)/.exec(window.location.hash || "");
    var v = "";
    try { v = m ? decodeURIComponent(m[1]) : ""; } catch (e) {}
    stringToUTF8(v, out, size);
});
// Test/demo only: "?idle=WARN,COUNTDOWN" (seconds) shortens the inactivity timeouts.
EM_JS(int, js_idle_override, (int* out), {
    var m = /[?&]idle=([0-9]+),([0-9]+)/.exec(window.location.search || "");
    if (!m) return 0;
    HEAP32[out >> 2] = parseInt(m[1], 10);
    HEAP32[(out >> 2) + 1] = parseInt(m[2], 10);
    return 1;
});
EM_JS(void, js_publish, (const char* widgets, const char* state, int overlay_active, const char* key,
                         const char* value, int kind, float x, float y, float w, float h, float font_px,
                         int activated), {
    var P = Module['comptoirPlatform'];
    if (!P) return;
    P.publish(UTF8ToString(widgets), UTF8ToString(state));
    P.overlay(overlay_active !== 0, UTF8ToString(key), UTF8ToString(value), kind, x, y, w, h, font_px, activated !== 0);
});
// The idle timer: while the main loop is paused, one setTimeout at most (a new call
// replaces the pending one) calls comptoir_idle_tick() after `ms`.
EM_JS(void, js_idle_timer, (double ms), {
    if (Module['comptoirIdleTimer']) clearTimeout(Module['comptoirIdleTimer']);
    Module['comptoirIdleTimer'] = setTimeout(function () {
        Module['comptoirIdleTimer'] = 0;
        Module['_comptoir_idle_tick']();
    }, Math.max(0, ms));
});
// The admin screens were left (web/js/boot.js): "#admin" leaves the address, so a reload
// starts the kiosk module (without the admin mode) again.
EM_JS(void, js_leave_admin, (), {
    var B = Module['comptoirBoot'];
    if (B && B.leaveAdmin) B.leaveAdmin();
});
// glfwSetWindowSize() of Emscripten 3.1.6 asks for fullscreen when the size equals the
// screen's (a full-window canvas at dpr 1): resize the canvas through Browser instead;
// GLFW's resize listener updates its window size.
EM_JS(void, js_set_canvas_size, (int w, int h), {
    Browser.setCanvasSize(w, h);
});
// clang-format on

// [SECTION] Frame loop
namespace {

bool IsAdminScreen(Screen s) { return s == Screen::Admin || s == Screen::AdminSignIn; }


void SyncViewport(Web& w) {
    float v[3];
    js_viewport(v);
    if (v[0] == w.css_w && v[1] == w.css_h && v[2] == w.dpr) return;
    // ui::ZoomForViewport: 1 up to 1280x800 CSS px, then growing with the screen (the
    // kiosk), in steps of 0.05 so a live resize rebuilds the font atlas only now and then.
    const float zoom = ui::ZoomForViewport(v[0], v[1]);
    const bool scale_changed = v[2] != w.dpr || zoom != w.platform.zoom;
    w.css_w = v[0];
    w.css_h = v[1];
    w.dpr = v[2];
    js_set_canvas_size(static_cast<int>(std::lround(w.css_w * w.dpr)), static_cast<int>(std::lround(w.css_h * w.dpr)));
    if (scale_changed) {
        // Fonts are rasterized at their final pixel size: rebuild the atlas between frames.
        ui::LoadFonts("/fonts/NotoSans-Regular.ttf", "/fonts/NotoSans-Bold.ttf", w.dpr * zoom);
        ui::ApplyTheme(w.dpr * zoom);
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
    }
    w.platform.dpr = w.dpr;
    w.platform.zoom = zoom;
    Wake();
}

void ApplyTouch(Web& w) {
    Touch& t = w.touch;
    ImGuiIO& io = ImGui::GetIO();
    w.platform.scroll_delta_y = 0;
    if (!t.active) return;
    if (t.dragging) {
        w.platform.scroll_delta_y = t.scroll_accum;
        t.scroll_accum = 0;
        io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);   // a drag scrolls, it never clicks
        io.MouseDown[0] = false;
        t.just_pressed = false;
        if (!t.down && std::fabs(t.velocity) > 0.05f) {   // inertia, px/ms decaying
            float dt = io.DeltaTime * 1000.0f;
            w.platform.scroll_delta_y += t.velocity * dt;
            t.velocity *= std::pow(0.92f, dt / 16.7f);
            Wake(2);
        } else if (!t.down) {
            t.velocity = 0;
            t.active = t.release_frame = false;
        }
        return;
    }
    io.MousePos = ImVec2(t.x, t.y);
    io.MouseDown[0] = t.down || t.just_pressed;
    if (t.just_pressed) {
        t.just_pressed = false;
        if (!t.down) Wake();    // the release is delivered on the next frame
        return;
    }
    if (!t.down && t.release_frame) {
        t.release_frame = false;
        Wake();                 // next frame: pointer leaves, no lingering hover
        return;
    }
    if (!t.down) io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
}

// The longest the paused loop sleeps: the sync engine's timers (backoff, periodic pull)
// are checked this often; everything else wakes the loop itself.
constexpr int64_t kIdleTickMs = 1000;

// Work done whether or not a frame is drawn: network/persistence polling, timers, the
// viewport. Returns true when something asks for a redraw.
void Housekeeping(Web& w, int64_t now) {
    TickServices(w.services, now);
    if (w.services.wake) {
        w.services.wake = false;
        Wake();
    }
    int64_t timer = NextTimerMs(w.state);
    if (timer > 0 && now >= timer) Wake(1);
    SyncViewport(w);
}

// Nothing to draw: stop requestAnimationFrame and sleep until the next timer (countdown,
// inactivity warning) or kIdleTickMs. Input, resize, visibility, fetch and IndexedDB
// completions resume the loop through Wake().
void PauseIfIdle(Web& w, int64_t now) {
    if (w.dirty_frames > 0 || w.paused) return;
    w.paused = true;
    emscripten_pause_main_loop();
    int64_t timer = NextTimerMs(w.state);
    int64_t delay = kIdleTickMs;
    if (timer > 0) delay = std::clamp<int64_t>(timer - now, 0, kIdleTickMs);
    js_idle_timer(static_cast<double>(delay));
}

}  // namespace

extern "C" EMSCRIPTEN_KEEPALIVE void comptoir_idle_tick() {
    if (!g_web || !g_web->paused) return;
    Web& w = *g_web;
    const int64_t now = NowMs();
    Housekeeping(w, now);   // may Wake() and so resume the loop
    if (w.paused) {
        int64_t timer = NextTimerMs(w.state);
        int64_t delay = kIdleTickMs;
        if (timer > 0) delay = std::clamp<int64_t>(timer - now, 0, kIdleTickMs);
        js_idle_timer(static_cast<double>(delay));
    }
}

namespace {

void Frame() {
    Web& w = *g_web;
    const int64_t now = NowMs();
    ++w.loop_iterations;
    Housekeeping(w, now);
    if (w.dirty_frames <= 0 || w.context_lost) {   // idle: nothing to draw
        PauseIfIdle(w, now);
        return;
    }
    --w.dirty_frames;

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ApplyTouch(w);
    ImGui::NewFrame();
    const Screen before = w.state.screen;
    DrawApp(w.state, w.services, w.platform, now);
    // A new screen or wizard page settles over a few frames (scroll, widget rectangles).
    if (w.state.screen != before || w.state.scroll_to_top) Wake();
    if (IsAdminScreen(before) && !IsAdminScreen(w.state.screen)) js_leave_admin();
    ImGui::Render();
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(w.window, &fw, &fh);
    glViewport(0, 0, fw, fh);
    glClearColor(0.965f, 0.957f, 0.937f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

    const ui::TextOverlayRequest& o = ui::TextOverlay();
    std::string widgets = ui::WidgetsJson();
    std::string state = StateJson(w.state);
    js_publish(widgets.c_str(), state.c_str(), o.active ? 1 : 0, o.key.c_str(), o.value.c_str(),
               static_cast<int>(o.kind), o.x, o.y, o.w, o.h, o.font_css_px, o.activated_this_frame ? 1 : 0);
    // While a field is edited, focus moves (Tab, Enter) and validation on leaving a field
    // settle over several frames: keep drawing for a moment after the last event, then
    // sleep even with a field focused (the cursor does not blink: nothing else changes).
    if (ImGui::GetIO().WantTextInput && now - w.last_wake_ms < 1500 && w.dirty_frames < 1) w.dirty_frames = 1;
    PauseIfIdle(w, now);
}

}  // namespace

// Start-up phases as User Timing marks (DevTools' timeline; bench/browser.mjs reports the
// time between them): comptoir-main, -gl, -fonts, -store, then platform.js's
// comptoir-main-done and comptoir-first-frame.
#define COMPTOIR_MARK(name) EM_ASM({ if (self.performance && performance.mark) performance.mark(name); })

// [SECTION] main
int main() {
    static Web web;
    g_web = &web;
    COMPTOIR_MARK("comptoir-main");
    if (!glfwInit()) return 1;
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    // ImGui draws 2D triangles: no depth or stencil buffer (GLFW asks for both by default),
    // a cheaper WebGL context to create and megabytes less of GPU memory at HiDPI.
    glfwWindowHint(GLFW_DEPTH_BITS, 0);
    glfwWindowHint(GLFW_STENCIL_BITS, 0);
    // Created at its final pixel size (SyncViewport below then changes nothing): resizing
    // a canvas that already has a WebGL context reallocates its drawing buffer.
    float vp[3];
    js_viewport(vp);
    web.window = glfwCreateWindow(std::max(1, static_cast<int>(std::lround(vp[0] * vp[2]))),
                                  std::max(1, static_cast<int>(std::lround(vp[1] * vp[2]))), "Comptoir", nullptr,
                                  nullptr);
    if (!web.window) return 1;
    glfwMakeContextCurrent(web.window);
    // Our callbacks first: ImGui's backend chains to them (they only mark the frame dirty).
    glfwSetCursorPosCallback(web.window, OnCursorPos);
    glfwSetMouseButtonCallback(web.window, OnMouseButton);
    glfwSetScrollCallback(web.window, OnScroll);
    glfwSetKeyCallback(web.window, OnKey);
    glfwSetCharCallback(web.window, OnChar);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;   // no imgui.ini in the browser
    io.ConfigInputTextCursorBlink = false;
    io.ConfigWindowsMoveFromTitleBarOnly = true;
    ImGui_ImplGlfw_InitForOpenGL(web.window, true);
    ImGui_ImplOpenGL3_Init("#version 300 es");
    COMPTOIR_MARK("comptoir-gl");

    web.platform.text_overlay = true;
    SyncViewport(web);
    COMPTOIR_MARK("comptoir-fonts");
    web.services.on_wake = [] { Wake(); };
    StartServices(web.services, "");
    COMPTOIR_MARK("comptoir-services");
    char code[256] = {};
    char join[256] = {};
    js_enroll_code(code, sizeof code, 0);
    js_enroll_code(join, sizeof join, 1);
    InitApp(web.state, web.services, code, join);
    COMPTOIR_MARK("comptoir-store");
    char url[2048] = {}, event[256] = {};
    js_app_url(url, sizeof url);
    js_hash_event(event, sizeof event);
    web.state.app_url = url;
    if (web.state.screen == Screen::Start) ApplyEventFromUrl(web.state, web.services, event);
    // "#admin": staff sign in from any browser, enrolled device or not (app/admin.h).
    if (js_hash_admin()) OpenAdmin(web.state, IsEnrolled(web.services));
    int idle[2] = {0, 0};
    if (js_idle_override(idle)) OverrideIdleTimes(web.state, idle[0], idle[1]);
    EM_ASM({ if (Module['comptoirPlatform']) Module['comptoirPlatform'].started(); });
    emscripten_set_main_loop(Frame, 0, false);
    return 0;
}
