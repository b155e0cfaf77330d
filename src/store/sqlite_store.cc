// SqliteStore reads and apply(). Every statement is cached (prepared once per
// connection) and every per-object statement is an index lookup.
#include "store/sqlite_store.h"

#include <type_traits>

#include "store/store_sql.h"

namespace ipadm::store {

namespace {

// ---- row codecs ----
IfRecord if_row(const Stmt& st) {
  return IfRecord{st.col_text(0), st.col_bool(1), st.col_bool(2)};
}

AddrRecord addr_row(const Stmt& st) {
  AddrRecord r;
  r.aobjname = st.col_text(0);
  r.ifname = st.col_text(1);
  r.family = static_cast<int>(st.col_int(2));
  r.atype = static_cast<AddrType>(st.col_int(3));
  r.local = st.col_text(4);
  r.remote = st.col_text(5);
  r.prefixlen = static_cast<int>(st.col_int(6));
  r.up = st.col_bool(7);
  r.extra = st.col_text(8);
  return r;
}

RouteRecord route_row(const Stmt& st) {
  RouteRecord r;
  r.family = static_cast<int>(st.col_int(0));
  r.destination = st.col_text(1);
  r.gateway = st.col_text(2);
  r.ifname = st.col_text(3);
  r.metric = static_cast<uint32_t>(st.col_int(4));
  return r;
}

PropRecord prop_row(const Stmt& st) {
  return PropRecord{st.col_text(0), st.col_text(1), st.col_text(2), st.col_text(3),
                    st.col_text(4)};
}

// Runs a cached statement with one text parameter (or none) and hands each
// decoded row to fn as it is read; stops at fn's first failure.
template <typename Decode, typename Fn>
Status each_row(Db& db, const char* sql, const std::string* key, Decode decode, Fn&& fn) {
  Result<Stmt> st = db.cached(sql);
  if (!st) return st.status();
  if (key) st->bind(1, *key);
  for (;;) {
    Result<bool> row = st->step();
    if (!row) return row.status();
    if (!*row) return Status::ok();
    if (Status s = fn(decode(*st)); !s) return s;
  }
}

// The same, collecting every row.
template <typename Rec, typename Decode>
Result<std::vector<Rec>> query_all(Db& db, const char* sql, const std::string* key,
                                   Decode decode) {
  std::vector<Rec> out;
  Status s = each_row(db, sql, key, decode, [&](Rec&& r) {
    out.push_back(std::move(r));
    return Status::ok();
  });
  if (!s) return s;
  return out;
}

// Runs cached sql with one text parameter, expecting no rows.
Status run1(Db& db, const char* sql, const std::string& key) {
  Result<Stmt> st = db.cached(sql);
  if (!st) return st.status();
  return st->bind(1, key).run();
}

std::string op_label(const Op& op) {
  return std::visit(
      [](const auto& o) -> std::string {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, PutIf>) return "PutIf " + o.rec.ifname;
        if constexpr (std::is_same_v<T, DelIf>) return "DelIf " + o.ifname;
        if constexpr (std::is_same_v<T, PutAddr>) return "PutAddr " + o.rec.aobjname;
        if constexpr (std::is_same_v<T, DelAddr>) return "DelAddr " + o.aobjname;
        if constexpr (std::is_same_v<T, PutProp>) return "PutProp " + o.rec.name;
        if constexpr (std::is_same_v<T, DelProp>) return "DelProp " + o.key.name;
        if constexpr (std::is_same_v<T, PutMeta>) return "PutMeta " + o.key;
        if constexpr (std::is_same_v<T, PutRoute>) return "PutRoute " + o.rec.destination;
        if constexpr (std::is_same_v<T, DelRoute>) return "DelRoute " + o.key.destination;
        if constexpr (std::is_same_v<T, PutCheckpoint>) return "PutCheckpoint";
        if constexpr (std::is_same_v<T, DelCheckpoint>) return "DelCheckpoint";
      },
      op);
}

}  // namespace

// ---- reads ----

Result<std::vector<IfRecord>> SqliteStore::interfaces() {
  return query_all<IfRecord>(db_, sql::kSelIfs, nullptr, if_row);
}

Result<std::optional<IfRecord>> SqliteStore::interface(const std::string& ifname) {
  Result<std::vector<IfRecord>> v = query_all<IfRecord>(db_, sql::kSelIf, &ifname, if_row);
  if (!v) return v.status();
  if (v->empty()) return std::optional<IfRecord>();
  return std::optional<IfRecord>(std::move(v->front()));
}

Result<std::vector<AddrRecord>> SqliteStore::query_addrs(const char* sql,
                                                         const std::string* key) {
  return query_all<AddrRecord>(db_, sql, key, addr_row);
}

Result<std::vector<AddrRecord>> SqliteStore::addrs(const std::string& ifname) {
  if (ifname.empty()) return query_addrs(sql::kSelAddrs, nullptr);
  return query_addrs(sql::kSelAddrsOf, &ifname);
}

