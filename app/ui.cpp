// app/ui.cpp — see ui.h. Index:
//   [SECTION] State
//   [SECTION] Fonts and theme
//   [SECTION] Frame and registry
//   [SECTION] Text and buttons
//   [SECTION] Text fields (native InputText / web overlay)
//   [SECTION] Check boxes and chips
#include "app/ui.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <nlohmann/json.hpp>

#include "imgui_internal.h"
#include "qrcodegen.hpp"

namespace comptoir::app::ui {

// [SECTION] State
namespace {

// Civic palette: warm paper background, ink text, one deep blue for actions.
constexpr ImU32 Rgb(int r, int g, int b, int a = 255) { return IM_COL32(r, g, b, a); }
const ImVec4 kInk = ImVec4(0.10f, 0.11f, 0.16f, 1.0f);
const ImVec4 kMuted = ImVec4(0.33f, 0.35f, 0.40f, 1.0f);
const ImVec4 kPaper = ImVec4(0.965f, 0.957f, 0.937f, 1.0f);
const ImVec4 kBlue = ImVec4(0.082f, 0.294f, 0.537f, 1.0f);        // #154B89
const ImVec4 kBlueHover = ImVec4(0.11f, 0.36f, 0.63f, 1.0f);
const ImVec4 kBlueActive = ImVec4(0.05f, 0.22f, 0.42f, 1.0f);
const ImU32 kFieldBg = Rgb(255, 255, 255);
const ImU32 kBorder = Rgb(110, 116, 128);
const ImU32 kBorderFocus = Rgb(21, 75, 137);
const ImU32 kError = Rgb(176, 0, 32);
const ImU32 kSuccessBg = Rgb(226, 242, 231);
const ImU32 kSuccessInk = Rgb(16, 94, 48);

struct FieldSeen {
    std::string key;
    std::string value;
    FieldKind kind = FieldKind::Text;
    float x = 0, y = 0, w = 0, h = 0;   // CSS px
};

struct UiState {
    UiPlatform platform;
    Fonts fonts;
    std::vector<WidgetRect> widgets;       // being recorded this frame
    std::vector<WidgetRect> last_widgets;  // of the last finished frame
    std::vector<FieldSeen> fields;         // text fields of this frame, in order
    TextOverlayRequest overlay;
    std::string pending_key;               // the DOM input's value waits for its field
    std::string pending_value;
    bool has_pending = false;
    bool deactivate = false;               // leave editing at EndFrame (after pending applied)
    bool activate_requested = false;       // the platform focused a field itself
    int move_focus = 0;                    // +1 next, -1 previous, at EndFrame
    bool overlay_seen = false;             // the active field was drawn this frame
    bool enter = false;                    // the focus move comes from Enter
    bool submit = false;                   // Enter past the last field (TakeSubmit)
    std::string end_key;                   // active field at the end of the last frame
    std::string just_left;                 // left at the end of the last frame
    std::string left_now;                  // ...visible to this frame's FieldJustLeft
    float chip_right = 0;                  // right edge for chip flow
    bool chip_first = true;
    // Native (ImGui::InputText) keyboard path, same behaviour as the web overlay:
    std::string native_enter_from;         // Enter left this field this frame
    std::string native_active;             // the field being edited in this frame
    std::string editing_key, editing_value;  // ...at the end of the last frame (EditingField)
    std::string native_focus;              // focus (activate) this field in the next frame
};
UiState g;

}  // namespace

float Px(float css_px) { return css_px * g.platform.dpr * g.platform.zoom; }

float ZoomForViewport(float css_w, float css_h) {
    float z = std::min(css_w / 1280.0f, css_h / 800.0f);
    z = std::clamp(z, 1.0f, 1.6f);
    return std::floor(z * 20.0f + 0.001f) / 20.0f;
}

// [SECTION] Fonts and theme
bool LoadFonts(const std::string& regular_ttf, const std::string& bold_ttf, float dpr) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    // Latin-1 + Latin Extended-A, the punctuation of our texts, the fallback glyph.
    static const ImWchar kRanges[] = {0x0020, 0x017F, 0x2013, 0x2014, 0x2018, 0x201A, 0x201C, 0x201E,
                                      0x2022, 0x2022, 0x2026, 0x2026, 0x2039, 0x203A, 0x20AC, 0x20AC,
                                      0xFFFD, 0xFFFD, 0};
    ImFontConfig cfg;
    cfg.OversampleH = 1;   // rasterized at the real pixel size: no need to oversample
    cfg.OversampleV = 1;
    cfg.PixelSnapH = true;
    auto load = [&](const std::string& path, float css) -> ImFont* {
        FILE* f = std::fopen(path.c_str(), "rb");
        if (!f) return nullptr;
        std::fclose(f);
        return io.Fonts->AddFontFromFileTTF(path.c_str(), css * dpr, &cfg, kRanges);
    };
    g.fonts.body = load(regular_ttf, 20);
    g.fonts.bold = load(bold_ttf, 20);
    g.fonts.heading = load(bold_ttf, 26);
    g.fonts.title = load(bold_ttf, 36);
    g.fonts.small = load(regular_ttf, 16);
    bool ok = g.fonts.body && g.fonts.bold && g.fonts.heading && g.fonts.title && g.fonts.small;
    if (!ok) {
        // A face that did not load: a loaded one stands in (readable, wrong weight or size).
        ImFont* any = g.fonts.body ? g.fonts.body : g.fonts.bold ? g.fonts.bold : g.fonts.small;
        if (any) {
            for (ImFont** f : {&g.fonts.body, &g.fonts.bold, &g.fonts.heading, &g.fonts.title, &g.fonts.small})
                if (!*f) *f = any;
        } else {
            // None: ImGui's built-in font. The browser build has none (cmake/Deps.cmake):
            // there web/js/platform.js never starts main() without a font file.
            io.Fonts->Clear();
            ImFontConfig def;
            def.SizePixels = 13.0f * dpr;
            ImFont* f = io.Fonts->AddFontDefault(&def);
            g.fonts = Fonts{f, f, f, f, f};
        }
    }
    io.FontDefault = g.fonts.body;
    io.Fonts->Build();
    return ok;
}

