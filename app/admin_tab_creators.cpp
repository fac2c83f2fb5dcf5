// app/admin_tab_creators.cpp — admin tab "Creators": server search with pages, the
// detail of a person (identity, sectors, needs, offers, attendance, consents), the edit
// form (PATCH, audited by the server) with field errors, the person's change history,
// likely duplicates with a confirmed merge (admin), GDPR export and erase (admin, typed
// confirmation).
//   [SECTION] Requests
//   [SECTION] Panels
//   [SECTION] Tab
#include <algorithm>

#include "app/admin_tabs_widgets.h"
#include "app/app.h"
#include "app/app_text.h"
#include "core/domain_json.h"
#include "imgui.h"
#include "core/uuid.h"

namespace comptoir::app {

using nlohmann::json;

namespace {

constexpr int kPageSize = 20;

// [SECTION] Requests
AdminCreatorRow RowOf(const json& j) {
    return {adm::Str(j, "id"), adm::Str(j, "first_name"), adm::Str(j, "last_name"), adm::Str(j, "email"),
            adm::Str(j, "postcode")};
}

std::string FullName(const std::string& first, const std::string& last) {
    std::string n = first + (first.empty() || last.empty() ? "" : " ") + last;
    return n.empty() ? "?" : n;
}

void Search(AppState& st, AppServices& s, int64_t offset) {
    AdminCreatorsTab& t = st.admin.tabs.creators;
    t.searched = t.query;
    std::string path = "/api/v1/creators?limit=" + std::to_string(kPageSize) + "&offset=" + std::to_string(offset);
    if (!t.query.empty()) path += "&q=" + adm::UrlEncode(t.query);
    std::string q = t.query;
    adm::LoadList(
        st, s, path, {&t.loading, &t.loaded, &t.notice},
        [&t, offset](const json& j) {
            t.rows.clear();
            for (const json& c : j.value("creators", json::array())) t.rows.push_back(RowOf(c));
            t.total = j.value("total", int64_t(0));
            t.offset = offset;
        },
        [&t, q] { return t.searched == q; });   // else a newer search is on its way
}

AdminCreatorFields FieldsOf(const json& d) {
    AdminCreatorFields f;
    f.first_name = adm::Str(d, "first_name");
    f.last_name = adm::Str(d, "last_name");
    f.email = adm::Str(d, "email");
    f.phone = adm::Str(d, "phone");
    f.postcode = adm::Str(d, "postcode");
    f.commune = adm::Str(d, "commune");
    f.website = adm::Str(d, "website");
    f.structure_name = adm::Str(d, "structure_name");
    f.other_profession = adm::Str(d, "other_profession");
    f.preferred_lang = adm::Str(d, "preferred_lang");
    return f;
}

std::vector<std::string> Strings(const json& j, const char* key) {
    std::vector<std::string> out;
    if (j.is_object() && j.contains(key) && j[key].is_array())
        for (const json& x : j[key])
            if (x.is_string()) out.push_back(x.get<std::string>());
    return out;
}

// A creator bundle (GET ?email=, PATCH answer): {creator:{id,data,received_at}, needs, offers, attendances}.
void ApplyBundle(AppState& st, const json& b) {
    AdminCreatorsTab& t = st.admin.tabs.creators;
    const json& c = b.value("creator", json::object());
    const json d = c.value("data", json::object());
    AdminCreatorDetail x;
    x.id = adm::Str(c, "id");
    x.received_at = adm::Str(c, "received_at");
    x.fields = FieldsOf(d);
    x.sectors = Strings(d, "sectors");
    x.professions = Strings(d, "professions");
    x.languages = Strings(d, "languages");
    const json w = d.value("work", json::object());
    x.work = Strings(w, "statuses");
    if (w.value("ata", false)) x.work.push_back(adm::Str(w, "ata_level").empty() ? "ata" : "ata:" + adm::Str(w, "ata_level"));
    if (w.value("arts_allowance", false)) x.work.push_back("arts_allowance");
    if (w.value("via_smart", false)) x.work.push_back("via_smart");
    for (const json& n : b.value("needs", json::array())) {
        const json nd = n.value("data", json::object());
        if (nd.value("deleted", false)) continue;
        x.needs.push_back({adm::Str(nd, "item"), adm::Str(nd, "frequency"), adm::Str(nd, "urgency"),
                           adm::Str(nd, "budget"), adm::Str(nd, "comment")});
    }
    for (const json& o : b.value("offers", json::array())) {
        const json od = o.value("data", json::object());
        if (od.value("deleted", false)) continue;
        x.offers.push_back({adm::Str(od, "kind"), adm::Str(od, "item"), adm::Str(od, "description")});
    }
    for (const json& a : b.value("attendances", json::array())) {
        const json ad = a.value("data", json::object());
        x.attendances.push_back({adm::Str(ad, "event_id"), adm::Str(ad, "at")});
    }
    const json cs = d.value("consents", json::object());
    auto given = [&](const char* k) { return cs.contains(k) && cs[k].is_object() && cs[k].value("given", false); };
    x.consent_processing = given("processing");
    x.consent_contact = given("contact");
    x.consent_newsletter = given("newsletter");
    x.consent_directory = given("directory");
    if (x.consent_processing) x.consent_processing_at = adm::Str(cs["processing"], "at");
    t.detail = std::move(x);
    for (AdminCreatorRow& r : t.rows)
        if (r.id == t.detail.id) {
            r.first_name = t.detail.fields.first_name;
            r.last_name = t.detail.fields.last_name;
            r.email = t.detail.fields.email;
            r.postcode = t.detail.fields.postcode;
        }
}

void LoadAudit(AppState& st, AppServices& s, const std::string& id) {
    AdminCall(st, s, "GET", "/api/v1/creators/" + adm::UrlEncode(id) + "/audit", "", [&st, id](const HttpResponse& r) {
        AdminCreatorsTab& t = st.admin.tabs.creators;
        if (t.selected != id || !adm::Ok(r)) return;
        t.audit.clear();
        for (const json& e : adm::Body(r).value("entries", json::array()))
            t.audit.push_back({adm::Str(e, "at"), adm::Str(e, "actor"), adm::Str(e, "field"), adm::Str(e, "old"),
                               adm::Str(e, "new")});
    });
}

void Open(AppState& st, AppServices& s, const AdminCreatorRow& row) {
    AdminCreatorsTab& t = st.admin.tabs.creators;
    if (t.selected == row.id && !t.detail_loading) return;
    t.selected = row.id;
    t.detail = AdminCreatorDetail{};
    t.detail.id = row.id;
    t.detail.fields.first_name = row.first_name;
    t.detail.fields.last_name = row.last_name;
    t.detail.fields.email = row.email;
    t.audit.clear();
    t.editing = false;
    t.edit_errors.clear();
    t.export_json.clear();
    t.erase_confirm = false;
    t.erase_typed.clear();
    t.notice = {};
    t.detail_loading = true;
    ui::ClearTextFocus();
    std::string id = row.id;
    AdminCall(st, s, "GET", "/api/v1/creators?email=" + adm::UrlEncode(row.email), "", [&st, id](const HttpResponse& r) {
        AdminCreatorsTab& t = st.admin.tabs.creators;
        if (t.selected != id) return;
        t.detail_loading = false;
        if (!adm::Ok(r)) {
            adm::Fail(&t.notice, r);
            return;
        }
        for (const json& b : adm::Body(r).value("creators", json::array()))
            if (adm::Str(b.value("creator", json::object()), "id") == id) ApplyBundle(st, b);
    });
    LoadAudit(st, s, id);
}

// Client-side checks with core's validator, on the fields of the form.
std::vector<AdminFieldError> CheckEdit(const AdminCreatorFields& f) {
    Creator c;
    c.first_name = f.first_name;
    c.last_name = f.last_name;
    c.email = f.email;
    c.phone = f.phone;
    c.postcode = f.postcode;
    c.commune = f.commune;
    c.website = f.website;
    c.structure_name = f.structure_name;
    c.other_profession = f.other_profession;
    c.preferred_lang = f.preferred_lang.empty() ? "fr" : f.preferred_lang;
    c.consents.processing.given = true;   // not edited here
    c.consents.processing.at = "2026-01-01T00:00:00Z";
    c.consents.processing.text_version = "fr-2026-1";
    std::vector<AdminFieldError> out;
    adm::AddCoreErrors(ValidateCreator(c), &out);
    out.erase(std::remove_if(out.begin(), out.end(), [](const AdminFieldError& e) { return e.field.rfind("consents", 0) == 0; }),
              out.end());
    if (f.preferred_lang != "" && f.preferred_lang != "fr" && f.preferred_lang != "nl" && f.preferred_lang != "en")
        out.push_back({"preferred_lang", "invalid_value"});
    return out;
}

void SaveEdit(AppState& st, AppServices& s) {
    AdminCreatorsTab& t = st.admin.tabs.creators;
    t.edit_tried = true;
    t.edit_errors = CheckEdit(t.edit);
    t.notice = {};
    if (!t.edit_errors.empty()) {
        t.notice.error_text = AppText::AdmFixErrors;
        return;
    }
    json body = json::object();
    const AdminCreatorFields& a = t.detail.fields;
    const AdminCreatorFields& b = t.edit;
    auto put = [&](const char* k, const std::string& before, const std::string& after) {
        if (before != after) body[k] = after;
    };
    put("first_name", a.first_name, b.first_name);
    put("last_name", a.last_name, b.last_name);
    put("email", a.email, b.email);
    put("phone", a.phone, b.phone);
    put("postcode", a.postcode, b.postcode);
    put("commune", a.commune, b.commune);
    put("website", a.website, b.website);
    put("structure_name", a.structure_name, b.structure_name);
    put("other_profession", a.other_profession, b.other_profession);
    put("preferred_lang", a.preferred_lang, b.preferred_lang);
    if (body.empty()) {
        t.editing = false;
        return;
    }
    t.saving = true;
    std::string id = t.selected;
    AdminCall(st, s, "PATCH", "/api/v1/creators/" + adm::UrlEncode(id), body.dump(), [&st, &s, id](const HttpResponse& r) {
        AdminCreatorsTab& t = st.admin.tabs.creators;
        if (t.selected != id) return;
        t.saving = false;
        if (!adm::Ok(r)) {   // the form keeps everything typed
            adm::Fail(&t.notice, r, &t.edit_errors);
            return;
        }
        ApplyBundle(st, adm::Body(r));
        t.editing = false;
        t.edit_errors.clear();
        t.notice.success = AppText::AdmSaved;
        ui::ClearTextFocus();
        LoadAudit(st, s, id);
    });
}

void LoadDuplicates(AppState& st, AppServices& s) {
    AdminCreatorsTab& t = st.admin.tabs.creators;
    adm::LoadList(st, s, "/api/v1/creators/duplicates", {&t.dups_loading, &t.dups_loaded, &t.notice, false},
                  [&t](const json& body) {
        t.dup_groups.clear();
        for (const json& g : body.value("groups", json::array())) {
            std::vector<AdminCreatorRow> rows;
            for (const json& c : g.value("creators", json::array())) rows.push_back(RowOf(c));
            if (rows.size() > 1) t.dup_groups.push_back(std::move(rows));
        }
    });
}

void Merge(AppState& st, AppServices& s) {
    AdminCreatorsTab& t = st.admin.tabs.creators;
    t.merging = true;
    std::string from = t.merge_from, into = t.merge_into;
    AdminCall(st, s, "POST", "/api/v1/creators/" + adm::UrlEncode(from) + "/merge", json{{"into", into}}.dump(),
              [&st, &s](const HttpResponse& r) {
                  AdminCreatorsTab& t = st.admin.tabs.creators;
                  t.merging = false;
                  t.merge_from.clear();
                  t.merge_into.clear();
                  if (!adm::Ok(r)) {
                      adm::Fail(&t.notice, r);
                      return;
                  }
                  t.notice = {};
                  t.notice.success = AppText::AdmMerged;
                  LoadDuplicates(st, s);
                  Search(st, s, t.offset);
              });
}

void Erase(AppState& st, AppServices& s) {
    AdminCreatorsTab& t = st.admin.tabs.creators;
    std::string typed = t.erase_typed, email = t.detail.fields.email;
    auto lower = [](std::string v) {
        while (!v.empty() && v.back() == ' ') v.pop_back();
        while (!v.empty() && v.front() == ' ') v.erase(v.begin());
        for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return v;
    };
    if (email.empty() || lower(typed) != lower(email)) {
        t.notice = {};
        t.notice.error_text = AppText::AdmErrEraseTyped;
        return;
    }
    t.erasing = true;
    std::string id = t.selected;
    AdminCall(st, s, "DELETE", "/api/v1/creators/" + adm::UrlEncode(id), "", [&st, &s, id](const HttpResponse& r) {
        AdminCreatorsTab& t = st.admin.tabs.creators;
        t.erasing = false;
        if (!adm::Ok(r)) {
            adm::Fail(&t.notice, r);
            return;
        }
        // Nothing of the person stays in memory either.
        t.selected.clear();
        t.detail = AdminCreatorDetail{};
        t.audit.clear();
        t.erase_confirm = false;
        t.erase_typed.clear();
        t.export_json.clear();
        t.rows.erase(std::remove_if(t.rows.begin(), t.rows.end(), [&](const AdminCreatorRow& x) { return x.id == id; }),
                     t.rows.end());
        t.notice = {};
        t.notice.success = AppText::AdmErased;
        ui::ClearTextFocus();
        Search(st, s, t.offset);
    });
}

void Export(AppState& st, AppServices& s) {
    AdminCreatorsTab& t = st.admin.tabs.creators;
    std::string path = "/api/v1/creators/" + adm::UrlEncode(t.selected) + "/export";
    t.notice = {};
    if (g_admin_download && g_admin_download(path, st.admin.session.token, "creator-" + ShortId(t.selected) + ".json")) {
        t.notice.success = AppText::AdmExportStarted;
        return;
    }
    t.exporting = true;
    std::string id = t.selected;
    AdminCall(st, s, "GET", path, "", [&st, id](const HttpResponse& r) {
        AdminCreatorsTab& t = st.admin.tabs.creators;
        if (t.selected != id) return;
        t.exporting = false;
        if (!adm::Ok(r)) {
            adm::Fail(&t.notice, r);
            return;
        }
        t.export_json = adm::Body(r).dump(2, ' ', false, json::error_handler_t::replace);
    });
}

// [SECTION] Panels
void ListPanel(AppState& st, AppServices& s) {
    AdminCreatorsTab& t = st.admin.tabs.creators;
    const Lang L = st.lang;
    if (t.loading && t.rows.empty()) ui::MutedText(T(L, AppText::AdmLoading));
    else if (t.rows.empty()) ui::MutedText(T(L, AppText::AdmCreatorsEmpty));
    else {
        std::string range = Tf(L, AppText::AdmCreatorsRange, int(t.offset + 1), int(t.offset + int64_t(t.rows.size())),
                               int(t.total));
        ui::MutedText(range.c_str());
        ui::RecordLastItem("adm.creators.range");
    }
    for (const AdminCreatorRow& r : t.rows) {
        std::string key = "adm.creators.row." + r.id;
        std::string detail = r.email + (r.postcode.empty() ? "" : " · " + r.postcode);
        if (adm::ListRow(key.c_str(), FullName(r.first_name, r.last_name), detail, t.selected == r.id)) Open(st, s, r);
    }
    if (t.offset > 0 || t.offset + int64_t(t.rows.size()) < t.total) {
        ImGui::Dummy(ImVec2(0, ui::Px(4)));
        if (t.offset > 0 && adm::SmallButton("adm.creators.prev", T(L, AppText::AdmPrev)))
            Search(st, s, std::max<int64_t>(0, t.offset - kPageSize));
        if (t.offset > 0) adm::SameLineIfFits(adm::SmallButtonWidth(T(L, AppText::AdmNext)));
        if (t.offset + int64_t(t.rows.size()) < t.total && adm::SmallButton("adm.creators.next", T(L, AppText::AdmNext)))
            Search(st, s, t.offset + kPageSize);
    }
}

// Core's translation of a work status / frequency / urgency / offer kind code.
std::string CodeLabel(const std::string& code, Lang L) {
    static const std::pair<const char*, Text> kCodes[] = {
        {"salarie", Text::StatusSalarie}, {"independant-principal", Text::StatusIndependantPrincipal},
        {"independant-complementaire", Text::StatusIndependantComplementaire}, {"fonctionnaire", Text::StatusFonctionnaire},
        {"etudiant", Text::StatusEtudiant}, {"demandeur-emploi", Text::StatusDemandeurEmploi},
        {"ata", Text::StatusAta}, {"arts_allowance", Text::StatusArtsAllowance}, {"via_smart", Text::StatusViaSmart},
        {"ponctuel", Text::FreqPonctuel}, {"mensuel", Text::FreqMensuel}, {"hebdomadaire", Text::FreqHebdomadaire},
        {"permanent", Text::FreqPermanent}, {"faible", Text::UrgencyFaible}, {"moyenne", Text::UrgencyMoyenne},
        {"haute", Text::UrgencyHaute}, {"materiel", Text::OfferMateriel}, {"espace", Text::OfferEspace},
        {"competence", Text::OfferCompetence}};
    if (code.rfind("ata:", 0) == 0) {
        std::string level = code.substr(4);
        return std::string(Tr(L, Text::StatusAta)) + " — " +
               (level == "debutant" ? Tr(L, Text::StatusAtaDebutant) : level == "plus" ? Tr(L, Text::StatusAtaPlus) : level.c_str());
    }
    for (const auto& [c, text] : kCodes)
        if (code == c) return Tr(L, text);
    return code;
}

std::vector<std::string> NeedLines(const AppState& st, const AdminCreatorDetail& d) {
    std::vector<std::string> out;
    for (const AdminNeedLine& n : d.needs) {
        std::string line = adm::CatalogueLabel(st, n.item);
        for (const std::string* v : {&n.frequency, &n.urgency})
            if (!v->empty()) line += " · " + CodeLabel(*v, st.lang);
        if (!n.budget.empty()) line += " · " + n.budget + " €";
        if (!n.comment.empty()) line += " — " + n.comment;
        out.push_back(line);
    }
    return out;
}

std::vector<std::string> OfferLines(const AppState& st, const AdminCreatorDetail& d) {
    std::vector<std::string> out;
    for (const AdminOfferLine& o : d.offers) {
        std::string line = CodeLabel(o.kind, st.lang);
        if (!o.item.empty()) line += " · " + adm::CatalogueLabel(st, o.item);
        if (!o.description.empty()) line += " — " + o.description;
        out.push_back(line);
    }
    return out;
}

std::vector<std::string> AttendanceLines(const AppState& st, const AdminCreatorDetail& d) {
    std::vector<std::string> out;
    for (const AdminAttendanceLine& a : d.attendances) {
        std::string title = a.event_id;
        for (const AdminEventRow& e : st.admin.tabs.events.rows)
            if (e.id == a.event_id) title = e.title + " · " + e.date;
        out.push_back(title + (a.at.empty() ? "" : " (" + adm::ShortTime(a.at) + ")"));
    }
    return out;
}

void Lines(const char* key, const char* heading, const std::vector<std::string>& lines, Lang L) {
    ui::Heading(heading);
    if (lines.empty()) ui::MutedText(T(L, AppText::AdmNone));
    for (size_t i = 0; i < lines.size(); ++i) {
        std::string line = "• " + lines[i];
        ui::Paragraph(line.c_str());
    }
    ui::RecordLastItem(key);
}

void EditForm(AppState& st, AppServices& s) {
    AdminCreatorsTab& t = st.admin.tabs.creators;
    const Lang L = st.lang;
    AdminCreatorFields& f = t.edit;
    ui::Heading(T(L, AppText::AdmEditTitle));
    // Two fields a line where there is room (first name | last name, ...).
    const bool two = ImGui::GetContentRegionAvail().x >= ui::Px(640) &&
                     ImGui::BeginTable("adm.creators.edit.grid", 2, ImGuiTableFlags_SizingStretchSame);
    auto field = [&](const char* key, const char* name, AppText label, std::string* v, ui::FieldKind kind) {
        if (two) ImGui::TableNextColumn();
        ui::TextField(key, T(L, label), v, kind, adm::FieldText(t.edit_errors, name, L));
        // Once saved with errors, each field re-checks as it is corrected.
        adm::RecheckOnLeave(key, name, t.edit_tried, &t.edit_errors, [&] { return CheckEdit(f); });
    };
    field("adm.creators.edit.first_name", "first_name", AppText::AdmFirstName, &f.first_name, ui::FieldKind::Text);
    field("adm.creators.edit.last_name", "last_name", AppText::AdmLastName, &f.last_name, ui::FieldKind::Text);
    field("adm.creators.edit.email", "email", AppText::AdmEmail, &f.email, ui::FieldKind::Email);
    field("adm.creators.edit.phone", "phone", AppText::AdmPhone, &f.phone, ui::FieldKind::Phone);
    field("adm.creators.edit.postcode", "postcode", AppText::AdmPostcode, &f.postcode, ui::FieldKind::Number);
    field("adm.creators.edit.commune", "commune", AppText::AdmCommune, &f.commune, ui::FieldKind::Text);
    field("adm.creators.edit.structure_name", "structure_name", AppText::AdmStructure, &f.structure_name,
          ui::FieldKind::Text);
    field("adm.creators.edit.website", "website", AppText::AdmWebsite, &f.website, ui::FieldKind::Email);
    field("adm.creators.edit.other_profession", "other_profession", AppText::AdmOtherProfession, &f.other_profession,
          ui::FieldKind::Text);
    field("adm.creators.edit.preferred_lang", "preferred_lang", AppText::AdmPreferredLang, &f.preferred_lang,
          ui::FieldKind::Code);
    if (two) ImGui::EndTable();
    const adm::FormButton tapped = adm::SaveCancelRow("adm.creators.edit", t.saving, L);
    if (tapped == adm::FormButton::Save) SaveEdit(st, s);
    if (tapped == adm::FormButton::Cancel) {
        t.editing = false;
        t.edit_errors.clear();
        t.notice = {};
        ui::ClearTextFocus();
    }
}

void DetailPanel(AppState& st, AppServices& s) {
    AdminCreatorsTab& t = st.admin.tabs.creators;
    const Lang L = st.lang;
    const AdminCreatorDetail& d = t.detail;
    const bool admin = AdminIsAdmin(st);
    ui::Title(FullName(d.fields.first_name, d.fields.last_name).c_str());
    ui::RecordLastItem("adm.creators.detail");
    if (t.detail_loading) ui::MutedText(T(L, AppText::AdmLoading));
    adm::Notice("adm.creators.detail.notice", t.notice, st.lang);

    if (t.editing) {
        EditForm(st, s);
    } else {
        ui::Heading(T(L, AppText::AdmCreatorIdentity));
        adm::InfoRow("adm.creators.d.email", T(L, AppText::AdmEmail), d.fields.email);
        adm::InfoRow("adm.creators.d.phone", T(L, AppText::AdmPhone), d.fields.phone);
        adm::InfoRow("adm.creators.d.commune", T(L, AppText::AdmCommune),
                     d.fields.postcode + (d.fields.postcode.empty() ? "" : " ") + d.fields.commune);
        adm::InfoRow("adm.creators.d.structure", T(L, AppText::AdmStructure), d.fields.structure_name);
        adm::InfoRow("adm.creators.d.website", T(L, AppText::AdmWebsite), d.fields.website);
        adm::InfoRow("adm.creators.d.lang", T(L, AppText::AdmLanguages),
                     adm::Join(d.languages) + (d.fields.preferred_lang.empty() ? "" : " (" + d.fields.preferred_lang + ")"));
        adm::InfoRow("adm.creators.d.received", T(L, AppText::AdmReceived), adm::ShortTime(d.received_at));
        if (!t.detail_loading &&
            ui::SecondaryButton("adm.creators.edit", T(L, AppText::AdmEdit), std::min(ImGui::GetContentRegionAvail().x, ui::Px(320)))) {
            t.editing = true;
            t.edit_tried = false;
            t.edit = d.fields;
            t.edit_errors.clear();
            t.notice = {};
        }
    }
    std::vector<std::string> sectors, professions;
    for (const std::string& x : d.sectors) sectors.push_back(adm::CatalogueLabel(st, x));
    for (const std::string& x : d.professions) professions.push_back(adm::CatalogueLabel(st, x));
    if (!d.fields.other_profession.empty()) professions.push_back(d.fields.other_profession);
    ui::Heading(T(L, AppText::AdmSectors));
    adm::InfoRow("adm.creators.d.sectors", T(L, AppText::AdmSectors), adm::Join(sectors));
    adm::InfoRow("adm.creators.d.professions", T(L, AppText::AdmProfessions), adm::Join(professions));
    std::vector<std::string> work;
    for (const std::string& w : d.work) work.push_back(CodeLabel(w, L));
    adm::InfoRow("adm.creators.d.work", T(L, AppText::AdmWork), adm::Join(work));
    Lines("adm.creators.d.needs", T(L, AppText::AdmNeeds), NeedLines(st, d), L);
    Lines("adm.creators.d.offers", T(L, AppText::AdmOffers), OfferLines(st, d), L);
    Lines("adm.creators.d.attendance", T(L, AppText::AdmAttendance), AttendanceLines(st, d), L);
    ui::Heading(T(L, AppText::AdmConsents));
    auto yes = [&](bool b) { return std::string(T(L, b ? AppText::AdmYes : AppText::AdmNo)); };
    adm::InfoRow("adm.creators.d.c.processing", T(L, AppText::AdmConsentProcessing),
                 yes(d.consent_processing) + (d.consent_processing_at.empty() ? "" : " (" + adm::ShortTime(d.consent_processing_at) + ")"));
    adm::InfoRow("adm.creators.d.c.contact", T(L, AppText::AdmConsentContact), yes(d.consent_contact));
    adm::InfoRow("adm.creators.d.c.newsletter", T(L, AppText::AdmConsentNewsletter), yes(d.consent_newsletter));
    adm::InfoRow("adm.creators.d.c.directory", T(L, AppText::AdmConsentDirectory), yes(d.consent_directory));

    ui::Heading(T(L, AppText::AdmAudit));
    if (t.audit.empty()) ui::MutedText(T(L, AppText::AdmAuditEmpty));
    for (size_t i = 0; i < t.audit.size(); ++i) {
        const AdminAuditEntry& a = t.audit[i];
        std::string line = Tf(L, AppText::AdmAuditLine, adm::ShortTime(a.at).c_str(), a.actor.c_str(), a.field.c_str(),
                              a.old_value.c_str(), a.new_value.c_str());
        ui::MutedText(line.c_str());
        std::string key = "adm.creators.audit." + std::to_string(i);
        ui::RecordLastItem(key.c_str());
    }

    if (!admin) return;
    ui::Heading(T(L, AppText::AdmGdpr));
    const float w = std::min(ImGui::GetContentRegionAvail().x, ui::Px(420));
    if (ui::SecondaryButton("adm.creators.export", T(L, t.exporting ? AppText::AdmLoading : AppText::AdmExport), w) &&
        !t.exporting)
        Export(st, s);
    if (!t.export_json.empty()) {
        ui::MutedText(T(L, AppText::AdmExportShown));
        adm::ReadOnlyText("adm.creators.export.json", t.export_json, ui::Px(260));
    }
    ImGui::Dummy(ImVec2(0, ui::Px(6)));
    if (!t.erase_confirm) {
        ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.69f, 0.0f, 0.125f, 1));
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.78f, 0.1f, 0.2f, 1));
        if (ui::PrimaryButton("adm.creators.erase", T(L, AppText::AdmErase), w)) {
            t.erase_confirm = true;
            t.erase_typed.clear();
        }
        ImGui::PopStyleColor(2);
    } else {
        ui::ErrorText("adm.creators.erase.warn", T(L, AppText::AdmEraseWarn));
        ui::TextField("adm.creators.erase.typed", T(L, AppText::AdmEraseTyped), &t.erase_typed, ui::FieldKind::Email, nullptr);
        ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.69f, 0.0f, 0.125f, 1));
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.78f, 0.1f, 0.2f, 1));
        if (ui::PrimaryButton("adm.creators.erase.go", T(L, t.erasing ? AppText::AdmSaving : AppText::AdmEraseGo), w) &&
            !t.erasing)
            Erase(st, s);
        ImGui::PopStyleColor(2);
        if (ui::SecondaryButton("adm.creators.erase.cancel", T(L, AppText::AdmCancel), w)) {
            t.erase_confirm = false;
            t.erase_typed.clear();
            ui::ClearTextFocus();
        }
    }
}

