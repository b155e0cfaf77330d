// SqliteStore: the Store on an SQLite database (ipadm.db); the on-disk
// format is described in docs/store-format.md.
//
// Connection settings: journal_mode=WAL, synchronous=FULL (apply() returns
// only after the commit is fsync'ed), foreign_keys=ON, busy_timeout. Every
// apply() is one BEGIN IMMEDIATE ... COMMIT transaction; a failing op rolls
// the whole batch back and its Status names the op ("op 3 PutAddr net0/v4:
// ..."). Per-object reads and writes are O(log n) through indexes.
//
// Op semantics beyond store.h: PutAddr requires its interface to be in the
// store (at that point of the batch) and fails with NotFound otherwise; PutProp
// requires a name and exactly one of protocol / aobjname (InvalidArg); deletes
// of absent records are no-ops.
//
// Thread rules: not thread-safe; the daemon serializes all calls. Several
// processes may open the same file (SQLite locking; writers wait up to
// kBusyTimeoutMs).
#pragma once

#include <memory>
#include <string>

#include "store/sqlite_db.h"
#include "store/store.h"

namespace ipadm::store {

enum class OpenMode {
  ReadWrite,  // create the file if missing, migrate it to the current schema
  ReadOnly,   // never writes; apply() fails with EPerm
};

// What open() found. Passing an OpenInfo also allows the read-only fallback.
struct OpenInfo {
  int found_version = 0;      // schema version on disk before migration
  bool migrated = false;      // migration steps ran
  bool read_only = false;     // apply() will fail
  // Non-OK when a ReadWrite open fell back to read-only, saying why:
  // NotSup "store schema version N is newer than this ipmgmtd supports (M);
  // opened read-only", or EPerm "<path>: ...; opened read-only" for a file
  // that cannot be written (sys_errno EROFS on a read-only file system,
  // EACCES otherwise).
  Status fallback;
};

class SqliteStore : public Store {
 public:
  static constexpr int kBusyTimeoutMs = 5000;

  // Opens (ReadWrite: creates and migrates) the store at path (":memory:"
  // works). Fails with NotSup if the schema is newer than
  // kCurrentSchemaVersion and mode is ReadWrite, with EPerm if the file is not
  // writable in ReadWrite mode, with Failure if a ReadOnly store would need a
  // migration.
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path,
                                                   OpenMode mode);
  // As above; info (REQUIRES: non-null) receives what was found, and a
  // ReadWrite open that would fail with NotSup (newer schema) or EPerm
  // (read-only file) opens read-only instead (info->fallback says why).
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path,
                                                   OpenMode mode, OpenInfo* info);

  Result<std::vector<IfRecord>> interfaces() override;
  Result<std::optional<IfRecord>> interface(const std::string& ifname) override;
  Result<std::vector<AddrRecord>> addrs(const std::string& ifname) override;
  Status each_addr(const std::string& ifname, const AddrFn& fn) override;
  Result<std::optional<AddrRecord>> addr(const std::string& aobjname) override;
  Result<std::vector<PropRecord>> proto_props() override;
  Result<std::vector<PropRecord>> if_props(const std::string& ifname) override;
  Result<std::vector<PropRecord>> addr_props(const std::string& aobjname) override;
  Result<std::vector<PropRecord>> all_props() override;
  Result<std::vector<RouteRecord>> routes() override;
  Result<std::optional<std::string>> meta(const std::string& key) override;
  Result<std::optional<CheckpointRecord>> saved_checkpoint() override;
  Status apply(const Batch& batch) override;

  bool read_only() const { return !read_only_reason_.is_ok(); }
  // Folds the WAL into the main file and truncates it (PRAGMA
  // wal_checkpoint(TRUNCATE)); fails if readers kept part of it.
  Status checkpoint();
  const std::string& path() const { return db_.path(); }

 private:
  static Result<std::unique_ptr<SqliteStore>> open_impl(const std::string& path,
                                                        OpenMode mode, OpenInfo& info,
                                                        bool allow_fallback);
  SqliteStore(Db db, Status read_only_reason)
      : db_(std::move(db)), read_only_reason_(std::move(read_only_reason)) {}

  Status apply_op(const Op& op);
  Status put_if(const IfRecord& r);
  Status del_if(const std::string& ifname);
  Status put_addr(const AddrRecord& r);
  Status del_addr(const std::string& aobjname);
  Status put_prop(const PropRecord& r);
  Status del_prop(const PropRecord& k);
  Status put_meta(const std::string& key, const std::string& value);
  Status put_route(const RouteRecord& r);
  Status del_route(const RouteRecord& k);
  Status put_checkpoint(const CheckpointRecord& r);
  void scrub_failed_commit_();
  uint64_t failed_commits_ = 0;
  Result<std::vector<AddrRecord>> query_addrs(const char* sql, const std::string* key);
  Result<std::vector<PropRecord>> query_props(const char* sql, const std::string* key);

  Db db_;
  Status read_only_reason_;  // OK = writable; else what apply() returns
};

}  // namespace ipadm::store
