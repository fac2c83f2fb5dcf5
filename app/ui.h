// app/ui.h — Comptoir's widget kit on top of Dear ImGui: the civic theme, fonts, big
// tap targets, form fields with their error line, and the widget registry the browser
// tests read (window.comptoirTest.widgets()).
//
// Usage, once per frame between ImGui::NewFrame() and ImGui::Render():
//   ui::BeginFrame(platform);                    // clears the registry
//   if (ui::TextField("reg.email", T(lang, AppText::RegEmail), &form.email, err)) ...
//   if (ui::PrimaryButton("reg.save", T(lang, AppText::RegSave))) ...
//   ui::EndFrame();
// Every widget records its rectangle (CSS pixels) under a stable key.
//
// Text entry has two modes, chosen by the platform (UiPlatform::text_overlay):
//  - native: ImGui::InputText, typed through GLFW;
//  - web: the field is drawn by ImGui but edited in a real DOM <input> laid over it
//    (soft keyboard, IME, autocorrect, paste, accents typed by any means). The
//    platform asks TextOverlayRequest() after each frame where to put that input and
//    feeds its value back with TextOverlayInput().
#pragma once
#include <string>
#include <vector>

#include "imgui.h"

namespace comptoir::app::ui {

struct UiPlatform {
    float dpr = 1.0f;            // physical pixels per CSS pixel (everything is drawn in physical pixels)
    float zoom = 1.0f;           // UI scale over CSS px: > 1 on large screens (a kiosk read at arm's
                                 // length); Px() includes it, widget rectangles (CSS px) do not
    bool text_overlay = false;   // web: edit text in a DOM <input> laid over the field
    float scroll_delta_y = 0;    // touch drag since the last frame (physical px, down = positive)
};

enum class FieldKind { Text, Email, Pin, Code, Phone, Number, Password };   // web/js/platform.js knows these numbers

// --- fonts and theme ---
struct Fonts {
    ImFont* body = nullptr;
    ImFont* bold = nullptr;
    ImFont* heading = nullptr;
    ImFont* title = nullptr;
    ImFont* small = nullptr;
};
// Rebuilds the atlas for a scale (dpr); call between frames, then re-create the
// renderer's font texture. Returns false if the font files are missing (falls back to
// ImGui's built-in font).
bool LoadFonts(const std::string& regular_ttf, const std::string& bold_ttf, float dpr);
const Fonts& GetFonts();
void ApplyTheme(float dpr);
float Px(float css_px);        // CSS px -> physical px for the current frame
// The UI's zoom for a viewport in CSS px: 1 up to 1280x800, then growing with the screen
// (1920x1080 -> 1.35: a kiosk is read at arm's length), at most 1.6, in steps of 0.05.
float ZoomForViewport(float css_w, float css_h);

// --- frame ---
void BeginFrame(const UiPlatform& platform);
void EndFrame();

// --- widget registry (test hook) ---
struct WidgetRect {
    std::string key;
    float x = 0, y = 0, w = 0, h = 0;   // CSS pixels, viewport coordinates
    bool text_field = false;
};
const std::vector<WidgetRect>& Widgets();   // of the last frame
void RecordLastItem(const char* key, bool text_field = false);
std::string WidgetsJson();
// The text field being edited in the last frame and its text (native: ImGui::InputText).
// Test hooks only (the native kiosk's --state-file; the browser tests read the DOM input).
bool EditingField(std::string* key, std::string* value);

// --- widgets ---
void Title(const char* text);
void Heading(const char* text);
void Paragraph(const char* text);           // wrapped body text
void MutedText(const char* text);
void ErrorText(const char* key, const char* text);   // red, wrapped, recorded
void SuccessBanner(const char* key, const char* text);
bool PrimaryButton(const char* key, const char* label, float width = 0);
bool SecondaryButton(const char* key, const char* label, float width = 0);
// A labelled text field; error_text (may be null) shows under the field.
bool TextField(const char* key, const char* label, std::string* value, FieldKind kind,
               const char* error_text);
// True in the frame after the person left this text field (Tab, Enter, tap elsewhere):
// the moment to show its validation message. Call after drawing the field.
bool FieldJustLeft(const char* key);
// True once after Enter in the last text field of the screen (web overlay), or Enter
// with no text field being edited: the screen submits / goes to the next step.
bool TakeSubmit();
bool CheckBox(const char* key, const char* label, bool* value);   // big, wrapped label
bool Chip(const char* key, const char* label, bool selected);     // toggle pill, flows on a line
void ChipRowBegin();
void ChipRowEnd();
// --- layout ---
// True when the content column is wide enough for two fields side by side (kiosk,
// tablet, desktop); false on a phone.
bool WideContent();
// Pairs of widgets side by side on a wide column, one under the other on a phone:
//   ui::PairsBegin("reg.identity");
//   ui::PairsNext(); ...left...; ui::PairsNext(); ...right...; ui::PairsNext(); ...
//   ui::PairsEnd();
// Cells fill row by row, so the drawing (and Tab) order stays the reading order.
void PairsBegin(const char* id);
void PairsNext();
void PairsEnd();
// On a wide screen, moves what the screen draws from here on (and the sync line under
// it) down to the vertical middle of the space the page leaves free; nothing on a phone
// or when the page fills the window. Uses the last frame's height (the app draws 2-3
// frames per change, so the first frame of a page is at the top, the next centred).
void VCenterRest(const char* id);
// A QR code of `text` (qrcodegen, medium error correction) drawn with rectangles,
// dark on white with the 4-module quiet zone, `side` physical px wide. Returns false
// (and draws nothing) if the text does not fit in a QR code.
bool QrCode(const char* key, const std::string& text, float side);

// --- text overlay (web) ---
struct TextOverlayRequest {
    bool active = false;
    std::string key;
    std::string value;             // current model value (sent when the field activates)
    FieldKind kind = FieldKind::Text;
    float x = 0, y = 0, w = 0, h = 0;   // CSS pixels
    float font_css_px = 20;
    bool activated_this_frame = false;  // the platform should set value and focus
};
const TextOverlayRequest& TextOverlay();
void TextOverlayInput(const std::string& value);  // the DOM input changed
void TextOverlayActivate(const std::string& key); // the platform focused a field itself
void TextOverlayNext(bool backwards);              // Tab / Shift+Tab in the DOM input
void TextOverlayEnter();                           // Enter: next field, or submit after the last
void TextOverlayDeactivate();                      // Escape, blur, tap elsewhere
void ClearTextFocus();                             // screens call it when leaving a form
// Privacy reset between two people: ClearTextFocus, plus ImGui's active id and its
// text-edit state (edit buffer, undo/redo history). Call inside a frame.
void WipeEditingState();

}  // namespace comptoir::app::ui
