// core/domain_json.cpp — see domain_json.h. Never throws: every access is type-checked
// first, and the whole decode is additionally guarded.
#include "core/domain_json.h"

#include <climits>

namespace comptoir {

using nlohmann::json;

namespace {

json ConsentJson(const Consent& c) {
    return json{{"given", c.given}, {"at", c.at}, {"text_version", c.text_version}};
}

// Reads fields of one JSON object, recording errors with a dotted prefix.
struct Reader {
    const json* obj;  // null when the object itself is absent
    std::string prefix;
    std::vector<FieldError>* errors;

    std::string Field(const char* key) const { return prefix + key; }
    void Error(const std::string& field, ErrorCode code) const { errors->push_back({field, code}); }

    const json* Get(const char* key) const {
        if (!obj) return nullptr;
        auto it = obj->find(key);
        if (it == obj->end() || it->is_null()) return nullptr;
        return &*it;
    }
    void Str(const char* key, std::string* out, bool required = false) const {
        const json* v = Get(key);
        if (!v) {
            if (required) Error(Field(key), ErrorCode::Required);
            return;
        }
        if (!v->is_string()) return Error(Field(key), ErrorCode::InvalidValue);
        *out = v->get_ref<const std::string&>();
    }
    void Bool(const char* key, bool* out, bool required = false) const {
        const json* v = Get(key);
        if (!v) {
            if (required) Error(Field(key), ErrorCode::Required);
            return;
        }
        if (!v->is_boolean()) return Error(Field(key), ErrorCode::InvalidValue);
        *out = v->get<bool>();
    }
    void Int(const char* key, int* out) const {
        const json* v = Get(key);
        if (!v) return;
        if (v->is_number_unsigned()) {
            auto u = v->get<uint64_t>();
            if (u > uint64_t(INT_MAX)) return Error(Field(key), ErrorCode::InvalidValue);
            *out = int(u);
        } else if (v->is_number_integer()) {
            auto i = v->get<int64_t>();
            if (i < INT_MIN || i > INT_MAX) return Error(Field(key), ErrorCode::InvalidValue);
            *out = int(i);
        } else {
            Error(Field(key), ErrorCode::InvalidValue);
        }
    }
    void StrArray(const char* key, std::vector<std::string>* out) const {
        const json* v = Get(key);
        if (!v) return;
        if (!v->is_array()) return Error(Field(key), ErrorCode::InvalidValue);
        std::vector<std::string> r;
        size_t i = 0;
        bool ok = true;
        for (const auto& e : *v) {
            if (!e.is_string()) {
                Error(Field(key) + "[" + std::to_string(i) + "]", ErrorCode::InvalidValue);
                ok = false;
            } else {
                r.push_back(e.get_ref<const std::string&>());
            }
            ++i;
        }
        if (ok) *out = std::move(r);
    }
    // A nested object; absent gives a reader over nothing (every field absent).
    Reader Object(const char* key, bool* present = nullptr) const {
        const json* v = Get(key);
        if (present) *present = v != nullptr;
        if (v && !v->is_object()) {
            Error(Field(key), ErrorCode::InvalidValue);
            v = nullptr;
        }
        return Reader{v, Field(key) + ".", errors};
    }
};

template <typename T, typename Fn>
bool Decode(const json& j, T* out, std::vector<FieldError>* errors, Fn fn) {
    std::vector<FieldError> local;
    std::vector<FieldError>* errs = errors ? errors : &local;
    size_t before = errs->size();
    try {
        if (!j.is_object()) {
            errs->push_back({"data", ErrorCode::InvalidValue});
            return false;
        }
        T value = *out;
        Reader r{&j, "", errs};
        fn(r, value);
        if (errs->size() != before) return false;
        *out = std::move(value);
        return true;
    } catch (...) {  // defensive: the checks above should make this unreachable
        errs->push_back({"data", ErrorCode::InvalidValue});
        return false;
    }
}

void ReadConsent(const Reader& consents, const char* key, Consent* c, bool required) {
    bool present = false;
    Reader r = consents.Object(key, &present);
    if (!present) {
        if (required) r.Error(r.prefix + "given", ErrorCode::Required);
        return;
    }
    r.Bool("given", &c->given, required);
    r.Str("at", &c->at);
    r.Str("text_version", &c->text_version);
}

}  // namespace

json ToJson(const Creator& c) {
    return json{
        {"first_name", c.first_name},
        {"last_name", c.last_name},
        {"email", c.email},
        {"phone", c.phone},
        {"postcode", c.postcode},
        {"commune", c.commune},
        {"sectors", c.sectors},
        {"professions", c.professions},
        {"other_profession", c.other_profession},
        {"work_status", {{"statuses", c.work.statuses}, {"ata", c.work.ata}, {"ata_level", c.work.ata_level},
                         {"arts_allowance", c.work.arts_allowance}, {"via_smart", c.work.via_smart}}},
        {"structure_name", c.structure_name},
        {"website", c.website},
        {"languages", c.languages},
        {"preferred_lang", c.preferred_lang},
        {"consents", {{"processing", ConsentJson(c.consents.processing)},
                      {"contact", ConsentJson(c.consents.contact)},
                      {"newsletter", ConsentJson(c.consents.newsletter)},
                      {"directory", ConsentJson(c.consents.directory)}}},
        {"created_at", c.created_at},
    };
}

json ToJson(const Need& n) {
    return json{{"creator_id", n.creator_id}, {"item", n.item},       {"frequency", n.frequency},
                {"urgency", n.urgency},       {"budget", n.budget},   {"comment", n.comment}};
}

json ToJson(const Offer& o) {
    return json{{"creator_id", o.creator_id}, {"kind", o.kind}, {"item", o.item}, {"description", o.description}};
}

json ToJson(const Attendance& a) {
    return json{{"creator_id", a.creator_id}, {"event_id", a.event_id}, {"at", a.at}};
}

json ToJson(const Event& e) {
    return json{{"title", e.title}, {"sector", e.sector}, {"date", e.date}, {"place", e.place}, {"retired", e.retired}};
}

json ToJson(const CatalogueEntry& e) {
    return json{{"kind", e.kind},         {"parent", e.parent},     {"label_fr", e.label_fr},
                {"label_nl", e.label_nl}, {"label_en", e.label_en}, {"sort", e.sort},
                {"retired", e.retired}};
}

bool FromJson(const json& j, Creator* out, std::vector<FieldError>* errors) {
    return Decode(j, out, errors, [](const Reader& r, Creator& c) {
        r.Str("first_name", &c.first_name, true);
        r.Str("last_name", &c.last_name, true);
        r.Str("email", &c.email, true);
        r.Str("phone", &c.phone);
        r.Str("postcode", &c.postcode);
        r.Str("commune", &c.commune);
        r.StrArray("sectors", &c.sectors);
        r.StrArray("professions", &c.professions);
        r.Str("other_profession", &c.other_profession);
        Reader w = r.Object("work_status");
        w.StrArray("statuses", &c.work.statuses);
        w.Bool("ata", &c.work.ata);
        w.Str("ata_level", &c.work.ata_level);
        w.Bool("arts_allowance", &c.work.arts_allowance);
        w.Bool("via_smart", &c.work.via_smart);
        r.Str("structure_name", &c.structure_name);
        r.Str("website", &c.website);
        r.StrArray("languages", &c.languages);
        r.Str("preferred_lang", &c.preferred_lang);
        bool has_consents = false;
        Reader cs = r.Object("consents", &has_consents);
        ReadConsent(cs, "processing", &c.consents.processing, true);
        ReadConsent(cs, "contact", &c.consents.contact, false);
        ReadConsent(cs, "newsletter", &c.consents.newsletter, false);
        ReadConsent(cs, "directory", &c.consents.directory, false);
        r.Str("created_at", &c.created_at);
    });
}

bool FromJson(const json& j, Need* out, std::vector<FieldError>* errors) {
    return Decode(j, out, errors, [](const Reader& r, Need& n) {
        r.Str("creator_id", &n.creator_id, true);
        r.Str("item", &n.item, true);
        r.Str("frequency", &n.frequency);
        r.Str("urgency", &n.urgency);
        r.Str("budget", &n.budget);
        r.Str("comment", &n.comment);
    });
}

bool FromJson(const json& j, Offer* out, std::vector<FieldError>* errors) {
    return Decode(j, out, errors, [](const Reader& r, Offer& o) {
        r.Str("creator_id", &o.creator_id, true);
        r.Str("kind", &o.kind, true);
        r.Str("item", &o.item);
        r.Str("description", &o.description);
    });
}

bool FromJson(const json& j, Attendance* out, std::vector<FieldError>* errors) {
    return Decode(j, out, errors, [](const Reader& r, Attendance& a) {
        r.Str("creator_id", &a.creator_id, true);
        r.Str("event_id", &a.event_id, true);
        r.Str("at", &a.at);
    });
}

bool FromJson(const json& j, Event* out, std::vector<FieldError>* errors) {
    return Decode(j, out, errors, [](const Reader& r, Event& e) {
        r.Str("title", &e.title, true);
        r.Str("sector", &e.sector);
        r.Str("date", &e.date, true);
        r.Str("place", &e.place);
        r.Bool("retired", &e.retired);
    });
}

bool FromJson(const json& j, CatalogueEntry* out, std::vector<FieldError>* errors) {
    return Decode(j, out, errors, [](const Reader& r, CatalogueEntry& e) {
        r.Str("kind", &e.kind);
        r.Str("parent", &e.parent);
        r.Str("label_fr", &e.label_fr, true);
        r.Str("label_nl", &e.label_nl, true);
        r.Str("label_en", &e.label_en, true);
        r.Int("sort", &e.sort);
        r.Bool("retired", &e.retired);
    });
}

json ErrorToJson(const FieldError& e, Lang lang) {
    return json{{"code", ErrorWireId(e.code)}, {"field", e.field}, {"message", ErrorMessage(e.code, lang)}};
}

}  // namespace comptoir