Status SqliteStore::each_addr(const std::string& ifname, const AddrFn& fn) {
  const std::string* key = ifname.empty() ? nullptr : &ifname;
  return each_row(db_, key ? sql::kSelAddrsOf : sql::kSelAddrs, key, addr_row, fn);
}

Result<std::optional<AddrRecord>> SqliteStore::addr(const std::string& aobjname) {
  Result<std::vector<AddrRecord>> v = query_addrs(sql::kSelAddr, &aobjname);
  if (!v) return v.status();
  if (v->empty()) return std::optional<AddrRecord>();
  return std::optional<AddrRecord>(std::move(v->front()));
}

Result<std::vector<PropRecord>> SqliteStore::query_props(const char* sql,
                                                         const std::string* key) {
  return query_all<PropRecord>(db_, sql, key, prop_row);
}

Result<std::vector<PropRecord>> SqliteStore::proto_props() {
  return query_props(sql::kSelProtoProps, nullptr);
}

Result<std::vector<PropRecord>> SqliteStore::if_props(const std::string& ifname) {
  return query_props(sql::kSelIfProps, &ifname);
}

Result<std::vector<PropRecord>> SqliteStore::addr_props(const std::string& aobjname) {
  return query_props(sql::kSelAddrProps, &aobjname);
}

Result<std::vector<PropRecord>> SqliteStore::all_props() {
  return query_props(sql::kSelAllProps, nullptr);
}

Result<std::vector<RouteRecord>> SqliteStore::routes() {
  return query_all<RouteRecord>(db_, sql::kSelRoutes, nullptr, route_row);
}

// ---- writes ----

Status SqliteStore::apply(const Batch& batch) {
  if (!read_only_reason_.is_ok()) return read_only_reason_;
  if (batch.empty()) return Status::ok();
  Status committed;
  {
    Result<Transaction> txn = Transaction::begin(db_, Transaction::Kind::Immediate);
    if (!txn) return txn.status();
    for (size_t i = 0; i < batch.ops.size(); ++i) {
      Status s = apply_op(batch.ops[i]);
      if (!s) {
        return Status(s.code(), "op " + std::to_string(i) + " " + op_label(batch.ops[i]) +
                                    ": " + s.detail(), s.sys_errno());
      }
    }
    committed = txn->commit();  // on failure ~Transaction rolls back
  }
  if (!committed) scrub_failed_commit_();
  return committed;
}

// A COMMIT that failed at its WAL sync (fsyncgate) may have left complete
// frames, commit record included, after the WAL's last valid frame: a later
// recovery would replay a transaction the caller was told failed. The next
// successful write transaction starts at that same position and breaks the
// checksum chain of the orphan frames, so do one at once. Best effort: if it
// fails too, the store keeps failing and the daemon reports it.
void SqliteStore::scrub_failed_commit_() {
  Result<Transaction> txn = Transaction::begin(db_, Transaction::Kind::Immediate);
  if (!txn) return;
  if (!put_meta("last_failed_commit", std::to_string(++failed_commits_))) return;
  txn->commit().ignore();
}

Status SqliteStore::apply_op(const Op& op) {
  return std::visit(
      [this](const auto& o) -> Status {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, PutIf>) return put_if(o.rec);
        if constexpr (std::is_same_v<T, DelIf>) return del_if(o.ifname);
        if constexpr (std::is_same_v<T, PutAddr>) return put_addr(o.rec);
        if constexpr (std::is_same_v<T, DelAddr>) return del_addr(o.aobjname);
        if constexpr (std::is_same_v<T, PutProp>) return put_prop(o.rec);
        if constexpr (std::is_same_v<T, DelProp>) return del_prop(o.key);
        if constexpr (std::is_same_v<T, PutMeta>) return put_meta(o.key, o.value);
        if constexpr (std::is_same_v<T, PutRoute>) return put_route(o.rec);
        if constexpr (std::is_same_v<T, DelRoute>) return del_route(o.key);
        if constexpr (std::is_same_v<T, PutCheckpoint>) return put_checkpoint(o.rec);
        if constexpr (std::is_same_v<T, DelCheckpoint>) return db_.exec(sql::kDelCheckpoint);
      },
      op);
}

Status SqliteStore::put_if(const IfRecord& r) {
  if (r.ifname.empty()) return Status(Errc::InvalidArg, "empty ifname");
  Result<Stmt> st = db_.cached(sql::kPutIf);
  if (!st) return st.status();
  return st->bind(1, r.ifname).bind(2, r.v4).bind(3, r.v6).run();
}

