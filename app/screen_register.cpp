// app/screen_register.cpp — the registration wizard: identity, sectors and professions,
// work status, needs (frequency, urgency, budget, comment), offers, consents (with the
// full processing text), summary with edit links -> save -> Done.
// Validation runs on the whole registration every frame (core/validate.h); an error is
// *shown* next to its field once the person left that field, or pressed "Next" on its
// step. Everything typed lives in st.reg: a validation error, a language switch or a
// rotation loses nothing. Nothing is written before "Save" on the summary.
//   [SECTION] Building and checking the registration
//   [SECTION] Step pages
//   [SECTION] Screen
#include <algorithm>
#include <cstdio>

#include "app/app.h"
#include "app/app_text.h"
#include "core/catalogue.h"
#include "core/clock.h"
#include "imgui.h"

namespace comptoir::app {

const char* WizardStepName(WizardStep s) {
    static const char* kNames[kWizardStepCount] = {"identity", "sectors", "work", "needs", "offers", "consents", "summary"};
    return kNames[static_cast<int>(s)];
}

// [SECTION] Building and checking the registration
namespace {

template <class T>
bool Contains(const std::vector<T>& v, const T& x) { return std::find(v.begin(), v.end(), x) != v.end(); }
void Toggle(std::vector<std::string>& v, const std::string& x) {
    auto it = std::find(v.begin(), v.end(), x);
    if (it == v.end()) v.push_back(x);
    else v.erase(it);
}
bool StartsWith(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

Registration BuildRegistration(const AppState& st, AppServices& s) {
    const RegistrationForm& f = st.reg;
    Registration reg;
    Creator& c = reg.creator;
    c.first_name = f.first_name;
    c.last_name = f.last_name;
    c.email = f.email;
    c.phone = f.phone;
    c.postcode = f.postcode;
    c.commune = f.commune;
    c.sectors = f.sectors;
    c.professions = f.professions;
    c.other_profession = f.other_profession;
    c.work.statuses = f.work_statuses;
    c.work.ata = f.ata;
    c.work.ata_level = f.ata ? f.ata_level : "";
    c.work.arts_allowance = f.arts_allowance;
    c.work.via_smart = f.via_smart;
    c.preferred_lang = LangCode(st.lang);
    const std::string now = NowRfc3339();
    auto give = [&](Consent& consent, bool given) {
        if (!given) return;
        consent.given = true;
        consent.at = now;
        consent.text_version = ConsentTextVersion(st.lang);
    };
    give(c.consents.processing, f.consent_processing);
    give(c.consents.contact, f.consent_contact);
    give(c.consents.newsletter, f.consent_newsletter);
    give(c.consents.directory, f.consent_directory);
    for (const NeedForm& nf : f.needs) {
        Need n;
        n.item = nf.item;
        n.frequency = nf.frequency;
        n.urgency = nf.urgency;
        n.budget = nf.budget;
        n.comment = nf.comment;
        reg.needs.push_back(n);
    }
    for (const OfferForm& of : f.offers) {
        Offer o;
        o.kind = of.kind;
        o.description = of.description;
        reg.offers.push_back(o);
    }
    if (auto ev = CurrentEvent(s)) reg.event_id = ev->id;
    return reg;
}

// Every error of the registration as it stands, with the form's field names.
std::vector<FieldError> CheckAll(const AppState& st, AppServices& s) {
    Registration reg = BuildRegistration(st, s);
    std::vector<FieldError> errors = ValidateCreator(reg.creator);
    for (size_t i = 0; i < reg.needs.size(); ++i)
        for (FieldError e : ValidateNeed(reg.needs[i])) {
            e.field = "needs[" + std::to_string(i) + "]." + e.field;
            errors.push_back(e);
        }
    for (size_t i = 0; i < reg.offers.size(); ++i)
        for (FieldError e : ValidateOffer(reg.offers[i])) {
            e.field = "offers[" + std::to_string(i) + "]." + e.field;
            errors.push_back(e);
        }
    if (st.reg.sectors.empty()) errors.push_back({"sectors", ErrorCode::SectorRequired});
    if (st.reg.needs.empty()) errors.push_back({"needs", ErrorCode::NeedRequired});
    return errors;
}

WizardStep StepOf(const std::string& field) {
    if (StartsWith(field, "sectors") || StartsWith(field, "professions") || field == "other_profession")
        return WizardStep::Sectors;
    if (StartsWith(field, "work_status")) return WizardStep::Work;
    if (StartsWith(field, "needs")) return WizardStep::Needs;
    if (StartsWith(field, "offers")) return WizardStep::Offers;
    if (StartsWith(field, "consents")) return WizardStep::Consents;
    return WizardStep::Identity;
}

bool Visible(const RegistrationForm& f, const FieldError& e) {
    if (f.tried || f.step_tried[static_cast<int>(StepOf(e.field))]) return true;
    return Contains(f.touched, e.field);
}

void Touch(RegistrationForm& f, const std::string& field) {
    if (!Contains(f.touched, field)) f.touched.push_back(field);
}

int FirstErrorStep(const std::vector<FieldError>& all) {
    int first = -1;
    for (const FieldError& e : all) {
        int s = static_cast<int>(StepOf(e.field));
        if (first < 0 || s < first) first = s;
    }
    return first;
}

void GoStep(AppState& st, WizardStep step) {
    ui::ClearTextFocus();
    st.reg.step = step;
    st.scroll_to_top = true;
}

void Next(AppState& st, AppServices& s) {
    RegistrationForm& f = st.reg;
    const int step = static_cast<int>(f.step);
    f.step_tried[step] = true;
    std::vector<FieldError> all = CheckAll(st, s);
    bool blocked = std::any_of(all.begin(), all.end(), [&](const FieldError& e) { return static_cast<int>(StepOf(e.field)) == step; });
    if (blocked) return;
    if (f.from_summary) {
        f.from_summary = false;
        GoStep(st, WizardStep::Summary);
    } else {
        GoStep(st, static_cast<WizardStep>(std::min(step + 1, kWizardStepCount - 1)));
    }
}

void Save(AppState& st, AppServices& s) {
    RegistrationForm& f = st.reg;
    f.tried = true;
    f.failure.clear();
    std::vector<FieldError> all = CheckAll(st, s);
    if (!all.empty()) {   // back to the first step with an error
        GoStep(st, static_cast<WizardStep>(FirstErrorStep(all)));
        f.from_summary = true;
        return;
    }
    f.saving = true;
    ui::ClearTextFocus();
    SaveRegistration(s, BuildRegistration(st, s), [&st](SaveOutcome out) {
        st.reg.saving = false;
        if (out.ok) {
            ResetPersonState(st);        // the next person must not see any of it
            st.done_until_ms = st.now_ms + 8000;
            st.screen = Screen::Done;
            return;
        }
        st.reg.errors = out.errors;
        if (out.storage_failed)
            st.reg.failure = out.persist_error != PersistError::None ? PersistErrorText(st.lang, out.persist_error)
                                                                     : T(st.lang, AppText::ErrStorage);
    });
}

const char* Err(const RegistrationForm& f, const std::string& field, Lang L) {
    return FieldErrorText(f.errors, field.c_str(), L);
}

// A text field that marks itself touched when left.
void Field(RegistrationForm& f, const char* key, const char* field, AppText label, std::string* value,
           ui::FieldKind kind, Lang L) {
    ui::TextField(key, T(L, label), value, kind, Err(f, field, L));
    if (ui::FieldJustLeft(key)) Touch(f, field);
}

// [SECTION] Step pages
void StepIdentity(RegistrationForm& f, Lang L) {
    ui::Heading(T(L, AppText::RegIdentity));
    // Side by side on a wide screen (so "Next" shows without scrolling on a kiosk),
    // stacked on a phone; row by row, so Tab follows the reading order.
    ui::PairsBegin("reg.identity.pairs");
    ui::PairsNext();
    Field(f, "reg.first_name", "first_name", AppText::RegFirstName, &f.first_name, ui::FieldKind::Text, L);
    ui::PairsNext();
    Field(f, "reg.last_name", "last_name", AppText::RegLastName, &f.last_name, ui::FieldKind::Text, L);
    ui::PairsNext();
    Field(f, "reg.email", "email", AppText::RegEmail, &f.email, ui::FieldKind::Email, L);
    ui::PairsNext();
    Field(f, "reg.phone", "phone", AppText::RegPhone, &f.phone, ui::FieldKind::Phone, L);
    ui::PairsNext();
    Field(f, "reg.postcode", "postcode", AppText::RegPostcode, &f.postcode, ui::FieldKind::Number, L);
    ui::PairsNext();
    Field(f, "reg.commune", "commune", AppText::RegCommune, &f.commune, ui::FieldKind::Text, L);
    ui::PairsEnd();
}

void StepSectors(RegistrationForm& f, AppServices& s, Lang L) {
    ui::Heading(T(L, AppText::RegSector));
    ui::MutedText(T(L, AppText::RegSectorHint));
    std::vector<CatalogueEntry> sectors = Sectors(s);
    ui::ChipRowBegin();
    for (const CatalogueEntry& sector : sectors) {
        std::string key = "reg.sector." + sector.id;
        if (ui::Chip(key.c_str(), app::Label(sector, L), Contains(f.sectors, sector.id))) {
            Toggle(f.sectors, sector.id);
            Touch(f, "sectors");
        }
    }
    ui::ChipRowEnd();
    if (const char* e = Err(f, "sectors", L)) ui::ErrorText("reg.sectors.error", e);
    // Professions of the chosen sectors; those of a sector no longer chosen are dropped.
    std::vector<CatalogueEntry> professions = Professions(s);
    f.professions.erase(std::remove_if(f.professions.begin(), f.professions.end(),
                                       [&](const std::string& p) {
                                           const CatalogueEntry* e = FindEntry(professions, p);
                                           return !e || !Contains(f.sectors, e->parent);
                                       }),
                        f.professions.end());
    if (!f.sectors.empty()) ui::Heading(T(L, AppText::RegProfessions));
    for (const CatalogueEntry& sector : sectors) {
        if (!Contains(f.sectors, sector.id)) continue;
        ImGui::PushFont(ui::GetFonts().bold);
        ImGui::TextUnformatted(app::Label(sector, L));
        ImGui::PopFont();
        ui::ChipRowBegin();
        for (const CatalogueEntry& p : professions) {
            if (p.parent != sector.id) continue;
            std::string key = "reg.profession." + p.id;
            if (ui::Chip(key.c_str(), app::Label(p, L), Contains(f.professions, p.id))) Toggle(f.professions, p.id);
        }
        ui::ChipRowEnd();
        ImGui::Dummy(ImVec2(0, ui::Px(4)));
    }
    Field(f, "reg.other_profession", "other_profession", AppText::RegOtherProfession, &f.other_profession,
          ui::FieldKind::Text, L);
}

void StepWork(RegistrationForm& f, Lang L) {
    ui::Heading(T(L, AppText::RegWork));
    ui::MutedText(T(L, AppText::RegWorkHint));
    struct S { const char* id; Text text; };
    static const S kStatuses[] = {{"salarie", Text::StatusSalarie},
                                  {"independant-principal", Text::StatusIndependantPrincipal},
                                  {"independant-complementaire", Text::StatusIndependantComplementaire},
                                  {"fonctionnaire", Text::StatusFonctionnaire},
                                  {"etudiant", Text::StatusEtudiant},
                                  {"demandeur-emploi", Text::StatusDemandeurEmploi}};
    ui::ChipRowBegin();
    for (const S& st : kStatuses) {
        std::string key = std::string("reg.work.") + st.id;
        if (ui::Chip(key.c_str(), Tr(L, st.text), Contains(f.work_statuses, std::string(st.id))))
            Toggle(f.work_statuses, st.id);
    }
    ui::ChipRowEnd();
    ImGui::Dummy(ImVec2(0, ui::Px(8)));
    if (ui::CheckBox("reg.work.ata", Tr(L, Text::StatusAta), &f.ata) && !f.ata) f.ata_level.clear();
    if (f.ata) {
        ImGui::Indent(ui::Px(46));
        ui::ChipRowBegin();
        if (ui::Chip("reg.work.ata.debutant", Tr(L, Text::StatusAtaDebutant), f.ata_level == "debutant"))
            f.ata_level = f.ata_level == "debutant" ? "" : "debutant";
        if (ui::Chip("reg.work.ata.plus", Tr(L, Text::StatusAtaPlus), f.ata_level == "plus"))
            f.ata_level = f.ata_level == "plus" ? "" : "plus";
        ui::ChipRowEnd();
        ImGui::Unindent(ui::Px(46));
    }
    ui::CheckBox("reg.work.allowance", Tr(L, Text::StatusArtsAllowance), &f.arts_allowance);
    ui::CheckBox("reg.work.smart", Tr(L, Text::StatusViaSmart), &f.via_smart);
    if (const char* e = Err(f, "work_status.ata_level", L)) ui::ErrorText("reg.work.error", e);
}

struct Choice { const char* id; const char* label; };

// A single-choice chip row; choosing the selected chip again clears it.
void ChoiceRow(const std::string& key_prefix, const char* title, const Choice* choices, size_t n, std::string* value) {
    ImGui::PushFont(ui::GetFonts().small);
    ImGui::TextUnformatted(title);
    ImGui::PopFont();
    ui::ChipRowBegin();
    for (size_t i = 0; i < n; ++i) {
        std::string key = key_prefix + "." + choices[i].id;
        if (ui::Chip(key.c_str(), choices[i].label, *value == choices[i].id))
            *value = *value == choices[i].id ? "" : choices[i].id;
    }
    ui::ChipRowEnd();
}

void StepNeeds(RegistrationForm& f, AppServices& s, Lang L) {
    ui::Heading(T(L, AppText::RegNeeds));
    ui::MutedText(T(L, AppText::RegNeedsHint));
    std::vector<CatalogueEntry> items = NeedItems(s);
    for (const CatalogueEntry& cat : NeedCategories(s)) {
        bool any = std::any_of(items.begin(), items.end(), [&](const CatalogueEntry& i) { return i.parent == cat.id; });
        if (!any) continue;
        ImGui::Dummy(ImVec2(0, ui::Px(2)));
        ImGui::PushFont(ui::GetFonts().bold);
        ImGui::TextUnformatted(app::Label(cat, L));
        ImGui::PopFont();
        ui::ChipRowBegin();
        for (const CatalogueEntry& item : items) {
            if (item.parent != cat.id) continue;
            auto it = std::find_if(f.needs.begin(), f.needs.end(), [&](const NeedForm& n) { return n.item == item.id; });
            std::string key = "reg.need." + item.id;
            if (ui::Chip(key.c_str(), app::Label(item, L), it != f.needs.end())) {
                if (it != f.needs.end()) f.needs.erase(it);
                else f.needs.push_back(NeedForm{item.id, "", "", "", ""});
                Touch(f, "needs");
            }
        }
        ui::ChipRowEnd();
    }
    if (const char* e = Err(f, "needs", L)) ui::ErrorText("reg.needs.error", e);
    if (f.needs.empty()) return;

    // Details of each chosen need.
    ui::Heading(T(L, AppText::RegNeedDetails));
    const Choice freq[] = {{"ponctuel", Tr(L, Text::FreqPonctuel)}, {"mensuel", Tr(L, Text::FreqMensuel)},
                           {"hebdomadaire", Tr(L, Text::FreqHebdomadaire)}, {"permanent", Tr(L, Text::FreqPermanent)}};
    const Choice urg[] = {{"faible", Tr(L, Text::UrgencyFaible)}, {"moyenne", Tr(L, Text::UrgencyMoyenne)},
                          {"haute", Tr(L, Text::UrgencyHaute)}};
    const Choice budget[] = {{"0", T(L, AppText::Budget0)}, {"<50", T(L, AppText::BudgetLt50)},
                             {"50-200", T(L, AppText::Budget50to200)}, {">200", T(L, AppText::BudgetGt200)}};
    for (size_t i = 0; i < f.needs.size(); ++i) {
        NeedForm& n = f.needs[i];
        const CatalogueEntry* item = FindEntry(items, n.item);
        const std::string k = "reg.need." + n.item;
        ImGui::Dummy(ImVec2(0, ui::Px(6)));
        ImVec2 p = ImGui::GetCursorScreenPos();
        ImGui::GetWindowDrawList()->AddRectFilled(p, ImVec2(p.x + ui::Px(5), p.y + ui::Px(30)), IM_COL32(21, 75, 137, 255));
        ImGui::SetCursorScreenPos(ImVec2(p.x + ui::Px(14), p.y));
        ImGui::PushFont(ui::GetFonts().bold);
        ImGui::TextUnformatted(item ? app::Label(*item, L) : n.item.c_str());
        ImGui::PopFont();
        ChoiceRow(k + ".freq", T(L, AppText::RegFrequency), freq, 4, &n.frequency);
        ChoiceRow(k + ".urgency", T(L, AppText::RegUrgency), urg, 3, &n.urgency);
        ChoiceRow(k + ".budget", T(L, AppText::RegBudget), budget, 4, &n.budget);
        std::string key = k + ".comment", field = "needs[" + std::to_string(i) + "].comment";
        ui::TextField(key.c_str(), T(L, AppText::RegComment), &n.comment, ui::FieldKind::Text, Err(f, field, L));
        if (ui::FieldJustLeft(key.c_str())) Touch(f, field);
    }
}

void StepOffers(RegistrationForm& f, Lang L) {
    ui::Heading(T(L, AppText::RegOffers));
    ui::MutedText(T(L, AppText::RegOffersHint));
    const Choice kinds[] = {{"materiel", Tr(L, Text::OfferMateriel)}, {"espace", Tr(L, Text::OfferEspace)},
                            {"competence", Tr(L, Text::OfferCompetence)}};
    int remove = -1;
    for (size_t i = 0; i < f.offers.size(); ++i) {
        OfferForm& o = f.offers[i];
        const std::string k = "reg.offer." + std::to_string(i);
        ImGui::Dummy(ImVec2(0, ui::Px(6)));
        ChoiceRow(k + ".kind", T(L, AppText::RegOfferKind), kinds, 3, &o.kind);
        std::string kind_field = "offers[" + std::to_string(i) + "].kind";
        if (const char* e = Err(f, kind_field, L)) {
            std::string ek = k + ".kind.error";
            ui::ErrorText(ek.c_str(), e);
        }
        std::string key = k + ".description", field = "offers[" + std::to_string(i) + "].description";
        ui::TextField(key.c_str(), T(L, AppText::RegOfferDescription), &o.description, ui::FieldKind::Text, Err(f, field, L));
        if (ui::FieldJustLeft(key.c_str())) Touch(f, field);
        std::string rk = k + ".remove";
        if (ui::SecondaryButton(rk.c_str(), T(L, AppText::RegOfferRemove))) remove = static_cast<int>(i);
    }
    if (remove >= 0) {
        ui::ClearTextFocus();
        f.offers.erase(f.offers.begin() + remove);
        // Errors and "left" marks of later offers would now point at the wrong one.
        f.touched.erase(std::remove_if(f.touched.begin(), f.touched.end(),
                                       [](const std::string& t) { return StartsWith(t, "offers["); }),
                        f.touched.end());
    }
    ImGui::Dummy(ImVec2(0, ui::Px(8)));
    if (f.offers.size() < 10 && ui::SecondaryButton("reg.offer.add", T(L, AppText::RegOfferAdd), ImGui::GetContentRegionAvail().x))
        f.offers.push_back(OfferForm{});
}

void StepConsents(RegistrationForm& f, Lang L) {
    ui::Heading(Tr(L, Text::ConsentProcessingTitle));
    // The full processing text, in a framed box.
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float pad = ui::Px(18);
    const float w = ImGui::GetContentRegionAvail().x;
    ImVec2 p = ImGui::GetCursorScreenPos();
    dl->ChannelsSplit(2);
    dl->ChannelsSetCurrent(1);
    ImGui::SetCursorScreenPos(ImVec2(p.x + pad, p.y + pad));
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + w - 2 * pad);
    ImGui::TextUnformatted(ProcessingConsentText(L));
    ImGui::PopTextWrapPos();
    float bottom = ImGui::GetItemRectMax().y + pad;
    dl->ChannelsSetCurrent(0);
    dl->AddRectFilled(p, ImVec2(p.x + w, bottom), IM_COL32(255, 255, 255, 255), ui::Px(8));
    dl->AddRect(p, ImVec2(p.x + w, bottom), IM_COL32(190, 192, 198, 255), ui::Px(8), 0, ui::Px(1));
    dl->ChannelsMerge();
    ImGui::SetCursorScreenPos(ImVec2(p.x, bottom));
    ImGui::Dummy(ImVec2(w, ui::Px(12)));
    ui::RecordLastItem("reg.consent.text");
    if (ui::CheckBox("reg.consent", Tr(L, Text::ConsentProcessingAgree), &f.consent_processing))
        Touch(f, "consents.processing");
    if (const char* e = Err(f, "consents.processing", L)) ui::ErrorText("reg.consent.error", e);
    ImGui::Dummy(ImVec2(0, ui::Px(4)));
    ui::MutedText(T(L, AppText::RegConsentOptional));
    ui::CheckBox("reg.consent_contact", T(L, AppText::RegConsentContact), &f.consent_contact);
    ui::CheckBox("reg.consent_newsletter", T(L, AppText::RegConsentNewsletter), &f.consent_newsletter);
    ui::CheckBox("reg.consent_directory", T(L, AppText::RegConsentDirectory), &f.consent_directory);
}

// One summary section: title, lines, an edit link to its step.
void SummarySection(AppState& st, WizardStep step, AppText title, const std::vector<std::string>& lines,
                    bool compact) {
    const Lang L = st.lang;
    ui::PairsNext();
    ImGui::Dummy(ImVec2(0, ui::Px(6)));
    // Heading on the left (wrapped before the button), "Edit" on the right.
    const char* edit = T(L, AppText::RegEdit);
    ImGui::PushFont(ui::GetFonts().bold);
    const float bw = ImGui::CalcTextSize(edit).x + ui::Px(56);
    ImGui::PopFont();
    const ImVec2 top = ImGui::GetCursorPos();
    const float right = ImGui::GetContentRegionMax().x;   // of the column, in two columns
    ImGui::SetCursorPosY(top.y + ui::Px(12));
    ImGui::PushFont(ui::GetFonts().heading);
    ImGui::PushTextWrapPos(right - bw - ui::Px(12));
    ImGui::TextUnformatted(T(L, title));
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
    const float heading_bottom = ImGui::GetCursorPosY();
    ImGui::SetCursorPos(ImVec2(right - bw, top.y));
    std::string key = std::string("sum.edit.") + WizardStepName(step);
    if (ui::SecondaryButton(key.c_str(), edit, bw)) {
        GoStep(st, step);
        st.reg.from_summary = true;
    }
    ImGui::SetCursorPosY(std::max(heading_bottom, ImGui::GetCursorPosY()));
    std::string skey = std::string("sum.") + WizardStepName(step);
    ImGui::BeginGroup();
    // Two columns (a kiosk): the lines of a section close together, not one per tap row.
    if (compact) ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, ui::Px(2)));
    for (const std::string& l : lines) ui::Paragraph(l.c_str());
    if (lines.empty()) ui::MutedText("—");
    if (compact) ImGui::PopStyleVar();
    ImGui::EndGroup();
    ui::RecordLastItem(skey.c_str());
}

