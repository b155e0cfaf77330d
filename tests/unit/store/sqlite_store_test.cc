// SqliteStore semantics on ":memory:": round-trips, store order, cascades and
// batch atomicity.
#include "store/sqlite_store.h"

#include <gtest/gtest.h>

#include "store_records.h"

namespace ipadm::store {
namespace {

using testing::addr_prop;
using testing::if_prop;
using testing::make_addr;
using testing::names;
using testing::proto_prop;
using testing::same;
using Names = std::vector<std::string>;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = SqliteStore::open(":memory:", OpenMode::ReadWrite);
    ASSERT_TRUE(s.is_ok()) << s.status().to_string();
    store_ = std::move(s).value();
  }
  void apply_ok(Batch b) {
    Status s = store_->apply(b);
    ASSERT_TRUE(s.is_ok()) << s.to_string();
  }
  Names if_names() { return names(*store_->interfaces()); }
  Names addr_names(const std::string& ifname = "") { return names(*store_->addrs(ifname)); }

  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteStoreTest, EmptyStore) {
  EXPECT_TRUE(store_->interfaces()->empty());
  EXPECT_TRUE(store_->addrs("")->empty());
  EXPECT_FALSE(store_->interface("net0")->has_value());
  EXPECT_FALSE(store_->addr("net0/v4")->has_value());
  EXPECT_TRUE(store_->all_props()->empty());
  EXPECT_TRUE(store_->apply(Batch{}).is_ok());
}

TEST_F(SqliteStoreTest, InterfaceRoundTripAndReplaceKeepsOrder) {
  apply_ok(Batch().add(PutIf{{"net1", true, false}}).add(PutIf{{"net0", true, true}}));
  EXPECT_EQ(if_names(), (Names{"net1", "net0"}));
  auto net0 = store_->interface("net0");
  ASSERT_TRUE(net0.is_ok() && net0->has_value());
  EXPECT_TRUE(same(**net0, IfRecord{"net0", true, true}));

  apply_ok(Batch().add(PutIf{{"net1", false, true}}));
  EXPECT_EQ(if_names(), (Names{"net1", "net0"}));
  EXPECT_TRUE(same(**store_->interface("net1"), IfRecord{"net1", false, true}));
}

TEST_F(SqliteStoreTest, AddrRoundTripAllFields) {
  AddrRecord r;
  r.aobjname = "tun0/p2p";
  r.ifname = "tun0";
  r.family = 10;
  r.atype = AddrType::Dhcp;
  r.local = "host.example";
  r.remote = "2001:db8::2";
  r.prefixlen = 127;
  r.up = false;
  r.extra = "-1,yes";
  apply_ok(Batch().add(PutIf{{"tun0", false, true}}).add(PutAddr{r}));
  auto got = store_->addr("tun0/p2p");
  ASSERT_TRUE(got.is_ok() && got->has_value());
  EXPECT_TRUE(same(**got, r));
  auto all = store_->addrs("");
  ASSERT_EQ(all->size(), 1u);
  EXPECT_TRUE(same(all->front(), r));
  AddrRecord d = make_addr("tun0/d", "10.0.0.1");  // defaults survive too
  apply_ok(Batch().add(PutAddr{d}));
  EXPECT_TRUE(same(**store_->addr("tun0/d"), d));
  EXPECT_EQ((*store_->addr("tun0/d"))->prefixlen, -1);
}