const Fonts& GetFonts() { return g.fonts; }

void ApplyTheme(float dpr) {
    ImGuiStyle style;
    ImGui::StyleColorsLight(&style);
    style.WindowPadding = ImVec2(24, 20);
    style.FramePadding = ImVec2(16, 12);
    style.ItemSpacing = ImVec2(12, 12);
    style.ItemInnerSpacing = ImVec2(10, 8);
    style.TouchExtraPadding = ImVec2(4, 4);
    style.ScrollbarSize = 14;
    style.GrabMinSize = 20;
    style.WindowBorderSize = 0;
    style.FrameBorderSize = 2;
    style.FrameRounding = 8;
    style.GrabRounding = 8;
    style.ScrollbarRounding = 8;
    style.WindowRounding = 0;
    ImVec4* c = style.Colors;
    c[ImGuiCol_Text] = kInk;
    c[ImGuiCol_TextDisabled] = kMuted;
    c[ImGuiCol_WindowBg] = kPaper;
    c[ImGuiCol_ChildBg] = ImVec4(1, 1, 1, 1);
    c[ImGuiCol_FrameBg] = ImVec4(1, 1, 1, 1);
    c[ImGuiCol_FrameBgHovered] = ImVec4(0.97f, 0.98f, 1.0f, 1);
    c[ImGuiCol_FrameBgActive] = ImVec4(1, 1, 1, 1);
    c[ImGuiCol_Border] = ImVec4(0.43f, 0.45f, 0.50f, 1);
    c[ImGuiCol_Button] = kBlue;
    c[ImGuiCol_ButtonHovered] = kBlueHover;
    c[ImGuiCol_ButtonActive] = kBlueActive;
    c[ImGuiCol_CheckMark] = ImVec4(1, 1, 1, 1);
    c[ImGuiCol_TextSelectedBg] = ImVec4(0.70f, 0.82f, 0.96f, 1);
    c[ImGuiCol_ScrollbarBg] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_ScrollbarGrab] = ImVec4(0.60f, 0.62f, 0.66f, 1);
    c[ImGuiCol_NavHighlight] = kBlue;
    style.ScaleAllSizes(dpr);
    ImGui::GetStyle() = style;
}

