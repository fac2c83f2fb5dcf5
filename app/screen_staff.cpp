// app/screen_staff.cpp — the staff panel, reached only through the PIN pad: current
// event, counts, sync state (pending, last success, last error, rejected entries with
// their reasons), "sync now" with progress, storage persistence and quota, kiosk
// settings (idle timeouts), leave kiosk mode, lock. Nothing personal is shown.
//   [SECTION] Helpers
//   [SECTION] Screen
#include <algorithm>
#include <cstdio>

#include "app/app.h"
#include "app/app_text.h"
#include "imgui.h"
#include "core/uuid.h"

namespace comptoir::app {

// [SECTION] Helpers
namespace {

void Row(const char* key, const char* label, const std::string& value) {
    ImGui::PushFont(ui::GetFonts().bold);
    ImGui::TextUnformatted(label);
    ImGui::PopFont();
    ImGui::SameLine(0, ui::Px(10));
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(value.c_str());
    ImGui::PopTextWrapPos();
    ui::RecordLastItem(key);
}

std::string Megabytes(double bytes, Lang lang) {
    char buf[32];
    std::snprintf(buf, sizeof buf, lang == Lang::Fr ? "%.1f Mo" : "%.1f MB", bytes / (1024.0 * 1024.0));
    return buf;
}

// "- 45 s +": a number stepped by buttons (no keyboard needed on a kiosk).
bool Stepper(const char* key, const char* label, int* value, int step, int lo, int hi) {
    bool changed = false;
    ImGui::PushID(key);
    ImGui::PushFont(ui::GetFonts().bold);
    ImGui::TextUnformatted(label);
    ImGui::PopFont();
    std::string minus = std::string(key) + ".minus", plus = std::string(key) + ".plus";
    if (ui::SecondaryButton(minus.c_str(), "-", ui::Px(64))) {
        *value = std::max(lo, *value - step);
        changed = true;
    }
    ImGui::SameLine(0, ui::Px(16));
    char buf[32];
    std::snprintf(buf, sizeof buf, "%d s", *value);
    ImGui::PushFont(ui::GetFonts().heading);
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + ui::Px(12));
    ImGui::TextUnformatted(buf);
    ImGui::PopFont();
    ui::RecordLastItem(key);
    ImGui::SameLine(0, ui::Px(16));
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() - ui::Px(12));
    if (ui::SecondaryButton(plus.c_str(), "+", ui::Px(64))) {
        *value = std::min(hi, *value + step);
        changed = true;
    }
    ImGui::PopID();
    return changed;
}

}  // namespace

