// app/admin_tabs_widgets.h — small helpers shared by the admin tabs only
// (app/admin_tab_*.cpp): reading the server's answers, translating its error codes,
// list rows, the two-pane layout of wide screens.
//
//   nlohmann::json j = adm::Body(r);                        // {} if not JSON
//   adm::Fail(&tab.notice, r, &form.errors);                // field errors + banner
//   ui::TextField(key, label, &v, kind, adm::FieldText(form.errors, "email", L));
//   if (adm::ListRow("adm.events.row.x", title, detail, selected)) ...
//   if (adm::SplitBegin("adm.events.split")) { ...list...; adm::SplitNext(); ...detail...; adm::SplitEnd(); }
//   adm::LoadList(st, s, "/api/v1/devices", {&t.loading, &t.loaded, &t.notice},
//                 [&t](const nlohmann::json& body) { ...fill t.rows... });
//   switch (adm::SaveCancelRow("adm.events.form", f.saving, L)) { case adm::FormButton::Save: ... }
//   adm::RecheckOnLeave(key, "email", f.tried, &f.errors, [&] { return CheckEvent(f); });
#pragma once
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/admin_tabs.h"
#include "core/validate.h"
#include "sync/client/transport.h"

namespace comptoir::app::adm {

nlohmann::json Body(const HttpResponse& r);
std::string Str(const nlohmann::json& j, const char* key);   // "" unless a string
bool Ok(const HttpResponse& r);                              // 2xx

// For a failed answer: fills `fields` with the server's field errors (if any) and the
// notice with what the banner says.
void Fail(AdminNotice* n, const HttpResponse& r, std::vector<AdminFieldError>* fields = nullptr);
// The banner of a failure (translated), "" if none.
std::string FailureText(Lang lang, const AdminNotice& n);
// The translated message of a wire error code (core's ids and the admin API's own).
const char* CodeText(Lang lang, const std::string& field, const std::string& code);
// The translated message of the first error on `field`, or null.
const char* FieldText(const std::vector<AdminFieldError>& errors, const char* field, Lang lang);
void AddCoreErrors(const std::vector<FieldError>& in, std::vector<AdminFieldError>* out);

std::string UrlEncode(const std::string& s);
std::string ShortTime(const std::string& rfc3339);   // "2026-11-27 14:03" (UTC)
std::string Join(const std::vector<std::string>& v, const char* sep = ", ");

// [Requests] A list's state that LoadList updates (pointers into AppState, which
// outlives every call).
struct ListLoad {
    bool* loading;
    bool* loaded;
    AdminNotice* notice;
    // A 401 (the session expired; AdminCall asks to sign in again) leaves the list
    // unloaded, so the tab's next draw loads it once more after the re-sign-in.
    bool reload_after_sign_in = true;
};
// GET `path` for a list: sets *loading; on the answer clears it and marks the list
// loaded; a failure goes to the notice (adm::Fail), else fill(body). `current`, if
// given, is asked first: false drops the answer (a newer request is on its way).
void LoadList(AppState& st, AppServices& s, const std::string& path, ListLoad list,
              std::function<void(const nlohmann::json& body)> fill, std::function<bool()> current = {});

// Layout: true if there is room for a list and a detail side by side.
bool Wide();
// Two columns on wide screens (list | detail); stacked otherwise. SplitBegin returns
// whether the table was opened (call SplitNext/SplitEnd only then).
bool SplitBegin(const char* id);
void SplitNext();
void SplitEnd();

// A full-width tappable row: bold title, muted detail line(s); recorded under `key`.
// `actions`: widths of the buttons (RowAction) that follow it; on a wide enough column
// they sit at the row's right end, else under it.
bool ListRow(const char* key, const std::string& title, const std::string& detail, bool selected,
             float actions = 0);
// A SmallButton placed after the last ListRow (inside its right end if there was room).
bool RowAction(const char* key, const char* label);
// Ends the actions of the last row (moves below it).
void RowActionsEnd();
// "Label: value" on one wrapped line, recorded under `key`.
void InfoRow(const char* key, const char* label, const std::string& value);
// The panel's banners (error red, success green), recorded as key.error / key.success.
void Notice(const char* key, const AdminNotice& n, Lang lang);
// A small outlined button that fits inline (rows of actions).
bool SmallButton(const char* key, const char* label);
// Widths of ui::PrimaryButton / SecondaryButton (auto width) and SmallButton for a label.
float ButtonWidth(const char* label);
float SmallButtonWidth(const char* label);
// After an item: continue on the same line if `next_width` still fits, else wrap.
void SameLineIfFits(float next_width);
// A form's Save / Cancel buttons ("<key>.save", "<key>.cancel"): side by side when
// there is room, else stacked full width. While `saving`, Save reads "Saving…" and
// does nothing. Returns the button tapped this frame.
enum class FormButton { None, Save, Cancel };
FormButton SaveCancelRow(const char* key, bool saving, Lang lang);
// Once a form was tried (saved with errors), leaving the field `key` checks its value
// `name` again: the field's errors become those check() gives for it.
void RecheckOnLeave(const char* key, const char* name, bool tried, std::vector<AdminFieldError>* errors,
                    const std::function<std::vector<AdminFieldError>()>& check);
// A read-only multi-line text (GDPR export when no download is possible).
void ReadOnlyText(const char* key, const std::string& text, float height);

// The server's catalogue, shared with the catalogue tab (loaded on first need):
// labels of sectors, professions and need items in the creators and events tabs.
void EnsureCatalogue(AppState& st, AppServices& s);
std::string CatalogueLabel(const AppState& st, const std::string& id);   // the id if unknown
// Events, shared with the events tab (titles of attendances).
void EnsureEvents(AppState& st, AppServices& s);

}  // namespace comptoir::app::adm
