// app/admin.h — the admin mode: staff and admins signed in against comptoir-server
// from any browser (URL "#admin"), or from a kiosk's staff panel.
//
// Contract shared by the admin shell (sign-in, navigation, needs dashboard, exports:
// app/admin.cpp, app/admin_dashboard.cpp) and the management tabs (app/admin_tabs.h):
//   AdminCall(st, s, "GET", "/api/v1/creators?q=anne", "", [&st](const HttpResponse& r) {...});
// adds the session's bearer token, runs `done` on the main thread, and on 401 marks the
// session expired: the sign-in screen shows over the admin screen and, once signed in
// again, the same tab comes back with whatever was being edited untouched.
// Roles: "admin" (everything) and "staff" (dashboard, creators, events; no accounts,
// devices or erase). The server refuses the wrong role with 403 anyway; the UI hides
// what the role cannot do.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "app/admin_tabs.h"
#include "app/app_text.h"
#include "sync/client/transport.h"

namespace comptoir::app {

enum class AdminTab { Dashboard, Creators, Events, Catalogue, Devices, Accounts };

struct AdminSession {
    std::string token;        // bearer token from POST /api/v1/auth/login (memory only)
    std::string username;
    std::string role;         // "admin" | "staff"
    std::string expires_at;   // RFC 3339
    bool expired = false;     // a call got 401: sign in again, then come back
    uint32_t generation = 0;  // bumped at sign-out: late answers of an old session are dropped
};

// The sign-in form (also shown over the admin screen when the session expired).
struct AdminSignInForm {
    std::string username;
    std::string password;     // wiped once sent
    AppText error = AppText::Count_;   // banner of the last attempt (Count_ = none)
    int error_arg = 0;                 // its %d (seconds to wait)
    bool tried = false;       // "Sign in" pressed: empty-field errors show
    bool working = false;     // request in flight
};

// --- needs dashboard (app/admin_dashboard.cpp) ---
struct AdminNeedRow {            // one bar: GET /api/v1/reports/needs -> items[]
    std::string item;            // need item id
    std::string category;
    int creators = 0;            // distinct creators
    int offers = 0;              // matching offers (count from the report)
    bool critical = false;       // creators >= threshold
};
struct AdminContact {            // GET /api/v1/reports/needs/{item}/contacts
    std::string first_name, last_name, email, lang;
};
struct AdminOffer {              // GET /api/v1/reports/needs/{item}/offers
    std::string kind, description, first_name, last_name, email;   // email "" = no contact consent
    bool exact = false;          // the offer names the item (else: its kind serves the category)
};
struct AdminTrendEvent {         // GET /api/v1/reports/needs/trend -> one column per event
    std::string id, title, date;
};
struct AdminTrendRow {
    std::string item;
    std::vector<int> counts;     // per event, same order as AdminDashboardState::trend_events
};
struct AdminChoice {             // a filter's options (catalogue / events)
    std::string id;
    std::string parent;          // profession -> its sector
    std::string label[3];        // FR, NL, EN
};
struct AdminDashboardState {
    // filters ("" = all); dates "YYYY-MM-DD"
    std::string sector, profession, event, from, to;
    int threshold = 10;          // critical mass (editable in the view)
    bool loaded = false, loading = false, dirty = true;   // dirty: (re)load on next frame
    AppText error = AppText::Count_;   // banner (Count_ = none)
    int total_creators = 0;      // creators matching the filters (creators_considered)
    int with_needs = 0;          // of those, with at least one need (creators_with_needs)
    std::vector<AdminNeedRow> rows;   // sorted: most creators first
    // per-item panel
    std::string open_item;
    bool contacts_loading = false;
    bool contacts_failed = false;
    bool contacts_reload = false;   // 401 while loading: again once signed in
    std::vector<AdminContact> contacts;
    bool offers_loading = false;
    bool offers_failed = false;
    std::vector<AdminOffer> offers;     // offers matching open_item, exact ones first
    // trend
    bool trend_loading = false;
    std::vector<AdminTrendEvent> trend_events;
    std::vector<AdminTrendRow> trend;
    // filter choices
    bool choices_loaded = false;
    std::vector<AdminChoice> sectors, professions, events;
    AppText export_status = AppText::Count_;   // export banner (Count_ = none)
    std::string export_file;                   // its %s
    bool filters_tried = false;  // "Apply" pressed: date errors show
    bool filters_open = false;   // phones: the filters are folded unless opened
    // the filters of the report on screen (what "export needs" sends)
    std::string shown_query;
};

struct AdminState {
    AdminSession session;
    AdminTab tab = AdminTab::Dashboard;
    AdminSignInForm signin;
    AdminDashboardState dash;
    AdminTabsState tabs;         // the management tabs (app/admin_tabs.h)
    bool from_kiosk = false;     // opened from a kiosk's staff panel: the idle reset ends it
};

bool AdminSignedIn(const AppState& st);
bool AdminIsAdmin(const AppState& st);   // role "admin"

// An authenticated call to comptoir-server (same origin in the browser). `done` runs on
// the main thread — also for a 401, after the session was marked expired, so the caller
// can clear its "working" flag and ask again once signed in — and not at all if the
// session was signed out meanwhile. Without a device store (a browser that is not a
// device) the transport is created on first use.
void AdminCall(AppState& st, AppServices& s, const std::string& method, const std::string& path,
               const std::string& body, std::function<void(const HttpResponse&)> done);

// Tabs the session's role may see (staff: Dashboard, Creators, Events).
bool AdminTabAllowed(const AppState& st, AdminTab tab);
// Ends the admin session: the token and every admin form are wiped (memory only).
void AdminSignOut(AppState& st);
// "#admin" in the URL / the staff panel's button: opens the sign-in (or the admin screen).
void OpenAdmin(AppState& st, bool from_kiosk);

// Screens (app.h kScreens): sign-in and the admin shell (navigation + the current tab).
void DrawAdminSignInScreen(AppState& st, AppServices& s);
void DrawAdminScreen(AppState& st, AppServices& s);
void DrawAdminDashboard(AppState& st, AppServices& s);   // app/admin_dashboard.cpp
// The platform's download (set by main_web.cpp; null natively): GET `path` with the
// bearer token, saved by the browser as `filename`. Returns false if it cannot start.
using AdminDownloadFn = bool (*)(const std::string& path, const std::string& token, const std::string& filename);
extern AdminDownloadFn g_admin_download;
// Test hook: the admin part of StateJson.
void AdminStateJson(const AppState& st, void* json /* nlohmann::json* */);

}  // namespace comptoir::app
