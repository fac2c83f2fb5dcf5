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

#include "app/admin_tabs.h"
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

bool AdminSignedIn(const AppState& st);
bool AdminIsAdmin(const AppState& st);   // role "admin"

// An authenticated call to comptoir-server (same origin in the browser). `done` runs on
// the main thread, and not at all if the session was signed out meanwhile.
void AdminCall(AppState& st, AppServices& s, const std::string& method, const std::string& path,
               const std::string& body, std::function<void(const HttpResponse&)> done);

}  // namespace comptoir::app
