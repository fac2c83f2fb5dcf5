// app/admin_dashboard.cpp — the needs dashboard of the admin mode: for each need item,
// the number of distinct creators as sorted horizontal bars with the critical-mass line
// (threshold editable here, default 10); filters by sector, profession, event and date
// range (GET /api/v1/reports/needs?sector=&profession=&event=&from=&to=&threshold=);
// per item, the creators who agreed to be contacted (…/needs/{item}/contacts) and the
// offers that can answer it (…/needs/{item}/offers); the trend across events (…/needs/trend) as small multiples;
// CSV/XLSX exports and a PNG of the screen (browser downloads, app/admin_web.cpp).
// Everything is drawn with ImDrawList, at any width from a 360 px phone to 1920 px.
//   [SECTION] Loading
//   [SECTION] Widgets
//   [SECTION] Filters
//   [SECTION] Bars and contacts
//   [SECTION] Trend
//   [SECTION] Exports
#include <algorithm>
#include <cstdio>
#include <functional>

#include <nlohmann/json.hpp>

#include "app/admin.h"
#include "app/app.h"
#include "app/app_text.h"
#include "core/clock.h"
#include "imgui.h"
#include "imgui_internal.h"   // a table cell's text baseline

namespace comptoir::app {

using nlohmann::json;

namespace {

constexpr ImU32 kInk = IM_COL32(30, 32, 38, 255);
constexpr ImU32 kMutedInk = IM_COL32(84, 89, 102, 255);
constexpr ImU32 kTrack = IM_COL32(226, 228, 233, 255);
constexpr ImU32 kBar = IM_COL32(21, 75, 137, 255);          // civic blue
constexpr ImU32 kBarCritical = IM_COL32(196, 84, 0, 255);   // orange: reached
constexpr ImU32 kCriticalBg = IM_COL32(255, 240, 224, 255);
constexpr ImU32 kLine = IM_COL32(176, 0, 32, 255);          // threshold line
constexpr ImU32 kPanelBg = IM_COL32(255, 255, 255, 255);
constexpr ImU32 kPanelBorder = IM_COL32(190, 192, 198, 255);

// [SECTION] Loading
std::string UrlEncode(const std::string& v) {
    std::string o;
    char buf[4];
    for (unsigned char c : v) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            o += char(c);
        } else {
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            o += buf;
        }
    }
    return o;
}

// The applied filters as a query string ("" = none), without the threshold.
std::string FilterQuery(const AdminDashboardState& d, bool with_event) {
    std::string q;
    auto add = [&q](const char* k, const std::string& v) {
        if (v.empty()) return;
        q += q.empty() ? "" : "&";
        q += std::string(k) + "=" + UrlEncode(v);
    };
    add("sector", d.sector);
    add("profession", d.profession);
    if (with_event) add("event", d.event);
    add("from", d.from);
    add("to", d.to);
    return q;
}

bool DatesValid(const AdminDashboardState& d) {
    if (!d.from.empty() && !IsIsoDate(d.from)) return false;
    if (!d.to.empty() && !IsIsoDate(d.to)) return false;
    return d.from.empty() || d.to.empty() || d.from <= d.to;
}

void ReadLabels(const json& e, std::string out[3]) {
    out[0] = e.value("label_fr", "");
    out[1] = e.value("label_nl", "");
    out[2] = e.value("label_en", "");
}

const std::string& Lbl(const std::string l[3], Lang lang, const std::string& fallback) {
    const std::string& v = l[static_cast<int>(lang)];
    if (!v.empty()) return v;
    return l[0].empty() ? fallback : l[0];
}

// Labels of need items, from the server's catalogue (the browser may hold no catalogue).
struct Catalogue {
    std::vector<AdminChoice> items;
};
Catalogue& Items() {
    static Catalogue c;
    return c;
}
const AdminChoice* FindItem(const std::string& id) {
    for (const AdminChoice& c : Items().items)
        if (c.id == id) return &c;
    return nullptr;
}

void LoadChoices(AppState& st, AppServices& s) {
    AdminDashboardState& d = st.admin.dash;
    d.choices_loaded = true;
    AdminCall(st, s, "GET", "/api/v1/catalogue", "", [&st](const HttpResponse& r) {
        AdminDashboardState& d = st.admin.dash;
        if (r.status == 401) {
            d.choices_loaded = false;   // again once signed in
            return;
        }
        json j = json::parse(r.body, nullptr, false);
        if (r.status != 200 || !j.is_object() || !j["entries"].is_array()) return;
        d.sectors.clear();
        d.professions.clear();
        Items().items.clear();
        for (const json& e : j["entries"]) {
            if (!e.is_object() || e.value("retired", false)) continue;
            AdminChoice c;
            c.id = e.value("id", "");
            c.parent = e.value("parent", "");
            ReadLabels(e, c.label);
            std::string kind = e.value("kind", "");
            if (kind == "sector") d.sectors.push_back(c);
            else if (kind == "profession") d.professions.push_back(c);
            else if (kind == "need_item") Items().items.push_back(c);
        }
        // Retired items may still have history: their labels are kept too.
        for (const json& e : j["entries"]) {
            if (!e.is_object() || !e.value("retired", false) || e.value("kind", "") != "need_item") continue;
            AdminChoice c;
            c.id = e.value("id", "");
            ReadLabels(e, c.label);
            Items().items.push_back(c);
        }
    });
    AdminCall(st, s, "GET", "/api/v1/events", "", [&st](const HttpResponse& r) {
        AdminDashboardState& d = st.admin.dash;
        if (r.status == 401) {
            d.choices_loaded = false;
            return;
        }
        json j = json::parse(r.body, nullptr, false);
        if (r.status != 200 || !j.is_object() || !j["events"].is_array()) return;
        d.events.clear();
        for (const json& e : j["events"]) {
            if (!e.is_object()) continue;
            AdminChoice c;
            c.id = e.value("id", "");
            std::string title = e.value("date", "") + "  " + e.value("title", "");
            for (std::string& l : c.label) l = title;
            d.events.push_back(c);
        }
        std::sort(d.events.begin(), d.events.end(),
                  [](const AdminChoice& a, const AdminChoice& b) { return a.label[0] > b.label[0]; });
    });
}

