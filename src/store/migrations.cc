#include "store/migrations.h"

#include <iterator>
#include <string>

namespace ipadm::store {

namespace {

// ---- persistent store ----
// Row order is `seq` (INTEGER PRIMARY KEY = rowid): creation order, kept by
// upserts (ON CONFLICT DO UPDATE keeps the row) and by VACUUM. Absent keys
// in props are '' (not NULL) so that the UNIQUE key covers every shape.
constexpr const char* kStoreV1 = R"sql(
CREATE TABLE interfaces (
  seq    INTEGER PRIMARY KEY,
  ifname TEXT NOT NULL UNIQUE,
  v4     INTEGER NOT NULL DEFAULT 0,
  v6     INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE addrs (
  seq       INTEGER PRIMARY KEY,
  aobjname  TEXT NOT NULL UNIQUE,
  ifname    TEXT NOT NULL REFERENCES interfaces(ifname),
  family    INTEGER NOT NULL,
  atype     INTEGER NOT NULL,
  local     TEXT NOT NULL DEFAULT '',
  remote    TEXT NOT NULL DEFAULT '',
  prefixlen INTEGER NOT NULL DEFAULT -1,
  up        INTEGER NOT NULL DEFAULT 1,
  extra     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX addrs_by_ifname ON addrs(ifname);
CREATE TABLE props (
  seq      INTEGER PRIMARY KEY,
  protocol TEXT NOT NULL DEFAULT '',
  ifname   TEXT NOT NULL DEFAULT '',
  aobjname TEXT NOT NULL DEFAULT '',
  name     TEXT NOT NULL,
  value    TEXT NOT NULL DEFAULT '',
  UNIQUE (protocol, ifname, aobjname, name)
);
CREATE INDEX props_by_ifname ON props(ifname, aobjname);
CREATE INDEX props_by_aobjname ON props(aobjname);
)sql";

Status store_v0_to_v1(Db& db) { return db.exec(kStoreV1); }

// v2: daemon bookkeeping (first-boot and legacy-import markers), the analog
// of illumos's SMF properties ipmgmtd/first_boot_done and datastore_version.
constexpr const char* kStoreV2 = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql";

Status store_v1_to_v2(Db& db) { return db.exec(kStoreV2); }

// v3: persistent routes (create-route), keyed like the kernel's main table.
// metric is the kernel's (IPv6's default 1024 spelled out).
constexpr const char* kStoreV3 = R"sql(
CREATE TABLE routes (
  seq         INTEGER PRIMARY KEY,
  family      INTEGER NOT NULL,
  destination TEXT NOT NULL,
  gateway     TEXT NOT NULL DEFAULT '',
  ifname      TEXT NOT NULL DEFAULT '',
  metric      INTEGER NOT NULL DEFAULT 0,
  UNIQUE (family, destination, metric)
);
)sql";
Status store_v2_to_v3(Db& db) { return db.exec(kStoreV3); }
// v4: the pending checkpoint (ipadm checkpoint), at most one row.
constexpr const char* kStoreCheckpoint = R"sql(
CREATE TABLE checkpoint (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  started  INTEGER NOT NULL,
  deadline INTEGER NOT NULL,
  snapshot TEXT NOT NULL
);
)sql";

Status store_add_checkpoint(Db& db) { return db.exec(kStoreCheckpoint); }

constexpr MigrationStep kStoreSteps[] = {
    {"create the v1 schema (interfaces, addrs, props)", store_v0_to_v1},
    {"add the meta table", store_v1_to_v2},
    {"add the routes table", store_v2_to_v3},
    {"add the checkpoint table", store_add_checkpoint},
};
static_assert(std::size(kStoreSteps) == kCurrentSchemaVersion);

// ---- volatile store ----
// IpAddr columns hold IpAddr::to_string() text, NULL when unset.
constexpr const char* kVolatileV1 = R"sql(
CREATE TABLE ifs (
  seq    INTEGER PRIMARY KEY,
  ifname TEXT NOT NULL UNIQUE,
  v4     INTEGER NOT NULL,
  v6     INTEGER NOT NULL,
  flags  INTEGER NOT NULL
);
CREATE TABLE addrs (
  seq             INTEGER PRIMARY KEY,
  aobjname        TEXT NOT NULL UNIQUE,
  ifname          TEXT NOT NULL,
  family          INTEGER NOT NULL,
  atype           INTEGER NOT NULL,
  flags           INTEGER NOT NULL,
  local           TEXT,
  remote          TEXT,
  prefixlen       INTEGER NOT NULL,
  up              INTEGER NOT NULL,
  local_text      TEXT NOT NULL,
  remote_text     TEXT NOT NULL,
  explicit_prefix INTEGER NOT NULL
);
CREATE INDEX addrs_by_ifname ON addrs(ifname);
)sql";