// [SECTION] Frame and registry
void BeginFrame(const UiPlatform& platform) {
    g.platform = platform;
    g.widgets.clear();
    g.fields.clear();
    g.overlay_seen = false;
    g.overlay.activated_this_frame = false;
    g.left_now = g.just_left;
    g.just_left.clear();
}

void EndFrame() {
    g.submit = false;   // a submit is for the frame right after Enter: a screen without a form drops it
    if (g.move_focus != 0 && !g.fields.empty()) {
        int at = -1;
        for (size_t i = 0; i < g.fields.size(); ++i)
            if (g.fields[i].key == g.overlay.key) at = static_cast<int>(i);
        int next = at + g.move_focus;
        if (at >= 0 && next >= 0 && next < static_cast<int>(g.fields.size())) {
            const FieldSeen& f = g.fields[next];
            g.overlay.key = f.key;
            g.overlay.value = f.value;
            g.overlay.kind = f.kind;
            g.overlay.x = f.x; g.overlay.y = f.y; g.overlay.w = f.w; g.overlay.h = f.h;
            g.overlay.activated_this_frame = true;
            g.overlay_seen = true;
        } else {
            g.overlay_seen = false;  // past the last field: leave editing
            if (g.enter && at >= 0 && next >= static_cast<int>(g.fields.size())) g.submit = true;
        }
    }
    g.move_focus = 0;
    g.enter = false;
    if (!g.platform.text_overlay && ImGui::GetCurrentContext() && !g.fields.empty() &&
        ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Tab), true) && !ImGui::GetIO().KeyCtrl && !ImGui::GetIO().KeyAlt) {
        // Native Tab / Shift+Tab: the next / previous text field; from no field, the first /
        // the last one; past either end, editing stops (like the browser's overlay).
        const int n = static_cast<int>(g.fields.size());
        const bool back = ImGui::GetIO().KeyShift;
        int at = -1;
        for (int i = 0; i < n; ++i)
            if (g.fields[static_cast<size_t>(i)].key == g.native_active) at = i;
        const int next = at < 0 ? (back ? n - 1 : 0) : at + (back ? -1 : 1);
        if (next >= 0 && next < n) g.native_focus = g.fields[static_cast<size_t>(next)].key;
        else ImGui::ClearActiveID();
        // ImGui does not report a field deactivated by another one's activation: say it here
        // (FieldJustLeft in the next frame: its validation message shows).
        if (at >= 0) g.just_left = g.native_active;
    }
    g.editing_key = g.native_active;
    if (g.editing_key.empty()) g.editing_value.clear();
    g.native_active.clear();
    if (!g.native_enter_from.empty()) {
        // Native Enter: the next text field of the screen, or "Next"/"Save" after the last.
        int at = -1;
        for (size_t i = 0; i < g.fields.size(); ++i)
            if (g.fields[i].key == g.native_enter_from) at = static_cast<int>(i);
        if (at >= 0 && at + 1 < static_cast<int>(g.fields.size())) g.native_focus = g.fields[at + 1].key;
        else if (at >= 0) g.submit = true;
        g.native_enter_from.clear();
    }
    g.has_pending = false;   // a value for a field not drawn this frame has nowhere to go
    if (g.deactivate) {
        g.deactivate = false;
        g.overlay_seen = false;
    }
    if (!g.overlay_seen) {
        g.overlay.active = false;
        g.overlay.key.clear();
        g.overlay.value.clear();
    }
    if (g.end_key != g.overlay.key) {
        if (!g.end_key.empty()) g.just_left = g.end_key;
        g.end_key = g.overlay.key;
    }
    g.last_widgets.swap(g.widgets);
}

