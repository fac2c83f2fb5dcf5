// core/catalogue.cpp — see catalogue.h. The start lists come from PRODUCT.md and the
// first CRC Mons cinema table (priorities: a map of skills, a shared workspace, a
// directory of trade professionals, equipment sharing).
#include "core/catalogue.h"

namespace comptoir {

namespace {

struct Row {
    const char* kind;
    const char* id;
    const char* parent;
    const char* fr;
    const char* nl;
    const char* en;
};

constexpr Row kSeed[] = {
    // --- sectors ---
    {"sector", "cinema", "", "Arts audiovisuels / cinéma", "Audiovisuele kunsten / film", "Audiovisual arts / film"},
    {"sector", "scene", "", "Arts de la scène (théâtre, danse, cirque)", "Podiumkunsten (theater, dans, circus)", "Performing arts (theatre, dance, circus)"},
    {"sector", "musique", "", "Musique", "Muziek", "Music"},
    {"sector", "arts-plastiques", "", "Arts plastiques", "Beeldende kunsten", "Visual arts"},
    {"sector", "photographie", "", "Photographie", "Fotografie", "Photography"},
    {"sector", "litterature", "", "Littérature / édition / bande dessinée", "Literatuur / uitgeverij / strips", "Literature / publishing / comics"},
    {"sector", "design", "", "Design / graphisme", "Design / grafische vormgeving", "Design / graphic design"},
    {"sector", "mode", "", "Mode / textile", "Mode / textiel", "Fashion / textiles"},
    {"sector", "jeu-video", "", "Jeu vidéo / numérique", "Videogames / digitale creatie", "Video games / digital"},
    {"sector", "artisanat", "", "Artisanat d'art", "Kunstambachten", "Art crafts"},
    // --- film professions ---
    {"profession", "cinema.scenariste", "cinema", "Scénariste", "Scenarist", "Screenwriter"},
    {"profession", "cinema.realisateur", "cinema", "Réalisateur·rice", "Regisseur", "Director"},
    {"profession", "cinema.assistant-realisation", "cinema", "Assistant·e réalisation", "Regieassistent", "Assistant director"},
    {"profession", "cinema.scripte", "cinema", "Scripte", "Scriptsupervisor", "Script supervisor"},
    {"profession", "cinema.directeur-casting", "cinema", "Directeur·rice de casting", "Castingdirecteur", "Casting director"},
    {"profession", "cinema.producteur", "cinema", "Producteur·rice", "Producent", "Producer"},
    {"profession", "cinema.directeur-production", "cinema", "Directeur·rice de production", "Productieleider", "Production manager"},
    {"profession", "cinema.regisseur", "cinema", "Régisseur·euse", "Locatiemanager / regisseur", "Location / unit manager"},
    {"profession", "cinema.directeur-photo", "cinema", "Directeur·rice de la photographie", "Director of photography", "Director of photography"},
    {"profession", "cinema.cadreur", "cinema", "Cadreur·euse", "Cameraman / cameravrouw", "Camera operator"},
    {"profession", "cinema.assistant-camera", "cinema", "Assistant·e caméra", "Camera-assistent", "Camera assistant"},
    {"profession", "cinema.electricien", "cinema", "Électricien·ne", "Elektricien / gaffer", "Electrician / gaffer"},
    {"profession", "cinema.machiniste", "cinema", "Machiniste", "Grip", "Grip"},
    {"profession", "cinema.ingenieur-son", "cinema", "Ingénieur·e du son", "Geluidstechnicus", "Sound engineer"},
    {"profession", "cinema.perchiste", "cinema", "Perchiste", "Boom operator", "Boom operator"},
    {"profession", "cinema.monteur", "cinema", "Monteur·euse", "Monteur", "Editor"},
    {"profession", "cinema.monteur-son", "cinema", "Monteur·euse son / mixeur·euse", "Geluidsmonteur / mixer", "Sound editor / mixer"},
    {"profession", "cinema.etalonneur", "cinema", "Étalonneur·euse", "Colorist", "Colourist"},
    {"profession", "cinema.vfx-animation", "cinema", "VFX / animation", "VFX / animatie", "VFX / animation"},
    {"profession", "cinema.compositeur", "cinema", "Compositeur·rice", "Componist", "Composer"},
    {"profession", "cinema.chef-decorateur", "cinema", "Chef décorateur·rice", "Production designer", "Production designer"},
    {"profession", "cinema.accessoiriste", "cinema", "Accessoiriste", "Rekwisiteur", "Props master"},
    {"profession", "cinema.costumier", "cinema", "Costumier·ère", "Kostuumontwerper", "Costume designer"},
    {"profession", "cinema.maquilleur-coiffeur", "cinema", "Maquilleur·euse / coiffeur·euse", "Grimeur / kapper", "Make-up artist / hairdresser"},
    {"profession", "cinema.comedien", "cinema", "Comédien·ne", "Acteur / actrice", "Actor"},
    {"profession", "cinema.distribution-diffusion", "cinema", "Distribution / diffusion", "Distributie / vertoning", "Distribution / exhibition"},
    // --- a few professions of other sectors (the coordinator extends these) ---
    {"profession", "scene.comedien", "scene", "Comédien·ne", "Acteur / actrice", "Actor"},
    {"profession", "scene.danseur", "scene", "Danseur·euse", "Danser", "Dancer"},
    {"profession", "scene.circassien", "scene", "Artiste de cirque", "Circusartiest", "Circus artist"},
    {"profession", "scene.metteur-en-scene", "scene", "Metteur·euse en scène", "Regisseur (theater)", "Stage director"},
    {"profession", "scene.technicien", "scene", "Technicien·ne de scène", "Podiumtechnicus", "Stage technician"},
    {"profession", "musique.musicien", "musique", "Musicien·ne", "Muzikant", "Musician"},
    {"profession", "musique.chanteur", "musique", "Chanteur·euse", "Zanger(es)", "Singer"},
    {"profession", "musique.compositeur", "musique", "Compositeur·rice", "Componist", "Composer"},
    {"profession", "musique.ingenieur-son", "musique", "Ingénieur·e du son", "Geluidstechnicus", "Sound engineer"},
    {"profession", "arts-plastiques.peintre", "arts-plastiques", "Peintre", "Schilder", "Painter"},
    {"profession", "arts-plastiques.sculpteur", "arts-plastiques", "Sculpteur·rice", "Beeldhouwer", "Sculptor"},
    {"profession", "arts-plastiques.illustrateur", "arts-plastiques", "Illustrateur·rice", "Illustrator", "Illustrator"},
    {"profession", "photographie.photographe", "photographie", "Photographe", "Fotograaf", "Photographer"},
    {"profession", "litterature.auteur", "litterature", "Auteur·rice", "Auteur", "Author"},
    {"profession", "litterature.editeur", "litterature", "Éditeur·rice", "Uitgever", "Publisher"},
    {"profession", "litterature.dessinateur-bd", "litterature", "Dessinateur·rice de BD", "Striptekenaar", "Comics artist"},
    {"profession", "design.graphiste", "design", "Graphiste", "Grafisch ontwerper", "Graphic designer"},
    {"profession", "design.designer-produit", "design", "Designer produit", "Productontwerper", "Product designer"},
    {"profession", "mode.styliste", "mode", "Styliste", "Modeontwerper", "Fashion designer"},
    {"profession", "mode.couturier", "mode", "Couturier·ère", "Kleermaker", "Dressmaker"},
    {"profession", "jeu-video.developpeur", "jeu-video", "Développeur·euse", "Ontwikkelaar", "Developer"},
    {"profession", "jeu-video.game-designer", "jeu-video", "Game designer", "Game designer", "Game designer"},
    {"profession", "jeu-video.artiste-3d", "jeu-video", "Artiste 2D / 3D", "2D-/3D-artiest", "2D / 3D artist"},
    {"profession", "artisanat.ceramiste", "artisanat", "Céramiste", "Keramist", "Ceramicist"},
    {"profession", "artisanat.ebeniste", "artisanat", "Ébéniste", "Meubelmaker", "Cabinetmaker"},
    {"profession", "artisanat.bijoutier", "artisanat", "Bijoutier·ère", "Juwelier", "Jeweller"},
    // --- need categories ---
    {"need_category", "materiel", "", "Matériel", "Materiaal", "Equipment"},
    {"need_category", "espaces", "", "Espaces", "Ruimtes", "Spaces"},
    {"need_category", "services", "", "Services", "Diensten", "Services"},
    {"need_category", "formation", "", "Formation", "Opleiding", "Training"},
    {"need_category", "reseau", "", "Réseau & visibilité", "Netwerk & zichtbaarheid", "Network & visibility"},
    {"need_category", "financement", "", "Financement", "Financiering", "Funding"},
    // --- need items ---
    {"need_item", "materiel.partage-equipement", "materiel", "Système de partage de matériel", "Systeem om materiaal te delen", "Equipment-sharing system"},
    {"need_item", "materiel.camera", "materiel", "Caméra et optiques", "Camera en lenzen", "Camera and lenses"},
    {"need_item", "materiel.son", "materiel", "Matériel son", "Geluidsmateriaal", "Sound equipment"},
    {"need_item", "materiel.lumiere", "materiel", "Matériel lumière", "Lichtmateriaal", "Lighting equipment"},
    {"need_item", "materiel.informatique", "materiel", "Informatique et logiciels", "Computers en software", "Computers and software"},
    {"need_item", "espaces.bureau-partage", "espaces", "Espace de travail partagé", "Gedeelde werkruimte", "Shared workspace"},
    {"need_item", "espaces.salle-montage", "espaces", "Salle de montage", "Montageruimte", "Editing suite"},
    {"need_item", "espaces.studio-tournage", "espaces", "Studio de tournage / photo", "Opname- / fotostudio", "Film / photo studio"},
    {"need_item", "espaces.salle-repetition", "espaces", "Salle de répétition", "Repetitieruimte", "Rehearsal room"},
    {"need_item", "espaces.atelier", "espaces", "Atelier", "Atelier", "Workshop space"},
    {"need_item", "espaces.stockage", "espaces", "Espace de stockage", "Opslagruimte", "Storage space"},
    {"need_item", "services.juridique", "services", "Conseil juridique (contrats, droits d'auteur)", "Juridisch advies (contracten, auteursrecht)", "Legal advice (contracts, copyright)"},
    {"need_item", "services.comptabilite", "services", "Comptabilité et gestion", "Boekhouding en beheer", "Accounting and administration"},
    {"need_item", "services.statut-social", "services", "Accompagnement statut social (ATA, chômage)", "Begeleiding sociaal statuut (kunstwerkattest, werkloosheid)", "Help with social status (ATA, unemployment)"},
    {"need_item", "services.communication", "services", "Communication et promotion", "Communicatie en promotie", "Communication and promotion"},
    {"need_item", "services.administration-production", "services", "Administration de production", "Productieadministratie", "Production administration"},
    {"need_item", "formation.technique", "formation", "Formation technique", "Technische opleiding", "Technical training"},
    {"need_item", "formation.gestion-projet", "formation", "Gestion de projet et entrepreneuriat", "Projectbeheer en ondernemerschap", "Project management and entrepreneurship"},
    {"need_item", "formation.numerique", "formation", "Outils numériques", "Digitale tools", "Digital tools"},
    {"need_item", "reseau.cartographie-competences", "reseau", "Cartographie des compétences", "Overzicht van vaardigheden", "Skills map"},
    {"need_item", "reseau.annuaire-professionnels", "reseau", "Annuaire des professionnels du métier", "Gids van vakmensen", "Directory of trade professionals"},
    {"need_item", "reseau.rencontres", "reseau", "Rencontres professionnelles", "Professionele ontmoetingen", "Professional meetings"},
    {"need_item", "reseau.diffusion", "reseau", "Lieux de diffusion et visibilité", "Vertoningsplekken en zichtbaarheid", "Venues and visibility"},
    {"need_item", "financement.subventions", "financement", "Aide aux demandes de subventions", "Hulp bij subsidieaanvragen", "Help with grant applications"},
    {"need_item", "financement.crowdfunding", "financement", "Financement participatif", "Crowdfunding", "Crowdfunding"},
    {"need_item", "financement.preparation-budget", "financement", "Préparation de budgets", "Begrotingen opstellen", "Budget preparation"},
};

}  // namespace

std::vector<CatalogueEntry> SeedCatalogue() {
    std::vector<CatalogueEntry> out;
    out.reserve(sizeof(kSeed) / sizeof(kSeed[0]));
    int sort = 0;
    std::string last_kind;
    for (const Row& r : kSeed) {
        if (r.kind != last_kind) {
            last_kind = r.kind;
            sort = 0;
        }
        out.push_back(CatalogueEntry{r.kind, r.id, r.parent, r.fr, r.nl, r.en, sort += 10, false});
    }
    return out;
}

const std::string& Label(const CatalogueEntry& e, Lang lang) {
    const std::string& l = lang == Lang::Nl ? e.label_nl : lang == Lang::En ? e.label_en : e.label_fr;
    if (!l.empty()) return l;
    return e.label_fr.empty() ? e.id : e.label_fr;
}

const CatalogueEntry* FindEntry(const std::vector<CatalogueEntry>& entries, std::string_view id) {
    for (const auto& e : entries)
        if (e.id == id) return &e;
    return nullptr;
}

std::string ConsentTextVersion(Lang lang) { return std::string(LangCode(lang)) + "-" + kConsentTextVersion; }

const char* ProcessingConsentText(Lang lang) { return Tr(lang, Text::ConsentProcessingText); }

}  // namespace comptoir
