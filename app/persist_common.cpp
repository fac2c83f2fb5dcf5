// app/persist_common.cpp — the parts of app/persist.h shared by the browser
// (persist_web.cpp) and the native kiosk (persist_native.cpp): error texts.
#include "app/persist.h"

namespace comptoir {

const char* PersistErrorText(Lang lang, PersistError e) {
    struct T { const char* fr; const char* nl; const char* en; };
    static const T kTexts[] = {
        {"Enregistré.", "Opgeslagen.", "Saved."},
        {"Ce navigateur ne permet pas d'enregistrer des données sur cet appareil (navigation privée ?). Prévenez l'équipe.",
         "Deze browser kan geen gegevens op dit toestel bewaren (privévenster?). Verwittig het team.",
         "This browser cannot store data on this device (private browsing?). Please tell the staff."},
        {"L'espace de stockage de cet appareil est plein : rien n'a été enregistré. Prévenez l'équipe.",
         "De opslag van dit toestel is vol: er is niets opgeslagen. Verwittig het team.",
         "This device's storage is full: nothing was saved. Please tell the staff."},
        {"L'enregistrement sur cet appareil a échoué. Réessayez ; si cela se reproduit, prévenez l'équipe.",
         "Opslaan op dit toestel is mislukt. Probeer opnieuw; verwittig het team als het opnieuw gebeurt.",
         "Saving on this device failed. Try again; if it happens again, please tell the staff."},
        {"Les données enregistrées sur cet appareil sont endommagées. Rien n'a été effacé : prévenez l'équipe.",
         "De gegevens op dit toestel zijn beschadigd. Er is niets gewist: verwittig het team.",
         "The data stored on this device is damaged. Nothing was erased: please tell the staff."},
        {"Comptoir est déjà ouvert dans un autre onglet. Utilisez cet onglet-là, ou fermez-le : celui-ci prendra le relais.",
         "Comptoir is al open in een ander tabblad. Gebruik dat tabblad, of sluit het: dit tabblad neemt dan over.",
         "Comptoir is already open in another tab. Use that tab, or close it: this one will take over."},
        {"Un enregistrement est encore en cours. Réessayez dans un instant.",
         "Er wordt nog iets opgeslagen. Probeer zo dadelijk opnieuw.",
         "A save is still in progress. Try again in a moment."},
        {"Le stockage de cet appareil n'est pas ouvert. Rechargez la page.",
         "De opslag van dit toestel is niet geopend. Laad de pagina opnieuw.",
         "This device's storage is not open. Reload the page."},
    };
    size_t i = size_t(e);
    if (i >= sizeof kTexts / sizeof kTexts[0]) i = size_t(PersistError::WriteFailed);
    switch (lang) {
        case Lang::Nl: return kTexts[i].nl;
        case Lang::En: return kTexts[i].en;
        default: return kTexts[i].fr;
    }
}

const char* PersistErrorName(PersistError e) {
    switch (e) {
        case PersistError::None: return "None";
        case PersistError::Unavailable: return "Unavailable";
        case PersistError::QuotaExceeded: return "QuotaExceeded";
        case PersistError::WriteFailed: return "WriteFailed";
        case PersistError::Damaged: return "Damaged";
        case PersistError::OtherTab: return "OtherTab";
        case PersistError::Busy: return "Busy";
        case PersistError::NotOpen: return "NotOpen";
    }
    return "Unknown";
}

}  // namespace comptoir
