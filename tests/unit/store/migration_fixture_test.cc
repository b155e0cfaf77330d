// Frozen stores of older schema versions are migrated on open and keep
// every record (tests/fixtures/store-v*.sql).
#include <sqlite3.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "store/migrations.h"
#include "store/sqlite_store.h"

#ifndef IPADM_SOURCE_DIR
#define IPADM_SOURCE_DIR "."
#endif

namespace ipadm::store {
namespace {

std::string make_db_from_fixture(const std::string& fixture) {
  std::ifstream in(std::string(IPADM_SOURCE_DIR) + "/tests/fixtures/" + fixture);
  EXPECT_TRUE(in.good()) << fixture;
  std::stringstream ss;
  ss << in.rdbuf();
  char tmpl[] = "/tmp/ipadm-fixture-XXXXXX";
  int fd = mkstemp(tmpl);
  close(fd);
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(tmpl, &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, ss.str().c_str(), nullptr, nullptr, &err), SQLITE_OK)
      << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
  return tmpl;
}

TEST(MigrationFixture, V1StoreIsMigratedAndKeepsEverything) {
  std::string path = make_db_from_fixture("store-v1.sql");
  OpenInfo info;
  auto st = SqliteStore::open(path, OpenMode::ReadWrite, &info);
  ASSERT_TRUE(st.is_ok()) << st.status().to_string();
  EXPECT_EQ(info.found_version, 1);
  EXPECT_TRUE(info.migrated);
  EXPECT_FALSE(info.read_only);
  auto ifs = (*st)->interfaces();
  ASSERT_TRUE(ifs.is_ok());
  ASSERT_EQ(ifs->size(), 2u);
  EXPECT_EQ((*ifs)[0].ifname, "net0");
  auto addrs = (*st)->addrs("");
  ASSERT_EQ(addrs->size(), 3u);
  EXPECT_EQ((*addrs)[0].aobjname, "net0/v4");
  EXPECT_EQ((*addrs)[0].prefixlen, 24);
  EXPECT_FALSE((*addrs)[1].up);
  EXPECT_EQ((*addrs)[2].remote, "10.9.0.2");
  EXPECT_EQ((*st)->all_props()->size(), 3u);
  // The v2 addition works on the migrated store.
  EXPECT_FALSE((*st)->meta("first_boot_done")->has_value());
  ASSERT_TRUE((*st)->apply(Batch().add(PutMeta{"first_boot_done", "true"})).is_ok());
  EXPECT_EQ((*st)->meta("first_boot_done")->value(), "true");
  st = Result<std::unique_ptr<SqliteStore>>(Status(Errc::Failure));  // close
  // Reopen: already current, nothing to migrate.
  OpenInfo again;
  auto st2 = SqliteStore::open(path, OpenMode::ReadWrite, &again);
  ASSERT_TRUE(st2.is_ok());
  EXPECT_EQ(again.found_version, kCurrentSchemaVersion);
  EXPECT_FALSE(again.migrated);
  for (const char* sfx : {"", "-wal", "-shm"}) unlink((path + sfx).c_str());
}

}  // namespace
}  // namespace ipadm::store
