#include "store/sqlite_db.h"

#include <sqlite3.h>

#include <cassert>
#include <cerrno>
#include <utility>

namespace ipadm::store {

Status sqlite_status(int rc, sqlite3* db, std::string_view context) {
  std::string detail(context);
  const char* msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (!detail.empty()) detail += ": ";
  detail += msg ? msg : sqlite3_errstr(rc);
  int sys = db ? sqlite3_system_errno(db) : 0;
  Errc code = Errc::Failure;
  switch (rc & 0xff) {
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      code = Errc::EPerm;
      break;
    case SQLITE_CANTOPEN:
      code = (sys == EACCES || sys == EPERM || sys == EROFS) ? Errc::EPerm
                                                             : Errc::Failure;
      break;
    case SQLITE_FULL:
      code = Errc::NoBufs;
      break;
    case SQLITE_NOMEM:
      code = Errc::NoMemory;
      break;
    case SQLITE_CONSTRAINT:
      code = rc == SQLITE_CONSTRAINT_FOREIGNKEY ? Errc::NotFound : Errc::Exists;
      break;
    default:  // BUSY, LOCKED, IOERR, CORRUPT, NOTADB, ...
      break;
  }
  return Status(code, std::move(detail), sys);
}

// ---- Stmt ----

Stmt::Stmt(Stmt&& o) noexcept
    : stmt_(std::exchange(o.stmt_, nullptr)), db_(o.db_), owned_(o.owned_),
      bind_rc_(o.bind_rc_) {}

Stmt& Stmt::operator=(Stmt&& o) noexcept {
  if (this != &o) {
    release();
    stmt_ = std::exchange(o.stmt_, nullptr);
    db_ = o.db_;
    owned_ = o.owned_;
    bind_rc_ = o.bind_rc_;
  }
  return *this;
}

Stmt::~Stmt() { release(); }

void Stmt::release() {
  if (!stmt_) return;
  if (owned_) {
    sqlite3_finalize(stmt_);
  } else {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  stmt_ = nullptr;
}

Stmt& Stmt::bind(int idx, int64_t v) {
  int rc = sqlite3_bind_int64(stmt_, idx, v);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Stmt& Stmt::bind(int idx, std::string_view v) {
  // A non-null pointer even for "" so that empty strings are not NULL.
  int rc = sqlite3_bind_text(stmt_, idx, v.empty() ? "" : v.data(),
                             static_cast<int>(v.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Stmt& Stmt::bind_null(int idx) {
  int rc = sqlite3_bind_null(stmt_, idx);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Result<bool> Stmt::step() {
  if (bind_rc_ != SQLITE_OK) {
    int rc = std::exchange(bind_rc_, SQLITE_OK);
    return sqlite_status(rc, nullptr, "bind");
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // The extended code and message come from the connection.
  Status s = sqlite_status(sqlite3_extended_errcode(db_), db_, "");
  sqlite3_reset(stmt_);
  return s;
}

Status Stmt::run() {
  Result<bool> r = step();
  if (!r) return r.status();
  reset();
  return Status::ok();
}

void Stmt::reset() {
  sqlite3_reset(stmt_);
  bind_rc_ = SQLITE_OK;
}

int64_t Stmt::col_int(int i) const { return sqlite3_column_int64(stmt_, i); }

std::string Stmt::col_text(int i) const {
  const unsigned char* p = sqlite3_column_text(stmt_, i);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, i)));
}

bool Stmt::col_is_null(int i) const {
  return sqlite3_column_type(stmt_, i) == SQLITE_NULL;
}

// ---- Db ----

Result<Db> Db::open(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status s = raw ? sqlite_status(sqlite3_extended_errcode(raw), raw, path)
                   : sqlite_status(rc, nullptr, path);
    sqlite3_close_v2(raw);
    return s;
  }
  sqlite3_extended_result_codes(raw, 1);
  Db db;
  db.db_ = raw;
  db.path_ = path;
  return db;
}

Db::Db(Db&& o) noexcept
    : db_(std::exchange(o.db_, nullptr)), path_(std::move(o.path_)),
      cache_(std::move(o.cache_)) {
  o.cache_.clear();
}

Db& Db::operator=(Db&& o) noexcept {
  if (this != &o) {
    close();
    db_ = std::exchange(o.db_, nullptr);
    path_ = std::move(o.path_);
    cache_ = std::move(o.cache_);
    o.cache_.clear();
  }
  return *this;
}

Db::~Db() { close(); }

void Db::close() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  cache_.clear();
  if (db_) sqlite3_close_v2(db_);
  db_ = nullptr;
}

Status Db::exec(std::string_view sql) {
  std::string text(sql);
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return error(sqlite3_extended_errcode(db_), "exec");
  return Status::ok();
}

Result<Stmt> Db::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()),
                              &stmt, nullptr);
  if (rc != SQLITE_OK) return error(sqlite3_extended_errcode(db_), "prepare");
  return Stmt(stmt, db_, /*owned=*/true);
}

Result<Stmt> Db::cached(const char* sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt,
                                nullptr);
    if (rc != SQLITE_OK) return error(sqlite3_extended_errcode(db_), "prepare");
    it = cache_.emplace(sql, stmt).first;
  }
  assert(std::string_view(sqlite3_sql(it->second)) == sql);  // same pointer, same text
  return Stmt(it->second, db_, /*owned=*/false);
}

Result<int64_t> Db::query_int(std::string_view sql) {
  Result<Stmt> st = prepare(sql);
  if (!st) return st.status();
  Result<bool> row = st->step();
  if (!row) return row.status();
  return *row ? st->col_int(0) : int64_t{0};
}

Result<std::string> Db::query_text(std::string_view sql) {
  Result<Stmt> st = prepare(sql);
  if (!st) return st.status();
  Result<bool> row = st->step();
  if (!row) return row.status();
  return *row ? st->col_text(0) : std::string();
}

int64_t Db::changes() const { return sqlite3_changes64(db_); }

bool Db::read_only() const { return sqlite3_db_readonly(db_, "main") == 1; }

Status Db::error(int rc, std::string_view context) const {
  return sqlite_status(rc, db_, context);
}

// ---- Transaction ----

Result<Transaction> Transaction::begin(Db& db, Kind kind) {
  IPADM_TRY(db.exec(kind == Kind::Immediate ? "BEGIN IMMEDIATE" : "BEGIN"));
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_) db_->exec("ROLLBACK").ignore();
}

Status Transaction::commit() {
  if (!db_) return Status(Errc::Failure, "commit: no transaction");
  IPADM_TRY(db_->exec("COMMIT"));
  db_ = nullptr;
  return Status::ok();
}

}  // namespace ipadm::store
