// app/admin_tabs_widgets.cpp — see admin_tabs_widgets.h.
//   [SECTION] Server answers and error codes
//   [SECTION] Formatting
//   [SECTION] Widgets
#include "app/admin_tabs_widgets.h"

#include <algorithm>
#include <cctype>
#include <cfloat>
#include <cstdio>

#include "app/admin.h"
#include "app/app_text.h"
#include "app/ui.h"
#include "imgui.h"

namespace comptoir::app::adm {

using nlohmann::json;

// [SECTION] Server answers and error codes
json Body(const HttpResponse& r) {
    json j = json::parse(r.body, nullptr, false);
    return j.is_discarded() ? json::object() : j;
}

std::string Str(const json& j, const char* key) {
    if (!j.is_object()) return "";
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

bool Ok(const HttpResponse& r) { return r.status >= 200 && r.status < 300; }

const char* CodeText(Lang L, const std::string& field, const std::string& code) {
    if (code == "identity_conflict") return T(L, AppText::AdmErrIdentityConflict);
    if (code == "already_exists") return T(L, AppText::AdmErrAlreadyExists);
    if (code == "not_editable") return T(L, AppText::AdmErrNotEditable);
    if (code == "username.invalid") return T(L, AppText::AdmErrUsername);
    if (code == "password.too_short") return T(L, AppText::AdmErrPasswordShort);
    if (code == "password.mismatch") return T(L, AppText::AdmErrPasswordMismatch);
    if (code == "self_lockout") return T(L, AppText::AdmErrSelfLockout);
    if (code == "same_creator") return T(L, AppText::AdmErrSameCreator);
    if (code == "erase.typed") return T(L, AppText::AdmErrEraseTyped);
    if (code == "unknown_item" && field == "parent") return T(L, AppText::AdmErrUnknownParent);
    if (field == "date" && (code == "invalid_value" || code == "invalid_parameter")) return T(L, AppText::AdmErrDate);
#define COMPTOIR_ERROR_MATCH(e, wire, text) \
    if (code == wire) return ErrorMessage(ErrorCode::e, L);
    COMPTOIR_ERRORS(COMPTOIR_ERROR_MATCH)
#undef COMPTOIR_ERROR_MATCH
    return ErrorMessage(ErrorCode::InvalidValue, L);
}

const char* FieldText(const std::vector<AdminFieldError>& errors, const char* field, Lang L) {
    for (const AdminFieldError& e : errors)
        if (e.field == field) return CodeText(L, e.field, e.code);
    return nullptr;
}

void AddCoreErrors(const std::vector<FieldError>& in, std::vector<AdminFieldError>* out) {
    for (const FieldError& e : in) out->push_back({e.field, ErrorWireId(e.code)});
}

void Fail(AdminNotice* n, const HttpResponse& r, std::vector<AdminFieldError>* fields) {
    *n = AdminNotice{};
    n->error_status = r.status;
    json e = Body(r).value("error", json::object());
    n->error_code = Str(e, "code");
    if (fields && (r.status == 400 || r.status == 409)) {
        fields->clear();
        if (e.contains("errors") && e["errors"].is_array()) {
            for (const json& x : e["errors"])
                if (!Str(x, "field").empty()) fields->push_back({Str(x, "field"), Str(x, "code")});
        } else if (!Str(e, "field").empty()) {
            fields->push_back({Str(e, "field"), n->error_code});
        }
        if (!fields->empty()) n->error_text = AppText::AdmFixErrors;
    }
}

std::string FailureText(Lang L, const AdminNotice& n) {
    if (n.error_text != AppText::Count_) return T(L, n.error_text);
    if (n.error_status < 0) return "";
    switch (n.error_status) {
        case 0: return T(L, AppText::AdmErrNetwork);
        case 401: return T(L, AppText::AdmErrSignIn);
        case 403: return T(L, AppText::AdmErrForbidden);
        case 404: return T(L, AppText::AdmErrNotFound);
        case 503: return T(L, AppText::AdmErrUnavailable);
        default: break;
    }
    const std::string& code = n.error_code;
    if (code == "self_lockout" || code == "same_creator" || code == "identity_conflict") return CodeText(L, "", code);
    std::string what = std::to_string(n.error_status) + (code.empty() ? "" : " " + code);
    return Tf(L, AppText::AdmErrOther, what.c_str());
}

void LoadList(AppState& st, AppServices& s, const std::string& path, ListLoad list,
              std::function<void(const json& body)> fill, std::function<bool()> current) {
    *list.loading = true;
    AdminCall(st, s, "GET", path, "", [list, fill = std::move(fill), current = std::move(current)](const HttpResponse& r) {
        if (current && !current()) return;
        *list.loading = false;
        *list.loaded = true;
        if (!Ok(r)) {
            Fail(list.notice, r);
            if (list.reload_after_sign_in) *list.loaded = r.status != 401;   // signed in again: load once more
            return;
        }
        fill(Body(r));
    });
}

// [SECTION] Formatting
std::string UrlEncode(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string ShortTime(const std::string& t) {
    if (t.size() < 16) return t;
    return t.substr(0, 10) + " " + t.substr(11, 5);
}

std::string Join(const std::vector<std::string>& v, const char* sep) {
    std::string out;
    for (const std::string& x : v) out += (out.empty() ? "" : sep) + x;
    return out;
}

// [SECTION] Widgets
bool Wide() { return ImGui::GetContentRegionAvail().x >= ui::Px(980); }

bool SplitBegin(const char* id) {
    if (!Wide()) return false;
    if (!ImGui::BeginTable(id, 2, ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_PadOuterX)) return false;
    ImGui::TableSetupColumn("list", ImGuiTableColumnFlags_WidthStretch, 0.42f);
    ImGui::TableSetupColumn("detail", ImGuiTableColumnFlags_WidthStretch, 0.58f);
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    return true;
}

void SplitNext() {
    ImGui::TableSetColumnIndex(1);
    ImGui::Indent(ui::Px(16));
}

void SplitEnd() {
    ImGui::Unindent(ui::Px(16));
    ImGui::EndTable();
}

namespace {
struct RowLayout {
    ImVec2 min, max;          // the last row's rectangle
    bool inline_actions = false;
    float next_x = 0;         // where the next inline action goes
    bool any = false;         // an action was drawn
} g_row;
}  // namespace

bool ListRow(const char* key, const std::string& title, const std::string& detail, bool selected, float actions) {
    ImGui::PushID(key);
    const float avail = ImGui::GetContentRegionAvail().x;
    g_row.inline_actions = actions > 0 && avail >= ui::Px(520);
    g_row.any = false;
    const float w = g_row.inline_actions ? avail - actions - ui::Px(12) : avail;
    const float pad = ui::Px(14);
    const ui::Fonts& f = ui::GetFonts();
    ImVec2 ts = f.bold->CalcTextSizeA(f.bold->FontSize, FLT_MAX, w - 2 * pad, title.c_str());
    ImVec2 ds = detail.empty() ? ImVec2(0, 0)
                               : f.small->CalcTextSizeA(f.small->FontSize, FLT_MAX, w - 2 * pad, detail.c_str());
    float h = std::max(ui::Px(56), ts.y + ds.y + 2 * pad + (detail.empty() ? 0 : ui::Px(4)));
    ImVec2 p = ImGui::GetCursorScreenPos();
    bool pressed = ImGui::InvisibleButton("##row", ImVec2(w, h));
    bool hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImU32 bg = selected ? IM_COL32(225, 233, 246, 255) : hovered ? IM_COL32(240, 244, 250, 255) : IM_COL32_WHITE;
    dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), bg, ui::Px(8));
    dl->AddRect(p, ImVec2(p.x + w, p.y + h), selected ? IM_COL32(21, 75, 137, 255) : IM_COL32(200, 203, 210, 255),
                ui::Px(8), 0, selected ? ui::Px(2) : ui::Px(1));
    dl->AddText(f.bold, f.bold->FontSize, ImVec2(p.x + pad, p.y + pad), ImGui::GetColorU32(ImGuiCol_Text),
                title.c_str(), nullptr, w - 2 * pad);
    if (!detail.empty())
        dl->AddText(f.small, f.small->FontSize, ImVec2(p.x + pad, p.y + pad + ts.y + ui::Px(4)),
                    IM_COL32(84, 89, 102, 255), detail.c_str(), nullptr, w - 2 * pad);
    ui::RecordLastItem(key);
    g_row.min = p;
    g_row.max = ImVec2(p.x + w, p.y + h);
    g_row.next_x = p.x + w + ui::Px(12);
    ImGui::PopID();
    ImGui::Dummy(ImVec2(0, ui::Px(2)));
    return pressed;
}

bool RowAction(const char* key, const char* label) {
    const float bh = ui::Px(44);
    if (g_row.inline_actions) {
        ImVec2 back = ImGui::GetCursorScreenPos();
        ImGui::SetCursorScreenPos(ImVec2(g_row.next_x, g_row.min.y + (g_row.max.y - g_row.min.y - bh) * 0.5f));
        bool pressed = SmallButton(key, label);
        g_row.next_x = ImGui::GetItemRectMax().x + ui::Px(8);
        ImGui::SetCursorScreenPos(back);
        return pressed;
    }
    if (g_row.any) SameLineIfFits(SmallButtonWidth(label));
    g_row.any = true;
    return SmallButton(key, label);
}

void RowActionsEnd() {
    if (!g_row.inline_actions && g_row.any) ImGui::Dummy(ImVec2(0, ui::Px(6)));
    g_row.any = false;
}

void InfoRow(const char* key, const char* label, const std::string& value) {
    ImGui::BeginGroup();
    ImGui::PushFont(ui::GetFonts().bold);
    ImGui::TextUnformatted(label);
    ImGui::PopFont();
    ImGui::SameLine(0, ui::Px(10));
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(value.empty() ? "—" : value.c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    ui::RecordLastItem(key);
}

void Notice(const char* key, const AdminNotice& n, Lang L) {
    std::string error = FailureText(L, n);
    if (!error.empty()) {
        std::string k = std::string(key) + ".error";
        ui::ErrorText(k.c_str(), error.c_str());
    }
    if (n.success != AppText::Count_) {
        std::string k = std::string(key) + ".success";
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.06f, 0.37f, 0.19f, 1));
        ImGui::PushFont(ui::GetFonts().bold);
        ImGui::PushTextWrapPos(0);
        ImGui::TextUnformatted(T(L, n.success));
        ImGui::PopTextWrapPos();
        ImGui::PopFont();
        ImGui::PopStyleColor();
        ui::RecordLastItem(k.c_str());
    }
}

