// app/admin_tab_events.cpp — admin tab "Events": the list with the number of attendees
// of each event, create / edit (title, sector, date, place, retired) with field errors,
// the attendees of one event, and the current event of a device (delivered to the
// device by its next pull).
//   [SECTION] Requests
//   [SECTION] Panels
//   [SECTION] Tab
#include <algorithm>

#include "app/admin_tabs_widgets.h"
#include "app/app.h"
#include "app/app_text.h"
#include "core/clock.h"
#include "imgui.h"

namespace comptoir::app {

using nlohmann::json;

namespace {

// [SECTION] Requests
void LoadAttendanceCount(AppState& st, AppServices& s, const std::string& id) {
    AdminCall(st, s, "GET", "/api/v1/events/" + adm::UrlEncode(id) + "/attendance", "", [&st, id](const HttpResponse& r) {
        if (!adm::Ok(r)) return;
        json j = adm::Body(r);
        AdminEventsTab& t = st.admin.tabs.events;
        for (AdminEventRow& e : t.rows)
            if (e.id == id) e.creators = j.value("creators", int64_t(0));
        if (t.attendance_of == id) {
            t.attendees.clear();
            for (const json& a : j.value("attendees", json::array()))
                t.attendees.push_back(adm::Str(a, "first_name") + " " + adm::Str(a, "last_name") + " · " +
                                      adm::Str(a, "email"));
            t.anonymous = j.value("anonymous", int64_t(0));
        }
    });
}

void LoadEvents(AppState& st, AppServices& s) {
    AdminEventsTab& t = st.admin.tabs.events;
    adm::LoadList(st, s, "/api/v1/events", {&t.loading, &t.loaded, &t.notice}, [&st, &s, &t](const json& body) {
        t.rows.clear();
        for (const json& e : body.value("events", json::array()))
            t.rows.push_back({adm::Str(e, "id"), adm::Str(e, "title"), adm::Str(e, "sector"), adm::Str(e, "date"),
                              adm::Str(e, "place"), e.value("retired", false), -1});
        // Newest first: the next meeting is what staff look for.
        std::stable_sort(t.rows.begin(), t.rows.end(), [](const AdminEventRow& a, const AdminEventRow& b) {
            return a.date > b.date;
        });
        for (size_t i = 0; i < t.rows.size() && i < 60; ++i) LoadAttendanceCount(st, s, t.rows[i].id);
    });
}

void LoadDevices(AppState& st, AppServices& s) {
    AdminEventsTab& t = st.admin.tabs.events;
    t.devices_loaded = true;
    AdminCall(st, s, "GET", "/api/v1/devices", "", [&st](const HttpResponse& r) {
        if (!adm::Ok(r)) return;
        AdminEventsTab& t = st.admin.tabs.events;
        t.devices.clear();
        for (const json& d : adm::Body(r).value("devices", json::array()))
            if (!d.contains("revoked_at") || d["revoked_at"].is_null())
                t.devices.push_back({adm::Str(d, "id"), adm::Str(d, "name")});
    });
}

std::vector<AdminFieldError> CheckEvent(const AdminEventForm& f) {
    Event e;
    e.id = f.id.empty() ? "new" : f.id;
    e.title = f.title;
    e.sector = f.sector;
    e.date = f.date;
    e.place = f.place;
    std::vector<AdminFieldError> out;
    adm::AddCoreErrors(ValidateEvent(e), &out);
    return out;
}

void SaveEvent(AppState& st, AppServices& s) {
    AdminEventsTab& t = st.admin.tabs.events;
    AdminEventForm& f = t.form;
    f.tried = true;
    f.errors = CheckEvent(f);
    t.notice = {};
    if (!f.errors.empty()) {
        t.notice.error_text = AppText::AdmFixErrors;
        return;
    }
    json body = {{"title", f.title}, {"sector", f.sector}, {"date", f.date}, {"place", f.place}};
    if (!f.id.empty()) body["retired"] = f.retired;
    f.saving = true;
    const bool is_new = f.id.empty();
    std::string path = is_new ? "/api/v1/events" : "/api/v1/events/" + adm::UrlEncode(f.id);
    AdminCall(st, s, is_new ? "POST" : "PATCH", path, body.dump(), [&st, &s, is_new](const HttpResponse& r) {
        AdminEventsTab& t = st.admin.tabs.events;
        t.form.saving = false;
        if (!adm::Ok(r)) {   // the form keeps what was typed
            adm::Fail(&t.notice, r, &t.form.errors);
            return;
        }
        t.form = AdminEventForm{};
        t.notice.success = is_new ? AppText::AdmEventCreated : AppText::AdmSaved;
        ui::ClearTextFocus();
        LoadEvents(st, s);
    });
}

void SetDeviceEvent(AppState& st, AppServices& s) {
    AdminEventsTab& t = st.admin.tabs.events;
    t.device_notice = {};
    if (t.device_id.empty()) {
        t.device_notice.error_text = AppText::AdmChooseDevice;
        return;
    }
    t.device_saving = true;
    json body = {{"event_id", t.device_event.empty() ? json() : json(t.device_event)}};
    AdminCall(st, s, "PUT", "/api/v1/devices/" + adm::UrlEncode(t.device_id) + "/current-event", body.dump(),
              [&st](const HttpResponse& r) {
                  AdminEventsTab& t = st.admin.tabs.events;
                  t.device_saving = false;
                  if (!adm::Ok(r)) {
                      adm::Fail(&t.device_notice, r);
                      return;
                  }
                  t.device_notice.success = AppText::AdmDeviceEventDone;
              });
}

std::string EventLine(const AppState& st, const AdminEventRow& e) {
    std::string line = e.date;
    if (!e.place.empty()) line += " · " + e.place;
    line += " · " + (e.sector.empty() ? std::string(T(st.lang, AppText::AdmEventAllSectors)) : adm::CatalogueLabel(st, e.sector));
    if (e.creators >= 0) line += " · " + Tf(st.lang, AppText::AdmEventAttendees, int(e.creators));
    if (e.retired) line += " · " + std::string(T(st.lang, AppText::AdmRetired));
    return line;
}

// [SECTION] Panels
void FormPanel(AppState& st, AppServices& s) {
    AdminEventsTab& t = st.admin.tabs.events;
    AdminEventForm& f = t.form;
    const Lang L = st.lang;
    ui::Heading(T(L, f.id.empty() ? AppText::AdmEventsNew : AppText::AdmEdit));
    auto field = [&](const char* key, const char* name, AppText label, std::string* v, ui::FieldKind kind) {
        ui::TextField(key, T(L, label), v, kind, adm::FieldText(f.errors, name, L));
        adm::RecheckOnLeave(key, name, f.tried, &f.errors, [&] { return CheckEvent(f); });
    };
    field("adm.events.form.title", "title", AppText::AdmEventTitle, &f.title, ui::FieldKind::Text);
    field("adm.events.form.date", "date", AppText::AdmEventDate, &f.date, ui::FieldKind::Text);
    field("adm.events.form.place", "place", AppText::AdmEventPlace, &f.place, ui::FieldKind::Text);
    ImGui::PushFont(ui::GetFonts().bold);
    ImGui::TextUnformatted(T(L, AppText::AdmEventSector));
    ImGui::PopFont();
    ui::ChipRowBegin();
    if (ui::Chip("adm.events.form.sector.none", T(L, AppText::AdmEventAllSectors), f.sector.empty())) f.sector.clear();
    for (const std::string& id : t.sectors) {
        std::string key = "adm.events.form.sector." + id;
        if (ui::Chip(key.c_str(), adm::CatalogueLabel(st, id).c_str(), f.sector == id)) f.sector = id;
    }
    ui::ChipRowEnd();
    if (const char* e = adm::FieldText(f.errors, "sector", L)) ui::ErrorText("adm.events.form.sector.error", e);
    if (!f.id.empty()) ui::CheckBox("adm.events.form.retired", T(L, AppText::AdmEventRetire), &f.retired);
    ImGui::Dummy(ImVec2(0, ui::Px(6)));
    const adm::FormButton tapped = adm::SaveCancelRow("adm.events.form", f.saving, L);
    if (tapped == adm::FormButton::Save) SaveEvent(st, s);
    if (tapped == adm::FormButton::Cancel) {
        t.form = AdminEventForm{};
        t.notice = {};
        ui::ClearTextFocus();
    }
}

void AttendeesPanel(AppState& st) {
    AdminEventsTab& t = st.admin.tabs.events;
    const Lang L = st.lang;
    for (const AdminEventRow& e : t.rows)
        if (e.id == t.attendance_of) {
            ui::Heading((e.title + " · " + e.date).c_str());
            std::string n = Tf(L, AppText::AdmEventAttendees, int(std::max<int64_t>(0, e.creators)));
            ui::Paragraph(n.c_str());
            ui::RecordLastItem("adm.events.attendees.count");
        }
    if (t.anonymous > 0) {
        std::string a = Tf(L, AppText::AdmEventAnonymous, int(t.anonymous));
        ui::MutedText(a.c_str());
    }
    for (size_t i = 0; i < t.attendees.size(); ++i) {
        std::string line = "• " + t.attendees[i];
        ui::Paragraph(line.c_str());
        std::string key = "adm.events.attendee." + std::to_string(i);
        ui::RecordLastItem(key.c_str());
    }
}

void DevicePanel(AppState& st, AppServices& s) {
    AdminEventsTab& t = st.admin.tabs.events;
    const Lang L = st.lang;
    ui::Heading(T(L, AppText::AdmDeviceEvent));
    ui::MutedText(T(L, AppText::AdmDeviceEventHint));
    if (AdminIsAdmin(st)) {
        if (!t.devices_loaded) LoadDevices(st, s);
        ui::ChipRowBegin();
        for (const AdminDeviceChoice& d : t.devices) {
            std::string key = "adm.events.device." + d.id;
            if (ui::Chip(key.c_str(), d.name.c_str(), t.device_id == d.id)) t.device_id = d.id;
        }
        ui::ChipRowEnd();
    } else {
        ui::TextField("adm.events.device.id", T(L, AppText::AdmDeviceId), &t.device_id, ui::FieldKind::Code, nullptr);
    }
    ImGui::Dummy(ImVec2(0, ui::Px(4)));
    ui::ChipRowBegin();
    if (ui::Chip("adm.events.devev.none", T(L, AppText::AdmDeviceEventNone), t.device_event.empty())) t.device_event.clear();
    for (const AdminEventRow& e : t.rows) {
        if (e.retired) continue;
        std::string key = "adm.events.devev." + e.id;
        std::string label = e.title + " · " + e.date;
        if (ui::Chip(key.c_str(), label.c_str(), t.device_event == e.id)) t.device_event = e.id;
    }
    ui::ChipRowEnd();
    ImGui::Dummy(ImVec2(0, ui::Px(4)));
    if (ui::PrimaryButton("adm.events.device.set", T(L, t.device_saving ? AppText::AdmSaving : AppText::AdmDeviceEventSet)) &&
        !t.device_saving)
        SetDeviceEvent(st, s);
    adm::Notice("adm.events.device.notice", t.device_notice, st.lang);
}

void ListPanel(AppState& st, AppServices& s) {
    AdminEventsTab& t = st.admin.tabs.events;
    const Lang L = st.lang;
    if (t.loading && t.rows.empty()) ui::MutedText(T(L, AppText::AdmLoading));
    else if (t.rows.empty()) ui::MutedText(T(L, AppText::AdmEventsEmpty));
    for (const AdminEventRow& e : t.rows) {
        std::string key = "adm.events.row." + e.id;
        bool sel = t.form.id == e.id || t.attendance_of == e.id;
        if (adm::ListRow(key.c_str(), e.title, EventLine(st, e), sel)) {
            t.form = AdminEventForm{};
            t.form.open = true;
            t.form.id = e.id;
            t.form.title = e.title;
            t.form.sector = e.sector;
            t.form.date = e.date;
            t.form.place = e.place;
            t.form.retired = e.retired;
            t.attendance_of = e.id;
            t.attendees.clear();
            t.anonymous = 0;
            t.notice = {};
            ui::ClearTextFocus();
            LoadAttendanceCount(st, s, e.id);
        }
    }
}

}  // namespace

namespace adm {
void EnsureEvents(AppState& st, AppServices& s) {
    AdminEventsTab& t = st.admin.tabs.events;
    if (!t.loaded && !t.loading) LoadEvents(st, s);
}
}  // namespace adm

// [SECTION] Tab
void DrawAdminEventsTab(AppState& st, AppServices& s) {
    AdminEventsTab& t = st.admin.tabs.events;
    const Lang L = st.lang;
    adm::EnsureCatalogue(st, s);
    adm::EnsureEvents(st, s);
    t.sectors.clear();
    for (const AdminCatalogueRow& r : st.admin.tabs.catalogue.rows)
        if (r.kind == "sector" && !r.retired) t.sectors.push_back(r.id);
    ui::Title(T(L, AppText::AdmEventsTitle));
    ui::RecordLastItem("adm.events.title");
    const bool wide = adm::Wide();
    if (!t.form.open || wide) {
        if (ui::PrimaryButton("adm.events.new", T(L, AppText::AdmEventsNew))) {
            t.form = AdminEventForm{};
            t.form.open = true;
            t.form.date = NowRfc3339().substr(0, 10);
            t.attendance_of.clear();
            t.notice = {};
            ui::ClearTextFocus();
        }
        adm::SameLineIfFits(adm::ButtonWidth(T(L, AppText::AdmReload)));
        if (ui::SecondaryButton("adm.events.reload", T(L, AppText::AdmReload)) && !t.loading) LoadEvents(st, s);
    } else if (ui::SecondaryButton("adm.events.back", T(L, AppText::AdmBack))) {
        t.form = AdminEventForm{};
        t.attendance_of.clear();
        ui::ClearTextFocus();
    }
    adm::Notice("adm.events.notice", t.notice, st.lang);
    ImGui::Dummy(ImVec2(0, ui::Px(8)));
    if (adm::SplitBegin("adm.events.split")) {
        ListPanel(st, s);
        adm::SplitNext();
        if (t.form.open) FormPanel(st, s);
        if (!t.attendance_of.empty()) AttendeesPanel(st);
        DevicePanel(st, s);
        adm::SplitEnd();
    } else if (t.form.open) {
        FormPanel(st, s);
        if (!t.attendance_of.empty()) AttendeesPanel(st);
    } else {
        ListPanel(st, s);
        DevicePanel(st, s);
    }
}

}  // namespace comptoir::app
