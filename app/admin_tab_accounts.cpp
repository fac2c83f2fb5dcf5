// app/admin_tab_accounts.cpp — admin tab "Accounts" (admin role only): staff and admin
// accounts of comptoir-server; create one (username, password twice, role) with field
// errors; change a role; disable / enable. The server refuses disabling or demoting
// one's own account (shown as a translated message).
//   [SECTION] Requests
//   [SECTION] Tab
#include <algorithm>
#include <cctype>

#include "app/admin_tabs_widgets.h"
#include "app/app.h"
#include "app/app_text.h"
#include "imgui.h"

namespace comptoir::app {

using nlohmann::json;

namespace {

// [SECTION] Requests
void LoadAccounts(AppState& st, AppServices& s) {
    AdminAccountsTab& t = st.admin.tabs.accounts;
    adm::LoadList(st, s, "/api/v1/accounts", {&t.loading, &t.loaded, &t.notice}, [&t](const json& body) {
        t.rows.clear();
        for (const json& a : body.value("accounts", json::array()))
            t.rows.push_back({adm::Str(a, "username"), adm::Str(a, "role"), a.value("disabled", false)});
    });
}

// Same rules as the server (sync/server/admin_api.cpp AddAccount).
std::vector<AdminFieldError> CheckAccount(const AdminAccountsTab& t) {
    std::vector<AdminFieldError> out;
    bool valid = !t.username.empty() && t.username.size() <= 64;
    for (char c : t.username)
        valid = valid && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
    if (t.username.empty()) out.push_back({"username", "required"});
    else if (!valid) out.push_back({"username", "username.invalid"});
    if (t.password.empty()) out.push_back({"password", "required"});
    else if (t.password.size() < 10) out.push_back({"password", "password.too_short"});
    if (t.password_again != t.password) out.push_back({"password_again", "password.mismatch"});
    if (t.role != "admin" && t.role != "staff") out.push_back({"role", "invalid_value"});
    return out;
}

void Create(AppState& st, AppServices& s) {
    AdminAccountsTab& t = st.admin.tabs.accounts;
    t.tried = true;
    t.errors = CheckAccount(t);
    t.notice = {};
    if (!t.errors.empty()) {
        t.notice.error_text = AppText::AdmFixErrors;
        return;
    }
    t.saving = true;
    json body = {{"username", t.username}, {"password", t.password}, {"role", t.role}};
    AdminCall(st, s, "POST", "/api/v1/accounts", body.dump(), [&st, &s](const HttpResponse& r) {
        AdminAccountsTab& t = st.admin.tabs.accounts;
        t.saving = false;
        if (!adm::Ok(r)) {   // everything typed stays
            adm::Fail(&t.notice, r, &t.errors);
            return;
        }
        t.username.clear();
        t.password.clear();
        t.password_again.clear();
        t.role = "staff";
        t.tried = false;
        t.errors.clear();
        t.notice.success = AppText::AdmAccountCreated;
        ui::ClearTextFocus();
        LoadAccounts(st, s);
    });
}

void Patch(AppState& st, AppServices& s, const std::string& username, const json& body) {
    AdminAccountsTab& t = st.admin.tabs.accounts;
    t.busy_user = username;
    t.notice = {};
    AdminCall(st, s, "PATCH", "/api/v1/accounts/" + adm::UrlEncode(username), body.dump(), [&st, &s](const HttpResponse& r) {
        AdminAccountsTab& t = st.admin.tabs.accounts;
        t.busy_user.clear();
        if (!adm::Ok(r)) {
            adm::Fail(&t.notice, r);
            return;
        }
        t.notice.success = AppText::AdmSaved;
        LoadAccounts(st, s);
    });
}

void FormPanel(AppState& st, AppServices& s) {
    AdminAccountsTab& t = st.admin.tabs.accounts;
    const Lang L = st.lang;
    ui::Heading(T(L, AppText::AdmAccountsNew));
    auto field = [&](const char* key, const char* name, AppText label, std::string* v, ui::FieldKind kind) {
        ui::TextField(key, T(L, label), v, kind, adm::FieldText(t.errors, name, L));
        adm::RecheckOnLeave(key, name, t.tried, &t.errors, [&] { return CheckAccount(t); });
    };
    field("adm.accounts.username", "username", AppText::AdmUsername, &t.username, ui::FieldKind::Email);
    field("adm.accounts.password", "password", AppText::AdmPassword, &t.password, ui::FieldKind::Password);
    field("adm.accounts.password2", "password_again", AppText::AdmPasswordAgain, &t.password_again,
          ui::FieldKind::Password);
    ImGui::PushFont(ui::GetFonts().bold);
    ImGui::TextUnformatted(T(L, AppText::AdmRole));
    ImGui::PopFont();
    ui::ChipRowBegin();
    if (ui::Chip("adm.accounts.role.staff", T(L, AppText::AdmRoleStaff), t.role == "staff")) t.role = "staff";
    if (ui::Chip("adm.accounts.role.admin", T(L, AppText::AdmRoleAdmin), t.role == "admin")) t.role = "admin";
    ui::ChipRowEnd();
    ImGui::Dummy(ImVec2(0, ui::Px(6)));
    if (ui::PrimaryButton("adm.accounts.create", T(L, t.saving ? AppText::AdmSaving : AppText::AdmAccountCreate),
                          std::min(ImGui::GetContentRegionAvail().x, ui::Px(420))) &&
        !t.saving)
        Create(st, s);
}

void ListPanel(AppState& st, AppServices& s) {
    AdminAccountsTab& t = st.admin.tabs.accounts;
    const Lang L = st.lang;
    if (t.loading && t.rows.empty()) ui::MutedText(T(L, AppText::AdmLoading));
    for (const AdminAccountRow& a : t.rows) {
        const bool me = a.username == st.admin.session.username;
        std::string title = a.username + (me ? std::string(" ") + T(L, AppText::AdmAccountYou) : "");
        std::string detail = T(L, a.role == "admin" ? AppText::AdmRoleAdminShort : AppText::AdmRoleStaffShort);
        if (a.disabled) detail += " · " + std::string(T(L, AppText::AdmAccountDisabled));
        std::string key = "adm.accounts.row." + a.username;
        const char* rl = T(L, a.role == "admin" ? AppText::AdmAccountMakeStaff : AppText::AdmAccountMakeAdmin);
        const char* dl = T(L, a.disabled ? AppText::AdmAccountEnable : AppText::AdmAccountDisable);
        // The server refuses disabling or demoting oneself anyway: no buttons there.
        // The same room for the actions on every row: the rows line up.
        const float reserve =
            std::max(adm::SmallButtonWidth(T(L, AppText::AdmAccountMakeStaff)), adm::SmallButtonWidth(T(L, AppText::AdmAccountMakeAdmin))) +
            std::max(adm::SmallButtonWidth(T(L, AppText::AdmAccountEnable)), adm::SmallButtonWidth(T(L, AppText::AdmAccountDisable))) +
            ui::Px(8);
        adm::ListRow(key.c_str(), title, detail, false, reserve);
        if (me) continue;
        const bool busy = t.busy_user == a.username;
        std::string rk = "adm.accounts.setrole." + a.username;
        if (adm::RowAction(rk.c_str(), rl) && !busy)
            Patch(st, s, a.username, json{{"role", a.role == "admin" ? "staff" : "admin"}});
        std::string dk = "adm.accounts.disable." + a.username;
        if (adm::RowAction(dk.c_str(), dl) && !busy) Patch(st, s, a.username, json{{"disabled", !a.disabled}});
        adm::RowActionsEnd();
    }
}

}  // namespace

// [SECTION] Tab
void DrawAdminAccountsTab(AppState& st, AppServices& s) {
    AdminAccountsTab& t = st.admin.tabs.accounts;
    const Lang L = st.lang;
    ui::Title(T(L, AppText::AdmAccountsTitle));
    ui::RecordLastItem("adm.accounts.title");
    if (!AdminIsAdmin(st)) {
        ui::Paragraph(T(L, AppText::AdmAdminOnly));
        return;
    }
    if (!t.loaded && !t.loading) LoadAccounts(st, s);
    adm::Notice("adm.accounts.notice", t.notice, st.lang);
    ImGui::Dummy(ImVec2(0, ui::Px(8)));
    if (adm::SplitBegin("adm.accounts.split")) {
        ListPanel(st, s);
        adm::SplitNext();
        FormPanel(st, s);
        adm::SplitEnd();
    } else {
        ListPanel(st, s);
        ImGui::Dummy(ImVec2(0, ui::Px(12)));
        FormPanel(st, s);
    }
}

}  // namespace comptoir::app
