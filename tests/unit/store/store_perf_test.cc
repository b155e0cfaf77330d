// Scale: every per-object statement is an index search (checked with EXPLAIN
// QUERY PLAN, so no timing assertions), and a store with 100,000 address
// objects on a temp file stays usable (timings printed, not asserted).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>

#include "store/sqlite_db.h"
#include "store/sqlite_store.h"
#include "store/store_sql.h"
#include "store_records.h"
#include "temp_dir.h"

namespace ipadm::store {
namespace {

using testing::addr_prop;
using testing::make_addr;

constexpr int kAddrs = 100000;

std::string query_plan(Db& db, const char* sql) {
  Result<Stmt> st = db.prepare(std::string("EXPLAIN QUERY PLAN ") + sql);
  EXPECT_TRUE(st.is_ok()) << sql << ": " << st.status().to_string();
  if (!st.is_ok()) return {};
  std::string plan;
  for (;;) {
    Result<bool> row = st->step();
    if (!row.is_ok() || !*row) break;
    plan += st->col_text(3) + "\n";
  }
  return plan;
}

TEST(StorePerf, PerObjectStatementsUseIndexes) {
  testing::TempDir dir;
  std::string path = dir.file("ipadm.db");
  ASSERT_TRUE(SqliteStore::open(path, OpenMode::ReadWrite).is_ok());
  Result<Db> db = Db::open(path, SQLITE_OPEN_READWRITE);
  ASSERT_TRUE(db.is_ok());
  for (const char* sql : sql::kPerObjectStatements) {
    std::string plan = query_plan(*db, sql);
    // "SCAN t" is a full table scan; "SCAN t USING ..." never appears for
    // these, and "TEMP B-TREE" would be a sort of the whole result.
    EXPECT_EQ(plan.find("SCAN "), std::string::npos) << sql << "\n" << plan;
    EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << sql << "\n" << plan;
  }
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
      .count();
}

TEST(StorePerf, HundredThousandAddrsStayFast) {
  testing::TempDir dir;
  std::string path = dir.file("ipadm.db");
  auto opened = SqliteStore::open(path, OpenMode::ReadWrite);
  ASSERT_TRUE(opened.is_ok());
  auto store = std::move(opened).value();

  Batch big;
  big.ops.reserve(kAddrs + 2);
  big.add(PutIf{{"net0", true, false}}).add(PutIf{{"net1", true, false}});
  for (int i = 0; i < kAddrs; ++i) {
    char local[32];
    std::snprintf(local, sizeof local, "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
    big.add(PutAddr{make_addr("net0/a" + std::to_string(i), local)});
  }
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(store->apply(big).is_ok());
  std::printf("[ perf ] insert %d addrs in one batch: %.1f ms\n", kAddrs, ms_since(t0));

  t0 = std::chrono::steady_clock::now();
  constexpr int kOps = 100;
  for (int i = 0; i < kOps; ++i) {
    std::string name = "net1/x" + std::to_string(i);
    ASSERT_TRUE(store->apply(Batch()
                                 .add(PutAddr{make_addr(name, "192.168.0.1")})
                                 .add(PutProp{addr_prop(name, "prefixlen", "24")}))
                    .is_ok());
    auto got = store->addr("net0/a" + std::to_string(i * 397 % kAddrs));
    ASSERT_TRUE(got.is_ok() && got->has_value());
    ASSERT_EQ(store->addrs("net1")->size(), 1u);
    ASSERT_TRUE(store->apply(Batch().add(DelAddr{name})).is_ok());
  }
  std::printf("[ perf ] %d x (put+get+list-small-if+del), durable: %.1f ms\n", kOps,
              ms_since(t0));

  t0 = std::chrono::steady_clock::now();
  AddrRecord replaced = make_addr("net0/a50000", "172.16.0.1");
  ASSERT_TRUE(store->apply(Batch().add(PutAddr{replaced})).is_ok());
  ASSERT_TRUE(store->apply(Batch().add(DelAddr{"net0/a99999"})).is_ok());
  std::printf("[ perf ] replace + delete one of %d: %.1f ms\n", kAddrs, ms_since(t0));
  EXPECT_EQ((*store->addr("net0/a50000"))->local, "172.16.0.1");
  EXPECT_FALSE(store->addr("net0/a99999")->has_value());

  t0 = std::chrono::steady_clock::now();
  auto all = store->addrs("");
  ASSERT_TRUE(all.is_ok());
  std::printf("[ perf ] read all %zu addrs: %.1f ms\n", all->size(), ms_since(t0));
  ASSERT_EQ(all->size(), static_cast<size_t>(kAddrs - 1));
  EXPECT_EQ((*all)[50000].aobjname, "net0/a50000");  // replace kept its place

  t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(store->apply(Batch().add(DelIf{"net0"})).is_ok());
  std::printf("[ perf ] DelIf cascading over %d addrs: %.1f ms\n", kAddrs - 1, ms_since(t0));
  EXPECT_TRUE(store->addrs("")->empty());
}

}  // namespace
}  // namespace ipadm::store
