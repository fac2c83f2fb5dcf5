// sync/server/pg_store.h — the PostgreSQL backend of ServerStore (pg_store.cpp).
//
//   std::string err;
//   auto store = OpenPgServerStore("postgresql://comptoir@db.internal:5432/comptoir", &err);
//
// Any libpq connection URI works (postgresql:// or postgres://, with ?sslmode=…,
// ?options=-csearch_path%3Dmy_schema, a unix socket via ?host=/run/postgresql …).
// Several comptoir-server instances may share one database: migrations take an
// advisory lock, a push is one READ COMMITTED transaction that retries on conflicts
// (see pg_store.cpp's top). Connections: a pool of COMPTOIR_DB_POOL (default 8) per
// process, opened on demand.
#pragma once
#include <memory>
#include <string>

#include "sync/server/server_store.h"

namespace comptoir {

// True for "postgresql://…" and "postgres://…".
bool IsPostgresUrl(const std::string& location);

std::unique_ptr<ServerStore> OpenPgServerStore(const std::string& url, std::string* error);

}  // namespace comptoir
