// SqliteStore::open: connection set-up, schema checks and the read-only
// fallback. The data operations live in sqlite_store.cc.
#include <sqlite3.h>
#include <sys/statvfs.h>

#include <cerrno>

#include "store/migrations.h"
#include "store/sqlite_store.h"

namespace ipadm::store {

namespace {

Status with_suffix(const Status& s, const std::string& suffix) {
  return Status(s.code(), s.detail() + suffix, s.sys_errno());
}

// Settings of every connection (read-only ones too).
Status configure_common(Db& db) {
  IPADM_TRY(db.exec("PRAGMA busy_timeout = " +
                    std::to_string(SqliteStore::kBusyTimeoutMs)));
  return db.exec("PRAGMA foreign_keys = ON");
}

// Settings of a writable connection: durable WAL commits.
Status configure_writer(Db& db) {
  Result<std::string> mode = db.query_text("PRAGMA journal_mode = WAL");
  if (!mode) return mode.status();
  if (*mode != "wal" && *mode != "memory")
    return Status(Errc::Failure, db.path() + ": cannot use WAL (journal_mode " + *mode + ")");
  return db.exec("PRAGMA synchronous = FULL");
}

struct Opened {
  Db db;
  Status read_only_reason;  // OK = writable
};

Result<Opened> open_read_only(const std::string& path, OpenInfo& info,
                              Status reason) {
  Result<Db> db = Db::open(path, SQLITE_OPEN_READONLY);
  if (!db) return db.status();
  IPADM_TRY(configure_common(*db));
  Result<int> v = schema_version(*db);
  if (!v) return v.status();
  info.found_version = *v;
  info.read_only = true;
  if (*v < kCurrentSchemaVersion) {
    return Status(Errc::Failure, path + ": store schema version " + std::to_string(*v) +
                                     " needs an upgrade to " +
                                     std::to_string(kCurrentSchemaVersion) +
                                     ", which a read-only store cannot do");
  }
  return Opened{std::move(*db), std::move(reason)};
}

Result<Opened> open_read_write(const std::string& path, OpenInfo& info,
                               bool allow_fallback) {
  Result<Db> db = Db::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db) return db.status();
  IPADM_TRY(configure_common(*db));
  Result<int> v = schema_version(*db);
  if (!v) return v.status();
  info.found_version = *v;

  Status refuse;
  if (db->read_only()) {
    // SQLite silently opens a write-protected file read-only; say whether
    // the file system is read-only (EROFS: the caller may work on a copy).
    struct statvfs fs {};
    int err = statvfs(path.c_str(), &fs) == 0 && (fs.f_flag & ST_RDONLY) ? EROFS : EACCES;
    refuse = Status(Errc::EPerm,
                    path + (err == EROFS ? ": read-only file system" : ": file is not writable"),
                    err);
  } else if (*v > kCurrentSchemaVersion) {
    refuse = newer_schema_status(store_schema(), *v);
  }
  if (!refuse.is_ok()) {
    if (!allow_fallback) return refuse;
    Status reason = with_suffix(refuse, "; opened read-only");
    info.fallback = reason;
    *db = Db();  // close the writable connection first
    return open_read_only(path, info, std::move(reason));
  }

  IPADM_TRY(configure_writer(*db));
  Result<MigrateInfo> m = migrate(*db, store_schema());
  if (!m) return m.status();
  info.migrated = m->from_version != m->to_version;
  return Opened{std::move(*db), Status::ok()};
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path,
                                                       OpenMode mode) {
  OpenInfo info;
  return open_impl(path, mode, info, /*allow_fallback=*/false);
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path,
                                                       OpenMode mode, OpenInfo* info) {
  *info = OpenInfo{};
  return open_impl(path, mode, *info, /*allow_fallback=*/true);
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open_impl(const std::string& path,
                                                            OpenMode mode, OpenInfo& info,
                                                            bool allow_fallback) {
  Result<Opened> o =
      mode == OpenMode::ReadWrite
          ? open_read_write(path, info, allow_fallback)
          : open_read_only(path, info, Status(Errc::EPerm, path + ": store opened read-only"));
  if (!o) return o.status();
  return std::unique_ptr<SqliteStore>(
      new SqliteStore(std::move(o->db), std::move(o->read_only_reason)));
}

}  // namespace ipadm::store