void LoadReport(AppState& st, AppServices& s) {
    AdminDashboardState& d = st.admin.dash;
    d.dirty = false;
    d.loading = true;
    d.error = AppText::Count_;
    std::string q = FilterQuery(d, true);
    const std::string query = q;
    std::string path = "/api/v1/reports/needs?threshold=" + std::to_string(d.threshold) + (q.empty() ? "" : "&" + q);
    AdminCall(st, s, "GET", path, "", [&st, query](const HttpResponse& r) {
        AdminDashboardState& d = st.admin.dash;
        d.loading = false;
        if (r.status == 401) {
            d.dirty = true;   // reload once signed in again
            return;
        }
        json j = json::parse(r.body, nullptr, false);
        if (r.status != 200 || !j.is_object() || !j["items"].is_array()) {
            d.error = r.status == 403 ? AppText::AdminErrForbidden
                      : r.status == 0 ? AppText::AdminErrNetwork
                                      : AppText::DashErrLoad;
            return;
        }
        d.rows.clear();
        for (const json& it : j["items"]) {
            if (!it.is_object()) continue;
            AdminNeedRow row;
            row.item = it.value("item", "");
            row.category = it.value("category", "");
            row.creators = it.value("creators", 0);
            row.offers = it.value("matching_offers", 0);
            if (row.creators <= 0) continue;
            d.rows.push_back(row);
        }
        d.total_creators = j.value("creators_considered", 0);
        d.with_needs = j.value("creators_with_needs", 0);
        d.shown_query = query;
        d.loaded = true;
    });
    // The trend follows the same filters, except the event (it spans the events).
    d.trend_loading = true;
    std::string tq = FilterQuery(d, false);
    AdminCall(st, s, "GET", "/api/v1/reports/needs/trend" + std::string(tq.empty() ? "" : "?" + tq), "",
              [&st](const HttpResponse& r) {
                  AdminDashboardState& d = st.admin.dash;
                  d.trend_loading = false;
                  json j = json::parse(r.body, nullptr, false);
                  if (r.status != 200 || !j.is_object() || !j["events"].is_array()) return;
                  d.trend_events.clear();
                  d.trend.clear();
                  std::vector<std::string> items;
                  for (const json& e : j["events"]) {
                      if (!e.is_object() || !e["items"].is_object()) continue;
                      for (auto it = e["items"].begin(); it != e["items"].end(); ++it)
                          if (std::find(items.begin(), items.end(), it.key()) == items.end()) items.push_back(it.key());
                  }
                  for (const std::string& id : items) d.trend.push_back(AdminTrendRow{id, {}});
                  for (const json& e : j["events"]) {
                      if (!e.is_object() || !e["items"].is_object()) continue;
                      const json& ev = e["event"];
                      d.trend_events.push_back(AdminTrendEvent{ev.value("id", ""), ev.value("title", ""),
                                                               ev.value("date", "")});
                      for (AdminTrendRow& row : d.trend) row.counts.push_back(e["items"].value(row.item, 0));
                  }
                  // Oldest event first (the server lists them by date).
                  std::vector<size_t> order(d.trend_events.size());
                  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
                  std::stable_sort(order.begin(), order.end(), [&d](size_t a, size_t b) {
                      return d.trend_events[a].date < d.trend_events[b].date;
                  });
                  std::vector<AdminTrendEvent> evs;
                  for (size_t i : order) evs.push_back(d.trend_events[i]);
                  d.trend_events = evs;
                  for (AdminTrendRow& row : d.trend) {
                      std::vector<int> c;
                      for (size_t i : order) c.push_back(row.counts[i]);
                      row.counts = c;
                  }
                  auto total = [](const AdminTrendRow& r) {
                      int t = 0;
                      for (int c : r.counts) t += c;
                      return t;
                  };
                  std::stable_sort(d.trend.begin(), d.trend.end(), [&](const AdminTrendRow& a, const AdminTrendRow& b) {
                      return total(a) > total(b);
                  });
              });
}

// GET /api/v1/reports/needs/{item}/{what} for the open item: sets *loading; the
// answer is dropped if another item was opened meanwhile; a failure sets *failed
// (a 401 instead sets *reload, if given: loaded again once signed in); else
// fill(the array `what` of the body).
void LoadOpenItemList(AppState& st, AppServices& s, const std::string& item, const char* what, bool* loading,
                      bool* failed, bool* reload, std::function<void(const json& list)> fill) {
    *loading = true;
    *failed = false;
    AdminCall(st, s, "GET", "/api/v1/reports/needs/" + UrlEncode(item) + "/" + what, "",
              [&st, item, what, loading, failed, reload, fill = std::move(fill)](const HttpResponse& r) {
                  if (st.admin.dash.open_item != item) return;   // another item was opened meanwhile
                  *loading = false;
                  json j = json::parse(r.body, nullptr, false);
                  if (r.status != 200 || !j.is_object() || !j[what].is_array()) {
                      *failed = r.status != 401;
                      if (r.status == 401 && reload) *reload = true;
                      return;
                  }
                  fill(j[what]);
              });
}

