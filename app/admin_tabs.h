// app/admin_tabs.h — the admin mode's management tabs (one file each,
// app/admin_tab_<name>.cpp): creators, events, catalogue, devices, accounts.
// Each tab keeps its own state in AdminTabsState and talks to comptoir-server only
// through AdminCall (app/admin.h).
#pragma once
#include <string>
#include <vector>

namespace comptoir::app {

struct AppState;
struct AppServices;

// Filled in by the tabs' owner: one struct per tab.
struct AdminTabsState {};

void DrawAdminCreatorsTab(AppState& st, AppServices& s);
void DrawAdminEventsTab(AppState& st, AppServices& s);
void DrawAdminCatalogueTab(AppState& st, AppServices& s);
void DrawAdminDevicesTab(AppState& st, AppServices& s);
void DrawAdminAccountsTab(AppState& st, AppServices& s);

}  // namespace comptoir::app
