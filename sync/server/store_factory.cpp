// sync/server/store_factory.cpp — OpenServerStore: a postgresql:// (or postgres://) URL
// opens the PostgreSQL backend (pg_store.cpp), anything else is a SQLite file path
// (sqlite_store.cpp).
#include "sync/server/pg_store.h"
#include "sync/server/server_store.h"

namespace comptoir {

std::unique_ptr<ServerStore> OpenServerStore(const std::string& location, std::string* error) {
    if (IsPostgresUrl(location)) return OpenPgServerStore(location, error);
    return OpenSqliteServerStore(location, error);
}

}  // namespace comptoir