void LoadOffers(AppState& st, AppServices& s, const std::string& item) {
    AdminDashboardState& d = st.admin.dash;
    d.offers.clear();
    // A 401: reloaded with the contacts.
    LoadOpenItemList(st, s, item, "offers", &d.offers_loading, &d.offers_failed, nullptr, [&d](const json& list) {
        for (const json& o : list) {
            if (!o.is_object()) continue;
            d.offers.push_back(AdminOffer{o.value("kind", ""), o.value("description", ""), o.value("first_name", ""),
                                          o.value("last_name", ""), o.value("email", ""), o.value("match", "") == "item"});
        }
    });
}

void LoadContacts(AppState& st, AppServices& s, const std::string& item) {
    AdminDashboardState& d = st.admin.dash;
    d.open_item = item;
    d.contacts.clear();
    LoadOpenItemList(st, s, item, "contacts", &d.contacts_loading, &d.contacts_failed, &d.contacts_reload,
                     [&d](const json& list) {
                         for (const json& c : list) {
                             if (!c.is_object()) continue;
                             d.contacts.push_back(AdminContact{c.value("first_name", ""), c.value("last_name", ""),
                                                               c.value("email", ""), c.value("preferred_lang", "")});
                         }
                         std::sort(d.contacts.begin(), d.contacts.end(),
                                   [](const AdminContact& a, const AdminContact& b) {
                                       return a.last_name + a.first_name < b.last_name + b.first_name;
                                   });
                     });
    LoadOffers(st, s, item);
}

std::string ItemLabel(const std::string& id, Lang lang) {
    if (const AdminChoice* c = FindItem(id)) return Lbl(c->label, lang, id);
    return id;
}

// [SECTION] Widgets
// A labelled drop-down as tall as a text field; options are recorded as <key>.opt.<id>
// ("" = all). Returns true when the value changed.
bool Select(const char* key, const char* label, const std::vector<AdminChoice>& options, std::string* value,
            Lang lang, const char* all_label) {
    ImGui::PushID(key);
    ImGui::PushFont(ui::GetFonts().bold);
    ImGui::TextUnformatted(label);
    ImGui::PopFont();
    std::string preview = all_label;
    for (const AdminChoice& o : options)
        if (o.id == *value) preview = Lbl(o.label, lang, o.id);
    bool changed = false;
    const float h = ui::Px(56);
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x);
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(ui::Px(14), (h - ImGui::GetFontSize()) * 0.5f));
    ImGui::PushStyleColor(ImGuiCol_FrameBg, ImVec4(1, 1, 1, 1));
    bool open = ImGui::BeginCombo("##combo", preview.c_str(), ImGuiComboFlags_HeightLarge);
    ImGui::PopStyleColor();
    ImGui::PopStyleVar();
    ui::RecordLastItem(key);
    if (open) {
        auto option = [&](const std::string& id, const std::string& text) {
            std::string k = std::string(key) + ".opt." + (id.empty() ? "all" : id);
            ImGui::PushID(k.c_str());
            if (ImGui::Selectable(text.c_str(), *value == id, 0, ImVec2(0, ui::Px(44)))) {
                if (*value != id) changed = true;
                *value = id;
            }
            ImGui::PopID();
            ui::RecordLastItem(k.c_str());
        };
        option("", all_label);
        for (const AdminChoice& o : options) option(o.id, Lbl(o.label, lang, o.id));
        ImGui::EndCombo();
    }
    ImGui::PopID();
    return changed;
}

// A table cell starts with the row's text baseline, which a tall frame in an earlier
// cell raised: labels would sit lower than in the first cell. Reset it.
void NextCell() {
    ImGui::TableNextColumn();
    ImGui::GetCurrentWindow()->DC.CurrLineTextBaseOffset = 0;
}

// Buttons that flow on lines like words.
struct Flow {
    bool first = true;
    bool Button(const char* key, const char* label) {
        ImGui::PushFont(ui::GetFonts().bold);
        float w = ImGui::CalcTextSize(label).x + ui::Px(56);
        ImGui::PopFont();
        if (!first) {
            ImGui::SameLine(0, ui::Px(10));
            if (ImGui::GetCursorPosX() + w > ImGui::GetWindowContentRegionMax().x) ImGui::NewLine();
        }
        first = false;
        return ui::SecondaryButton(key, label, w);
    }
};