void DuplicatesPanel(AppState& st, AppServices& s) {
    AdminCreatorsTab& t = st.admin.tabs.creators;
    const Lang L = st.lang;
    ui::Heading(T(L, AppText::AdmDuplicates));
    ui::MutedText(T(L, AppText::AdmDuplicatesHint));
    if (t.dups_loading) ui::MutedText(T(L, AppText::AdmLoading));
    else if (t.dup_groups.empty()) ui::MutedText(T(L, AppText::AdmDuplicatesNone));
    ui::RecordLastItem("adm.creators.dups");
    const bool admin = AdminIsAdmin(st);
    for (size_t g = 0; g < t.dup_groups.size(); ++g) {
        const auto& group = t.dup_groups[g];
        for (const AdminCreatorRow& r : group) {
            std::string key = "adm.creators.dup." + r.id;
            const char* keep = T(L, AppText::AdmKeepThis);
            if (adm::ListRow(key.c_str(), FullName(r.first_name, r.last_name), r.email, t.merge_into == r.id,
                             admin ? adm::SmallButtonWidth(keep) : 0))
                Open(st, s, r);
            if (admin) {
                std::string kk = "adm.creators.keep." + r.id;
                if (adm::RowAction(kk.c_str(), keep)) {
                    t.merge_into = r.id;
                    t.merge_from.clear();
                    for (const AdminCreatorRow& o : group)
                        if (o.id != r.id && t.merge_from.empty()) t.merge_from = o.id;
                }
                adm::RowActionsEnd();
            }
        }
        ImGui::Dummy(ImVec2(0, ui::Px(10)));
    }
    if (!t.merge_from.empty()) {
        std::string from, into;
        for (const auto& group : t.dup_groups)
            for (const AdminCreatorRow& r : group) {
                if (r.id == t.merge_from) from = FullName(r.first_name, r.last_name) + " <" + r.email + ">";
                if (r.id == t.merge_into) into = FullName(r.first_name, r.last_name) + " <" + r.email + ">";
            }
        std::string q = Tf(L, AppText::AdmMergeConfirm, from.c_str(), into.c_str());
        ui::ErrorText("adm.creators.merge.question", q.c_str());
        if (ui::PrimaryButton("adm.creators.merge.confirm", T(L, t.merging ? AppText::AdmSaving : AppText::AdmConfirm)) &&
            !t.merging)
            Merge(st, s);
        adm::SameLineIfFits(adm::ButtonWidth(T(L, AppText::AdmCancel)));
        if (ui::SecondaryButton("adm.creators.merge.cancel", T(L, AppText::AdmCancel))) {
            t.merge_from.clear();
            t.merge_into.clear();
        }
    }
}

}  // namespace

