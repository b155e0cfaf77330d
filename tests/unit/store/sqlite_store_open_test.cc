// SqliteStore on files: persistence across reopen, migration, newer schema
// refusal and read-only fallback, read-only mode, crash survival.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>

#include "store/integrity.h"
#include "store/migrations.h"
#include "store/sqlite_db.h"
#include "store/sqlite_store.h"
#include "store_records.h"
#include "temp_dir.h"

namespace ipadm::store {
namespace {

using testing::make_addr;
using testing::names;
using testing::proto_prop;
using Names = std::vector<std::string>;

std::unique_ptr<SqliteStore> open_rw(const std::string& path, OpenInfo* info = nullptr) {
  auto s = info ? SqliteStore::open(path, OpenMode::ReadWrite, info)
                : SqliteStore::open(path, OpenMode::ReadWrite);
  EXPECT_TRUE(s.is_ok()) << s.status().to_string();
  return s.is_ok() ? std::move(s).value() : nullptr;
}

Batch sample_batch() {
  return Batch()
      .add(PutIf{{"net0", true, true}})
      .add(PutAddr{make_addr("net0/v4", "192.168.10.5")})
      .add(PutAddr{make_addr("net0/v6", "2001:db8::5", 10)})
      .add(PutProp{proto_prop("tcp", "smallest_anon_port", "40000")});
}

int64_t pragma_int(const std::string& path, const char* sql) {
  Result<Db> db = Db::open(path, SQLITE_OPEN_READONLY);
  EXPECT_TRUE(db.is_ok());
  Result<int64_t> v = db->query_int(sql);
  EXPECT_TRUE(v.is_ok()) << v.status().to_string();
  return v.is_ok() ? *v : -1;
}

// A v1 store holding sample_batch(), then relabelled as version 99 with an
// extra table, as a future ipmgmtd might leave it.
void make_newer_store(const std::string& path) {
  ASSERT_TRUE(open_rw(path)->apply(sample_batch()).is_ok());
  Result<Db> db = Db::open(path, SQLITE_OPEN_READWRITE);
  ASSERT_TRUE(db.is_ok());
  ASSERT_TRUE(db->exec("CREATE TABLE future(x); PRAGMA user_version = 99").is_ok());
}

TEST(SqliteStoreOpen, NewFileIsMigratedToCurrentInWalMode) {
  testing::TempDir dir;
  std::string path = dir.file("ipadm.db");
  OpenInfo info;
  auto store = open_rw(path, &info);
  ASSERT_TRUE(store);
  EXPECT_EQ(info.found_version, 0);
  EXPECT_TRUE(info.migrated);
  EXPECT_FALSE(info.read_only);
  EXPECT_TRUE(info.fallback.is_ok());
  EXPECT_FALSE(store->read_only());
  EXPECT_EQ(pragma_int(path, "PRAGMA user_version"), kCurrentSchemaVersion);
  Result<Db> db = Db::open(path, SQLITE_OPEN_READONLY);
  EXPECT_EQ(*db->query_text("PRAGMA journal_mode"), "wal");
}

TEST(SqliteStoreOpen, EmptyFileIsMigrated) {
  testing::TempDir dir;
  std::string path = dir.file("ipadm.db");
  std::ofstream(path).close();  // zero bytes: SQLite's "empty database"
  OpenInfo info;
  auto store = open_rw(path, &info);
  ASSERT_TRUE(store);
  EXPECT_EQ(info.found_version, 0);
  EXPECT_TRUE(info.migrated);
  ASSERT_TRUE(store->apply(sample_batch()).is_ok());
}

TEST(SqliteStoreOpen, ReopenKeepsDataAndDoesNotMigrateAgain) {
  testing::TempDir dir;
  std::string path = dir.file("ipadm.db");
  {
    auto store = open_rw(path);
    ASSERT_TRUE(store->apply(sample_batch()).is_ok());
    ASSERT_TRUE(store->apply(Batch().add(PutAddr{make_addr("net0/v4", "10.1.1.1")})).is_ok());
  }
  OpenInfo info;
  auto store = open_rw(path, &info);
  EXPECT_EQ(info.found_version, kCurrentSchemaVersion);
  EXPECT_FALSE(info.migrated);
  EXPECT_EQ(names(*store->interfaces()), (Names{"net0"}));
  EXPECT_EQ(names(*store->addrs("")), (Names{"net0/v4", "net0/v6"}));
  EXPECT_EQ((*store->addr("net0/v4"))->local, "10.1.1.1");
  EXPECT_EQ(names(*store->proto_props()), (Names{"smallest_anon_port=40000"}));
  EXPECT_TRUE(check_integrity(path).is_ok());
}

TEST(SqliteStoreOpen, NewerSchemaIsRefusedForWriting) {
  testing::TempDir dir;
  std::string path = dir.file("ipadm.db");
  make_newer_store(path);
  auto s = SqliteStore::open(path, OpenMode::ReadWrite);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), Errc::NotSup);
  EXPECT_EQ(s.status().detail(),
            "store schema version 99 is newer than this ipmgmtd supports (" + std::to_string(kCurrentSchemaVersion) + ")");
  EXPECT_EQ(pragma_int(path, "PRAGMA user_version"), 99);  // untouched
}