// [SECTION] Filters
// The filters: on wide screens one row with the Apply/Clear buttons; else 5, 3 or 1
// column(s) (folded behind a button on phones) and a line of buttons. Returns true when
// that line of buttons is the current line (the threshold control may follow on it).
bool DrawFilters(AppState& st) {
    AdminDashboardState& d = st.admin.dash;
    const Lang L = st.lang;
    const float avail = ImGui::GetContentRegionAvail().x;
    // Phones: the filters fold away so that the bars come first.
    if (avail < ui::Px(640)) {
        int active = int(!d.sector.empty()) + int(!d.profession.empty()) + int(!d.event.empty()) + int(!d.from.empty()) +
                     int(!d.to.empty());
        std::string label = d.filters_open ? std::string(T(L, AppText::DashFiltersHide)) : Tf(L, AppText::DashFiltersShow, active);
        if (ui::SecondaryButton("dash.filters.toggle", label.c_str(), avail)) {
            d.filters_open = !d.filters_open;
            ui::ClearTextFocus();
        }
        if (!d.filters_open) return false;
        ImGui::Dummy(ImVec2(0, ui::Px(4)));
    }
    // Wide screens: the five filters and the two buttons in one row.
    ImGui::PushFont(ui::GetFonts().bold);
    const float apply_w = ImGui::CalcTextSize(T(L, AppText::DashApply)).x + ui::Px(56);
    const float clear_w = ImGui::CalcTextSize(T(L, AppText::DashClear)).x + ui::Px(56);
    ImGui::PopFont();
    const bool one_row = avail - apply_w - clear_w > ui::Px(5 * 170);
    const int cols = one_row ? 7 : avail > ui::Px(1000) ? 5 : avail > ui::Px(640) ? 3 : 1;
    std::vector<AdminChoice> professions;
    for (const AdminChoice& p : d.professions)
        if (d.sector.empty() || p.parent == d.sector) professions.push_back(p);
    bool changed = false;
    const char* date_err = T(L, AppText::DashErrDate);
    const char* err_from = d.filters_tried && !d.from.empty() && !IsIsoDate(d.from) ? date_err : nullptr;
    const char* err_to = d.filters_tried && !d.to.empty() && !IsIsoDate(d.to) ? date_err : nullptr;
    if (!err_from && !err_to && d.filters_tried && !DatesValid(d)) err_to = T(L, AppText::DashErrDateOrder);
    bool apply = false, clear = false;
    if (ImGui::BeginTable("##filters", cols, ImGuiTableFlags_SizingStretchSame)) {
        if (one_row) {
            for (const char* c : {"sector", "profession", "event", "from", "to"})
                ImGui::TableSetupColumn(c, ImGuiTableColumnFlags_WidthStretch, 1.0f);
            ImGui::TableSetupColumn("apply", ImGuiTableColumnFlags_WidthFixed, apply_w);
            ImGui::TableSetupColumn("clear", ImGuiTableColumnFlags_WidthFixed, clear_w);
        }
        NextCell();
        if (Select("dash.sector", T(L, AppText::DashSector), d.sectors, &d.sector, L, T(L, AppText::DashAll))) {
            changed = true;
            bool keep = false;   // a profession of another sector no longer applies
            for (const AdminChoice& p : d.professions)
                if (p.id == d.profession && (d.sector.empty() || p.parent == d.sector)) keep = true;
            if (!keep) d.profession.clear();
        }
        NextCell();
        changed |= Select("dash.profession", T(L, AppText::DashProfession), professions, &d.profession, L,
                          T(L, AppText::DashAll));
        NextCell();
        changed |= Select("dash.event", T(L, AppText::DashEvent), d.events, &d.event, L, T(L, AppText::DashAll));
        NextCell();
        ui::TextField("dash.from", T(L, AppText::DashFrom), &d.from, ui::FieldKind::Code, err_from);
        NextCell();
        ui::TextField("dash.to", T(L, AppText::DashTo), &d.to, ui::FieldKind::Code, err_to);
        if (one_row) {
            // An empty label line, so that the buttons stand level with the fields.
            for (int i = 0; i < 2; ++i) {
                NextCell();
                ImGui::PushFont(ui::GetFonts().bold);
                ImGui::TextUnformatted(" ");
                ImGui::PopFont();
                if (i == 0) apply = ui::SecondaryButton("dash.apply", T(L, AppText::DashApply), apply_w);
                else clear = ui::SecondaryButton("dash.clear", T(L, AppText::DashClear), clear_w);
            }
        }
        ImGui::EndTable();
    }
    if (!one_row) {
        ImGui::Dummy(ImVec2(0, ui::Px(4)));
        Flow flow;
        apply = flow.Button("dash.apply", T(L, AppText::DashApply));
        clear = flow.Button("dash.clear", T(L, AppText::DashClear));
    }
    if (ui::TakeSubmit()) apply = true;
    if (clear) {
        d.sector.clear();
        d.profession.clear();
        d.event.clear();
        d.from.clear();
        d.to.clear();
        d.filters_tried = false;
        ui::ClearTextFocus();
        changed = true;
    }
    if (apply) {
        d.filters_tried = true;
        ui::ClearTextFocus();
        changed = true;
    }
    if (changed && DatesValid(d)) {
        d.dirty = true;
        d.open_item.clear();
    }
    return !one_row;
}

// [SECTION] Bars and contacts
// The critical-mass control: "-" "+" and its value. `same_line`: after the filters'
// buttons when it fits there, else on its own line.
void DrawThreshold(AppState& st, bool same_line) {
    AdminDashboardState& d = st.admin.dash;
    const Lang L = st.lang;
    const float b = ui::Px(60);   // ui's button height
    std::string t = Tf(L, AppText::DashThreshold, d.threshold);
    if (same_line) {
        ImGui::PushFont(ui::GetFonts().bold);
        const float need = ui::Px(64) * 2 + ui::Px(8 + 14 + 32) + ImGui::CalcTextSize(t.c_str()).x;
        ImGui::PopFont();
        const float used = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x;
        same_line = used + need <= ImGui::GetWindowContentRegionMax().x;
    }
    if (same_line) ImGui::SameLine(0, ui::Px(32));
    else ImGui::Dummy(ImVec2(0, ui::Px(2)));
    if (ui::SecondaryButton("dash.threshold.minus", "-", ui::Px(64)) && d.threshold > 1) d.threshold--;
    ImGui::SameLine(0, ui::Px(8));
    if (ui::SecondaryButton("dash.threshold.plus", "+", ui::Px(64)) && d.threshold < 100000) d.threshold++;
    ImGui::SameLine(0, ui::Px(14));
    ImGui::PushFont(ui::GetFonts().bold);
    // Centred on the buttons, also when it wraps on two lines (phones).
    const float text_h = ImGui::CalcTextSize(t.c_str(), nullptr, false, ImGui::GetContentRegionAvail().x).y;
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + std::max(0.0f, (b - text_h) * 0.5f));
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(t.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
    ui::RecordLastItem("dash.threshold");
}