// [SECTION] Tab
namespace {
void SearchBar(AppState& st, AppServices& s) {
    AdminCreatorsTab& t = st.admin.tabs.creators;
    const Lang L = st.lang;
    ui::TextField("adm.creators.search", T(L, AppText::AdmCreatorsSearch), &t.query, ui::FieldKind::Text, nullptr);
    // Enter after the search box searches (not Enter at the end of the edit form).
    bool go = ui::TakeSubmit() && !t.editing && !t.erase_confirm;
    if (ui::PrimaryButton("adm.creators.search.go", T(L, AppText::AdmCreatorsSearchGo))) go = true;
    adm::SameLineIfFits(adm::ButtonWidth(T(L, AppText::AdmDuplicates)));
    if (ui::SecondaryButton("adm.creators.dups.toggle", T(L, AppText::AdmDuplicates))) {
        t.show_dups = !t.show_dups;
        t.notice = {};
        t.merge_from.clear();
        t.merge_into.clear();
        if (t.show_dups) LoadDuplicates(st, s);
    }
    if (go) {
        t.notice = {};
        Search(st, s, 0);
    }
    if (t.selected.empty()) adm::Notice("adm.creators.notice", t.notice, st.lang);
    if (t.show_dups) DuplicatesPanel(st, s);
    ImGui::Dummy(ImVec2(0, ui::Px(8)));
}
}  // namespace

void DrawAdminCreatorsTab(AppState& st, AppServices& s) {
    AdminCreatorsTab& t = st.admin.tabs.creators;
    const Lang L = st.lang;
    adm::EnsureCatalogue(st, s);
    adm::EnsureEvents(st, s);
    if (!t.loaded && !t.loading) Search(st, s, 0);
    ui::Title(T(L, AppText::AdmCreatorsTitle));
    ui::RecordLastItem("adm.creators.title");
    if (adm::SplitBegin("adm.creators.split")) {   // search and list | the person
        SearchBar(st, s);
        ListPanel(st, s);
        adm::SplitNext();
        if (!t.selected.empty()) DetailPanel(st, s);
        adm::SplitEnd();
    } else if (t.selected.empty()) {
        SearchBar(st, s);
        ListPanel(st, s);
    } else {
        if (ui::SecondaryButton("adm.creators.back", T(L, AppText::AdmBack))) {
            t.selected.clear();
            t.editing = false;
            t.notice = {};
            ui::ClearTextFocus();
            return;
        }
        DetailPanel(st, s);
    }
}

}  // namespace comptoir::app
