#include "store/integrity.h"

#include <sqlite3.h>

#include "store/sqlite_db.h"

namespace ipadm::store {

namespace {

constexpr int kMaxReported = 5;  // problems quoted in the detail

// Collects up to kMaxReported rows of a check pragma; "ok" rows are ignored.
Status collect(Db& db, const char* sql, const char* label, std::string& problems,
               int& count) {
  Result<Stmt> st = db.prepare(sql);
  if (!st) return st.status();
  for (;;) {
    Result<bool> row = st->step();
    if (!row) return row.status();
    if (!*row) return Status::ok();
    std::string text;
    for (int i = 0; i < sqlite3_column_count(st->raw()); ++i) {
      if (i) text += ' ';
      text += st->col_text(i);
    }
    if (text == "ok") continue;
    if (count++ < kMaxReported) {
      if (!problems.empty()) problems += "; ";
      problems += std::string(label) + ": " + text;
    }
  }
}

}  // namespace

Status check_integrity(const std::string& path) {
  Result<Db> db = Db::open(path, SQLITE_OPEN_READONLY);
  if (!db) return db.status();
  std::string problems;
  int count = 0;
  Status s = collect(*db, "PRAGMA integrity_check", "integrity_check", problems, count);
  if (s.is_ok())
    s = collect(*db, "PRAGMA foreign_key_check", "foreign_key_check", problems, count);
  if (!s.is_ok())  // e.g. "file is not a database"
    return Status(s.code(), path + ": " + s.detail(), s.sys_errno());
  if (count == 0) return Status::ok();
  return Status(Errc::Failure, path + ": " + std::to_string(count) +
                                   " problem(s): " + problems);
}

}  // namespace ipadm::store
