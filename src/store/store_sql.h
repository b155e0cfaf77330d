// The SQL statements of SqliteStore (schema in migrations.cc, format in
// docs/store-format.md). Internal to the store module; shared with the unit
// tests, which check with EXPLAIN QUERY PLAN that every per-object statement
// is an index search (O(log n)), never a table scan.
#pragma once

namespace ipadm::store::sql {

inline constexpr const char* kSelIfs = "SELECT ifname, v4, v6 FROM interfaces ORDER BY seq";
inline constexpr const char* kSelIf = "SELECT ifname, v4, v6 FROM interfaces WHERE ifname = ?1";

#define IPADM_ADDR_COLS \
  "SELECT aobjname, ifname, family, atype, local, remote, prefixlen, up, extra FROM addrs"
inline constexpr const char* kSelAddrs = IPADM_ADDR_COLS " ORDER BY seq";
inline constexpr const char* kSelAddrsOf = IPADM_ADDR_COLS " WHERE ifname = ?1 ORDER BY seq";
inline constexpr const char* kSelAddr = IPADM_ADDR_COLS " WHERE aobjname = ?1";
#undef IPADM_ADDR_COLS

#define IPADM_PROP_COLS "SELECT protocol, ifname, aobjname, name, value FROM props"
inline constexpr const char* kSelAllProps = IPADM_PROP_COLS " ORDER BY seq";
inline constexpr const char* kSelProtoProps =
    IPADM_PROP_COLS " WHERE ifname = '' AND aobjname = '' ORDER BY seq";
inline constexpr const char* kSelIfProps =
    IPADM_PROP_COLS " WHERE ifname = ?1 AND aobjname = '' ORDER BY seq";
inline constexpr const char* kSelAddrProps = IPADM_PROP_COLS " WHERE aobjname = ?1 ORDER BY seq";
#undef IPADM_PROP_COLS

inline constexpr const char* kPutIf =
    "INSERT INTO interfaces(ifname, v4, v6) VALUES(?1, ?2, ?3) "
    "ON CONFLICT(ifname) DO UPDATE SET v4 = excluded.v4, v6 = excluded.v6";
inline constexpr const char* kDelIfAddrProps =
    "DELETE FROM props WHERE aobjname IN (SELECT aobjname FROM addrs WHERE ifname = ?1)";
inline constexpr const char* kDelIfProps = "DELETE FROM props WHERE ifname = ?1";
inline constexpr const char* kDelIfAddrs = "DELETE FROM addrs WHERE ifname = ?1";
inline constexpr const char* kDelIf = "DELETE FROM interfaces WHERE ifname = ?1";

inline constexpr const char* kPutAddr =
    "INSERT INTO addrs(aobjname, ifname, family, atype, local, remote, prefixlen, up, extra) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
    "ON CONFLICT(aobjname) DO UPDATE SET ifname = excluded.ifname, "
    "family = excluded.family, atype = excluded.atype, local = excluded.local, "
    "remote = excluded.remote, prefixlen = excluded.prefixlen, up = excluded.up, "
    "extra = excluded.extra";
inline constexpr const char* kDelAddrProps = "DELETE FROM props WHERE aobjname = ?1";
inline constexpr const char* kDelAddr = "DELETE FROM addrs WHERE aobjname = ?1";

inline constexpr const char* kPutProp =
    "INSERT INTO props(protocol, ifname, aobjname, name, value) VALUES(?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT(protocol, ifname, aobjname, name) DO UPDATE SET value = excluded.value";
inline constexpr const char* kPutMeta =
    "INSERT INTO meta(key, value) VALUES(?1, ?2) "
    "ON CONFLICT(key) DO UPDATE SET value = excluded.value";
inline constexpr const char* kSelMeta = "SELECT value FROM meta WHERE key = ?1";
inline constexpr const char* kPutCheckpoint =
    "INSERT OR REPLACE INTO checkpoint(id, started, deadline, snapshot) VALUES(1, ?1, ?2, ?3)";
inline constexpr const char* kSelCheckpoint =
    "SELECT started, deadline, snapshot FROM checkpoint WHERE id = 1";
inline constexpr const char* kDelCheckpoint = "DELETE FROM checkpoint";
inline constexpr const char* kDelProp =
    "DELETE FROM props WHERE protocol = ?1 AND ifname = ?2 AND aobjname = ?3 AND name = ?4";

inline constexpr const char* kSelRoutes =
    "SELECT family, destination, gateway, ifname, metric FROM routes ORDER BY seq";
inline constexpr const char* kPutRoute =
    "INSERT INTO routes(family, destination, gateway, ifname, metric) "
    "VALUES(?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT(family, destination, metric) DO UPDATE SET gateway = excluded.gateway, "
    "ifname = excluded.ifname";
inline constexpr const char* kDelRoute =
    "DELETE FROM routes WHERE family = ?1 AND destination = ?2 AND metric = ?3";

// Statements that touch one object (or one interface's rows) and must be
// index searches. The full-table reads (kSelIfs, kSelAddrs, kSelAllProps) are
// O(n) by nature and not listed.
inline constexpr const char* kPerObjectStatements[] = {
    kSelIf, kSelAddrsOf, kSelAddr, kSelProtoProps, kSelIfProps, kSelAddrProps,
    kPutIf, kDelIfAddrProps, kDelIfProps, kDelIfAddrs, kDelIf,
    kPutAddr, kDelAddrProps, kDelAddr, kPutProp, kDelProp, kPutRoute, kDelRoute,
};

}  // namespace ipadm::store::sql
