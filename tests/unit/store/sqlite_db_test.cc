#include "store/sqlite_db.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "temp_dir.h"

namespace ipadm::store {
namespace {

Db open_memory() {
  Result<Db> db = Db::open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  EXPECT_TRUE(db.is_ok()) << db.status().to_string();
  return std::move(db).value();
}

TEST(SqliteStatus, MapsCodes) {
  EXPECT_EQ(sqlite_status(SQLITE_READONLY, nullptr, "x").code(), Errc::EPerm);
  EXPECT_EQ(sqlite_status(SQLITE_FULL, nullptr, "x").code(), Errc::NoBufs);
  EXPECT_EQ(sqlite_status(SQLITE_NOMEM, nullptr, "x").code(), Errc::NoMemory);
  EXPECT_EQ(sqlite_status(SQLITE_BUSY, nullptr, "x").code(), Errc::Failure);
  EXPECT_EQ(sqlite_status(SQLITE_CANTOPEN, nullptr, "x").code(), Errc::Failure);
  EXPECT_EQ(sqlite_status(SQLITE_CONSTRAINT_UNIQUE, nullptr, "x").code(), Errc::Exists);
  EXPECT_EQ(sqlite_status(SQLITE_CONSTRAINT_FOREIGNKEY, nullptr, "x").code(), Errc::NotFound);
  Status s = sqlite_status(SQLITE_BUSY, nullptr, "ctx");
  EXPECT_EQ(s.detail(), std::string("ctx: ") + sqlite3_errstr(SQLITE_BUSY));
}

TEST(SqliteDb, OpenMissingDirectoryFailsWithPath) {
  Result<Db> db = Db::open("/nonexistent-dir-ipadm/x.db",
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  ASSERT_FALSE(db.is_ok());
  EXPECT_EQ(db.status().code(), Errc::Failure);
  EXPECT_NE(db.status().detail().find("/nonexistent-dir-ipadm/x.db"), std::string::npos);
}

TEST(SqliteDb, ReadOnlyWriteIsEPerm) {
  testing::TempDir dir;
  std::string path = dir.file("ro.db");
  {
    Result<Db> db = Db::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    ASSERT_TRUE(db.is_ok());
    ASSERT_TRUE(db->exec("CREATE TABLE t(x)").is_ok());
  }
  Result<Db> db = Db::open(path, SQLITE_OPEN_READONLY);
  ASSERT_TRUE(db.is_ok());
  EXPECT_TRUE(db->read_only());
  Status s = db->exec("INSERT INTO t VALUES(1)");
  EXPECT_EQ(s.code(), Errc::EPerm);
  EXPECT_NE(s.detail().find("readonly"), std::string::npos) << s.detail();
}

TEST(SqliteDb, StatementsBindStepColumns) {
  Db db = open_memory();
  ASSERT_TRUE(db.exec("CREATE TABLE t(a INTEGER, b TEXT)").is_ok());
  for (int i = 0; i < 3; ++i) {
    Result<Stmt> st = db.cached("INSERT INTO t VALUES(?1, ?2)");
    ASSERT_TRUE(st.is_ok());
    ASSERT_TRUE(st->bind(1, i).bind(2, std::string(i, 'x')).run().is_ok());
  }
  Result<Stmt> st = db.prepare("SELECT a, b FROM t ORDER BY a");
  ASSERT_TRUE(st.is_ok());
  int n = 0;
  for (;;) {
    Result<bool> row = st->step();
    ASSERT_TRUE(row.is_ok());
    if (!*row) break;
    EXPECT_EQ(st->col_int(0), n);
    EXPECT_EQ(st->col_text(1), std::string(n, 'x'));
    EXPECT_FALSE(st->col_is_null(1));  // "" is bound as text, not NULL
    ++n;
  }
  EXPECT_EQ(n, 3);
  Result<int64_t> count = db.query_int("SELECT count(*) FROM t");
  ASSERT_TRUE(count.is_ok());
  EXPECT_EQ(*count, 3);
}

TEST(SqliteDb, BindErrorReportedByStep) {
  Db db = open_memory();
  Result<Stmt> st = db.prepare("SELECT ?1");
  ASSERT_TRUE(st.is_ok());
  Result<bool> row = st->bind(5, 1).step();
  ASSERT_FALSE(row.is_ok());
  EXPECT_NE(row.status().detail().find("bind"), std::string::npos);
}

TEST(SqliteDb, PrepareErrorKeepsSqliteMessage) {
  Db db = open_memory();
  Result<Stmt> st = db.prepare("SELEKT 1");
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.status().detail().find("syntax error"), std::string::npos);
}

TEST(SqliteDb, ConstraintIsExists) {
  Db db = open_memory();
  ASSERT_TRUE(db.exec("CREATE TABLE t(a TEXT UNIQUE)").is_ok());
  ASSERT_TRUE(db.exec("INSERT INTO t VALUES('x')").is_ok());
  Status s = db.exec("INSERT INTO t VALUES('x')");
  EXPECT_EQ(s.code(), Errc::Exists);
  EXPECT_NE(s.detail().find("UNIQUE"), std::string::npos);
}

TEST(Transaction, RollsBackUnlessCommitted) {
  Db db = open_memory();
  ASSERT_TRUE(db.exec("CREATE TABLE t(a)").is_ok());
  {
    Result<Transaction> txn = Transaction::begin(db);
    ASSERT_TRUE(txn.is_ok());
    ASSERT_TRUE(db.exec("INSERT INTO t VALUES(1)").is_ok());
  }
  EXPECT_EQ(*db.query_int("SELECT count(*) FROM t"), 0);
  {
    Result<Transaction> txn = Transaction::begin(db);
    ASSERT_TRUE(txn.is_ok());
    ASSERT_TRUE(db.exec("INSERT INTO t VALUES(1)").is_ok());
    ASSERT_TRUE(txn->commit().is_ok());
  }
  EXPECT_EQ(*db.query_int("SELECT count(*) FROM t"), 1);
}

TEST(Transaction, NestedBeginFails) {
  Db db = open_memory();
  Result<Transaction> a = Transaction::begin(db);
  ASSERT_TRUE(a.is_ok());
  Result<Transaction> b = Transaction::begin(db);
  EXPECT_FALSE(b.is_ok());
}

}  // namespace
}  // namespace ipadm::store