bool FieldJustLeft(const char* key) { return g.left_now == key; }

bool TakeSubmit() {
    bool s = g.submit;
    g.submit = false;
    if (!s && g.overlay.key.empty() && ImGui::GetCurrentContext() && !ImGui::GetIO().WantTextInput &&
        (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false) ||
         ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter), false)))
        s = true;
    return s;
}

const std::vector<WidgetRect>& Widgets() { return g.last_widgets; }

bool EditingField(std::string* key, std::string* value) {
    if (g.platform.text_overlay) {
        *key = g.overlay.key;
        *value = g.overlay.value;
    } else {
        *key = g.editing_key;
        *value = g.editing_value;
    }
    return !key->empty();
}

void RecordLastItem(const char* key, bool text_field) {
    ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    float s = g.platform.dpr;
    g.widgets.push_back({key, a.x / s, a.y / s, (b.x - a.x) / s, (b.y - a.y) / s, text_field});
}

std::string WidgetsJson() {
    nlohmann::json out = nlohmann::json::object();
    for (const WidgetRect& w : g.last_widgets)
        out[w.key] = {{"x", w.x}, {"y", w.y}, {"w", w.w}, {"h", w.h}, {"text", w.text_field}};
    return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// [SECTION] Text and buttons
void Title(const char* text) {
    ImGui::PushFont(g.fonts.title);
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
}

void Heading(const char* text) {
    ImGui::Dummy(ImVec2(0, Px(6)));
    ImGui::PushFont(g.fonts.heading);
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
}

void Paragraph(const char* text) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
}

void MutedText(const char* text) {
    ImGui::PushFont(g.fonts.small);
    ImGui::PushStyleColor(ImGuiCol_Text, kMuted);
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
    ImGui::PopFont();
}

void ErrorText(const char* key, const char* text) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(kError));
    ImGui::PushFont(g.fonts.bold);
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
    ImGui::PopStyleColor();
    RecordLastItem(key);
}

void SuccessBanner(const char* key, const char* text) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImGui::PushFont(g.fonts.title);
    float wrap = ImGui::GetContentRegionAvail().x - Px(48);
    ImVec2 size = ImGui::CalcTextSize(text, nullptr, false, wrap);
    ImVec2 p = ImGui::GetCursorScreenPos();
    ImVec2 box(ImGui::GetContentRegionAvail().x, size.y + Px(56));
    dl->AddRectFilled(p, ImVec2(p.x + box.x, p.y + box.y), kSuccessBg, Px(12));
    dl->AddRectFilled(p, ImVec2(p.x + Px(8), p.y + box.y), kSuccessInk, Px(12), ImDrawFlags_RoundCornersLeft);
    dl->AddText(g.fonts.title, g.fonts.title->FontSize, ImVec2(p.x + Px(32), p.y + Px(28)), kSuccessInk, text,
                nullptr, wrap);
    ImGui::Dummy(box);
    ImGui::PopFont();
    RecordLastItem(key);
}

static bool StyledButton(const char* key, const char* label, float width, bool primary) {
    ImGui::PushID(key);
    ImGui::PushFont(g.fonts.bold);
    if (!primary) {
        ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(1, 1, 1, 1));
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.93f, 0.95f, 0.99f, 1));
        ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImVec4(0.85f, 0.89f, 0.96f, 1));
        ImGui::PushStyleColor(ImGuiCol_Text, kBlue);
        ImGui::PushStyleColor(ImGuiCol_Border, kBlue);
    } else {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
        ImGui::PushStyleColor(ImGuiCol_Border, kBlue);
    }
    ImVec2 text = ImGui::CalcTextSize(label);
    float w = width > 0 ? width : text.x + Px(56);
    bool pressed = ImGui::Button(label, ImVec2(w, Px(60)));
    ImGui::PopStyleColor(primary ? 2 : 5);
    ImGui::PopFont();
    ImGui::PopID();
    RecordLastItem(key);
    return pressed;
}