std::string Join(const std::vector<std::string>& v, const char* sep = ", ") {
    std::string out;
    for (const std::string& s : v) out += (out.empty() ? "" : sep) + s;
    return out;
}

void StepSummary(AppState& st, AppServices& s) {
    RegistrationForm& f = st.reg;
    const Lang L = st.lang;
    ui::Heading(T(L, AppText::RegSummary));
    ui::MutedText(T(L, AppText::RegSummaryHint));
    // Two sections a row on a wide screen, so the whole summary and "Save" fit a kiosk.
    const bool compact = ui::WideContent();
    ui::PairsBegin("sum.pairs");
    std::vector<std::string> id = {f.first_name + " " + f.last_name, f.email};
    if (!f.phone.empty()) id.push_back(f.phone);
    if (!f.postcode.empty() || !f.commune.empty()) id.push_back(f.postcode + " " + f.commune);
    SummarySection(st, WizardStep::Identity, AppText::RegIdentity, id, compact);

    auto labels = [&](const std::vector<CatalogueEntry>& cat, const std::vector<std::string>& ids) {
        std::vector<std::string> out;
        for (const std::string& i : ids) {
            const CatalogueEntry* e = FindEntry(cat, i);
            out.push_back(e ? std::string(app::Label(*e, L)) : i);
        }
        return out;
    };
    std::vector<std::string> sec = {Join(labels(Sectors(s), f.sectors))};
    if (!f.professions.empty()) sec.push_back(Join(labels(Professions(s), f.professions)));
    if (!f.other_profession.empty()) sec.push_back(f.other_profession);
    SummarySection(st, WizardStep::Sectors, AppText::RegSector, sec, compact);

    std::vector<std::string> work;
    static const std::pair<const char*, Text> kStatus[] = {
        {"salarie", Text::StatusSalarie}, {"independant-principal", Text::StatusIndependantPrincipal},
        {"independant-complementaire", Text::StatusIndependantComplementaire}, {"fonctionnaire", Text::StatusFonctionnaire},
        {"etudiant", Text::StatusEtudiant}, {"demandeur-emploi", Text::StatusDemandeurEmploi}};
    for (const auto& [sid, text] : kStatus)
        if (Contains(f.work_statuses, std::string(sid))) work.push_back(Tr(L, text));
    if (f.ata) {
        std::string a = Tr(L, Text::StatusAta);
        if (f.ata_level == "debutant") a += std::string(" — ") + Tr(L, Text::StatusAtaDebutant);
        if (f.ata_level == "plus") a += std::string(" — ") + Tr(L, Text::StatusAtaPlus);
        work.push_back(a);
    }
    if (f.arts_allowance) work.push_back(Tr(L, Text::StatusArtsAllowance));
    if (f.via_smart) work.push_back(Tr(L, Text::StatusViaSmart));
    SummarySection(st, WizardStep::Work, AppText::RegWork, work, compact);

    std::vector<CatalogueEntry> items = NeedItems(s);
    std::vector<std::string> needs;
    for (const NeedForm& n : f.needs) {
        const CatalogueEntry* e = FindEntry(items, n.item);
        std::string line = "• " + std::string(e ? app::Label(*e, L) : n.item);
        if (!n.comment.empty()) line += " — " + n.comment;
        needs.push_back(line);
    }
    SummarySection(st, WizardStep::Needs, AppText::RegNeeds, needs, compact);

    std::vector<std::string> offers;
    for (const OfferForm& o : f.offers) {
        Text kind = o.kind == "materiel" ? Text::OfferMateriel : o.kind == "espace" ? Text::OfferEspace : Text::OfferCompetence;
        offers.push_back("• " + std::string(Tr(L, kind)) + " — " + o.description);
    }
    SummarySection(st, WizardStep::Offers, AppText::RegOffers, offers, compact);

    std::vector<std::string> consents;
    if (f.consent_processing) consents.push_back(T(L, AppText::RegSumProcessing));
    if (f.consent_contact) consents.push_back(T(L, AppText::RegConsentContact));
    if (f.consent_newsletter) consents.push_back(T(L, AppText::RegConsentNewsletter));
    if (f.consent_directory) consents.push_back(T(L, AppText::RegConsentDirectory));
    SummarySection(st, WizardStep::Consents, AppText::RegConsentTitle, consents, compact);
    ui::PairsEnd();
}

}  // namespace

