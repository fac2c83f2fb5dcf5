// core/uuid.h — record ids made on the device (UUID version 7, RFC 9562: time-ordered,
// so they append to the indexes instead of scattering over them; see uuid.cpp).
//
//   std::string id = NewUuid();    // "0190f3c2-…-7…-[89ab]…", lowercase; later ids sort after
//   IsUuid(id)                     // syntax check: 8-4-4-4-12 hex digits, any case
#pragma once
#include <string>
#include <string_view>

namespace comptoir {

std::string NewUuid();
bool IsUuid(std::string_view s);
// 8 characters to tell records apart on a screen or in a file name: the END of the id
// (random in v4 and v7; a v7 id starts with its creation time, the same for a whole
// session's records). Shorter ids are returned whole.
inline std::string ShortId(std::string_view id) {
    return std::string(id.size() > 8 ? id.substr(id.size() - 8) : id);
}

}  // namespace comptoir
