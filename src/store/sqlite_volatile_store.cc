#include "store/sqlite_volatile_store.h"

#include <sqlite3.h>

#include "store/migrations.h"

namespace ipadm::store {

namespace {

constexpr const char* kSelIfs = "SELECT ifname, v4, v6, flags, ifindex FROM ifs ORDER BY seq";
constexpr const char* kSelAddrs =
    "SELECT aobjname, ifname, family, atype, flags, local, remote, prefixlen, up, "
    "local_text, remote_text, explicit_prefix, extra, routers FROM addrs ORDER BY seq";
constexpr const char* kPutIf =
    "INSERT INTO ifs(ifname, v4, v6, flags, ifindex) VALUES(?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT(ifname) DO UPDATE SET v4 = excluded.v4, v6 = excluded.v6, "
    "flags = excluded.flags, ifindex = excluded.ifindex";
constexpr const char* kDelIfAddrs = "DELETE FROM addrs WHERE ifname = ?1";
constexpr const char* kDelIf = "DELETE FROM ifs WHERE ifname = ?1";
constexpr const char* kPutAddr =
    "INSERT INTO addrs(aobjname, ifname, family, atype, flags, local, remote, prefixlen, "
    "up, local_text, remote_text, explicit_prefix, extra, routers) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
    "ON CONFLICT(aobjname) DO UPDATE SET ifname = excluded.ifname, "
    "family = excluded.family, atype = excluded.atype, flags = excluded.flags, "
    "local = excluded.local, remote = excluded.remote, prefixlen = excluded.prefixlen, "
    "up = excluded.up, local_text = excluded.local_text, "
    "remote_text = excluded.remote_text, explicit_prefix = excluded.explicit_prefix, "
    "extra = excluded.extra, routers = excluded.routers";
constexpr const char* kDelAddr = "DELETE FROM addrs WHERE aobjname = ?1";
constexpr const char* kSelValues = "SELECT key, value FROM temp_values ORDER BY key";
constexpr const char* kDelValues = "DELETE FROM temp_values";
constexpr const char* kPutValue = "INSERT INTO temp_values(key, value) VALUES(?1, ?2)";

void bind_ip(Stmt& st, int idx, const std::optional<IpAddr>& a) {
  if (a && a->family != 0)
    st.bind(idx, a->to_string());
  else
    st.bind_null(idx);
}

// NULL -> nullopt; text -> parsed address, or EBade.
Result<std::optional<IpAddr>> col_ip(const Stmt& st, int i, const std::string& aobjname) {
  if (st.col_is_null(i)) return std::optional<IpAddr>();
  std::string text = st.col_text(i);
  std::optional<IpAddr> a = IpAddr::parse(text);
  if (!a) return Status(Errc::EBade, "volatile store: " + aobjname + ": bad address '" + text + "'");
  return a;
}

Result<AddrObj> addr_row(const Stmt& st) {
  AddrObj o;
  o.aobjname = st.col_text(0);
  o.ifname = st.col_text(1);
  o.family = static_cast<int>(st.col_int(2));
  o.atype = static_cast<AddrType>(st.col_int(3));
  o.flags = static_cast<uint32_t>(st.col_int(4));
  Result<std::optional<IpAddr>> local = col_ip(st, 5, o.aobjname);
  if (!local) return local.status();
  o.local = local->value_or(IpAddr{});
  Result<std::optional<IpAddr>> remote = col_ip(st, 6, o.aobjname);
  if (!remote) return remote.status();
  o.remote = *remote;
  o.prefixlen = static_cast<int>(st.col_int(7));
  o.up = st.col_bool(8);
  o.local_text = st.col_text(9);
  o.remote_text = st.col_text(10);
  o.explicit_prefix = st.col_bool(11);
  o.extra = st.col_text(12);
  std::string routers = st.col_text(13);
  for (size_t start = 0; start < routers.size();) {
    size_t comma = routers.find(',', start);
    if (comma == std::string::npos) comma = routers.size();
    std::string text = routers.substr(start, comma - start);
    std::optional<IpAddr> a = IpAddr::parse(text);
    if (!a) return Status(Errc::EBade, "volatile store: " + o.aobjname + ": bad router '" + text + "'");
    o.routers.push_back(*a);
    start = comma + 1;
  }
  return o;
}

Status run1(Db& db, const char* sql, const std::string& key) {
  Result<Stmt> st = db.cached(sql);
  if (!st) return st.status();
  return st->bind(1, key).run();
}

}  // namespace

Result<std::unique_ptr<SqliteVolatileStore>> SqliteVolatileStore::open(
    const std::string& path) {
  Result<Db> db = Db::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db) return db.status();
  if (db->read_only()) return Status(Errc::EPerm, path + ": file is not writable");
  IPADM_TRY(db->exec("PRAGMA busy_timeout = 5000"));
  Result<std::string> mode = db->query_text("PRAGMA journal_mode = WAL");
  if (!mode) return mode.status();
  IPADM_TRY(db->exec("PRAGMA synchronous = OFF"));
  Result<MigrateInfo> m = migrate(*db, volatile_schema());
  if (!m) return m.status();
  return std::unique_ptr<SqliteVolatileStore>(new SqliteVolatileStore(std::move(*db)));
}

