// app/admin_tab_devices.cpp — admin tab "Devices" (admin role only): each device with
// its last sync, app version and pending count; enroll a new device (the one-time
// activation code as text and as a QR code of the app URL with #enroll=CODE, which the
// setup screen pre-fills); revoke with confirmation (its token then gets 403).
//   [SECTION] Requests
//   [SECTION] Tab
#include <algorithm>

#include "app/admin_tabs_widgets.h"
#include "app/app.h"
#include "app/app_text.h"
#include "imgui.h"
#include "core/uuid.h"

namespace comptoir::app {

using nlohmann::json;

namespace {

// [SECTION] Requests
void LoadDevices(AppState& st, AppServices& s) {
    AdminDevicesTab& t = st.admin.tabs.devices;
    adm::LoadList(st, s, "/api/v1/devices", {&t.loading, &t.loaded, &t.notice}, [&t](const json& body) {
        t.rows.clear();
        for (const json& d : body.value("devices", json::array())) {
            AdminDeviceRow row;
            row.id = adm::Str(d, "id");
            row.name = adm::Str(d, "name");
            row.enrolled_at = adm::Str(d, "enrolled_at");
            row.revoked_at = adm::Str(d, "revoked_at");
            row.last_sync_at = adm::Str(d, "last_sync_at");
            row.app_version = adm::Str(d, "app_version");
            row.pending = d.contains("pending") && d["pending"].is_number_integer() ? d["pending"].get<int64_t>() : -1;
            t.rows.push_back(std::move(row));
        }
    });
}

void AddDevice(AppState& st, AppServices& s) {
    AdminDevicesTab& t = st.admin.tabs.devices;
    t.tried = true;
    t.errors.clear();
    t.notice = {};
    std::string name;
    ErrorCode ec = NormalizeText(t.new_name, kMaxShortText, true, &name);
    if (ec != ErrorCode::None) {
        t.errors.push_back({"name", ErrorWireId(ec)});
        return;
    }
    t.adding = true;
    t.code.clear();
    AdminCall(st, s, "POST", "/api/v1/devices", json{{"name", name}}.dump(), [&st, &s](const HttpResponse& r) {
        AdminDevicesTab& t = st.admin.tabs.devices;
        t.adding = false;
        if (!adm::Ok(r)) {
            adm::Fail(&t.notice, r, &t.errors);
            return;
        }
        json j = adm::Body(r);
        t.code = adm::Str(j, "enrollment_code");
        t.expires_at = adm::Str(j, "expires_at");
        t.server_url = adm::Str(j, "enrollment_url");
        t.new_name.clear();
        t.tried = false;
        ui::ClearTextFocus();
        LoadDevices(st, s);
    });
}

void Revoke(AppState& st, AppServices& s, const std::string& id) {
    AdminCall(st, s, "POST", "/api/v1/devices/" + adm::UrlEncode(id) + "/revoke", "{}", [&st, &s](const HttpResponse& r) {
        AdminDevicesTab& t = st.admin.tabs.devices;
        t.confirm_revoke.clear();
        if (!adm::Ok(r)) {
            adm::Fail(&t.notice, r);
            return;
        }
        t.notice = {};
        t.notice.success = AppText::AdmDeviceRevokedDone;
        LoadDevices(st, s);
        st.admin.tabs.events.devices_loaded = false;   // its chooser lists active devices only
    });
}

// Where a new device opens the app: this app's own address (browser), else the
// server's answer.
std::string EnrollUrl(const AppState& st, const AdminDevicesTab& t) {
    if (!st.app_url.empty()) return PhoneUrl(st.app_url, "") + "#enroll=" + t.code;
    return t.server_url;
}

void EnrollPanel(AppState& st, AppServices& s) {
    AdminDevicesTab& t = st.admin.tabs.devices;
    const Lang L = st.lang;
    ui::Heading(T(L, AppText::AdmDeviceEnroll));
    ui::TextField("adm.devices.name", T(L, AppText::AdmDeviceName), &t.new_name, ui::FieldKind::Text,
                  adm::FieldText(t.errors, "name", L));
    if (ui::PrimaryButton("adm.devices.add", T(L, t.adding ? AppText::AdmSaving : AppText::AdmDeviceCreateCode),
                          std::min(ImGui::GetContentRegionAvail().x, ui::Px(420))) &&
        !t.adding)
        AddDevice(st, s);
    if (t.code.empty()) return;
    ImGui::Dummy(ImVec2(0, ui::Px(8)));
    ImGui::PushFont(ui::GetFonts().bold);
    ImGui::TextUnformatted(T(L, AppText::AdmDeviceCode));
    ImGui::PopFont();
    ImGui::PushFont(ui::GetFonts().title);
    ImGui::TextUnformatted(t.code.c_str());
    ImGui::PopFont();
    ui::RecordLastItem("adm.devices.code");
    // Test hook: the code shown, readable by the browser tests (a one-time enrollment
    // code the admin is looking at, not personal data).
    std::string shown = "adm.devices.code." + t.code;
    ui::RecordLastItem(shown.c_str());
    std::string url = EnrollUrl(st, t);
    const float side = std::min(ImGui::GetContentRegionAvail().x, ui::Px(280));
    ui::QrCode("adm.devices.qr", url, side);
    ui::MutedText(url.c_str());
    ui::RecordLastItem("adm.devices.url");
    std::string hint = Tf(L, AppText::AdmDeviceCodeHint, adm::ShortTime(t.expires_at).c_str());
    ui::MutedText(hint.c_str());
}

void ListPanel(AppState& st, AppServices& s) {
    AdminDevicesTab& t = st.admin.tabs.devices;
    const Lang L = st.lang;
    if (t.loading && t.rows.empty()) ui::MutedText(T(L, AppText::AdmLoading));
    else if (t.rows.empty()) ui::MutedText(T(L, AppText::AdmDevicesEmpty));
    for (const AdminDeviceRow& d : t.rows) {
        std::string detail;
        if (!d.revoked_at.empty()) {
            detail = Tf(L, AppText::AdmDeviceRevoked, adm::ShortTime(d.revoked_at).c_str());
        } else {
            detail = std::string(T(L, AppText::AdmDeviceLastSync)) + " : " +
                     (d.last_sync_at.empty() ? T(L, AppText::AdmDeviceNever) : adm::ShortTime(d.last_sync_at)) +
                     " · " + T(L, AppText::AdmDeviceVersion) + " " + (d.app_version.empty() ? "—" : d.app_version) +
                     " · " + T(L, AppText::AdmDevicePending) + " " +
                     (d.pending < 0 ? std::string("—") : std::to_string(d.pending));
            if (L != Lang::Fr) {   // French puts a space before the colon, the others do not
                size_t at = detail.find(" : ");
                if (at != std::string::npos) detail.erase(at, 1);
            }
        }
        detail += "\n" + std::string(T(L, AppText::AdmDeviceEnrolled)) + " " + adm::ShortTime(d.enrolled_at) + " · " +
                  ShortId(d.id);
        std::string key = "adm.devices.row." + d.id;
        adm::ListRow(key.c_str(), d.name, detail, false, adm::SmallButtonWidth(T(L, AppText::AdmDeviceRevoke)));
        if (!d.revoked_at.empty()) continue;
        if (t.confirm_revoke == d.id) {
            std::string q = Tf(L, AppText::AdmDeviceRevokeConfirm, d.name.c_str());
            ui::ErrorText("adm.devices.revoke.question", q.c_str());
            if (adm::SmallButton("adm.devices.revoke.confirm", T(L, AppText::AdmConfirm))) Revoke(st, s, d.id);
            adm::SameLineIfFits(adm::SmallButtonWidth(T(L, AppText::AdmCancel)));
            if (adm::SmallButton("adm.devices.revoke.cancel", T(L, AppText::AdmCancel))) t.confirm_revoke.clear();
            ImGui::Dummy(ImVec2(0, ui::Px(6)));
        } else {
            std::string k = "adm.devices.revoke." + d.id;
            if (adm::RowAction(k.c_str(), T(L, AppText::AdmDeviceRevoke))) t.confirm_revoke = d.id;
            adm::RowActionsEnd();
        }
    }
}

}  // namespace

// [SECTION] Tab
void DrawAdminDevicesTab(AppState& st, AppServices& s) {
    AdminDevicesTab& t = st.admin.tabs.devices;
    const Lang L = st.lang;
    ui::Title(T(L, AppText::AdmDevicesTitle));
    ui::RecordLastItem("adm.devices.title");
    if (!AdminIsAdmin(st)) {
        ui::Paragraph(T(L, AppText::AdmAdminOnly));
        return;
    }
    if (!t.loaded && !t.loading) LoadDevices(st, s);
    if (ui::SecondaryButton("adm.devices.reload", T(L, AppText::AdmReload)) && !t.loading) LoadDevices(st, s);
    adm::Notice("adm.devices.notice", t.notice, st.lang);
    ImGui::Dummy(ImVec2(0, ui::Px(8)));
    if (adm::SplitBegin("adm.devices.split")) {
        ListPanel(st, s);
        adm::SplitNext();
        EnrollPanel(st, s);
        adm::SplitEnd();
    } else {
        ListPanel(st, s);
        ImGui::Dummy(ImVec2(0, ui::Px(12)));
        EnrollPanel(st, s);
    }
}

}  // namespace comptoir::app