bool PrimaryButton(const char* key, const char* label, float width) { return StyledButton(key, label, width, true); }
bool SecondaryButton(const char* key, const char* label, float width) { return StyledButton(key, label, width, false); }

// [SECTION] Text fields (native InputText / web overlay)
namespace {
int ResizeCallback(ImGuiInputTextCallbackData* data) {
    if (data->EventFlag == ImGuiInputTextFlags_CallbackResize) {
        auto* str = static_cast<std::string*>(data->UserData);
        str->resize(static_cast<size_t>(data->BufTextLen));
        data->Buf = str->data();
    }
    return 0;
}
std::string Masked(const std::string& v) {
    std::string out;
    for (char c : v)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) out += "\xE2\x80\xA2";  // •
    return out;
}
}  // namespace

bool TextField(const char* key, const char* label, std::string* value, FieldKind kind,
               const char* error_text) {
    ImGui::PushID(key);
    ImGui::PushFont(g.fonts.bold);
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(label);
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
    const float width = ImGui::GetContentRegionAvail().x;
    const float height = Px(56);
    bool changed = false;
    const bool has_error = error_text && *error_text;

    if (!g.platform.text_overlay) {
        ImGuiInputTextFlags flags = ImGuiInputTextFlags_CallbackResize;
        if (kind == FieldKind::Pin) flags |= ImGuiInputTextFlags_Password | ImGuiInputTextFlags_CharsDecimal;
        if (kind == FieldKind::Password) flags |= ImGuiInputTextFlags_Password;
        if (has_error) ImGui::PushStyleColor(ImGuiCol_Border, ImGui::ColorConvertU32ToFloat4(kError));
        ImGui::SetNextItemWidth(width);
        ImGui::PushStyleVar(ImGuiStyleVar_FramePadding,
                            ImVec2(Px(14), (height - ImGui::GetFontSize()) * 0.5f));
        // Tab / Enter in another field chose this one: activate it as ImGui's keyboard
        // navigation would (the root window has no ImGui navigation of its own).
        // A field off screen is not submitted to ImGui (clipped): scroll it into view
        // first, activate it in the next frame.
        bool focus_now = false;
        if (g.native_focus == key) {
            if (ImGui::IsRectVisible(ImVec2(width, height))) {
                ImGui::GetCurrentContext()->NavActivateInputId = ImGui::GetID("##field");
                g.native_focus.clear();
                focus_now = true;
            } else {
                ImGui::SetScrollHereY(0.5f);
            }
        }
        changed = ImGui::InputText("##field", value->data(), value->capacity() + 1, flags, ResizeCallback, value);
        if (focus_now) ImGui::GetCurrentContext()->NavActivateInputId = 0;
        if (ImGui::IsItemActive()) {
            g.native_active = key;
            g.editing_value = *value;
        }
        ImGui::PopStyleVar();
        if (has_error) ImGui::PopStyleColor();
        if (ImGui::IsItemDeactivated()) {
            g.left_now = key;
            // InputText gives up its focus on Enter: move on like the web overlay does.
            if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false) ||
                ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter), false))
                g.native_enter_from = key;
        }
        RecordLastItem(key, true);
        const WidgetRect& r = g.widgets.back();
        g.fields.push_back({key, std::string(), kind, r.x, r.y, r.w, r.h});
    } else {
        if (g.has_pending && g.pending_key == key) {
            if (*value != g.pending_value) {
                *value = g.pending_value;
                changed = true;
            }
            g.has_pending = false;
        }
        const bool active = g.overlay.key == key && !g.deactivate;
        ImVec2 p = ImGui::GetCursorScreenPos();
        bool clicked = ImGui::InvisibleButton("##field", ImVec2(width, height));
        ImDrawList* dl = ImGui::GetWindowDrawList();
        ImVec2 q(p.x + width, p.y + height);
        dl->AddRectFilled(p, q, kFieldBg, Px(8));
        ImU32 border = has_error ? kError : (active ? kBorderFocus : kBorder);
        dl->AddRect(p, q, border, Px(8), 0, active ? Px(3) : Px(2));
        std::string shown = kind == FieldKind::Pin || kind == FieldKind::Password ? Masked(*value) : *value;
        ImGui::PushClipRect(ImVec2(p.x + Px(4), p.y), ImVec2(q.x - Px(4), q.y), true);
        dl->AddText(ImVec2(p.x + Px(14), p.y + (height - ImGui::GetFontSize()) * 0.5f),
                    ImGui::GetColorU32(ImGuiCol_Text), shown.c_str());
        ImGui::PopClipRect();
        RecordLastItem(key, true);
        const WidgetRect& r = g.widgets.back();
        g.fields.push_back({key, *value, kind, r.x, r.y, r.w, r.h});
        if (clicked && !active) {
            g.overlay.key = key;
            g.deactivate = false;
            g.overlay.activated_this_frame = true;
        }
        if (g.overlay.key == key && g.activate_requested) {
            g.activate_requested = false;
            g.overlay.activated_this_frame = true;
        }
        if (g.overlay.key == key && !g.deactivate) {
            g.overlay.active = true;
            g.overlay.value = *value;
            g.overlay.kind = kind;
            g.overlay.x = r.x; g.overlay.y = r.y; g.overlay.w = r.w; g.overlay.h = r.h;
            g.overlay.font_css_px = ImGui::GetFontSize() / g.platform.dpr;
            g.overlay_seen = true;
        }
    }
    if (has_error) {
        std::string ekey = std::string(key) + ".error";
        ErrorText(ekey.c_str(), error_text);
    }
    ImGui::Dummy(ImVec2(0, Px(4)));
    ImGui::PopID();
    return changed;
}

