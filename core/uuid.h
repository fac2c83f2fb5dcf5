// core/uuid.h — record ids made on the device (UUID version 4, RFC 9562).
//
//   std::string id = NewUuid();    // "3f1c…-4…-[89ab]…", lowercase
//   IsUuid(id)                     // syntax check: 8-4-4-4-12 hex digits, any case
#pragma once
#include <string>
#include <string_view>

namespace comptoir {

std::string NewUuid();
bool IsUuid(std::string_view s);

}  // namespace comptoir