TEST(SqliteStoreOpen, NewerSchemaFallsBackToReadOnly) {
  testing::TempDir dir;
  std::string path = dir.file("ipadm.db");
  make_newer_store(path);
  OpenInfo info;
  auto store = open_rw(path, &info);
  ASSERT_TRUE(store);
  EXPECT_EQ(info.found_version, 99);
  EXPECT_TRUE(info.read_only);
  EXPECT_FALSE(info.migrated);
  EXPECT_EQ(info.fallback.code(), Errc::NotSup);
  EXPECT_EQ(info.fallback.detail(),
            "store schema version 99 is newer than this ipmgmtd supports (" + std::to_string(kCurrentSchemaVersion) + "); opened read-only");
  EXPECT_TRUE(store->read_only());
  EXPECT_EQ(names(*store->addrs("")), (Names{"net0/v4", "net0/v6"}));
  Status s = store->apply(Batch().add(PutIf{{"net1", true, false}}));
  EXPECT_EQ(s.code(), Errc::NotSup);
  EXPECT_EQ(s.detail(), info.fallback.detail());
  EXPECT_EQ(pragma_int(path, "PRAGMA user_version"), 99);
}

TEST(SqliteStoreOpen, ReadOnlyModeReadsButRefusesWrites) {
  testing::TempDir dir;
  std::string path = dir.file("ipadm.db");
  ASSERT_TRUE(open_rw(path)->apply(sample_batch()).is_ok());
  OpenInfo info;
  auto s = SqliteStore::open(path, OpenMode::ReadOnly, &info);
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  EXPECT_TRUE(info.read_only);
  EXPECT_TRUE(info.fallback.is_ok());
  EXPECT_EQ(names(*(*s)->interfaces()), (Names{"net0"}));
  EXPECT_EQ((*s)->apply(Batch().add(PutIf{{"net1", true, false}})).code(), Errc::EPerm);
  EXPECT_TRUE((*s)->apply(Batch()).code() == Errc::EPerm);
}

TEST(SqliteStoreOpen, ReadOnlyModeNeedsAnExistingCurrentStore) {
  testing::TempDir dir;
  EXPECT_FALSE(SqliteStore::open(dir.file("missing.db"), OpenMode::ReadOnly).is_ok());
  std::string empty = dir.file("empty.db");
  std::ofstream(empty).close();
  auto s = SqliteStore::open(empty, OpenMode::ReadOnly);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.status().detail().find("version 0"), std::string::npos) << s.status().detail();
}

// The checks of UnwritableFileIsEPermOrReadOnlyFallback; "" when they hold.
std::string unwritable_file_checks(const std::string& path) {
  auto s = SqliteStore::open(path, OpenMode::ReadWrite);
  if (s.is_ok()) return "read-write open of a 0444 file succeeded";
  if (s.status().code() != Errc::EPerm || s.status().sys_errno() != EACCES)
    return "read-write open: " + s.status().to_string();
  OpenInfo info;
  auto ro = SqliteStore::open(path, OpenMode::ReadWrite, &info);
  if (!ro.is_ok()) return "fallback open: " + ro.status().to_string();
  if (info.fallback.code() != Errc::EPerm) return "fallback reason: " + info.fallback.to_string();
  if (!(*ro)->read_only()) return "fallback store is not read-only";
  return "";
}

// Gives up, in the effective set, what lets root ignore file modes.
bool drop_dac_capabilities() {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capget, &hdr, data) != 0) return false;
  for (int cap : {CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER})
    data[cap / 32].effective &= ~(1u << (cap % 32));
  return syscall(SYS_capset, &hdr, data) == 0;
}