Status SqliteStore::del_if(const std::string& ifname) {
  // Address properties first (found through the addrs), then everything
  // keyed by ifname, the interface last (the addrs' foreign key).
  IPADM_TRY(run1(db_, sql::kDelIfAddrProps, ifname));
  IPADM_TRY(run1(db_, sql::kDelIfProps, ifname));
  IPADM_TRY(run1(db_, sql::kDelIfAddrs, ifname));
  return run1(db_, sql::kDelIf, ifname);
}

Status SqliteStore::put_addr(const AddrRecord& r) {
  if (r.aobjname.empty() || r.ifname.empty())
    return Status(Errc::InvalidArg, "empty aobjname or ifname");
  Result<Stmt> st = db_.cached(sql::kPutAddr);
  if (!st) return st.status();
  st->bind(1, r.aobjname).bind(2, r.ifname).bind(3, r.family);
  st->bind(4, static_cast<int>(r.atype)).bind(5, r.local).bind(6, r.remote);
  st->bind(7, r.prefixlen).bind(8, r.up).bind(9, r.extra);
  Status s = st->run();
  if (s.code() == Errc::NotFound)  // foreign key: no such interface
    return Status(Errc::NotFound, "interface " + r.ifname + " is not in the store (" +
                                      s.detail() + ")");
  return s;
}

Status SqliteStore::del_addr(const std::string& aobjname) {
  IPADM_TRY(run1(db_, sql::kDelAddrProps, aobjname));
  return run1(db_, sql::kDelAddr, aobjname);
}

Status SqliteStore::put_prop(const PropRecord& r) {
  if (r.name.empty()) return Status(Errc::InvalidArg, "empty property name");
  if (r.protocol.empty() == r.aobjname.empty())
    return Status(Errc::InvalidArg, "property " + r.name +
                                        ": exactly one of protocol and aobjname must be set");
  Result<Stmt> st = db_.cached(sql::kPutProp);
  if (!st) return st.status();
  return st->bind(1, r.protocol).bind(2, r.ifname).bind(3, r.aobjname).bind(4, r.name)
      .bind(5, r.value).run();
}

Status SqliteStore::del_prop(const PropRecord& k) {
  Result<Stmt> st = db_.cached(sql::kDelProp);
  if (!st) return st.status();
  return st->bind(1, k.protocol).bind(2, k.ifname).bind(3, k.aobjname).bind(4, k.name).run();
}

Status SqliteStore::put_meta(const std::string& key, const std::string& value) {
  if (key.empty()) return Status(Errc::InvalidArg, "empty meta key");
  Result<Stmt> st = db_.cached(sql::kPutMeta);
  if (!st) return st.status();
  return st->bind(1, key).bind(2, value).run();
}

Status SqliteStore::put_route(const RouteRecord& r) {
  if (r.destination.empty()) return Status(Errc::InvalidArg, "empty route destination");
  Result<Stmt> st = db_.cached(sql::kPutRoute);
  if (!st) return st.status();
  st->bind(1, r.family).bind(2, r.destination).bind(3, r.gateway).bind(4, r.ifname);
  return st->bind(5, static_cast<int64_t>(r.metric)).run();
}

Status SqliteStore::del_route(const RouteRecord& k) {
  Result<Stmt> st = db_.cached(sql::kDelRoute);
  if (!st) return st.status();
  return st->bind(1, k.family).bind(2, k.destination).bind(3, static_cast<int64_t>(k.metric))
      .run();
}

Result<std::optional<std::string>> SqliteStore::meta(const std::string& key) {
  Result<Stmt> st = db_.cached(sql::kSelMeta);
  if (!st) return st.status();
  st->bind(1, key);
  auto row = st->step();
  std::optional<std::string> v;
  if (!row) {
    st->reset();
    return row.status();
  }
  if (*row) v = st->col_text(0);
  st->reset();
  return v;
}

Status SqliteStore::put_checkpoint(const CheckpointRecord& r) {
  Result<Stmt> st = db_.cached(sql::kPutCheckpoint);
  if (!st) return st.status();
  return st->bind(1, r.started).bind(2, r.deadline).bind(3, r.snapshot).run();
}

Result<std::optional<CheckpointRecord>> SqliteStore::saved_checkpoint() {
  Result<Stmt> st = db_.cached(sql::kSelCheckpoint);
  if (!st) return st.status();
  auto row = st->step();
  std::optional<CheckpointRecord> v;
  if (!row) {
    st->reset();
    return row.status();
  }
  if (*row) v = CheckpointRecord{st->col_int(0), st->col_int(1), st->col_text(2)};
  st->reset();
  return v;
}

Status SqliteStore::checkpoint() {
  auto st = db_.prepare("PRAGMA wal_checkpoint(TRUNCATE)");
  if (!st) return st.status();
  auto row = st->step();
  if (!row) return row.status();
  if (*row && st->col_int(0) != 0)
    return Status(Errc::Failure, db_.path() + ": WAL checkpoint incomplete");
  return Status::ok();
}

}  // namespace ipadm::store
