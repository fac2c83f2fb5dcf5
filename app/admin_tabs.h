// app/admin_tabs.h — the admin mode's management tabs (one file each,
// app/admin_tab_<name>.cpp): creators, events, catalogue, devices, accounts.
// Each tab keeps its own state in AdminTabsState and talks to comptoir-server only
// through AdminCall (app/admin.h).
//
// Every tab follows the same cycle: the first draw loads its list (GET), a form holds
// what is typed until the server accepted it (a failed save keeps it, with field-level
// errors: client-side first, from core/validate.h, then the server's), and a
// successful change reloads the list. Answers that arrive for something no longer on
// screen (another creator selected meanwhile) are dropped by comparing ids.
// Helpers shared by the tabs: app/admin_tabs_widgets.h (private to the tabs).
// Widget keys (browser tests): "adm.<tab>.<what>", e.g. "adm.creators.search",
// "adm.events.form.date", "adm.devices.code"; list rows "adm.<tab>.row.<id>".
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/app_text.h"
#include "core/i18n.h"

namespace comptoir::app {

struct AppState;
struct AppServices;

// A field-level error: from the client-side validators or the server's `errors` array.
struct AdminFieldError {
    std::string field;   // "email", "date", "label_nl", ...
    std::string code;    // wire id: "required", "email.invalid", "identity_conflict", ...
};

// The outcome banner of the last request of a panel, translated when drawn (so it
// follows a language switch). Set with adm::Fail (a failed answer) or the fields.
struct AdminNotice {
    int error_status = -1;                  // HTTP status of a failed answer (0 = network), -1 = none
    std::string error_code;                 // the server's error code
    AppText error_text = AppText::Count_;   // a client-side failure, or "fix the fields"
    AppText success = AppText::Count_;      // the confirmation shown in green
};

// [SECTION] Creators
struct AdminCreatorRow {
    std::string id, first_name, last_name, email, postcode;
};
struct AdminCreatorFields {   // the editable identity (PATCH /api/v1/creators/{id})
    std::string first_name, last_name, email, phone, postcode, commune, website, structure_name,
        other_profession, preferred_lang;
};
struct AdminAuditEntry {
    std::string at, actor, field, old_value, new_value;
};
struct AdminNeedLine {
    std::string item, frequency, urgency, budget, comment;
};
struct AdminOfferLine {
    std::string kind, item, description;
};
struct AdminAttendanceLine {
    std::string event_id, at;
};
// Ids and codes as the server has them; translated when drawn (language switch).
struct AdminCreatorDetail {
    std::string id;
    AdminCreatorFields fields;                  // as stored on the server
    std::vector<std::string> sectors, professions, languages;
    std::vector<std::string> work;              // status ids, "ata", "ata:<level>", "arts_allowance", "via_smart"
    std::vector<AdminNeedLine> needs;
    std::vector<AdminOfferLine> offers;
    std::vector<AdminAttendanceLine> attendances;
    bool consent_processing = false, consent_contact = false, consent_newsletter = false,
         consent_directory = false;
    std::string consent_processing_at, received_at;
};
struct AdminCreatorsTab {
    bool loaded = false, loading = false;
    std::string query;                  // the search box
    std::string searched;               // the query of the rows shown
    int64_t offset = 0, total = 0;
    std::vector<AdminCreatorRow> rows;
    std::string selected;               // creator whose detail is open ("" = list)
    bool detail_loading = false;
    AdminCreatorDetail detail;
    std::vector<AdminAuditEntry> audit;
    bool editing = false, saving = false, edit_tried = false;
    AdminCreatorFields edit;            // kept until the server accepted it
    std::vector<AdminFieldError> edit_errors;
    bool dups_loaded = false, dups_loading = false, show_dups = false;
    std::vector<std::vector<AdminCreatorRow>> dup_groups;
    std::string merge_from, merge_into; // a merge waiting for confirmation
    bool merging = false;
    std::string export_json;            // GDPR export shown when no download helper ran
    bool exporting = false;
    bool erase_confirm = false, erasing = false;
    std::string erase_typed;            // must equal the creator's email
    AdminNotice notice;
};

// [SECTION] Events
struct AdminEventRow {
    std::string id, title, sector, date, place;
    bool retired = false;
    int64_t creators = -1;              // distinct attendees (-1 = not loaded)
};
struct AdminEventForm {
    bool open = false;
    std::string id;                     // "" = new event
    std::string title, sector, date, place;
    bool retired = false;
    bool tried = false, saving = false;
    std::vector<AdminFieldError> errors;
};
struct AdminDeviceChoice {
    std::string id, name;
};
struct AdminEventsTab {
    bool loaded = false, loading = false;
    std::vector<AdminEventRow> rows;
    std::vector<std::string> sectors;   // sector ids (for the form's chips)
    AdminEventForm form;
    std::string attendance_of;          // event whose attendees are listed
    std::vector<std::string> attendees; // "First Last · email"
    int64_t anonymous = 0;
    // Current event of a device (PUT /devices/{id}/current-event).
    bool devices_loaded = false;
    std::vector<AdminDeviceChoice> devices;   // admin only (staff types the id)
    std::string device_id, device_event;
    bool device_saving = false;
    AdminNotice notice, device_notice;
};

// [SECTION] Catalogue
struct AdminCatalogueRow {
    std::string kind, id, parent, label_fr, label_nl, label_en;
    int sort = 0;
    bool retired = false;
};
struct AdminCatalogueForm {
    bool open = false, is_new = true;
    std::string kind, id, parent, label_fr, label_nl, label_en, sort;
    bool tried = false, saving = false;
    std::vector<AdminFieldError> errors;
};
struct AdminCatalogueTab {
    bool loaded = false, loading = false;
    std::vector<AdminCatalogueRow> rows;
    std::string kind = "sector";        // kind shown
    std::string parent;                 // filter of professions / need items ("" = all)
    bool show_retired = false;
    AdminCatalogueForm form;
    std::string confirm_retire;         // "kind/id" waiting for confirmation
    AdminNotice notice;
};

// [SECTION] Devices
struct AdminDeviceRow {
    std::string id, name, enrolled_at, revoked_at, last_sync_at, app_version;
    int64_t pending = -1;
};
struct AdminDevicesTab {
    bool loaded = false, loading = false;
    std::vector<AdminDeviceRow> rows;
    std::string new_name;
    bool tried = false, adding = false;
    std::vector<AdminFieldError> errors;
    std::string code, expires_at, server_url;   // the enrollment code just created
    std::string confirm_revoke;                 // device id waiting for confirmation
    AdminNotice notice;
};

// [SECTION] Accounts
struct AdminAccountRow {
    std::string username, role;
    bool disabled = false;
};
struct AdminAccountsTab {
    bool loaded = false, loading = false;
    std::vector<AdminAccountRow> rows;
    std::string username, password, password_again, role = "staff";
    bool tried = false, saving = false;
    std::vector<AdminFieldError> errors;
    std::string busy_user;              // a PATCH in flight
    AdminNotice notice;
};

struct AdminTabsState {
    AdminCreatorsTab creators;
    AdminEventsTab events;
    AdminCatalogueTab catalogue;
    AdminDevicesTab devices;
    AdminAccountsTab accounts;
};

void DrawAdminCreatorsTab(AppState& st, AppServices& s);
void DrawAdminEventsTab(AppState& st, AppServices& s);
void DrawAdminCatalogueTab(AppState& st, AppServices& s);
void DrawAdminDevicesTab(AppState& st, AppServices& s);
void DrawAdminAccountsTab(AppState& st, AppServices& s);

}  // namespace comptoir::app
