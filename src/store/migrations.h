// Migrations: versioned schemas for the SQLite databases of this module.
//
// A database's schema version is its `PRAGMA user_version` (0 = a new,
// empty file). A Schema is an ordered table of steps; step i takes the
// database from version i to version i + 1, so the current version is the
// table's size. migrate() runs every missing step and the version bump in
// ONE transaction (BEGIN IMMEDIATE): a crash leaves the old version intact.
// A database whose version is newer than the table is never written.
//
// Thread rules: not thread-safe; run on a Db no one else is using.
#pragma once

#include <span>
#include <string>

#include "common/status.h"
#include "store/sqlite_db.h"

namespace ipadm::store {

struct MigrationStep {
  const char* description;  // e.g. "create the v1 schema"
  Status (*apply)(Db& db);  // runs inside the migration transaction
};

struct Schema {
  const char* name;                       // "store", "volatile store" (messages)
  std::span<const MigrationStep> steps;   // steps[i]: version i -> i + 1
  int current() const { return static_cast<int>(steps.size()); }
};

// The persistent store (ipadm.db) and its current version.
const Schema& store_schema();
inline constexpr int kCurrentSchemaVersion = 4;

// The volatile aobjmap mirror (aobjmap.db).
const Schema& volatile_schema();
inline constexpr int kCurrentVolatileSchemaVersion = 5;

// PRAGMA user_version of db.
Result<int> schema_version(Db& db);

// The NotSup status for a database of version `found` newer than `schema`:
// "<name> schema version N is newer than this ipmgmtd supports (M)".
Status newer_schema_status(const Schema& schema, int found);

struct MigrateInfo {
  int from_version = 0;  // version found on disk
  int to_version = 0;    // version after migrate() (== from if nothing ran)
};

// Brings db up to schema.current(). Returns NotSup (newer_schema_status) for
// a newer database, leaving it untouched. REQUIRES: db is writable when
// migration is needed.
Result<MigrateInfo> migrate(Db& db, const Schema& schema);

}  // namespace ipadm::store
