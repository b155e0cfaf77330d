// SqliteDb: a small RAII wrapper over one sqlite3 connection, turning SQLite
// result codes into Status values (sqlite_status below).
//
// Db owns the connection and a cache of prepared statements; Stmt is a
// prepared statement in use (finalized when owned, reset and unbound when
// borrowed from the cache); Transaction rolls back unless committed.
// Errors keep the raw SQLite message in Status::detail and the OS errno (if
// any) in Status::sys_errno (e.g. EROFS for a read-only /etc).
//
// Thread rules: not thread-safe. One Db is used by one thread at a time (the
// daemon serializes store access); Stmt and Transaction must not outlive the
// Db they came from.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ipadm::store {

// Maps an SQLite result code to a Status:
//   SQLITE_READONLY, SQLITE_PERM, SQLITE_AUTH       -> EPerm
//   SQLITE_CANTOPEN (EACCES/EPERM/EROFS from the OS) -> EPerm, else Failure
//   SQLITE_FULL -> NoBufs, SQLITE_NOMEM -> NoMemory
//   SQLITE_CONSTRAINT_FOREIGNKEY -> NotFound (a referenced object is missing)
//   SQLITE_CONSTRAINT (others)   -> Exists
//   anything else (BUSY, LOCKED, IOERR, CORRUPT...) -> Failure
// detail is "<context>: <message>"; message is db's error text when db is
// non-null, else sqlite3_errstr(rc). REQUIRES: rc is an error code.
Status sqlite_status(int rc, sqlite3* db, std::string_view context);

class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3_stmt* stmt, sqlite3* db, bool owned)
      : stmt_(stmt), db_(db), owned_(owned) {}
  Stmt(Stmt&& o) noexcept;
  Stmt& operator=(Stmt&& o) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // Bind parameter idx (1-based). A bind failure is remembered and returned
  // by the next step(), so calls can be chained.
  Stmt& bind(int idx, int64_t v);
  Stmt& bind(int idx, int v) { return bind(idx, static_cast<int64_t>(v)); }
  Stmt& bind(int idx, bool v) { return bind(idx, static_cast<int64_t>(v)); }
  Stmt& bind(int idx, std::string_view v);  // copied by SQLite (TRANSIENT)
  Stmt& bind(int idx, const char* v) { return bind(idx, std::string_view(v)); }
  Stmt& bind(int idx, const std::string& v) { return bind(idx, std::string_view(v)); }
  Stmt& bind_null(int idx);

  // Advances: true = a row is available, false = done.
  Result<bool> step();
  // Steps a statement that returns no rows (INSERT/UPDATE/DELETE).
  Status run();
  // Rewinds for re-execution with the same or new bindings.
  void reset();

  // Column accessors for the current row (0-based).
  int64_t col_int(int i) const;
  bool col_bool(int i) const { return col_int(i) != 0; }
  std::string col_text(int i) const;  // NULL -> ""
  bool col_is_null(int i) const;

  sqlite3_stmt* raw() const { return stmt_; }

 private:
  void release();  // finalize (owned) or reset + unbind (borrowed)

  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
  bool owned_ = false;
  int bind_rc_ = 0;  // first failed bind (SQLITE_OK = 0 if none)
};

class Db {
 public:
  // flags are sqlite3_open_v2 flags (SQLITE_OPEN_*); FULLMUTEX is not needed.
  static Result<Db> open(const std::string& path, int flags);

  Db() = default;
  Db(Db&& o) noexcept;
  Db& operator=(Db&& o) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  // Runs one or more statements, discarding any rows.
  Status exec(std::string_view sql);
  // A one-off statement, finalized when the Stmt is destroyed.
  Result<Stmt> prepare(std::string_view sql);
  // A statement prepared once per connection and kept until the Db closes.
  // The returned Stmt is borrowed: reset and unbound when destroyed.
  // The cache is keyed by the pointer, not the text.
  // REQUIRES: sql has static storage duration (a literal or a constant), and
  // no other Stmt for the same sql is alive.
  Result<Stmt> cached(const char* sql);
  // First column of the first row as an integer (e.g. "PRAGMA user_version").
  Result<int64_t> query_int(std::string_view sql);
  // First column of the first row as text ("" if no row).
  Result<std::string> query_text(std::string_view sql);

  int64_t changes() const;
  bool read_only() const;
  const std::string& path() const { return path_; }
  sqlite3* raw() const { return db_; }
  // sqlite_status() with this connection's message.
  Status error(int rc, std::string_view context) const;

 private:
  void close();

  sqlite3* db_ = nullptr;
  std::string path_;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
};

// A transaction scope: BEGIN on begin(), ROLLBACK in the destructor unless
// commit() succeeded.
class Transaction {
 public:
  enum class Kind { Deferred, Immediate };
  static Result<Transaction> begin(Db& db, Kind kind = Kind::Immediate);

  Transaction(Transaction&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();

  // COMMIT. On failure the transaction is rolled back by the destructor.
  Status commit();

 private:
  explicit Transaction(Db* db) : db_(db) {}
  Db* db_;  // null once committed or moved from
};

}  // namespace ipadm::store