// The offers that can answer the open item (docs/server.md "Offers matching a need"):
// kind, description, who offers it, and their email if they agreed to be contacted.
void DrawOffers(AppState& st, bool beside) {
    AdminDashboardState& d = st.admin.dash;
    const Lang L = st.lang;
    if (!beside) ImGui::Dummy(ImVec2(0, ui::Px(8)));
    std::string head = Tf(L, AppText::DashOffers, int(d.offers.size()));
    ImGui::PushFont(ui::GetFonts().bold);
    ImGui::TextUnformatted(head.c_str());
    ImGui::PopFont();
    ui::RecordLastItem("dash.contacts.offers");
    ImGui::Dummy(ImVec2(0, ui::Px(4)));
    if (d.offers_loading) {
        ui::MutedText(T(L, AppText::DashLoading));
        return;
    }
    if (d.offers_failed) {
        ui::ErrorText("dash.offers.error", T(L, AppText::DashErrLoad));
        return;
    }
    if (d.offers.empty()) {
        ui::Paragraph(T(L, AppText::DashNoOffers));
        ui::RecordLastItem("dash.offers.none");
        return;
    }
    int i = 0;
    for (const AdminOffer& o : d.offers) {
        const char* kind = o.kind == "materiel" ? Tr(L, Text::OfferMateriel)
                           : o.kind == "espace" ? Tr(L, Text::OfferEspace)
                                                : Tr(L, Text::OfferCompetence);
        std::string head_line = std::string(kind) + "  ·  " + o.first_name + " " + o.last_name;
        ImGui::PushFont(ui::GetFonts().bold);
        ImGui::TextUnformatted(head_line.c_str());
        ImGui::PopFont();
        std::string k = "dash.offer." + std::to_string(i++);
        ui::RecordLastItem(k.c_str());
        if (!o.description.empty()) ImGui::TextUnformatted(o.description.c_str());
        std::string meta = std::string(T(L, o.exact ? AppText::DashOfferExact : AppText::DashOfferByKind)) + "  ·  " +
                           (o.email.empty() ? std::string(T(L, AppText::DashOfferNoContact)) : o.email);
        ui::MutedText(meta.c_str());
        ImGui::Dummy(ImVec2(0, ui::Px(4)));
    }
}

void DrawContactsPanel(AppState& st, const AdminNeedRow& row) {
    AdminDashboardState& d = st.admin.dash;
    const Lang L = st.lang;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float pad = ui::Px(18);
    const float w = ImGui::GetContentRegionAvail().x;
    ImVec2 p = ImGui::GetCursorScreenPos();
    dl->ChannelsSplit(2);
    dl->ChannelsSetCurrent(1);
    ImGui::SetCursorScreenPos(ImVec2(p.x + pad, p.y + pad));
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + w - 2 * pad);
    std::string title = Tf(L, AppText::DashContactsTitle, ItemLabel(row.item, L).c_str());
    ImGui::PushFont(ui::GetFonts().bold);
    ImGui::TextUnformatted(title.c_str());
    ImGui::PopFont();
    ui::RecordLastItem("dash.contacts.title");
    ImGui::Dummy(ImVec2(0, ui::Px(4)));
    // Wide screens: contacts on the left, offers on the right; else one under the other.
    const float gap = ui::Px(32);
    const bool two_cols = w > ui::Px(820);
    const float col_w = two_cols ? (w - 2 * pad - gap) * 0.5f : w - 2 * pad;
    const ImVec2 top = ImGui::GetCursorScreenPos();
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + col_w);
    if (d.contacts_loading) {
        ui::MutedText(T(L, AppText::DashLoading));
    } else if (d.contacts_failed) {
        ui::ErrorText("dash.contacts.error", T(L, AppText::DashErrLoad));
    } else if (d.contacts.empty()) {
        ui::Paragraph(T(L, AppText::DashNoContacts));
        ui::RecordLastItem("dash.contacts.none");
    } else {
        int i = 0;
        for (const AdminContact& c : d.contacts) {
            std::string name = c.first_name + " " + c.last_name;
            std::string line = c.email + (c.lang.empty() ? "" : "  ·  " + c.lang);
            ImGui::PushFont(ui::GetFonts().bold);
            ImGui::TextUnformatted(name.c_str());
            ImGui::PopFont();
            std::string k = "dash.contact." + std::to_string(i++);
            ui::RecordLastItem(k.c_str());
            ImGui::TextUnformatted(line.c_str());
            ImGui::Dummy(ImVec2(0, ui::Px(4)));
        }
    }
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    const float left_bottom = ImGui::GetItemRectMax().y;
    if (two_cols) ImGui::SetCursorScreenPos(ImVec2(top.x + col_w + gap, top.y));
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + col_w);
    DrawOffers(st, two_cols);
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    if (two_cols) {
        ImGui::SetCursorScreenPos(ImVec2(top.x, std::max(left_bottom, ImGui::GetItemRectMax().y)));
        ImGui::Dummy(ImVec2(0, 0));
    }
    ImGui::PopTextWrapPos();
    ImGui::Dummy(ImVec2(0, ui::Px(4)));
    if (ui::SecondaryButton("dash.contacts.close", T(L, AppText::DashClose))) d.open_item.clear();
    ImGui::EndGroup();
    float bottom = ImGui::GetItemRectMax().y + pad;
    dl->ChannelsSetCurrent(0);
    dl->AddRectFilled(p, ImVec2(p.x + w, bottom), kPanelBg, ui::Px(10));
    dl->AddRect(p, ImVec2(p.x + w, bottom), kPanelBorder, ui::Px(10), 0, ui::Px(1.5f));
    dl->ChannelsMerge();
    ImGui::SetCursorScreenPos(ImVec2(p.x, bottom));
    ImGui::Dummy(ImVec2(w, ui::Px(10)));
}