const TextOverlayRequest& TextOverlay() { return g.overlay; }

void TextOverlayInput(const std::string& value) {
    if (g.overlay.key.empty()) return;
    g.pending_key = g.overlay.key;
    g.pending_value = value;
    g.has_pending = true;
}

void TextOverlayActivate(const std::string& key) {
    if (g.overlay.key == key && !g.deactivate) return;
    g.overlay.key = key;
    g.deactivate = false;
    g.activate_requested = true;
}

void TextOverlayNext(bool backwards) { g.move_focus += backwards ? -1 : 1; }   // several keys before a frame add up

void TextOverlayEnter() {
    g.move_focus += 1;
    g.enter = true;
}

void TextOverlayDeactivate() { g.deactivate = true; }

void ClearTextFocus() {
    g.native_focus.clear();
    g.native_enter_from.clear();
    g.overlay.key.clear();
    g.overlay.active = false;
    g.deactivate = false;
    g.activate_requested = false;
    g.has_pending = false;
    g.pending_key.clear();
    g.pending_value.clear();
    g.overlay.value.clear();
    if (!g.platform.text_overlay && ImGui::GetCurrentContext()) ImGui::ClearActiveID();
}

void WipeEditingState() {
    ClearTextFocus();
    g.fields.clear();
    g.submit = g.enter = false;
    g.move_focus = 0;
    g.native_enter_from.clear();
    g.native_focus.clear();
    g.end_key.clear();
    g.just_left.clear();
    g.left_now.clear();
    if (ImGuiContext* ctx = ImGui::GetCurrentContext()) {
        ImGui::ClearActiveID();
        // The text being edited and its undo history live here, not in our strings.
        ctx->InputTextState.ClearFreeMemory();
        ctx->InputTextState = ImGuiInputTextState();
        ctx->TempInputId = 0;
    }
}

