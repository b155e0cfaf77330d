// SqliteVolatileStore: round-trips of IfObj/AddrObj, upserts, cascades,
// persistence across reopen, schema checks.
#include "store/sqlite_volatile_store.h"

#include <sys/socket.h>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/sqlite_db.h"
#include "temp_dir.h"

namespace ipadm::store {
namespace {

IpAddr ip(const char* text) {
  std::optional<IpAddr> a = IpAddr::parse(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(IpAddr{});
}

AddrObj v4_obj() {
  AddrObj o;
  o.aobjname = "net0/v4";
  o.ifname = "net0";
  o.family = 2;
  o.atype = AddrType::Static;
  o.flags = kActive | kPersist;
  o.local = ip("192.168.10.5");
  o.prefixlen = 24;
  o.local_text = "192.168.10.5/24";
  o.explicit_prefix = true;
  return o;
}

AddrObj v6_p2p_obj() {
  AddrObj o;
  o.aobjname = "tun0/p2p";
  o.ifname = "tun0";
  o.family = 10;
  o.atype = AddrType::Static;
  o.flags = kActive;
  o.local = ip("2001:db8::1");
  o.remote = ip("2001:db8::2");
  o.prefixlen = 128;
  o.up = false;
  o.local_text = "host-a.example";
  o.remote_text = "2001:db8::2";
  return o;
}

AddrObj dhcp_stub() {  // disabled stub: no address yet
  AddrObj o;
  o.aobjname = "net1/dhcp";
  o.ifname = "net1";
  o.family = 2;
  o.atype = AddrType::Dhcp;
  return o;
}

void expect_same(const AddrObj& a, const AddrObj& b) {
  EXPECT_EQ(a.aobjname, b.aobjname);
  EXPECT_EQ(a.ifname, b.ifname);
  EXPECT_EQ(a.family, b.family);
  EXPECT_EQ(a.atype, b.atype);
  EXPECT_EQ(a.flags, b.flags);
  EXPECT_EQ(a.local, b.local);
  EXPECT_EQ(a.remote, b.remote);
  EXPECT_EQ(a.prefixlen, b.prefixlen);
  EXPECT_EQ(a.up, b.up);
  EXPECT_EQ(a.local_text, b.local_text);
  EXPECT_EQ(a.remote_text, b.remote_text);
  EXPECT_EQ(a.explicit_prefix, b.explicit_prefix);
}

std::vector<std::string> addr_names(const VolatileState& st) {
  std::vector<std::string> out;
  for (const auto& a : st.addrs) out.push_back(a.aobjname);
  return out;
}

std::unique_ptr<SqliteVolatileStore> open_store(const std::string& path) {
  auto s = SqliteVolatileStore::open(path);
  EXPECT_TRUE(s.is_ok()) << s.status().to_string();
  return s.is_ok() ? std::move(s).value() : nullptr;
}

TEST(SqliteVolatileStore, RoundTripsEveryField) {
  auto vs = open_store(":memory:");
  ASSERT_TRUE(vs->put_if(IfObj{"net0", true, true, kActive | kPersist}).is_ok());
  ASSERT_TRUE(vs->put_if(IfObj{"tun0", false, true, kActive}).is_ok());
  ASSERT_TRUE(vs->put_addr(v4_obj()).is_ok());
  ASSERT_TRUE(vs->put_addr(v6_p2p_obj()).is_ok());
  ASSERT_TRUE(vs->put_addr(dhcp_stub()).is_ok());
  Result<VolatileState> st = vs->load();
  ASSERT_TRUE(st.is_ok()) << st.status().to_string();
  ASSERT_EQ(st->ifs.size(), 2u);
  EXPECT_EQ(st->ifs[0].ifname, "net0");
  EXPECT_TRUE(st->ifs[0].v4 && st->ifs[0].v6);
  EXPECT_EQ(st->ifs[0].flags, kActive | kPersist);
  EXPECT_EQ(st->ifs[1].ifname, "tun0");
  EXPECT_FALSE(st->ifs[1].v4);
  ASSERT_EQ(st->addrs.size(), 3u);
  expect_same(st->addrs[0], v4_obj());
  EXPECT_FALSE(st->addrs[0].remote.has_value());
  expect_same(st->addrs[1], v6_p2p_obj());
  expect_same(st->addrs[2], dhcp_stub());
  EXPECT_EQ(st->addrs[2].local.family, 0);
}

TEST(SqliteVolatileStore, UpsertKeepsOrderAndReplacesFields) {
  auto vs = open_store(":memory:");
  ASSERT_TRUE(vs->put_addr(v4_obj()).is_ok());
  ASSERT_TRUE(vs->put_addr(v6_p2p_obj()).is_ok());
  AddrObj changed = v4_obj();
  changed.flags = kPersist;
  changed.local = ip("10.0.0.9");
  changed.remote = ip("10.0.0.10");
  ASSERT_TRUE(vs->put_addr(changed).is_ok());
  AddrObj cleared = v6_p2p_obj();
  cleared.remote.reset();
  ASSERT_TRUE(vs->put_addr(cleared).is_ok());
  ASSERT_TRUE(vs->put_if(IfObj{"net0", true, false, kActive}).is_ok());
  ASSERT_TRUE(vs->put_if(IfObj{"net0", false, true, kPersist}).is_ok());
  Result<VolatileState> st = vs->load();
  EXPECT_EQ(addr_names(*st), (std::vector<std::string>{"net0/v4", "tun0/p2p"}));
  expect_same(st->addrs[0], changed);
  expect_same(st->addrs[1], cleared);
  ASSERT_EQ(st->ifs.size(), 1u);
  EXPECT_EQ(st->ifs[0].flags, kPersist);
  EXPECT_TRUE(st->ifs[0].v6);
}

TEST(SqliteVolatileStore, DelIfTakesItsAddrsDelAddrOnlyOne) {
  auto vs = open_store(":memory:");
  ASSERT_TRUE(vs->put_if(IfObj{"net0", true, false, kActive}).is_ok());
  ASSERT_TRUE(vs->put_if(IfObj{"tun0", false, true, kActive}).is_ok());
  AddrObj second = v4_obj();
  second.aobjname = "net0/b";
  ASSERT_TRUE(vs->put_addr(v4_obj()).is_ok());
  ASSERT_TRUE(vs->put_addr(v6_p2p_obj()).is_ok());
  ASSERT_TRUE(vs->put_addr(second).is_ok());
  ASSERT_TRUE(vs->del_if("net0").is_ok());
  Result<VolatileState> st = vs->load();
  ASSERT_EQ(st->ifs.size(), 1u);
  EXPECT_EQ(st->ifs[0].ifname, "tun0");
  EXPECT_EQ(addr_names(*st), (std::vector<std::string>{"tun0/p2p"}));
  ASSERT_TRUE(vs->del_addr("tun0/p2p").is_ok());
  ASSERT_TRUE(vs->del_addr("tun0/p2p").is_ok());  // absent: no-op
  ASSERT_TRUE(vs->del_if("nothing").is_ok());
  st = vs->load();
  EXPECT_TRUE(st->addrs.empty());
  EXPECT_EQ(st->ifs.size(), 1u);
}

TEST(SqliteVolatileStore, PutAddrsUpsertsManyInOrder) {
  auto vs = open_store(":memory:");
  ASSERT_TRUE(vs->put_addr(v6_p2p_obj()).is_ok());
  std::vector<AddrObj> many;
  for (int i = 0; i < 100; ++i) {
    AddrObj o = v4_obj();
    o.aobjname = "net0/a" + std::to_string(i);
    many.push_back(o);
  }
  AddrObj p2p = v6_p2p_obj();
  p2p.flags = kPersist;
  many.push_back(p2p);
  ASSERT_TRUE(vs->put_addrs(many).is_ok());
  ASSERT_TRUE(vs->put_addrs({}).is_ok());
  Result<VolatileState> st = vs->load();
  ASSERT_EQ(st->addrs.size(), 101u);
  EXPECT_EQ(st->addrs[0].aobjname, "tun0/p2p");  // kept its position
  EXPECT_EQ(st->addrs[0].flags, kPersist);
  EXPECT_EQ(st->addrs[1].aobjname, "net0/a0");
  EXPECT_EQ(st->addrs[100].aobjname, "net0/a99");
}

TEST(SqliteVolatileStore, SurvivesReopen) {
  testing::TempDir dir;
  std::string path = dir.file("aobjmap.db");
  {
    auto vs = open_store(path);
    ASSERT_TRUE(vs->put_if(IfObj{"tun0", false, true, kActive}).is_ok());
    ASSERT_TRUE(vs->put_addr(v6_p2p_obj()).is_ok());
  }
  auto vs = open_store(path);
  Result<VolatileState> st = vs->load();
  ASSERT_TRUE(st.is_ok());
  ASSERT_EQ(st->addrs.size(), 1u);
  expect_same(st->addrs[0], v6_p2p_obj());
  Result<Db> db = Db::open(path, SQLITE_OPEN_READONLY);
  EXPECT_EQ(*db->query_text("PRAGMA journal_mode"), "wal");
}

TEST(SqliteVolatileStore, TempRoutesAreReplacedAsAWholeAndSurviveReopen) {
  testing::TempDir dir;
  std::string path = dir.file("aobjmap.db");
  const RouteRecord a{AF_INET, "default", "192.0.2.1", "", 0};
  const RouteRecord b{AF_INET6, "2001:db8:1::/48", "", "veth0", 1024};
  {
    auto vs = open_store(path);
    ASSERT_TRUE(vs->put_temp_routes({a, b}).is_ok());
    ASSERT_TRUE(vs->put_temp_routes({b, a}).is_ok());  // creation order as given
  }
  auto vs = open_store(path);
  Result<VolatileState> st = vs->load();
  ASSERT_TRUE(st.is_ok());
  EXPECT_EQ(st->temp_routes, (std::vector<RouteRecord>{b, a}));
  ASSERT_TRUE(vs->put_temp_routes({}).is_ok());
  EXPECT_TRUE(vs->load()->temp_routes.empty());
}

TEST(SqliteVolatileStore, NewerSchemaIsRefused) {
  testing::TempDir dir;
  std::string path = dir.file("aobjmap.db");
  {
    Result<Db> db = Db::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    ASSERT_TRUE(db->exec("PRAGMA user_version = 99").is_ok());
  }
  auto s = SqliteVolatileStore::open(path);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.status().code(), Errc::NotSup);
  EXPECT_NE(s.status().detail().find("version 99"), std::string::npos);
}

TEST(SqliteVolatileStore, BadAddressTextIsEBade) {
  testing::TempDir dir;
  std::string path = dir.file("aobjmap.db");
  ASSERT_TRUE(open_store(path)->put_addr(v4_obj()).is_ok());
  {
    Result<Db> db = Db::open(path, SQLITE_OPEN_READWRITE);
    ASSERT_TRUE(db->exec("UPDATE addrs SET local = 'not-an-ip'").is_ok());
  }
  Result<VolatileState> st = open_store(path)->load();
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.status().code(), Errc::EBade);
  EXPECT_NE(st.status().detail().find("net0/v4"), std::string::npos);
}

}  // namespace
}  // namespace ipadm::store