// `after_threshold`: the threshold control is the current line; the summary follows it
// there when it fits (wide screens), so the bars start within the first screen.
void DrawBars(AppState& st, AppServices& s, bool after_threshold) {
    AdminDashboardState& d = st.admin.dash;
    const Lang L = st.lang;
    // Sorted: most creators first, then by label in the current language.
    std::vector<AdminNeedRow*> rows;
    for (AdminNeedRow& r : d.rows) {
        r.critical = r.creators >= d.threshold;
        rows.push_back(&r);
    }
    std::stable_sort(rows.begin(), rows.end(), [L](const AdminNeedRow* a, const AdminNeedRow* b) {
        if (a->creators != b->creators) return a->creators > b->creators;
        return ItemLabel(a->item, L) < ItemLabel(b->item, L);
    });
    int reached = 0, max_count = 0;
    for (const AdminNeedRow* r : rows) {
        reached += r->critical ? 1 : 0;
        max_count = std::max(max_count, r->creators);
    }
    // One line on wide screens: "16 creators match …  1 need reaches the critical mass."
    std::string summary = Tf(L, AppText::DashSummary, d.total_creators, d.with_needs);
    std::string rs = Tf(L, AppText::DashReached, reached);
    ImGui::PushFont(ui::GetFonts().bold);
    const float rs_w = ImGui::CalcTextSize(rs.c_str()).x;
    ImGui::PopFont();
    const float summary_w = ImGui::CalcTextSize(summary.c_str()).x;
    const bool one_line = summary_w + ui::Px(20) + rs_w <= ImGui::GetContentRegionAvail().x;
    if (after_threshold && one_line &&
        ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x + ui::Px(40) + summary_w + ui::Px(20) + rs_w <=
            ImGui::GetWindowContentRegionMax().x)
        ImGui::SameLine(0, ui::Px(40));
    else
        ImGui::Dummy(ImVec2(0, ui::Px(4)));
    ui::Paragraph(summary.c_str());
    ui::RecordLastItem("dash.summary");
    if (one_line) ImGui::SameLine(0, ui::Px(20));
    ImGui::PushFont(ui::GetFonts().bold);
    ImGui::TextUnformatted(rs.c_str());
    ImGui::PopFont();
    ui::RecordLastItem("dash.reached");
    if (rows.empty()) {
        ui::Paragraph(T(L, AppText::DashEmpty));
        ui::RecordLastItem("dash.empty");
        return;
    }

    const ui::Fonts& f = ui::GetFonts();
    const float avail = ImGui::GetContentRegionAvail().x;
    const bool wide = avail > ui::Px(820);
    const float label_w = wide ? std::min(avail * 0.36f, ui::Px(440)) : avail;
    const float count_w = ui::Px(56);
    const float bar_h = ui::Px(30);
    const float track_w = std::max(ui::Px(60), (wide ? avail - label_w - ui::Px(16) : avail) - count_w);
    const float scale = float(std::max(max_count, d.threshold)) * 1.08f;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    std::string open_now = d.open_item;
    for (AdminNeedRow* r : rows) {
        const std::string label = ItemLabel(r->item, L);
        ImVec2 p = ImGui::GetCursorScreenPos();
        // Label: left column on wide screens, its own line above the bar on phones.
        ImFont* font = r->critical ? f.bold : f.body;
        ImVec2 text = font->CalcTextSizeA(font->FontSize, FLT_MAX, label_w - ui::Px(12), label.c_str());
        const float row_h = wide ? std::max(bar_h, text.y) + ui::Px(14) : text.y + ui::Px(6) + bar_h + ui::Px(14);
        const bool open = open_now == r->item;
        ImGui::PushID(r->item.c_str());
        bool clicked = ImGui::InvisibleButton("##bar", ImVec2(avail, row_h));
        bool hovered = ImGui::IsItemHovered();
        ImGui::PopID();
        std::string key = "dash.bar." + r->item;
        ui::RecordLastItem(key.c_str());
        if (r->critical || open || hovered)
            dl->AddRectFilled(ImVec2(p.x - ui::Px(6), p.y), ImVec2(p.x + avail + ui::Px(6), p.y + row_h - ui::Px(4)),
                              open ? IM_COL32(222, 232, 246, 255) : r->critical ? kCriticalBg : IM_COL32(240, 242, 246, 255),
                              ui::Px(8));
        float by;
        float bx;
        if (wide) {
            dl->AddText(font, font->FontSize, ImVec2(p.x, p.y + ui::Px(5)), kInk, label.c_str(), nullptr,
                        label_w - ui::Px(12));
            bx = p.x + label_w + ui::Px(16);
            by = p.y + (row_h - ui::Px(4) - bar_h) * 0.5f;
        } else {
            dl->AddText(font, font->FontSize, ImVec2(p.x, p.y + ui::Px(3)), kInk, label.c_str(), nullptr,
                        label_w - ui::Px(12));
            bx = p.x;
            by = p.y + text.y + ui::Px(6);
        }
        dl->AddRectFilled(ImVec2(bx, by), ImVec2(bx + track_w, by + bar_h), kTrack, ui::Px(4));
        float len = track_w * float(r->creators) / scale;
        dl->AddRectFilled(ImVec2(bx, by), ImVec2(bx + std::max(len, ui::Px(3)), by + bar_h),
                          r->critical ? kBarCritical : kBar, ui::Px(4));
        // The critical-mass line, across the bar.
        float tx = bx + track_w * float(d.threshold) / scale;
        dl->AddLine(ImVec2(tx, by - ui::Px(5)), ImVec2(tx, by + bar_h + ui::Px(5)), kLine, ui::Px(3));
        char num[16];
        std::snprintf(num, sizeof num, "%d", r->creators);
        dl->AddText(f.bold, f.bold->FontSize, ImVec2(bx + track_w + ui::Px(10), by + (bar_h - f.bold->FontSize) * 0.5f),
                    r->critical ? kBarCritical : kInk, num);
        if (clicked) {
            if (open) d.open_item.clear();
            else LoadContacts(st, s, r->item);
        }
        if (open && !clicked) DrawContactsPanel(st, *r);
    }
    // Legend: the line and the colours.
    ImGui::Dummy(ImVec2(0, ui::Px(4)));
    ImVec2 p = ImGui::GetCursorScreenPos();
    const float fs = ImGui::GetFontSize();
    dl->AddLine(ImVec2(p.x + ui::Px(8), p.y), ImVec2(p.x + ui::Px(8), p.y + fs), kLine, ui::Px(3));
    std::string legend = Tf(L, AppText::DashThreshold, d.threshold);
    ImGui::SetCursorScreenPos(ImVec2(p.x + ui::Px(22), p.y));
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(kMutedInk));
    ImGui::TextUnformatted(legend.c_str());
    ImGui::SameLine(0, ui::Px(24));
    ImVec2 q = ImGui::GetCursorScreenPos();
    dl->AddRectFilled(ImVec2(q.x, q.y + fs * 0.2f), ImVec2(q.x + fs * 1.4f, q.y + fs * 0.85f), kBarCritical, ui::Px(3));
    ImGui::SetCursorScreenPos(ImVec2(q.x + fs * 1.4f + ui::Px(8), q.y));
    ImGui::TextUnformatted(T(L, AppText::DashCritical));
    ImGui::PopStyleColor();
}

