// Import/export against a real SqliteStore: the batch an import applies,
// snapshot_of, replacing imports and format detection.
#include "store/conf_import.h"

#include <gtest/gtest.h>

#include "conf_gen.h"
#include "store/illumos_conf.h"
#include "store/sqlite_store.h"

namespace ipadm::store {
namespace {

using testing::ConfGen;
using testing::read_fixture;

std::unique_ptr<SqliteStore> memory_store() {
  auto s = SqliteStore::open(":memory:", OpenMode::ReadWrite);
  EXPECT_TRUE(s.is_ok()) << s.status().to_string();
  return std::move(s).value();
}

std::vector<std::string> op_kinds(const Batch& b) {
  static const char* kNames[] = {"PutIf", "DelIf", "PutAddr", "DelAddr", "PutProp", "DelProp"};
  std::vector<std::string> out;
  for (const auto& op : b.ops) out.push_back(kNames[op.index()]);
  return out;
}

TEST(ConfImport, BatchPutsInterfacesFirst) {
  ConfSnapshot s;
  s.ifs = {{"net0", true, false}};
  AddrRecord a;
  a.aobjname = "net0/a";
  a.ifname = "net0";
  a.family = AF_INET;
  a.local = "1.2.3.4";
  s.addrs = {a};
  s.props = {{"", "net0", "net0/a", "deprecated", "on"}, {"tcp", "", "", "ecn", "active"}};
  EXPECT_EQ(op_kinds(to_import_batch(s)),
            (std::vector<std::string>{"PutIf", "PutAddr", "PutProp", "PutProp"}));
}

TEST(ConfImport, StoreRoundTripOfGeneratedSnapshots) {
  for (unsigned seed = 1; seed <= 60; ++seed) {
    auto store = memory_store();
    ConfSnapshot s = ConfGen(seed, false).snapshot();
    Status st = store->apply(to_import_batch(s));
    ASSERT_TRUE(st.is_ok()) << "seed " << seed << ": " << st.to_string();
    auto back = snapshot_of(*store);
    ASSERT_TRUE(back.is_ok()) << back.status().to_string();
    EXPECT_TRUE(*back == s) << "seed " << seed;
  }
}

TEST(ConfImport, SpecExampleIntoStoreAndOutAgain) {
  auto store = memory_store();
  auto s = parse_conf(read_fixture("ipadm-v1.conf"), nullptr);
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  ASSERT_TRUE(store->apply(to_import_batch(*s)).is_ok());
  auto back = snapshot_of(*store);
  ASSERT_TRUE(back.is_ok());
  EXPECT_TRUE(*back == *s);
  auto text = format_conf(*back, ConfFormat::Illumos);
  ASSERT_TRUE(text.is_ok()) << text.status().to_string();
  auto again = parse_conf(*text, nullptr);
  ASSERT_TRUE(again.is_ok());
  EXPECT_TRUE(*again == *s);
  auto json = format_conf(*back, ConfFormat::Json);
  ASSERT_TRUE(json.is_ok());
  auto from_json = parse_conf(*json, nullptr);
  ASSERT_TRUE(from_json.is_ok()) << from_json.status().to_string();
  EXPECT_TRUE(*from_json == *s);
}

TEST(ConfImport, ReplaceBatchLeavesExactlyTheImport) {
  auto store = memory_store();
  ConfSnapshot before = ConfGen(7, true).snapshot();
  before.props.push_back({"udp", "", "", "old_only", "1"});
  ASSERT_TRUE(store->apply(to_import_batch(before)).is_ok());
  for (unsigned seed = 100; seed < 130; ++seed) {
    ConfSnapshot next = ConfGen(seed, true).snapshot();
    auto current = snapshot_of(*store);
    ASSERT_TRUE(current.is_ok());
    Status st = store->apply(to_replace_batch(*current, next));
    ASSERT_TRUE(st.is_ok()) << "seed " << seed << ": " << st.to_string();
    auto after = snapshot_of(*store);
    ASSERT_TRUE(after.is_ok());
    EXPECT_TRUE(*after == next) << "seed " << seed;
  }
}

TEST(ConfImport, FormatDetectionAndNames) {
  EXPECT_EQ(conf_format_of("  \n {\"format\":1}"), ConfFormat::Json);
  EXPECT_EQ(conf_format_of("_ifname=net0;_family=2;\n"), ConfFormat::Illumos);
  EXPECT_EQ(conf_format_of("# {\n"), ConfFormat::Illumos);
  EXPECT_EQ(conf_format_of(""), ConfFormat::Illumos);
  EXPECT_EQ(*conf_format_from_name("json"), ConfFormat::Json);
  EXPECT_EQ(*conf_format_from_name("illumos"), ConfFormat::Illumos);
  EXPECT_EQ(conf_format_from_name("xml").status().code(), Errc::InvalidArg);
}

TEST(ConfImport, IllumosExportRefusesUnwritableRecords) {
  ConfSnapshot s;
  s.ifs = {{"net0", true, false}};
  s.props = {{"tcp", "", "", "x", "a;b"}};
  EXPECT_EQ(format_conf(s, ConfFormat::Illumos).status().code(), Errc::InvalidArg);
  EXPECT_TRUE(format_conf(s, ConfFormat::Json).is_ok());
}

}  // namespace
}  // namespace ipadm::store
