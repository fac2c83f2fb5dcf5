// app/admin_tab_catalogue.cpp — admin tab "Catalogue": sectors, professions (per
// sector), need categories and need items (per category) with their FR/NL/EN labels;
// add, edit, retire / restore (a retired entry leaves the forms, its history stays).
// Staff see the catalogue; editing is for admins (the server answers 403 otherwise).
//   [SECTION] Requests
//   [SECTION] Panels
//   [SECTION] Tab
#include <algorithm>
#include <cstdlib>

#include "app/admin_tabs_widgets.h"
#include "app/app.h"
#include "app/app_text.h"
#include "imgui.h"

namespace comptoir::app {

using nlohmann::json;

namespace {

// [SECTION] Requests
AdminCatalogueRow RowOf(const json& e) {
    AdminCatalogueRow r;
    r.kind = adm::Str(e, "kind");
    r.id = adm::Str(e, "id");
    r.parent = adm::Str(e, "parent");
    r.label_fr = adm::Str(e, "label_fr");
    r.label_nl = adm::Str(e, "label_nl");
    r.label_en = adm::Str(e, "label_en");
    r.sort = e.value("sort", 0);
    r.retired = e.value("retired", false);
    return r;
}

void LoadCatalogue(AppState& st, AppServices& s) {
    AdminCatalogueTab& t = st.admin.tabs.catalogue;
    adm::LoadList(st, s, "/api/v1/catalogue", {&t.loading, &t.loaded, &t.notice}, [&t](const json& body) {
        t.rows.clear();
        for (const json& e : body.value("entries", json::array())) t.rows.push_back(RowOf(e));
        std::stable_sort(t.rows.begin(), t.rows.end(), [](const AdminCatalogueRow& a, const AdminCatalogueRow& b) {
            return a.sort != b.sort ? a.sort < b.sort : a.id < b.id;
        });
    });
}

const char* ParentKind(const std::string& kind) {
    return kind == "profession" ? "sector" : kind == "need_item" ? "need_category" : "";
}

std::string Label(const AdminCatalogueRow& r, Lang L) {
    const std::string& l = L == Lang::Nl ? r.label_nl : L == Lang::En ? r.label_en : r.label_fr;
    return l.empty() ? (r.label_fr.empty() ? r.id : r.label_fr) : l;
}

std::vector<AdminFieldError> CheckEntry(const AdminCatalogueForm& f) {
    CatalogueEntry e;
    e.kind = f.kind;
    e.id = f.id;
    e.parent = f.parent;
    e.label_fr = f.label_fr;
    e.label_nl = f.label_nl;
    e.label_en = f.label_en;
    std::vector<AdminFieldError> out;
    adm::AddCoreErrors(ValidateCatalogueEntry(e), &out);
    if (!f.sort.empty()) {
        char* end = nullptr;
        std::strtol(f.sort.c_str(), &end, 10);
        if (!end || *end != '\0' || f.sort.size() > 6) out.push_back({"sort", "invalid_value"});
    }
    return out;
}

void Send(AppState& st, AppServices& s, const std::string& method, const std::string& path, const json& body,
          AppText done_text, bool from_form) {
    AdminCall(st, s, method, path, body.dump(), [&st, &s, done_text, from_form](const HttpResponse& r) {
        AdminCatalogueTab& t = st.admin.tabs.catalogue;
        if (from_form) t.form.saving = false;
        if (!adm::Ok(r)) {   // the form keeps what was typed
            adm::Fail(&t.notice, r, from_form ? &t.form.errors : nullptr);
            return;
        }
        if (from_form) t.form = AdminCatalogueForm{};
        t.confirm_retire.clear();
        t.notice = {};
        t.notice.success = done_text;
        ui::ClearTextFocus();
        LoadCatalogue(st, s);
    });
}

void SaveForm(AppState& st, AppServices& s) {
    AdminCatalogueTab& t = st.admin.tabs.catalogue;
    AdminCatalogueForm& f = t.form;
    f.tried = true;
    f.errors = CheckEntry(f);
    t.notice = {};
    if (!f.errors.empty()) {
        t.notice.error_text = AppText::AdmFixErrors;
        return;
    }
    json body = {{"label_fr", f.label_fr}, {"label_nl", f.label_nl}, {"label_en", f.label_en}};
    if (!f.sort.empty()) body["sort"] = std::atoi(f.sort.c_str());
    if (*ParentKind(f.kind)) body["parent"] = f.parent;
    f.saving = true;
    if (f.is_new) {
        body["kind"] = f.kind;
        body["id"] = f.id;
        Send(st, s, "POST", "/api/v1/catalogue", body, AppText::AdmCatalogueCreated, true);
    } else {
        Send(st, s, "PATCH", "/api/v1/catalogue/" + adm::UrlEncode(f.kind) + "/" + adm::UrlEncode(f.id), body,
             AppText::AdmSaved, true);
    }
}

// [SECTION] Panels
void FormPanel(AppState& st, AppServices& s) {
    AdminCatalogueTab& t = st.admin.tabs.catalogue;
    AdminCatalogueForm& f = t.form;
    const Lang L = st.lang;
    ui::Heading(T(L, f.is_new ? AppText::AdmCatalogueNew : AppText::AdmEdit));
    auto field = [&](const char* key, const char* name, const char* label, std::string* v, ui::FieldKind kind) {
        ui::TextField(key, label, v, kind, adm::FieldText(f.errors, name, L));
        adm::RecheckOnLeave(key, name, f.tried, &f.errors, [&] { return CheckEntry(f); });
    };
    if (f.is_new) field("adm.catalogue.form.id", "id", T(L, AppText::AdmCatalogueId), &f.id, ui::FieldKind::Code);
    else adm::InfoRow("adm.catalogue.form.id", "id", f.id);
    const std::string pk = ParentKind(f.kind);
    if (!pk.empty()) {
        ImGui::PushFont(ui::GetFonts().bold);
        ImGui::TextUnformatted(T(L, pk == "sector" ? AppText::AdmCatalogueParentSector : AppText::AdmCatalogueParentCategory));
        ImGui::PopFont();
        ui::ChipRowBegin();
        for (const AdminCatalogueRow& p : t.rows) {
            if (p.kind != pk || (p.retired && p.id != f.parent)) continue;
            std::string key = "adm.catalogue.form.parent." + p.id;
            if (ui::Chip(key.c_str(), Label(p, L).c_str(), f.parent == p.id)) f.parent = p.id;
        }
        ui::ChipRowEnd();
        if (const char* e = adm::FieldText(f.errors, "parent", L)) ui::ErrorText("adm.catalogue.form.parent.error", e);
    }
    field("adm.catalogue.form.label_fr", "label_fr", T(L, AppText::AdmLabelFr), &f.label_fr, ui::FieldKind::Text);
    field("adm.catalogue.form.label_nl", "label_nl", T(L, AppText::AdmLabelNl), &f.label_nl, ui::FieldKind::Text);
    field("adm.catalogue.form.label_en", "label_en", T(L, AppText::AdmLabelEn), &f.label_en, ui::FieldKind::Text);
    field("adm.catalogue.form.sort", "sort", T(L, AppText::AdmCatalogueSort), &f.sort, ui::FieldKind::Number);
    const adm::FormButton tapped = adm::SaveCancelRow("adm.catalogue.form", f.saving, L);
    if (tapped == adm::FormButton::Save) SaveForm(st, s);
    if (tapped == adm::FormButton::Cancel) {
        t.form = AdminCatalogueForm{};
        t.notice = {};
        ui::ClearTextFocus();
    }
}

void ListPanel(AppState& st, AppServices& s) {
    AdminCatalogueTab& t = st.admin.tabs.catalogue;
    const Lang L = st.lang;
    const bool admin = AdminIsAdmin(st);
    const std::string pk = ParentKind(t.kind);
    if (!pk.empty()) {   // filter professions by sector, items by category
        ui::ChipRowBegin();
        if (ui::Chip("adm.catalogue.parent.all", T(L, AppText::AdmCatalogueAll), t.parent.empty())) t.parent.clear();
        for (const AdminCatalogueRow& p : t.rows) {
            if (p.kind != pk || p.retired) continue;
            std::string key = "adm.catalogue.parent." + p.id;
            if (ui::Chip(key.c_str(), Label(p, L).c_str(), t.parent == p.id)) t.parent = p.id;
        }
        ui::ChipRowEnd();
    }
    ui::CheckBox("adm.catalogue.show_retired", T(L, AppText::AdmCatalogueShowRetired), &t.show_retired);
    int shown = 0;
    if (t.loading && t.rows.empty()) ui::MutedText(T(L, AppText::AdmLoading));
    for (const AdminCatalogueRow& r : t.rows) {
        if (r.kind != t.kind || (r.retired && !t.show_retired) || (!t.parent.empty() && r.parent != t.parent)) continue;
        ++shown;
        std::string key = "adm.catalogue.row." + r.id;
        std::string detail = "FR " + r.label_fr + " · NL " + r.label_nl + " · EN " + r.label_en + "\n" + r.id;
        if (r.retired) detail += " · " + std::string(T(L, AppText::AdmRetired));
        bool sel = !t.form.is_new && t.form.id == r.id;
        const std::string rk = r.kind + "/" + r.id;
        const char* action = T(L, r.retired ? AppText::AdmRestore : AppText::AdmRetire);
        const float actions = admin ? std::max(adm::SmallButtonWidth(T(L, AppText::AdmRestore)),
                                               adm::SmallButtonWidth(T(L, AppText::AdmRetire)))
                                    : 0;
        if (adm::ListRow(key.c_str(), Label(r, L), detail, sel, actions) && admin) {
            t.form = AdminCatalogueForm{};
            t.form.open = true;
            t.form.is_new = false;
            t.form.kind = r.kind;
            t.form.id = r.id;
            t.form.parent = r.parent;
            t.form.label_fr = r.label_fr;
            t.form.label_nl = r.label_nl;
            t.form.label_en = r.label_en;
            t.form.sort = std::to_string(r.sort);
            t.notice = {};
            ui::ClearTextFocus();
        }
        if (!admin) continue;
        if (t.confirm_retire == rk) {
            std::string q = Tf(L, AppText::AdmRetireConfirm, Label(r, L).c_str());
            ui::ErrorText("adm.catalogue.retire.question", q.c_str());
            if (adm::SmallButton("adm.catalogue.retire.confirm", T(L, AppText::AdmConfirm)))
                Send(st, s, "PATCH", "/api/v1/catalogue/" + adm::UrlEncode(r.kind) + "/" + adm::UrlEncode(r.id),
                     json{{"retired", true}}, AppText::AdmSaved, false);
            adm::SameLineIfFits(adm::SmallButtonWidth(T(L, AppText::AdmCancel)));
            if (adm::SmallButton("adm.catalogue.retire.cancel", T(L, AppText::AdmCancel))) t.confirm_retire.clear();
            ImGui::Dummy(ImVec2(0, ui::Px(6)));
        } else if (r.retired) {
            std::string k = "adm.catalogue.restore." + r.id;
            if (adm::RowAction(k.c_str(), action))
                Send(st, s, "PATCH", "/api/v1/catalogue/" + adm::UrlEncode(r.kind) + "/" + adm::UrlEncode(r.id),
                     json{{"retired", false}}, AppText::AdmSaved, false);
        } else {
            std::string k = "adm.catalogue.retire." + r.id;
            if (adm::RowAction(k.c_str(), action)) t.confirm_retire = rk;
        }
        adm::RowActionsEnd();
    }
    if (!t.loading && shown == 0) ui::MutedText(T(L, AppText::AdmCatalogueEmpty));
}

}  // namespace

namespace adm {
void EnsureCatalogue(AppState& st, AppServices& s) {
    AdminCatalogueTab& t = st.admin.tabs.catalogue;
    if (!t.loaded && !t.loading) LoadCatalogue(st, s);
}

std::string CatalogueLabel(const AppState& st, const std::string& id) {
    for (const AdminCatalogueRow& r : st.admin.tabs.catalogue.rows)
        if (r.id == id) return Label(r, st.lang);
    return id;
}
}  // namespace adm

// [SECTION] Tab
void DrawAdminCatalogueTab(AppState& st, AppServices& s) {
    AdminCatalogueTab& t = st.admin.tabs.catalogue;
    const Lang L = st.lang;
    adm::EnsureCatalogue(st, s);
    ui::Title(T(L, AppText::AdmCatalogueTitle));
    ui::RecordLastItem("adm.catalogue.title");
    struct KindChoice {
        const char* kind;
        AppText label;
    };
    const KindChoice kinds[] = {{"sector", AppText::AdmKindSector},
                                {"profession", AppText::AdmKindProfession},
                                {"need_category", AppText::AdmKindCategory},
                                {"need_item", AppText::AdmKindItem}};
    ui::ChipRowBegin();
    for (const KindChoice& k : kinds) {
        std::string key = std::string("adm.catalogue.kind.") + k.kind;
        if (ui::Chip(key.c_str(), T(L, k.label), t.kind == k.kind) && t.kind != k.kind) {
            t.kind = k.kind;
            t.parent.clear();
            t.confirm_retire.clear();
            if (t.form.is_new) t.form = AdminCatalogueForm{};   // an edit in progress stays
        }
    }
    ui::ChipRowEnd();
    const bool wide = adm::Wide();
    if (!t.form.open || wide) {
        if (AdminIsAdmin(st) && ui::PrimaryButton("adm.catalogue.new", T(L, AppText::AdmCatalogueNew))) {
            t.form = AdminCatalogueForm{};
            t.form.open = true;
            t.form.kind = t.kind;
            t.form.parent = t.parent;
            t.notice = {};
            ui::ClearTextFocus();
        }
    } else if (ui::SecondaryButton("adm.catalogue.back", T(L, AppText::AdmBack))) {
        t.form = AdminCatalogueForm{};
        ui::ClearTextFocus();
    }
    adm::Notice("adm.catalogue.notice", t.notice, st.lang);
    ImGui::Dummy(ImVec2(0, ui::Px(8)));
    if (adm::SplitBegin("adm.catalogue.split")) {
        ListPanel(st, s);
        adm::SplitNext();
        if (t.form.open) FormPanel(st, s);
        adm::SplitEnd();
    } else if (t.form.open) {
        FormPanel(st, s);
    } else {
        ListPanel(st, s);
    }
}

}  // namespace comptoir::app