// [SECTION] Trend
void DrawTrend(AppState& st) {
    AdminDashboardState& d = st.admin.dash;
    const Lang L = st.lang;
    ui::Heading(T(L, AppText::DashTrendTitle));
    ui::RecordLastItem("dash.trend");
    if (d.trend_loading && d.trend_events.empty()) {
        ui::MutedText(T(L, AppText::DashLoading));
        return;
    }
    if (d.trend_events.empty() || d.trend.empty()) {
        ui::Paragraph(T(L, AppText::DashTrendEmpty));
        return;
    }
    // Small multiples: one card per need (the 12 most asked), one bar per event.
    const ui::Fonts& f = ui::GetFonts();
    const float avail = ImGui::GetContentRegionAvail().x;
    const float gap = ui::Px(14);
    const int cols = std::max(1, int((avail + gap) / (ui::Px(330) + gap)));
    const float card_w = (avail - gap * float(cols - 1)) / float(cols);
    const float chart_h = ui::Px(90);
    const float small = f.small->FontSize;
    int max_count = 1;
    for (const AdminTrendRow& r : d.trend)
        for (int c : r.counts) max_count = std::max(max_count, c);
    const size_t n_events = d.trend_events.size();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const size_t shown = std::min<size_t>(d.trend.size(), 12);
    for (size_t i = 0; i < shown; ++i) {
        const AdminTrendRow& r = d.trend[i];
        if (i % size_t(cols) != 0) ImGui::SameLine(0, gap);
        ImVec2 p = ImGui::GetCursorScreenPos();
        const std::string label = ItemLabel(r.item, L);
        ImVec2 ts = f.bold->CalcTextSizeA(f.bold->FontSize, FLT_MAX, card_w - ui::Px(24), label.c_str());
        const float label_h = std::max(ts.y, f.bold->FontSize * 2.2f);
        const float card_h = ui::Px(12) + label_h + ui::Px(8) + small + chart_h + small + ui::Px(16);
        ImGui::Dummy(ImVec2(card_w, card_h));
        std::string key = "dash.trend." + r.item;
        ui::RecordLastItem(key.c_str());
        dl->AddRectFilled(p, ImVec2(p.x + card_w, p.y + card_h), kPanelBg, ui::Px(8));
        dl->AddRect(p, ImVec2(p.x + card_w, p.y + card_h), kPanelBorder, ui::Px(8));
        dl->AddText(f.bold, f.bold->FontSize, ImVec2(p.x + ui::Px(12), p.y + ui::Px(12)), kInk, label.c_str(), nullptr,
                    card_w - ui::Px(24));
        const float base = p.y + ui::Px(12) + label_h + ui::Px(8) + small + chart_h;
        const float slot = (card_w - ui::Px(24)) / float(n_events);
        const float bw = std::min(slot * 0.7f, ui::Px(48));
        for (size_t e = 0; e < n_events; ++e) {
            int c = e < r.counts.size() ? r.counts[e] : 0;
            float x = p.x + ui::Px(12) + slot * float(e) + (slot - bw) * 0.5f;
            float h = chart_h * float(c) / float(max_count);
            dl->AddRectFilled(ImVec2(x, base - std::max(h, ui::Px(2))), ImVec2(x + bw, base),
                              c >= d.threshold ? kBarCritical : kBar, ui::Px(2));
            char num[16];
            std::snprintf(num, sizeof num, "%d", c);
            float nw = f.small->CalcTextSizeA(small, FLT_MAX, 0, num).x;
            dl->AddText(f.small, small, ImVec2(x + (bw - nw) * 0.5f, base - h - small - ui::Px(2)), kInk, num);
            // The event's date under its bar ("MM-DD"), when there is room.
            const std::string& date = d.trend_events[e].date;
            std::string md = date.size() >= 10 ? date.substr(5, 5) : date;
            float dw = f.small->CalcTextSizeA(small, FLT_MAX, 0, md.c_str()).x;
            if (dw < slot - ui::Px(2))
                dl->AddText(f.small, small, ImVec2(x + (bw - dw) * 0.5f, base + ui::Px(3)), kMutedInk, md.c_str());
        }
        dl->AddLine(ImVec2(p.x + ui::Px(10), base), ImVec2(p.x + card_w - ui::Px(10), base), kPanelBorder, ui::Px(1));
        if (i % size_t(cols) == size_t(cols) - 1 || i + 1 == shown) ImGui::Dummy(ImVec2(0, gap * 0.5f));
    }
    // The events in order, with their titles (the cards show dates only).
    ImGui::Dummy(ImVec2(0, ui::Px(4)));
    for (const AdminTrendEvent& e : d.trend_events) {
        std::string line = e.date + "  ·  " + e.title;
        ui::MutedText(line.c_str());
    }
}