TEST_F(SqliteStoreTest, AddrOrderIsCreationOrderAndReplaceKeepsPosition) {
  apply_ok(Batch().add(PutIf{{"net0", true, false}}).add(PutIf{{"net1", true, false}}));
  apply_ok(Batch()
               .add(PutAddr{make_addr("net0/a", "10.0.0.1")})
               .add(PutAddr{make_addr("net0/b", "10.0.0.2")})
               .add(PutAddr{make_addr("net1/c", "10.0.1.1")})
               .add(PutAddr{make_addr("net0/d", "10.0.0.4")}));
  AddrRecord a2 = make_addr("net0/a", "10.9.9.9");
  a2.up = false;
  apply_ok(Batch().add(PutAddr{a2}));
  EXPECT_EQ(addr_names(), (Names{"net0/a", "net0/b", "net1/c", "net0/d"}));
  EXPECT_EQ(addr_names("net0"), (Names{"net0/a", "net0/b", "net0/d"}));
  EXPECT_TRUE(same(**store_->addr("net0/a"), a2));

  apply_ok(Batch().add(DelAddr{"net0/b"}).add(PutAddr{make_addr("net0/e", "10.0.0.5")}));
  EXPECT_EQ(addr_names(), (Names{"net0/a", "net1/c", "net0/d", "net0/e"}));
  // Deleting the last row and re-creating a name puts it last again.
  apply_ok(Batch().add(DelAddr{"net0/a"}).add(PutAddr{make_addr("net0/a", "10.0.0.1")}));
  EXPECT_EQ(addr_names(), (Names{"net1/c", "net0/d", "net0/e", "net0/a"}));
}

TEST_F(SqliteStoreTest, PropsByShapeInOrderAndReplaceKeepsPosition) {
  apply_ok(Batch()
               .add(PutIf{{"net0", true, true}})
               .add(PutAddr{make_addr("net0/v4", "10.0.0.1")})
               .add(PutProp{proto_prop("tcp", "smallest_anon_port", "40000")})
               .add(PutProp{if_prop("ipv4", "net0", "mtu", "1400")})
               .add(PutProp{addr_prop("net0/v4", "prefixlen", "24")})
               .add(PutProp{proto_prop("ipv4", "forwarding", "on")})
               .add(PutProp{if_prop("ipv6", "net0", "mtu", "1280")})
               .add(PutProp{addr_prop("net0/v4", "deprecated", "on")}));
  apply_ok(Batch().add(PutProp{proto_prop("tcp", "smallest_anon_port", "50000")}));
  EXPECT_EQ(names(*store_->proto_props()),
            (Names{"smallest_anon_port=50000", "forwarding=on"}));
  EXPECT_EQ(names(*store_->if_props("net0")), (Names{"mtu=1400", "mtu=1280"}));
  auto ifp = store_->if_props("net0");
  EXPECT_EQ((*ifp)[1].protocol, "ipv6");
  EXPECT_EQ(names(*store_->addr_props("net0/v4")), (Names{"prefixlen=24", "deprecated=on"}));
  EXPECT_TRUE(same((*store_->addr_props("net0/v4"))[0], addr_prop("net0/v4", "prefixlen", "24")));
  EXPECT_EQ(store_->all_props()->size(), 6u);
  EXPECT_EQ((*store_->all_props())[0].value, "50000");
  EXPECT_TRUE(store_->if_props("net1")->empty());
  EXPECT_TRUE(store_->addr_props("net0/x")->empty());
}

TEST_F(SqliteStoreTest, DelPropRemovesOnlyTheExactKeyAndIsIdempotent) {
  apply_ok(Batch()
               .add(PutIf{{"net0", true, true}})
               .add(PutProp{if_prop("ipv4", "net0", "mtu", "1400")})
               .add(PutProp{if_prop("ipv6", "net0", "mtu", "1280")})
               .add(PutProp{proto_prop("ipv4", "mtu", "9000")}));
  apply_ok(Batch().add(DelProp{if_prop("ipv4", "net0", "mtu", "ignored")}));
  EXPECT_EQ(names(*store_->if_props("net0")), (Names{"mtu=1280"}));
  EXPECT_EQ(names(*store_->proto_props()), (Names{"mtu=9000"}));
  apply_ok(Batch().add(DelProp{if_prop("ipv4", "net0", "mtu", "")}));
  apply_ok(Batch().add(DelProp{proto_prop("sctp", "nothing", "")}));
  EXPECT_EQ(store_->all_props()->size(), 2u);
}

