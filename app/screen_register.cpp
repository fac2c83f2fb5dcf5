// app/screen_register.cpp — a creator registers: identity, sector, needs, consent.
// Errors show next to their field, in the current language, after the first attempt
// and are refreshed at each edit. Save -> durable on the device -> Done screen.
//   [SECTION] Building and checking the registration
//   [SECTION] Screen
#include <algorithm>

#include "app/app.h"
#include "app/app_text.h"
#include "core/clock.h"
#include "imgui.h"

namespace comptoir::app {

// [SECTION] Building and checking the registration
namespace {

Registration BuildRegistration(const AppState& st, AppServices& s) {
    const RegistrationForm& f = st.reg;
    Registration reg;
    Creator& c = reg.creator;
    c.first_name = f.first_name;
    c.last_name = f.last_name;
    c.email = f.email;
    if (!f.sector.empty()) c.sectors.push_back(f.sector);
    c.preferred_lang = LangCode(st.lang);
    const std::string now = NowRfc3339();
    auto give = [&](Consent& consent, bool given) {
        if (!given) return;
        consent.given = true;
        consent.at = now;
        consent.text_version = T(st.lang, AppText::RegConsentVersion);
    };
    give(c.consents.processing, f.consent_processing);
    give(c.consents.contact, f.consent_contact);
    give(c.consents.newsletter, f.consent_newsletter);
    give(c.consents.directory, f.consent_directory);
    for (const std::string& item : f.needs) {
        Need n;
        n.item = item;
        reg.needs.push_back(n);
    }
    if (auto ev = CurrentEvent(s)) reg.event_id = ev->id;
    return reg;
}

// The checks the person can fix on this screen (the store checks them all again).
std::vector<FieldError> Check(const AppState& st, AppServices& s) {
    Registration reg = BuildRegistration(st, s);
    std::vector<FieldError> errors = ValidateCreator(reg.creator);
    if (st.reg.sector.empty()) errors.push_back({"sectors", ErrorCode::SectorRequired});
    if (st.reg.needs.empty()) errors.push_back({"needs", ErrorCode::NeedRequired});
    return errors;
}

void Save(AppState& st, AppServices& s) {
    RegistrationForm& f = st.reg;
    f.tried = true;
    f.failure.clear();
    f.errors = Check(st, s);
    if (!f.errors.empty()) return;
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

}  // namespace

// [SECTION] Screen
void DrawRegisterScreen(AppState& st, AppServices& s) {
    RegistrationForm& f = st.reg;
    const Lang L = st.lang;
    const ui::Fonts& fonts = ui::GetFonts();
    bool edited = false;

    ui::Title(T(L, AppText::RegTitle));
    ui::Heading(T(L, AppText::RegIdentity));
    edited |= ui::TextField("reg.first_name", T(L, AppText::RegFirstName), &f.first_name, ui::FieldKind::Text,
                            FieldErrorText(f.errors, "first_name", L));
    edited |= ui::TextField("reg.last_name", T(L, AppText::RegLastName), &f.last_name, ui::FieldKind::Text,
                            FieldErrorText(f.errors, "last_name", L));
    edited |= ui::TextField("reg.email", T(L, AppText::RegEmail), &f.email, ui::FieldKind::Email,
                            FieldErrorText(f.errors, "email", L));

    ui::Heading(T(L, AppText::RegSector));
    ui::ChipRowBegin();
    for (const CatalogueEntry& sector : Sectors(s)) {
        std::string key = "reg.sector." + sector.id;
        if (ui::Chip(key.c_str(), Label(sector, L), f.sector == sector.id)) {
            f.sector = f.sector == sector.id ? "" : sector.id;
            edited = true;
        }
    }
    ui::ChipRowEnd();
    if (const char* e = FieldErrorText(f.errors, "sectors", L)) ui::ErrorText("reg.sectors.error", e);

    ui::Heading(T(L, AppText::RegNeeds));
    ui::MutedText(T(L, AppText::RegNeedsHint));
    std::vector<CatalogueEntry> items = NeedItems(s);
    for (const CatalogueEntry& cat : NeedCategories(s)) {
        bool any = std::any_of(items.begin(), items.end(), [&](const CatalogueEntry& i) { return i.parent == cat.id; });
        if (!any) continue;
        ImGui::Dummy(ImVec2(0, ui::Px(2)));
        ImGui::PushFont(fonts.bold);
        ImGui::TextUnformatted(Label(cat, L));
        ImGui::PopFont();
        ui::ChipRowBegin();
        for (const CatalogueEntry& item : items) {
            if (item.parent != cat.id) continue;
            auto it = std::find(f.needs.begin(), f.needs.end(), item.id);
            bool selected = it != f.needs.end();
            std::string key = "reg.need." + item.id;
            if (ui::Chip(key.c_str(), Label(item, L), selected)) {
                if (selected) f.needs.erase(it);
                else f.needs.push_back(item.id);
                edited = true;
            }
        }
        ui::ChipRowEnd();
    }
    if (const char* e = FieldErrorText(f.errors, "needs", L)) ui::ErrorText("reg.needs.error", e);

    ui::Heading(T(L, AppText::RegConsentTitle));
    edited |= ui::CheckBox("reg.consent", T(L, AppText::RegConsentProcessing), &f.consent_processing);
    if (const char* e = FieldErrorText(f.errors, "consents.processing", L)) ui::ErrorText("reg.consent.error", e);
    ImGui::Dummy(ImVec2(0, ui::Px(4)));
    ui::MutedText(T(L, AppText::RegConsentOptional));
    ui::CheckBox("reg.consent_contact", T(L, AppText::RegConsentContact), &f.consent_contact);
    ui::CheckBox("reg.consent_newsletter", T(L, AppText::RegConsentNewsletter), &f.consent_newsletter);
    ui::CheckBox("reg.consent_directory", T(L, AppText::RegConsentDirectory), &f.consent_directory);

    if (edited && f.tried) f.errors = Check(st, s);

    ImGui::Dummy(ImVec2(0, ui::Px(12)));
    if (!f.errors.empty() && f.tried) ui::ErrorText("reg.fix", T(L, AppText::RegFixErrors));
    if (!f.failure.empty()) ui::ErrorText("reg.failure", f.failure.c_str());
    if (f.saving) {
        ui::Paragraph(T(L, AppText::RegSaving));
        ui::RecordLastItem("reg.saving");
        return;
    }
    const float w = ImGui::GetContentRegionAvail().x;
    if (ui::PrimaryButton("reg.save", T(L, AppText::RegSave), w)) Save(st, s);
    ImGui::Dummy(ImVec2(0, ui::Px(4)));
    if (ui::SecondaryButton("reg.cancel", T(L, AppText::RegCancel), w)) GoTo(st, Screen::Start);
}

}  // namespace comptoir::app