// [SECTION] Exports
void StartDownload(AppState& st, const std::string& path, const std::string& filename) {
    AdminDashboardState& d = st.admin.dash;
    d.export_file = filename;
    if (!g_admin_download || !g_admin_download(path, st.admin.session.token, filename)) {
        d.export_status = AppText::DashExportUnavailable;
        return;
    }
    d.export_status = AppText::DashExportStarted;
}

void DrawExports(AppState& st) {
    AdminDashboardState& d = st.admin.dash;
    const Lang L = st.lang;
    ui::Heading(T(L, AppText::DashExportTitle));
    const std::string lang = LangCode(L);
    struct Kind {
        const char* which;
        AppText label;
    };
    const Kind kinds[] = {{"needs", AppText::DashExportNeeds},
                          {"creators", AppText::DashExportCreators},
                          {"attendance", AppText::DashExportAttendance}};
    Flow flow;
    for (const Kind& k : kinds) {
        for (const char* ext : {"csv", "xlsx"}) {
            std::string label = std::string(T(L, k.label)) + " · " + (ext[0] == 'c' ? "CSV" : "XLSX");
            std::string key = std::string("dash.export.") + k.which + "." + ext;
            if (!flow.Button(key.c_str(), label.c_str())) continue;
            std::string path = std::string("/api/v1/exports/") + k.which + "." + ext + "?lang=" + lang;
            if (std::string(k.which) == "needs") {
                path += "&threshold=" + std::to_string(d.threshold);
                if (!d.shown_query.empty()) path += "&" + d.shown_query;
            } else if (std::string(k.which) == "attendance" && !d.event.empty()) {
                path += "&event=" + UrlEncode(d.event);
            }
            StartDownload(st, path, std::string("comptoir-") + k.which + "." + ext);
        }
    }
    if (flow.Button("dash.export.png", T(L, AppText::DashPrint))) StartDownload(st, "", "comptoir-dashboard.png");
    if (d.export_status != AppText::Count_) {
        if (d.export_status == AppText::DashExportStarted) {
            std::string msg = Tf(L, d.export_status, d.export_file.c_str());
            ui::MutedText(msg.c_str());
        } else {
            ui::ErrorText("dash.export.error", T(L, d.export_status));
        }
        ui::RecordLastItem("dash.export.status");
    }
}

}  // namespace

void DrawAdminDashboard(AppState& st, AppServices& s) {
    AdminDashboardState& d = st.admin.dash;
    const Lang L = st.lang;
    if (!d.choices_loaded) LoadChoices(st, s);
    if (d.dirty && !d.loading && DatesValid(d)) LoadReport(st, s);
    if (d.contacts_reload && !d.open_item.empty()) {
        d.contacts_reload = false;
        LoadContacts(st, s, d.open_item);
    }
    ui::Title(T(L, AppText::DashTitle));
    ui::RecordLastItem("dash.title");
    ui::Paragraph(T(L, AppText::DashIntro));
    ImGui::Dummy(ImVec2(0, ui::Px(4)));
    const bool buttons_line = DrawFilters(st);
    DrawThreshold(st, buttons_line);
    if (d.error != AppText::Count_) {
        ui::ErrorText("dash.error", T(L, d.error));
        if (ui::SecondaryButton("dash.retry", T(L, AppText::DashRetry))) d.dirty = true;
    }
    if (!d.loaded) {
        ui::MutedText(T(L, AppText::DashLoading));
        ui::RecordLastItem("dash.loading");
    } else {
        DrawBars(st, s, d.error == AppText::Count_);
    }
    ImGui::Dummy(ImVec2(0, ui::Px(12)));
    DrawTrend(st);
    ImGui::Dummy(ImVec2(0, ui::Px(12)));
    DrawExports(st);
}

}  // namespace comptoir::app