TEST_F(SqliteStoreTest, DelIfCascadesToAddrsAndAllTheirProps) {
  apply_ok(Batch()
               .add(PutIf{{"net0", true, true}})
               .add(PutIf{{"net1", true, false}})
               .add(PutAddr{make_addr("net0/a", "10.0.0.1")})
               .add(PutAddr{make_addr("net1/c", "10.0.1.1")})
               .add(PutAddr{make_addr("net0/b", "2001:db8::1", 10)})
               .add(PutProp{addr_prop("net0/a", "prefixlen", "8")})
               .add(PutProp{addr_prop("net0/b", "private", "on")})
               .add(PutProp{addr_prop("net1/c", "prefixlen", "24")})
               .add(PutProp{if_prop("ipv4", "net0", "mtu", "1400")})
               .add(PutProp{if_prop("ipv4", "net1", "mtu", "1500")})
               .add(PutProp{proto_prop("ipv4", "forwarding", "on")}));
  apply_ok(Batch().add(DelIf{"net0"}));
  EXPECT_EQ(if_names(), (Names{"net1"}));
  EXPECT_EQ(addr_names(), (Names{"net1/c"}));
  EXPECT_TRUE(store_->addr_props("net0/a")->empty());
  EXPECT_TRUE(store_->addr_props("net0/b")->empty());
  EXPECT_TRUE(store_->if_props("net0")->empty());
  EXPECT_EQ(names(*store_->all_props()), (Names{"prefixlen=24", "mtu=1500", "forwarding=on"}));
  apply_ok(Batch().add(DelIf{"net0"}));  // absent: no-op
}

TEST_F(SqliteStoreTest, DelAddrCascadesToItsPropsOnly) {
  apply_ok(Batch()
               .add(PutIf{{"net0", true, false}})
               .add(PutAddr{make_addr("net0/a", "10.0.0.1")})
               .add(PutAddr{make_addr("net0/b", "10.0.0.2")})
               .add(PutProp{addr_prop("net0/a", "prefixlen", "8")})
               .add(PutProp{addr_prop("net0/b", "prefixlen", "16")})
               .add(PutProp{if_prop("ipv4", "net0", "mtu", "1400")}));
  apply_ok(Batch().add(DelAddr{"net0/a"}));
  EXPECT_EQ(addr_names(), (Names{"net0/b"}));
  EXPECT_TRUE(store_->addr_props("net0/a")->empty());
  EXPECT_EQ(names(*store_->addr_props("net0/b")), (Names{"prefixlen=16"}));
  EXPECT_EQ(names(*store_->if_props("net0")), (Names{"mtu=1400"}));
  apply_ok(Batch().add(DelAddr{"net0/a"}));  // absent: no-op
}

TEST_F(SqliteStoreTest, AddrNeedsItsInterfaceEarlierInTheStore) {
  Status s = store_->apply(Batch().add(PutAddr{make_addr("net9/x", "10.0.0.1")}));
  EXPECT_EQ(s.code(), Errc::NotFound);
  EXPECT_NE(s.detail().find("op 0 PutAddr net9/x"), std::string::npos) << s.detail();
  EXPECT_NE(s.detail().find("net9"), std::string::npos);
  apply_ok(Batch().add(PutIf{{"net9", true, false}}).add(PutAddr{make_addr("net9/x", "10.0.0.1")}));
  EXPECT_EQ(addr_names(), (Names{"net9/x"}));
}

