// sync/server/admin_api.h — the staff/admin side of comptoir-server (issue 6): creators
// (search, edit with audit trail, duplicates, merge), GDPR export and erasure, events,
// catalogue, devices, accounts, needs reports (contacts, trend) and CSV/XLSX exports.
// Every route, its role and its errors: docs/openapi.yaml; design: docs/server.md.
//
//   AdminApi admin{store.get(), [&](const httplib::Request& r) { return Authenticate(r); }};
//   RegisterAdminRoutes(server, &admin);   // before any catch-all route
//
// Roles: "admin" may do everything; "staff" reads/edits creators, events, catalogue
// reads, reports and exports, but not accounts, devices, merges, GDPR export/erase or
// catalogue writes. Anonymous: 401 `unauthorized`; a device token (revoked or not) or
// the wrong role: 403 `forbidden`. The check happens before any validation or lookup.
// Errors: {"error": {"code", "message", "field"?, "errors"?: [{code, field, message}]}}.
#pragma once
#include <httplib.h>

#include <functional>
#include <vector>

#include "sync/server/http_server.h"
#include "sync/server/server_store.h"

namespace comptoir {

struct AdminApi {
    ServerStore* store = nullptr;
    std::function<Principal(const httplib::Request&)> authenticate;
    // The store of the request being handled (its token's organization, see
    // organizations.h); when empty, `store`.
    std::function<ServerStore*()> current_store;
};

enum class Role { Staff, Admin };

// The routes below with the minimum role each needs (docs/openapi.yaml lists the same).
struct AdminRoute {
    ApiRoute route;
    Role role;
};
const std::vector<AdminRoute>& AdminRoutes();

void RegisterAdminRoutes(httplib::Server& server, AdminApi* api);

// SVG of a QR code of `text` (qrcodegen, the same sources as the app); "" if too long.
std::string QrSvg(const std::string& text);

}  // namespace comptoir
