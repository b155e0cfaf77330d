#include "core/delegation.h"

#include <net/if.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "core/service.h"
#include "netlink/fake_kernel.h"
#include "store/sqlite_store.h"

namespace ipadm::core {
namespace {

TEST(Delegation, Parse) {
  auto d = parse_delegation(
      "# host-written\n"
      "link=veth0;allowed-address=192.0.2.10/24,2001:db8::10/64;defrouter=192.0.2.1,2001:db8::1;\n"
      "\n"
      "link=veth1;allowed-address=198.51.100.5/24;\n");
  ASSERT_TRUE(d.is_ok()) << d.status().to_string();
  ASSERT_EQ(d->size(), 2u);
  EXPECT_EQ((*d)[0].ifname, "veth0");
  ASSERT_EQ((*d)[0].addrs.size(), 2u);
  EXPECT_EQ((*d)[0].addrs[1].prefixlen, 64);
  EXPECT_EQ((*d)[0].routers[0].to_string(), "192.0.2.1");
  EXPECT_TRUE((*d)[0].has_family(AF_INET6));
  EXPECT_FALSE((*d)[1].has_family(AF_INET6));
}

TEST(Delegation, Malformed) {
  const char* bad[] = {
      "link=veth0;allowed-address=192.0.2.10;\n",         // no prefix
      "link=veth0;allowed-address=300.0.0.1/24;\n",
      "link=veth0;defrouter=nope;\n",
      "link=veth0;colour=blue;\n",
      "allowed-address=192.0.2.10/24;\n",                 // no link
      "link=veth0\n",                                      // no ';'
      "link=veth0;\nlink=veth0;\n",                        // twice
      "link=veth0;link=veth1;\n",                          // repeated key
  };
  for (const char* t : bad) {
    auto d = parse_delegation(t);
    EXPECT_FALSE(d.is_ok()) << t;
    if (!d) {
      EXPECT_NE(d.status().detail().find("line "), std::string::npos) << t;
    }
  }
}

TEST(Delegation, GeneratedNames) {
  EXPECT_EQ(delegated_aobjname("net0", 0), "net0/_a");
  EXPECT_EQ(delegated_aobjname("net0", 25), "net0/_z");
  EXPECT_EQ(delegated_aobjname("net0", 26), "net0/_aa");
  EXPECT_EQ(delegated_aobjname("net0", 27), "net0/_ab");
}

TEST(Delegation, FirstBootPersistsAndEnableApplies) {
  auto st = store::SqliteStore::open(":memory:", store::OpenMode::ReadWrite);
  ASSERT_TRUE(st.is_ok());
  netlink::FakeKernel k;
  int idx = k.add_link("veth0", IFF_BROADCAST | IFF_MULTICAST);
  AddrObjMap m(nullptr);
  Service s(k, **st, m);
  auto d = parse_delegation(
      "link=veth0;allowed-address=192.0.2.10/24,2001:db8::10/64;defrouter=192.0.2.1;\n");
  ASSERT_TRUE(s.init_delegations(*d).is_ok());
  auto rec = (*st)->interface("veth0");
  ASSERT_TRUE(rec->has_value());
  EXPECT_TRUE(rec->value().v6);
  EXPECT_EQ((*st)->meta("first_boot_done")->value(), "true");

  auto r = s.restore();
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->failed_size(), 0);
  EXPECT_NE(k.find_addr(idx, *IpAddr::parse("192.0.2.10")), nullptr);
  EXPECT_NE(k.find_addr(idx, *IpAddr::parse("2001:db8::10")), nullptr);
  ASSERT_EQ(k.routes().size(), 1u);
  EXPECT_EQ(k.routes()[0].gateway.to_string(), "192.0.2.1");
  ASSERT_NE(m.find_addr("veth0/_a"), nullptr);
  EXPECT_EQ(m.find_addr("veth0/_a")->atype, AddrType::FromGz);
  EXPECT_TRUE((*st)->addrs("")->empty());  // never persisted

  rpc::ShowIfReq q;
  auto rows = s.show_if(q);
  ASSERT_TRUE(rows.is_ok());
  EXPECT_EQ(rows->ifs(0).current()[9], 'Z');
  rpc::ShowAddrReq qa;
  qa.set_aobjname("veth0/_a");
  auto arows = s.show_addr(qa);
  ASSERT_TRUE(arows.is_ok());
  EXPECT_EQ(arows->addrs(0).type(), "from-gz");

  // Persistent static addresses on a delegated link: GzPerm; temporary ok.
  rpc::CreateAddrReq c;
  c.set_aobjname("veth0/mine");
  c.set_type("static");
  c.set_local("192.0.2.20/24");
  EXPECT_EQ(s.create_addr(c).code(), Errc::GzPerm);
  c.set_temporary(true);
  EXPECT_TRUE(s.create_addr(c).is_ok());
  rpc::DeleteAddrReq del;
  del.set_aobjname("veth0/_a");
  EXPECT_EQ(s.delete_addr(del).code(), Errc::GzPerm);

  // Not the first boot any more: a deleted interface is not re-persisted.
  rpc::DeleteIfReq di;
  di.set_ifname("veth0");
  ASSERT_TRUE(s.delete_if(di).is_ok());
  ASSERT_TRUE(s.init_delegations(*d).is_ok());
  EXPECT_FALSE((*st)->interface("veth0")->has_value());
}

}  // namespace
}  // namespace ipadm::core