Result<VolatileState> SqliteVolatileStore::load() {
  // One read transaction: ifs and addrs from the same snapshot.
  Result<Transaction> txn = Transaction::begin(db_, Transaction::Kind::Deferred);
  if (!txn) return txn.status();
  VolatileState state;
  {
    Result<Stmt> st = db_.cached(kSelIfs);
    if (!st) return st.status();
    for (;;) {
      Result<bool> row = st->step();
      if (!row) return row.status();
      if (!*row) break;
      state.ifs.push_back(IfObj{st->col_text(0), st->col_bool(1), st->col_bool(2),
                                static_cast<uint32_t>(st->col_int(3)),
                                static_cast<int>(st->col_int(4))});
    }
  }
  {
    Result<Stmt> st = db_.cached(kSelAddrs);
    if (!st) return st.status();
    for (;;) {
      Result<bool> row = st->step();
      if (!row) return row.status();
      if (!*row) break;
      Result<AddrObj> o = addr_row(*st);
      if (!o) return o.status();
      state.addrs.push_back(std::move(*o));
    }
  }
  {
    Result<Stmt> st = db_.cached(kSelValues);
    if (!st) return st.status();
    for (;;) {
      Result<bool> row = st->step();
      if (!row) return row.status();
      if (!*row) break;
      state.values[st->col_text(0)] = st->col_text(1);
    }
  }
  IPADM_TRY(txn->commit());
  return state;
}

Status SqliteVolatileStore::put_if(const IfObj& o) {
  Result<Stmt> st = db_.cached(kPutIf);
  if (!st) return st.status();
  return st->bind(1, o.ifname).bind(2, o.v4).bind(3, o.v6)
      .bind(4, static_cast<int64_t>(o.flags)).bind(5, static_cast<int64_t>(o.ifindex)).run();
}

Status SqliteVolatileStore::del_if(const std::string& ifname) {
  Result<Transaction> txn = Transaction::begin(db_, Transaction::Kind::Immediate);
  if (!txn) return txn.status();
  IPADM_TRY(run1(db_, kDelIfAddrs, ifname));
  IPADM_TRY(run1(db_, kDelIf, ifname));
  return txn->commit();
}

Status SqliteVolatileStore::put_addr(const AddrObj& o) {
  Result<Stmt> st = db_.cached(kPutAddr);
  if (!st) return st.status();
  st->bind(1, o.aobjname).bind(2, o.ifname).bind(3, o.family);
  st->bind(4, static_cast<int>(o.atype)).bind(5, static_cast<int64_t>(o.flags));
  bind_ip(*st, 6, o.local);
  bind_ip(*st, 7, o.remote);
  st->bind(8, o.prefixlen).bind(9, o.up).bind(10, o.local_text).bind(11, o.remote_text);
  st->bind(12, o.explicit_prefix).bind(13, o.extra);
  std::string routers;
  for (const IpAddr& r : o.routers) routers += (routers.empty() ? "" : ",") + r.to_string();
  st->bind(14, routers);
  return st->run();
}

Status SqliteVolatileStore::put_addrs(const std::vector<AddrObj>& objs) {
  if (objs.empty()) return Status::ok();
  Result<Transaction> txn = Transaction::begin(db_, Transaction::Kind::Immediate);
  if (!txn) return txn.status();
  for (const AddrObj& o : objs) IPADM_TRY(put_addr(o));
  return txn->commit();
}

Status SqliteVolatileStore::put_values(const std::map<std::string, std::string>& values) {
  Result<Transaction> txn = Transaction::begin(db_, Transaction::Kind::Immediate);
  if (!txn) return txn.status();
  {
    Result<Stmt> del = db_.cached(kDelValues);
    if (!del) return del.status();
    IPADM_TRY(del->run());
  }
  for (const auto& [k, v] : values) {
    Result<Stmt> st = db_.cached(kPutValue);
    if (!st) return st.status();
    IPADM_TRY(st->bind(1, k).bind(2, v).run());
  }
  return txn->commit();
}

Status SqliteVolatileStore::del_addr(const std::string& aobjname) {
  return run1(db_, kDelAddr, aobjname);
}

}  // namespace ipadm::store