TEST(SqliteStoreOpen, UnwritableFileIsEPermOrReadOnlyFallback) {
  testing::TempDir dir;
  std::string path = dir.file("ipadm.db");
  ASSERT_TRUE(open_rw(path)->apply(sample_batch()).is_ok());
  ASSERT_EQ(chmod(path.c_str(), 0444), 0);
  if (geteuid() != 0) {
    EXPECT_EQ(unwritable_file_checks(path), "");
    return;
  }
  // Root ignores file modes through its capabilities: the checks run in a
  // child without them (the file and its directory are root's own).
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (!drop_dac_capabilities()) _exit(2);
    std::string err = unwritable_file_checks(path);
    if (!err.empty()) std::fprintf(stderr, "%s\n", err.c_str());
    _exit(err.empty() ? 0 : 1);
  }
  int st = 0;
  ASSERT_EQ(waitpid(pid, &st, 0), pid);
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 0) << "1: a check failed (see stderr), 2: capset failed";
}

TEST(SqliteStoreOpen, MissingDirectoryFailsWithPath) {
  auto s = SqliteStore::open("/nonexistent-ipadm-dir/ipadm.db", OpenMode::ReadWrite);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.status().detail().find("/nonexistent-ipadm-dir/ipadm.db"), std::string::npos);
}

TEST(SqliteStoreOpen, CommittedBatchSurvivesSigkill) {
  testing::TempDir dir;
  std::string path = dir.file("ipadm.db");
  ASSERT_TRUE(open_rw(path)->apply(sample_batch()).is_ok());
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto s = SqliteStore::open(path, OpenMode::ReadWrite);
    if (!s.is_ok()) _exit(2);
    if (!(*s)->apply(Batch().add(PutIf{{"net1", true, false}})).is_ok()) _exit(3);
    raise(SIGKILL);  // no close, no checkpoint: the commit lives in the WAL
    _exit(4);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exit " << WEXITSTATUS(status);
  EXPECT_TRUE(access((path + "-wal").c_str(), F_OK) == 0);
  Status integrity = check_integrity(path);
  EXPECT_TRUE(integrity.is_ok()) << integrity.to_string();
  auto store = open_rw(path);
  EXPECT_EQ(names(*store->interfaces()), (Names{"net0", "net1"}));
}

TEST(Integrity, ReportsCorruptionAndMissingFiles) {
  testing::TempDir dir;
  EXPECT_FALSE(check_integrity(dir.file("missing.db")).is_ok());
  std::string junk = dir.file("junk.db");
  std::ofstream(junk) << std::string(8192, 'x');
  Status s = check_integrity(junk);
  EXPECT_FALSE(s.is_ok());
  EXPECT_NE(s.detail().find("junk.db"), std::string::npos);
}

TEST(Integrity, ReportsBrokenForeignKeys) {
  testing::TempDir dir;
  std::string path = dir.file("ipadm.db");
  ASSERT_TRUE(open_rw(path)->apply(sample_batch()).is_ok());
  {
    Result<Db> db = Db::open(path, SQLITE_OPEN_READWRITE);  // foreign_keys off here
    ASSERT_TRUE(db->exec("DELETE FROM interfaces").is_ok());
  }
  Status s = check_integrity(path);
  EXPECT_EQ(s.code(), Errc::Failure);
  EXPECT_NE(s.detail().find("foreign_key_check"), std::string::npos) << s.detail();
}

TEST(Migrations, StepTablesMatchCurrentVersions) {
  EXPECT_EQ(store_schema().current(), kCurrentSchemaVersion);
  EXPECT_EQ(volatile_schema().current(), kCurrentVolatileSchemaVersion);
}

TEST(Migrations, FailingStepLeavesVersionUnchanged) {
  static const MigrationStep kSteps[] = {
      {"create t", [](Db& db) { return db.exec("CREATE TABLE t(x)"); }},
      {"broken", [](Db& db) { return db.exec("CREATE TABLE t(x)"); }},
  };
  Schema schema{"test", kSteps};
  Result<Db> db = Db::open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  Result<MigrateInfo> m = migrate(*db, schema);
  ASSERT_FALSE(m.is_ok());
  EXPECT_NE(m.status().detail().find("migration 1->2 (broken)"), std::string::npos)
      << m.status().detail();
  EXPECT_EQ(*schema_version(*db), 0);
  EXPECT_EQ(*db->query_int("SELECT count(*) FROM sqlite_master"), 0);  // step 1 rolled back
  Schema first{"test", std::span<const MigrationStep>(kSteps, 1)};
  m = migrate(*db, first);
  ASSERT_TRUE(m.is_ok());
  EXPECT_EQ(m->from_version, 0);
  EXPECT_EQ(m->to_version, 1);
}

}  // namespace
}  // namespace ipadm::store