// [SECTION] Screen
void DrawStaffScreen(AppState& st, AppServices& s) {
    StaffForm& f = st.staff;
    const Lang L = st.lang;
    const float w = ImGui::GetContentRegionAvail().x;
    ui::Title(T(L, AppText::StaffTitle));

    // Current event.
    ui::Heading(T(L, AppText::StaffEvent));
    std::string chosen = CurrentEventSetting(s);
    ui::ChipRowBegin();
    if (ui::Chip("staff.event.auto", T(L, AppText::StaffEventAuto), chosen.empty())) SetCurrentEvent(s, "");
    for (const Event& e : Events(s)) {
        std::string key = "staff.event." + e.id;
        std::string label = e.title + " · " + e.date;
        if (ui::Chip(key.c_str(), label.c_str(), chosen == e.id)) SetCurrentEvent(s, e.id);
    }
    ui::ChipRowEnd();
    if (auto ev = CurrentEvent(s)) {
        std::string line = Tf(L, AppText::CurrentEvent, ev->title.c_str());
        ui::MutedText(line.c_str());
    } else {
        ui::MutedText(T(L, AppText::StaffNoEvent));
    }
    ui::RecordLastItem("staff.event.current");

    // Counts.
    ui::Heading(T(L, AppText::StaffCounts));
    StoreCounts c = Counts(s);
    Row("staff.count.creators", T(L, AppText::StaffCountCreators), std::to_string(c.creators));
    Row("staff.count.attendance", T(L, AppText::StaffCountAttendance), std::to_string(c.attendances_current_event));
    Row("staff.count.needs", T(L, AppText::StaffCountNeeds), std::to_string(c.needs));

    // Sync.
    ui::Heading(T(L, AppText::StaffSync));
    SyncStatus ss = SyncState(s);
    Row("staff.sync.pending", T(L, AppText::StaffSyncPending), std::to_string(ss.pending));
    Row("staff.sync.last_success", T(L, AppText::StaffSyncLastSuccess),
        ss.last_success_at.empty() ? T(L, AppText::StaffNever) : ss.last_success_at);
    Row("staff.sync.last_error", T(L, AppText::StaffSyncLastError),
        ss.last_error.empty() ? T(L, AppText::StaffNone) : ss.last_error);
    if (ss.phase == SyncStatus::Phase::Revoked) ui::ErrorText("staff.sync.revoked", T(L, AppText::StaffRevoked));
    std::vector<OutboxEntry> rejected = RejectedEntries(s);
    Row("staff.sync.rejected", T(L, AppText::StaffSyncRejected), std::to_string(rejected.size()));
    for (size_t i = 0; i < rejected.size() && i < 20; ++i) {
        const OutboxEntry& e = rejected[i];
        // Entity, a short record id and the server's reason: no personal data.
        std::string line = "• " + e.entity + " " + ShortId(e.record_id) + " — " +
                           (e.last_error.empty() ? "?" : e.last_error);
        std::string key = "staff.rejected." + std::to_string(i);
        ui::ErrorText(key.c_str(), line.c_str());
    }
    const bool busy = ss.phase == SyncStatus::Phase::Pushing || ss.phase == SyncStatus::Phase::Pulling;
    if (f.sync_requested && !busy && ss.total_this_run > 0 && ss.sent_this_run >= ss.total_this_run)
        f.sync_requested = false;
    if (f.sync_requested || busy) {
        float frac = ss.total_this_run > 0 ? float(ss.sent_this_run) / float(ss.total_this_run) : (busy ? 0.5f : 1.0f);
        std::string label = Tf(L, AppText::StaffSyncProgress, static_cast<int>(ss.sent_this_run),
                               static_cast<int>(ss.total_this_run));
        ImGui::PushStyleColor(ImGuiCol_PlotHistogram, ImVec4(0.082f, 0.294f, 0.537f, 1));
        ImGui::ProgressBar(std::clamp(frac, 0.0f, 1.0f), ImVec2(w, ui::Px(28)), label.c_str());
        ImGui::PopStyleColor();
        ui::RecordLastItem("staff.sync.progress");
        if (!busy && f.sync_requested && ss.total_this_run == 0) f.sync_requested = false;
    }
    if (ui::PrimaryButton("staff.sync_now", T(L, AppText::StaffSyncNow), w)) {
        SyncNow(s);
        f.sync_requested = true;
    }

    // Storage.
    ui::Heading(T(L, AppText::StaffStorage));
    StorageStatus sto = GetStorageStatus();
    Row("staff.storage.persistent", T(L, AppText::StaffStoragePersistent),
        T(L, sto.persistent ? AppText::StaffYes : AppText::StaffNoPersist));
    std::string used = Megabytes(sto.usage_bytes, L) + " / " +
                       (sto.quota_bytes > 0 ? Megabytes(sto.quota_bytes, L) : std::string(T(L, AppText::StaffUnknown)));
    Row("staff.storage.usage", T(L, AppText::StaffStorageUsage), used);
    if (sto.near_quota) ui::ErrorText("staff.storage.near", T(L, AppText::StaffStorageNear));
    if (sto.last_error != PersistError::None) {
        ui::ErrorText("staff.storage.error", PersistErrorText(L, sto.last_error));
        if (!sto.last_error_detail.empty()) ui::MutedText(sto.last_error_detail.c_str());
    }

    // Kiosk settings.
    ui::Heading(T(L, AppText::StaffKiosk));
    bool edited = Stepper("staff.idle_warn", T(L, AppText::StaffIdleWarn), &f.edit.idle_warn_s, 5, kIdleMinS, 600);
    edited |= Stepper("staff.idle_countdown", T(L, AppText::StaffIdleCountdown), &f.edit.idle_countdown_s, 5,
                      kIdleMinS, 120);
    if (edited) f.settings_saved = false;
    if (ui::SecondaryButton("staff.kiosk_save", T(L, AppText::StaffKioskSave), w)) {
        if (SaveKioskSettings(s, f.edit)) {
            st.kiosk = LoadKioskSettings(s);
            f.settings_saved = true;
        }
    }
    if (f.settings_saved) ui::MutedText(T(L, AppText::StaffKioskSaved));

    ImGui::Dummy(ImVec2(0, ui::Px(16)));
    // The admin mode (needs dashboard...): its own sign-in; ends with this kiosk visit.
    if (ui::SecondaryButton("staff.admin", T(L, AppText::AdminOpenFromStaff), w)) {
        OpenAdmin(st, true);
        return;
    }
    ImGui::Dummy(ImVec2(0, ui::Px(4)));
    if (st.kiosk_mode) {
        if (ui::SecondaryButton("staff.leave_kiosk", T(L, AppText::StaffLeaveKiosk), w)) {
            st.kiosk_mode = false;
            GoTo(st, Screen::Start);
            return;
        }
    } else if (ui::SecondaryButton("staff.enter_kiosk", T(L, AppText::KioskResume), w)) {
        st.kiosk_mode = true;
    }
    ImGui::Dummy(ImVec2(0, ui::Px(4)));
    if (ui::PrimaryButton("staff.lock", T(L, AppText::StaffLock), w)) GoTo(st, Screen::Start);
}

}  // namespace comptoir::app