bool SmallButton(const char* key, const char* label) {
    ImGui::PushID(key);
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(1, 1, 1, 1));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.93f, 0.95f, 0.99f, 1));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImVec4(0.85f, 0.89f, 0.96f, 1));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.082f, 0.294f, 0.537f, 1));
    ImGui::PushStyleColor(ImGuiCol_Border, ImVec4(0.082f, 0.294f, 0.537f, 1));
    ImVec2 ts = ImGui::CalcTextSize(label);
    bool pressed = ImGui::Button(label, ImVec2(ts.x + ui::Px(28), ui::Px(44)));
    ImGui::PopStyleColor(5);
    ImGui::PopID();
    ui::RecordLastItem(key);
    return pressed;
}

float ButtonWidth(const char* label) {
    const ImFont* f = ui::GetFonts().bold;
    return f->CalcTextSizeA(f->FontSize, FLT_MAX, 0, label).x + ui::Px(56);
}

float SmallButtonWidth(const char* label) { return ImGui::CalcTextSize(label).x + ui::Px(28); }

void SameLineIfFits(float next_width) {
    const float gap = ui::Px(12);
    // Called after an item: the cursor is at the start of the next line.
    const float right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
    if (ImGui::GetItemRectMax().x + gap + next_width <= right) ImGui::SameLine(0, gap);
}