// [SECTION] Check boxes and chips
bool CheckBox(const char* key, const char* label, bool* value) {
    ImGui::PushID(key);
    const float box = Px(32);
    const float gap = Px(14);
    const float avail = ImGui::GetContentRegionAvail().x;
    ImVec2 text = ImGui::CalcTextSize(label, nullptr, false, avail - box - gap);
    float h = text.y > box ? text.y : box;
    ImVec2 p = ImGui::GetCursorScreenPos();
    bool pressed = ImGui::InvisibleButton("##check", ImVec2(avail, h + Px(8)));
    if (pressed) *value = !*value;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 b0(p.x, p.y + Px(2)), b1(p.x + box, p.y + Px(2) + box);
    dl->AddRectFilled(b0, b1, *value ? ImGui::GetColorU32(kBlue) : kFieldBg, Px(6));
    dl->AddRect(b0, b1, *value ? ImGui::GetColorU32(kBlue) : kBorder, Px(6), 0, Px(2));
    if (*value) {
        ImVec2 pts[3] = {ImVec2(b0.x + box * 0.22f, b0.y + box * 0.52f), ImVec2(b0.x + box * 0.42f, b0.y + box * 0.72f),
                         ImVec2(b0.x + box * 0.78f, b0.y + box * 0.30f)};
        dl->AddPolyline(pts, 3, IM_COL32_WHITE, 0, Px(3.5f));
    }
    if (ImGui::IsItemHovered()) dl->AddRect(b0, b1, kBorderFocus, Px(6), 0, Px(3));
    dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(p.x + box + gap, p.y + Px(4)),
                ImGui::GetColorU32(ImGuiCol_Text), label, nullptr, avail - box - gap);
    RecordLastItem(key);
    ImGui::PopID();
    return pressed;
}

void ChipRowBegin() {
    g.chip_right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
    g.chip_first = true;
}

void ChipRowEnd() { g.chip_first = true; }

// [SECTION] Layout helpers
// Two fields side by side need about 2 x 280 CSS px of column (at the UI's zoom).
bool WideContent() { return ImGui::GetContentRegionAvail().x >= Px(560); }

namespace {
// Pairs are laid out with groups and a narrowed content region (not an ImGui table: the
// table code would add ~9 kB brotli to the kiosk's download for this one layout).
struct Pairs {
    bool on = false;      // PairsBegin found a wide column (pairs do not nest)
    int cell = -1;        // index of the open cell, -1 before the first PairsNext
    float x0 = 0, col = 0, gutter = 0, work_max = 0, content_max = 0;
};
Pairs g_pairs;

void PairsCloseCell() {
    if (g_pairs.cell < 0) return;
    ImGuiWindow* w = ImGui::GetCurrentWindow();
    ImGui::EndGroup();
    w->WorkRect.Max.x = g_pairs.work_max;
    w->ContentRegionRect.Max.x = g_pairs.content_max;
}
}  // namespace

void PairsBegin(const char*) {
    g_pairs = Pairs{};
    if (!WideContent()) return;
    ImGuiWindow* w = ImGui::GetCurrentWindow();
    g_pairs.on = true;
    g_pairs.gutter = Px(24);
    g_pairs.x0 = ImGui::GetCursorScreenPos().x;
    g_pairs.col = (ImGui::GetContentRegionAvail().x - g_pairs.gutter) * 0.5f;
    g_pairs.work_max = w->WorkRect.Max.x;
    g_pairs.content_max = w->ContentRegionRect.Max.x;
}

void PairsNext() {
    if (!g_pairs.on) return;
    PairsCloseCell();
    ++g_pairs.cell;
    const bool right = g_pairs.cell % 2 == 1;
    // Left cells start a new line under the taller cell of the row above; right cells
    // sit on the same line as their left neighbour.
    if (right) ImGui::SameLine(0, 0);
    const float left = g_pairs.x0 + (right ? g_pairs.col + g_pairs.gutter : 0.0f);
    ImGui::SetCursorScreenPos(ImVec2(left, ImGui::GetCursorScreenPos().y));
    ImGuiWindow* w = ImGui::GetCurrentWindow();
    w->WorkRect.Max.x = left + g_pairs.col;
    w->ContentRegionRect.Max.x = left + g_pairs.col;
    ImGui::BeginGroup();
}

void PairsEnd() {
    if (!g_pairs.on) return;
    PairsCloseCell();
    g_pairs = Pairs{};
}