// [SECTION] Screen
void DrawRegisterScreen(AppState& st, AppServices& s) {
    RegistrationForm& f = st.reg;
    const Lang L = st.lang;
    const int step = static_cast<int>(f.step);

    // Errors of the registration as it stands; only the "visible" ones are shown.
    std::vector<FieldError> all = CheckAll(st, s);
    f.errors.clear();
    for (const FieldError& e : all)
        if (Visible(f, e)) f.errors.push_back(e);

    ui::Title(T(L, AppText::RegTitle));
    std::string progress = Tf(L, AppText::RegStepOf, step + 1, kWizardStepCount);
    ui::MutedText(progress.c_str());
    ui::RecordLastItem("wiz.step");
    // Progress bar: one segment per step.
    {
        ImVec2 p = ImGui::GetCursorScreenPos();
        float w = ImGui::GetContentRegionAvail().x, gap = ui::Px(6);
        float seg = (w - gap * (kWizardStepCount - 1)) / kWizardStepCount;
        for (int i = 0; i < kWizardStepCount; ++i) {
            ImVec2 a(p.x + i * (seg + gap), p.y), b(a.x + seg, p.y + ui::Px(6));
            ImGui::GetWindowDrawList()->AddRectFilled(a, b, i <= step ? IM_COL32(21, 75, 137, 255) : IM_COL32(200, 202, 208, 255),
                                                      ui::Px(3));
        }
        ImGui::Dummy(ImVec2(w, ui::Px(10)));
    }

    switch (f.step) {
        case WizardStep::Identity: StepIdentity(f, L); break;
        case WizardStep::Sectors: StepSectors(f, s, L); break;
        case WizardStep::Work: StepWork(f, L); break;
        case WizardStep::Needs: StepNeeds(f, s, L); break;
        case WizardStep::Offers: StepOffers(f, L); break;
        case WizardStep::Consents: StepConsents(f, L); break;
        case WizardStep::Summary: StepSummary(st, s); break;
    }

    ImGui::Dummy(ImVec2(0, ui::Px(12)));
    const bool step_has_errors = std::any_of(f.errors.begin(), f.errors.end(),
                                             [&](const FieldError& e) { return static_cast<int>(StepOf(e.field)) == step; });
    if (step_has_errors && f.step_tried[step]) ui::ErrorText("reg.fix", T(L, AppText::RegFixErrors));
    if (!f.failure.empty()) ui::ErrorText("reg.failure", f.failure.c_str());
    if (f.saving) {
        ui::Paragraph(T(L, AppText::RegSaving));
        ui::RecordLastItem("reg.saving");
        return;
    }
    const float w = ImGui::GetContentRegionAvail().x;
    const bool submit = ui::TakeSubmit();
    if (f.step == WizardStep::Summary) {
        if (ui::PrimaryButton("reg.save", T(L, AppText::RegSave), w) || submit) Save(st, s);
    } else {
        AppText next = f.from_summary ? AppText::RegBackToSummary : AppText::RegNext;
        if (ui::PrimaryButton("wiz.next", T(L, next), w) || submit) Next(st, s);
    }
    ImGui::Dummy(ImVec2(0, ui::Px(4)));
    const float half = (w - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
    if (step > 0) {
        if (ui::SecondaryButton("wiz.back", T(L, AppText::RegPrevious), half)) {
            f.from_summary = false;
            GoStep(st, static_cast<WizardStep>(step - 1));
        }
        ImGui::SameLine();
    }
    if (ui::SecondaryButton("reg.cancel", T(L, AppText::RegCancel), step > 0 ? half : w)) GoTo(st, Screen::Start);
}

}  // namespace comptoir::app
