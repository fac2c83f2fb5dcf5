// app/admin.cpp — the admin mode's shell: the authenticated call (AdminCall), the
// sign-in screen (also drawn over the admin screen when the session expired), the top
// bar (who is signed in, sign out, back to the kiosk) and the tab navigation.
//
// The session token lives only in AppState::admin (memory): it is never written to the
// device store, and AdminSignOut wipes it with every admin form. On a device that is
// enrolled (a kiosk or tablet), the admin session counts as a kiosk session: the
// inactivity reset and "back to the kiosk" end it (EndSession in app/app.cpp).
//   [SECTION] Session and calls
//   [SECTION] Sign-in
//   [SECTION] Shell
//   [SECTION] Test hook
#include "app/admin.h"

#include <algorithm>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "app/app.h"
#include "app/app_text.h"
#include "imgui.h"

namespace comptoir::app {

using nlohmann::json;

// [SECTION] Session and calls
bool AdminSignedIn(const AppState& st) { return !st.admin.session.token.empty(); }
bool AdminIsAdmin(const AppState& st) { return AdminSignedIn(st) && st.admin.session.role == "admin"; }

bool AdminTabAllowed(const AppState& st, AdminTab tab) {
    if (AdminIsAdmin(st)) return true;
    return tab == AdminTab::Dashboard || tab == AdminTab::Creators || tab == AdminTab::Events;
}

void AdminCall(AppState& st, AppServices& s, const std::string& method, const std::string& path,
               const std::string& body, std::function<void(const HttpResponse&)> done) {
    if (!AdminSignedIn(st)) return;
    if (!s.transport) s.transport = MakeDefaultTransport(s.base_url);   // no device store: still reach the server
    HttpRequest req;
    req.method = method;
    req.path = path;
    req.body = body;
    req.headers = {{"Authorization", "Bearer " + st.admin.session.token}, {"Content-Type", "application/json"}};
    const uint32_t generation = st.admin.session.generation;
    AppState* stp = &st;      // AppState and AppServices outlive every request
    AppServices* sp = &s;
    std::string token = st.admin.session.token;
    s.transport->Send(req, [stp, sp, generation, token, done = std::move(done)](HttpResponse r) {
        MarkWake(*sp);
        if (stp->admin.session.generation != generation || !AdminSignedIn(*stp)) return;   // signed out meanwhile
        // The sign-in shows over the screen; a late 401 of the token replaced since then
        // does not (its caller just asks again).
        if (r.status == 401 && stp->admin.session.token == token) stp->admin.session.expired = true;
        if (done) done(r);
    });
}

void AdminSignOut(AppState& st) {
    const uint32_t generation = st.admin.session.generation + 1;
    const bool from_kiosk = st.admin.from_kiosk;
    st.admin = AdminState{};
    st.admin.session.generation = generation;   // answers still on their way are dropped
    st.admin.from_kiosk = from_kiosk;
}

void OpenAdmin(AppState& st, bool from_kiosk) {
    st.admin.from_kiosk = from_kiosk;
    GoTo(st, AdminSignedIn(st) ? Screen::Admin : Screen::AdminSignIn);
}

// [SECTION] Sign-in
namespace {

const char* RoleName(const AppState& st) {
    return T(st.lang, st.admin.session.role == "admin" ? AppText::AdminRoleAdmin : AppText::AdminRoleStaff);
}

void SubmitSignIn(AppState& st, AppServices& s) {
    AdminSignInForm& f = st.admin.signin;
    f.tried = true;
    f.error = AppText::Count_;
    if (f.username.empty() || f.password.empty()) return;
    f.working = true;
    ui::ClearTextFocus();
    if (!s.transport) s.transport = MakeDefaultTransport(s.base_url);
    HttpRequest req;
    req.method = "POST";
    req.path = "/api/v1/auth/login";
    req.body = json{{"username", f.username}, {"password", f.password}}.dump();
    req.headers = {{"Content-Type", "application/json"}};
    f.password.clear();   // never kept once sent
    const uint32_t generation = st.admin.session.generation;
    const std::string username = f.username;
    AppState* stp = &st;
    AppServices* sp = &s;
    s.transport->Send(req, [stp, sp, generation, username](HttpResponse r) {
        MarkWake(*sp);
        AppState& st = *stp;
        AdminState& a = st.admin;
        if (a.session.generation != generation) return;
        a.signin.working = false;
        if (r.status == 200) {
            json j = json::parse(r.body, nullptr, false);
            std::string token = j.is_object() ? j.value("token", "") : "";
            if (token.empty()) {
                a.signin.error = AppText::AdminErrServer;
                return;
            }
            // Someone else signing in over an expired session: nothing of the previous
            // person's work stays on screen.
            if (!a.session.username.empty() && a.session.username != username) {
                const bool from_kiosk = a.from_kiosk;
                AdminSignOut(st);
                st.admin.from_kiosk = from_kiosk;
            }
            AdminState& b = st.admin;
            b.session.token = token;
            b.session.username = username;
            b.session.role = j.value("role", "staff");
            b.session.expires_at = j.value("expires_at", "");
            b.session.expired = false;
            b.signin = AdminSignInForm{};
            b.signin.username = username;
            if (!AdminTabAllowed(st, b.tab)) b.tab = AdminTab::Dashboard;
            if (st.screen == Screen::AdminSignIn) GoTo(st, Screen::Admin);
            return;
        }
        if (r.status == 429) {
            a.signin.error = AppText::AdminErrTooMany;
            a.signin.error_arg = std::max(1, std::atoi(r.retry_after.c_str()));
        } else if (r.status == 401 || r.status == 403) {
            a.signin.error = AppText::AdminErrCredentials;
        } else if (r.status == 0) {
            a.signin.error = AppText::AdminErrNetwork;
        } else {
            a.signin.error = AppText::AdminErrServer;
        }
    });
}

void DrawSignInFields(AppState& st, AppServices& s) {
    AdminSignInForm& f = st.admin.signin;
    const Lang L = st.lang;
    ui::Title(T(L, AppText::AdminSignInTitle));
    ui::RecordLastItem("admin.signin.title");
    if (st.admin.session.expired) {
        ui::ErrorText("admin.signin.expired", T(L, AppText::AdminSignInExpired));
    } else {
        ui::Paragraph(T(L, AppText::AdminSignInIntro));
    }
    ImGui::Dummy(ImVec2(0, ui::Px(8)));
    const char* req = ErrorMessage(ErrorCode::Required, L);
    const char* err_user = f.tried && f.username.empty() ? req : nullptr;
    const char* err_pass = f.tried && f.password.empty() && f.error == AppText::Count_ && !f.working ? req : nullptr;
    ui::TextField("admin.signin.username", T(L, AppText::AdminUsername), &f.username, ui::FieldKind::Code, err_user);
    ui::TextField("admin.signin.password", T(L, AppText::AdminPassword), &f.password, ui::FieldKind::Password,
                  err_pass);
    if (f.error != AppText::Count_) {
        std::string msg = f.error == AppText::AdminErrTooMany ? Tf(L, f.error, f.error_arg) : T(L, f.error);
        ui::ErrorText("admin.signin.error", msg.c_str());
    }
    ImGui::Dummy(ImVec2(0, ui::Px(8)));
    if (f.working) {
        ui::Paragraph(T(L, AppText::AdminSigningIn));
        ui::RecordLastItem("admin.signin.working");
        return;
    }
    bool submit = ui::PrimaryButton("admin.signin.submit", T(L, AppText::AdminSignIn), ImGui::GetContentRegionAvail().x);
    if (ui::TakeSubmit()) submit = true;
    if (submit) SubmitSignIn(st, s);
    if (st.admin.from_kiosk) {
        ImGui::Dummy(ImVec2(0, ui::Px(8)));
        if (ui::SecondaryButton("admin.back", T(L, AppText::AdminBackToKiosk), ImGui::GetContentRegionAvail().x)) {
            AdminSignOut(st);
            GoTo(st, Screen::Start);
        }
    }
}

// The form in a column of readable width, centered on wide screens.
void DrawSignInForm(AppState& st, AppServices& s) {
    const float form_w = ui::Px(620);
    const bool centered = ImGui::GetContentRegionAvail().x > form_w + ui::Px(80) &&
                          ImGui::BeginTable("##signin", 3, ImGuiTableFlags_SizingFixedFit);
    if (centered) {
        ImGui::TableSetupColumn("##l", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("##form", ImGuiTableColumnFlags_WidthFixed, form_w);
        ImGui::TableSetupColumn("##r", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(1);
    }
    DrawSignInFields(st, s);
    if (centered) ImGui::EndTable();
}

}  // namespace

void DrawAdminSignInScreen(AppState& st, AppServices& s) {
    if (AdminSignedIn(st) && !st.admin.session.expired) {
        GoTo(st, Screen::Admin);
        return;
    }
    DrawSignInForm(st, s);
}

// [SECTION] Shell
namespace {

struct TabInfo {
    AdminTab tab;
    const char* key;    // widget key suffix and test-hook name
    AppText label;
    void (*draw)(AppState&, AppServices&);
};
const TabInfo kTabs[] = {
    {AdminTab::Dashboard, "dashboard", AppText::AdminTabDashboard, DrawAdminDashboard},
    {AdminTab::Creators, "creators", AppText::AdminTabCreators, DrawAdminCreatorsTab},
    {AdminTab::Events, "events", AppText::AdminTabEvents, DrawAdminEventsTab},
    {AdminTab::Catalogue, "catalogue", AppText::AdminTabCatalogue, DrawAdminCatalogueTab},
    {AdminTab::Devices, "devices", AppText::AdminTabDevices, DrawAdminDevicesTab},
    {AdminTab::Accounts, "accounts", AppText::AdminTabAccounts, DrawAdminAccountsTab},
};

void DrawTopBar(AppState& st) {
    const Lang L = st.lang;
    std::string who = Tf(L, AppText::AdminSignedInAs, st.admin.session.username.c_str(), RoleName(st));
    ImGui::Dummy(ImVec2(0, ui::Px(14)));
    ImGui::TextUnformatted(who.c_str());
    ui::RecordLastItem("admin.who");
    const char* out_label = T(L, AppText::AdminSignOut);
    ImGui::PushFont(ui::GetFonts().bold);
    float w = ImGui::CalcTextSize(out_label).x + ui::Px(56);   // as ui::SecondaryButton sizes it
    ImGui::PopFont();
    ImGui::SameLine();
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() - ui::Px(14));
    float right = ImGui::GetWindowContentRegionMax().x;
    if (ImGui::GetCursorPosX() + w > right) ImGui::NewLine();
    ImGui::SetCursorPosX(std::max(ImGui::GetCursorPosX(), right - w));
    bool out = ui::SecondaryButton("admin.signout", out_label);
    if (out) {
        const bool from_kiosk = st.admin.from_kiosk;
        AdminSignOut(st);
        GoTo(st, from_kiosk ? Screen::Start : Screen::AdminSignIn);
        return;
    }
    if (st.admin.from_kiosk) {
        if (ui::SecondaryButton("admin.back", T(L, AppText::AdminBackToKiosk), ImGui::GetContentRegionAvail().x)) {
            AdminSignOut(st);
            GoTo(st, Screen::Start);
        }
    }
}

void DrawTabBar(AppState& st) {
    ImGui::Dummy(ImVec2(0, ui::Px(4)));
    ui::ChipRowBegin();
    for (const TabInfo& t : kTabs) {
        if (!AdminTabAllowed(st, t.tab)) continue;
        std::string key = std::string("admin.tab.") + t.key;
        if (ui::Chip(key.c_str(), T(st.lang, t.label), st.admin.tab == t.tab) && st.admin.tab != t.tab) {
            st.admin.tab = t.tab;
            ui::ClearTextFocus();
            st.scroll_to_top = true;
        }
    }
    ui::ChipRowEnd();
    ImGui::Dummy(ImVec2(0, ui::Px(6)));
    ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddLine(p, ImVec2(p.x + ImGui::GetContentRegionAvail().x, p.y),
                                        IM_COL32(190, 192, 198, 255), ui::Px(1));
    ImGui::Dummy(ImVec2(0, ui::Px(10)));
}

}  // namespace

void DrawAdminScreen(AppState& st, AppServices& s) {
    if (!AdminSignedIn(st)) {
        GoTo(st, Screen::AdminSignIn);
        return;
    }
    // Expired: the sign-in takes the place of the tab, whose state stays untouched.
    if (st.admin.session.expired) {
        DrawSignInForm(st, s);
        return;
    }
    DrawTopBar(st);
    if (st.screen != Screen::Admin) return;   // signed out just now
    DrawTabBar(st);
    if (!AdminTabAllowed(st, st.admin.tab)) st.admin.tab = AdminTab::Dashboard;
    for (const TabInfo& t : kTabs)
        if (t.tab == st.admin.tab) {
            ImGui::PushID(t.key);
            t.draw(st, s);
            ImGui::PopID();
        }
}

// [SECTION] Test hook
void AdminStateJson(const AppState& st, void* out) {
    json& j = *static_cast<json*>(out);
    const AdminState& a = st.admin;
    json admin = {{"signed_in", AdminSignedIn(st)},
                  {"username", a.session.username},
                  {"role", a.session.role},
                  {"expired", a.session.expired},
                  {"from_kiosk", a.from_kiosk},
                  {"signin_working", a.signin.working}};
    for (const TabInfo& t : kTabs)
        if (t.tab == a.tab) admin["tab"] = t.key;
    json tabs = json::array();
    for (const TabInfo& t : kTabs)
        if (AdminSignedIn(st) && AdminTabAllowed(st, t.tab)) tabs.push_back(t.key);
    admin["tabs"] = tabs;
    const AdminDashboardState& d = a.dash;
    json rows = json::array();
    for (const AdminNeedRow& r : d.rows)
        rows.push_back({{"item", r.item}, {"creators", r.creators}, {"critical", r.critical}});
    admin["dash"] = {{"loaded", d.loaded},
                     {"loading", d.loading},
                     {"threshold", d.threshold},
                     {"filters", {{"sector", d.sector}, {"profession", d.profession}, {"event", d.event},
                                  {"from", d.from}, {"to", d.to}}},
                     {"query", d.shown_query},
                     {"total_creators", d.total_creators},
                     {"rows", rows},
                     {"open_item", d.open_item},
                     {"contacts", d.contacts.size()},
                     {"contacts_loading", d.contacts_loading},
                     {"offers", d.offers.size()},
                     {"offers_exact", std::count_if(d.offers.begin(), d.offers.end(),
                                                    [](const AdminOffer& o) { return o.exact; })},
                     {"offers_loading", d.offers_loading},
                     {"trend_events", d.trend_events.size()},
                     {"export_file", d.export_file}};
    j["admin"] = admin;
}

}  // namespace comptoir::app