void VCenterRest(const char* id) {
    if (!WideContent()) return;
    // ContentSize is the last frame's, which included the offset given then.
    ImGuiWindow* w = ImGui::GetCurrentWindow();
    ImGuiStorage* store = ImGui::GetStateStorage();
    const ImGuiID key = ImGui::GetID(id);
    const float last_offset = store->GetFloat(key, -1.0f);
    float offset = 0;
    if (last_offset >= 0) {   // a frame was measured: not the first one of this page
        const float visible = w->Size.y - 2 * w->WindowPadding.y;
        offset = std::max(0.0f, (visible - (w->ContentSize.y - last_offset)) * 0.5f);
    }
    store->SetFloat(key, offset);
    if (offset > 0) ImGui::Dummy(ImVec2(0, offset));
}

bool Chip(const char* key, const char* label, bool selected) {
    ImGui::PushID(key);
    ImVec2 text = ImGui::CalcTextSize(label);
    ImVec2 size(text.x + Px(40), Px(52));
    float max_w = g.chip_right - ImGui::GetCursorScreenPos().x;
    if (!g.chip_first) {
        ImGui::SameLine();
        if (ImGui::GetCursorScreenPos().x + size.x > g.chip_right) ImGui::NewLine();
    }
    g.chip_first = false;
    if (size.x > max_w && max_w > 0) size.x = max_w;
    ImVec2 p = ImGui::GetCursorScreenPos();
    bool pressed = ImGui::InvisibleButton("##chip", size);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 q(p.x + size.x, p.y + size.y);
    bool hovered = ImGui::IsItemHovered();
    dl->AddRectFilled(p, q, selected ? ImGui::GetColorU32(kBlue) : kFieldBg, size.y * 0.5f);
    dl->AddRect(p, q, selected ? ImGui::GetColorU32(kBlue) : (hovered ? kBorderFocus : kBorder), size.y * 0.5f, 0,
                Px(2));
    ImGui::PushClipRect(p, q, true);
    dl->AddText(ImVec2(p.x + Px(20), p.y + (size.y - text.y) * 0.5f), selected ? IM_COL32_WHITE : ImGui::GetColorU32(ImGuiCol_Text),
                label);
    ImGui::PopClipRect();
    RecordLastItem(key);
    ImGui::PopID();
    return pressed;
}

// [SECTION] QR code
bool QrCode(const char* key, const std::string& text, float side) {
    // Encoding is cached: the same URL is drawn every frame.
    static std::string cached_text;
    static std::vector<bool> modules;
    static int size = 0;
    if (text != cached_text) {
        cached_text = text;
        modules.clear();
        size = 0;
        try {
            qrcodegen::QrCode qr = qrcodegen::QrCode::encodeText(text.c_str(), qrcodegen::QrCode::Ecc::MEDIUM);
            size = qr.getSize();
            modules.resize(static_cast<size_t>(size * size));
            for (int y = 0; y < size; ++y)
                for (int x = 0; x < size; ++x) modules[static_cast<size_t>(y * size + x)] = qr.getModule(x, y);
        } catch (...) {   // too long for a QR code: draw nothing
            size = 0;
        }
    }
    if (size == 0) return false;
    const int total = size + 8;   // quiet zone of 4 modules on each side
    const float m = std::floor(side / total);   // whole pixels per module: crisp edges
    if (m < 1) return false;
    ImVec2 p = ImGui::GetCursorScreenPos();
    p.x = std::floor(p.x);
    p.y = std::floor(p.y);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(p.x + m * total, p.y + m * total), IM_COL32_WHITE);
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x)
            if (modules[static_cast<size_t>(y * size + x)]) {
                ImVec2 a(p.x + (x + 4) * m, p.y + (y + 4) * m);
                dl->AddRectFilled(a, ImVec2(a.x + m, a.y + m), IM_COL32(0, 0, 0, 255));
            }
    ImGui::Dummy(ImVec2(m * total, m * total));
    RecordLastItem(key);
    return true;
}

}  // namespace comptoir::app::ui