Status volatile_v0_to_v1(Db& db) { return db.exec(kVolatileV1); }

// v2: dhcp/addrconf objects carry their type-specific data (extra, the
// store form) and the default routes a DHCP lease added (routers,
// comma-separated addresses).
constexpr const char* kVolatileV2 = R"sql(
ALTER TABLE addrs ADD COLUMN extra TEXT NOT NULL DEFAULT '';
ALTER TABLE addrs ADD COLUMN routers TEXT NOT NULL DEFAULT '';
)sql";

Status volatile_v1_to_v2(Db& db) { return db.exec(kVolatileV2); }

// v3: temporary property values kept by the daemon (core::PropService).
constexpr const char* kVolatileV3 = R"sql(
CREATE TABLE temp_values (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql";

Status volatile_v2_to_v3(Db& db) { return db.exec(kVolatileV3); }

// v4: the ifindex of the link an active interface was enabled on, so that a
// restarted daemon can tell a link re-created meanwhile (IfObj::ifindex).
constexpr const char* kVolatileV4 = R"sql(
ALTER TABLE ifs ADD COLUMN ifindex INTEGER NOT NULL DEFAULT 0;
)sql";

Status volatile_v3_to_v4(Db& db) { return db.exec(kVolatileV4); }

// v5: the temporary routes (create-route -t), so that a restarted daemon
// still owns them (VolatileStore::put_temp_routes).
constexpr const char* kVolatileV5 = R"sql(
CREATE TABLE temp_routes (
  seq         INTEGER PRIMARY KEY,
  family      INTEGER NOT NULL,
  destination TEXT NOT NULL,
  gateway     TEXT NOT NULL,
  ifname      TEXT NOT NULL,
  metric      INTEGER NOT NULL
);
)sql";

Status volatile_v4_to_v5(Db& db) { return db.exec(kVolatileV5); }

constexpr MigrationStep kVolatileSteps[] = {
    {"create the v1 schema (ifs, addrs)", volatile_v0_to_v1},
    {"add extra and routers to addrs", volatile_v1_to_v2},
    {"add the temp_values table", volatile_v2_to_v3},
    {"add ifindex to ifs", volatile_v3_to_v4},
    {"add the temp_routes table", volatile_v4_to_v5},
};
static_assert(std::size(kVolatileSteps) == kCurrentVolatileSchemaVersion);

}  // namespace

const Schema& store_schema() {
  static const Schema s{"store", kStoreSteps};
  return s;
}

const Schema& volatile_schema() {
  static const Schema s{"volatile store", kVolatileSteps};
  return s;
}

Result<int> schema_version(Db& db) {
  Result<int64_t> v = db.query_int("PRAGMA user_version");
  if (!v) return v.status();
  return static_cast<int>(*v);
}

Status newer_schema_status(const Schema& schema, int found) {
  return Status(Errc::NotSup, std::string(schema.name) + " schema version " +
                                  std::to_string(found) +
                                  " is newer than this ipmgmtd supports (" +
                                  std::to_string(schema.current()) + ")");
}

Result<MigrateInfo> migrate(Db& db, const Schema& schema) {
  // Cheap check first, so that an up-to-date or newer database is not locked.
  Result<int> before = schema_version(db);
  if (!before) return before.status();
  if (*before > schema.current()) return newer_schema_status(schema, *before);
  if (*before == schema.current()) return MigrateInfo{*before, *before};

  Result<Transaction> txn = Transaction::begin(db, Transaction::Kind::Immediate);
  if (!txn) return txn.status();
  // Re-read under the write lock: another process may have migrated.
  Result<int> from = schema_version(db);
  if (!from) return from.status();
  if (*from > schema.current()) return newer_schema_status(schema, *from);
  for (int v = *from; v < schema.current(); ++v) {
    const MigrationStep& step = schema.steps[static_cast<size_t>(v)];
    Status s = step.apply(db);
    if (!s) {
      return Status(s.code(), std::string(schema.name) + " migration " +
                                  std::to_string(v) + "->" + std::to_string(v + 1) +
                                  " (" + step.description + "): " + s.detail(),
                    s.sys_errno());
    }
  }
  IPADM_TRY(db.exec("PRAGMA user_version = " + std::to_string(schema.current())));
  IPADM_TRY(txn->commit());
  return MigrateInfo{*from, schema.current()};
}

}  // namespace ipadm::store