void ReadOnlyText(const char* key, const std::string& text, float height) {
    ImGui::PushID(key);
    ImGui::PushFont(ui::GetFonts().small);
    // ImGui wants a mutable buffer even for read-only text; it is never written.
    ImGui::InputTextMultiline("##ro", const_cast<char*>(text.c_str()), text.size() + 1,
                              ImVec2(ImGui::GetContentRegionAvail().x, height), ImGuiInputTextFlags_ReadOnly);
    ImGui::PopFont();
    ImGui::PopID();
    ui::RecordLastItem(key);
}

FormButton SaveCancelRow(const char* key, bool saving, Lang lang) {
    const std::string k = key;
    const float w = ImGui::GetContentRegionAvail().x;
    const bool side = w >= ui::Px(440);
    const float bw = side ? (w - ui::Px(12)) * 0.5f : w;
    FormButton out = FormButton::None;
    if (ui::PrimaryButton((k + ".save").c_str(), T(lang, saving ? AppText::AdmSaving : AppText::AdmSave), bw) && !saving)
        out = FormButton::Save;
    if (side) ImGui::SameLine(0, ui::Px(12));
    if (ui::SecondaryButton((k + ".cancel").c_str(), T(lang, AppText::AdmCancel), bw)) out = FormButton::Cancel;
    return out;
}

void RecheckOnLeave(const char* key, const char* name, bool tried, std::vector<AdminFieldError>* errors,
                    const std::function<std::vector<AdminFieldError>()>& check) {
    if (!tried || !ui::FieldJustLeft(key)) return;
    std::vector<AdminFieldError> now = check();
    errors->erase(std::remove_if(errors->begin(), errors->end(), [&](const AdminFieldError& e) { return e.field == name; }),
                  errors->end());
    for (const AdminFieldError& e : now)
        if (e.field == name) errors->push_back(e);
}

}  // namespace comptoir::app::adm