TEST_F(SqliteStoreTest, FailingBatchAppliesNothing) {
  apply_ok(Batch()
               .add(PutIf{{"net0", true, false}})
               .add(PutAddr{make_addr("net0/a", "10.0.0.1")})
               .add(PutProp{addr_prop("net0/a", "prefixlen", "8")}));
  AddrRecord changed = make_addr("net0/a", "10.7.7.7");
  Batch bad;
  bad.add(PutIf{{"net1", true, true}})
      .add(PutIf{{"net0", true, true}})
      .add(PutAddr{changed})
      .add(PutAddr{make_addr("net1/b", "10.0.1.1")})
      .add(PutProp{proto_prop("ipv4", "forwarding", "on")})
      .add(DelProp{addr_prop("net0/a", "prefixlen", "")})
      .add(DelIf{"net0"})
      .add(PutAddr{make_addr("net7/z", "10.0.7.1")});  // no such interface
  Status s = store_->apply(bad);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.detail().find("op 7 PutAddr net7/z"), std::string::npos) << s.detail();
  EXPECT_EQ(if_names(), (Names{"net0"}));
  EXPECT_TRUE(same(**store_->interface("net0"), IfRecord{"net0", true, false}));
  EXPECT_EQ(addr_names(), (Names{"net0/a"}));
  EXPECT_EQ((*store_->addr("net0/a"))->local, "10.0.0.1");
  EXPECT_EQ(names(*store_->all_props()), (Names{"prefixlen=8"}));
  // The store is still usable after the rollback.
  apply_ok(Batch().add(PutIf{{"net1", true, false}}));
  EXPECT_EQ(if_names(), (Names{"net0", "net1"}));
}

TEST_F(SqliteStoreTest, CheckpointRowIsReplacedDeletedAndRolledBackWithItsBatch) {
  EXPECT_FALSE(store_->saved_checkpoint()->has_value());
  apply_ok(Batch().add(PutCheckpoint{{100, 220, "{\"a\":1}"}}));
  auto c = store_->saved_checkpoint();
  ASSERT_TRUE(c.is_ok() && c->has_value());
  EXPECT_EQ((*c)->started, 100);
  EXPECT_EQ((*c)->deadline, 220);
  EXPECT_EQ((*c)->snapshot, "{\"a\":1}");
  apply_ok(Batch().add(PutCheckpoint{{300, 400, "x"}}));  // at most one: replaced
  EXPECT_EQ((*store_->saved_checkpoint())->deadline, 400);
  // A failing batch takes its DelCheckpoint back with it.
  Batch bad;
  bad.add(DelCheckpoint{}).add(PutAddr{make_addr("net7/z", "10.0.7.1")});
  ASSERT_FALSE(store_->apply(bad).is_ok());
  EXPECT_TRUE(store_->saved_checkpoint()->has_value());
  apply_ok(Batch().add(DelCheckpoint{}));
  EXPECT_FALSE(store_->saved_checkpoint()->has_value());
  apply_ok(Batch().add(DelCheckpoint{}));  // no-op if absent
}

TEST_F(SqliteStoreTest, InvalidRecordsAreInvalidArgAndRollBack) {
  Batch b;
  b.add(PutIf{{"net0", true, false}}).add(PutProp{PropRecord{"ipv4", "net0", "net0/a", "x", "1"}});
  EXPECT_EQ(store_->apply(b).code(), Errc::InvalidArg);
  EXPECT_EQ(store_->apply(Batch().add(PutProp{PropRecord{"", "net0", "", "mtu", "1"}})).code(),
            Errc::InvalidArg);
  EXPECT_EQ(store_->apply(Batch().add(PutProp{proto_prop("ipv4", "", "1")})).code(),
            Errc::InvalidArg);
  EXPECT_EQ(store_->apply(Batch().add(PutIf{{"", true, false}})).code(), Errc::InvalidArg);
  EXPECT_TRUE(store_->interfaces()->empty());
}

TEST_F(SqliteStoreTest, DelIfThenRecreateInOneBatch) {
  apply_ok(Batch()
               .add(PutIf{{"net0", true, false}})
               .add(PutAddr{make_addr("net0/a", "10.0.0.1")}));
  apply_ok(Batch()
               .add(DelIf{"net0"})
               .add(PutIf{{"net0", false, true}})
               .add(PutAddr{make_addr("net0/b", "2001:db8::1", 10)}));
  EXPECT_TRUE(same(**store_->interface("net0"), IfRecord{"net0", false, true}));
  EXPECT_EQ(addr_names(), (Names{"net0/b"}));
}

}  // namespace
}  // namespace ipadm::store
