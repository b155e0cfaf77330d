// Route objects (core/route.h) and the route handlers of the Service on
// FakeKernel and an in-memory store: create/delete/show-route, errors that
// change nothing, restore order, hotplug and foreign routes.
#include "core/route.h"

#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "core/faulty_store.h"
#include "core/requests.h"
#include "core/service.h"
#include "netlink/fake_kernel.h"
#include "store/sqlite_store.h"

namespace ipadm::core {
namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

Result<RouteObj> parse(const std::string& d, const std::string& g, const std::string& i = "",
                       const std::string& m = "") {
  return parse_route({d, g, i, m});
}

TEST(RouteParse, DefaultTakesTheGatewaysFamily) {
  auto v4 = parse("default", "192.0.2.1");
  ASSERT_TRUE(v4.is_ok()) << v4.status().to_string();
  EXPECT_EQ(v4->family, AF_INET);
  EXPECT_EQ(v4->dst_len, 0);
  EXPECT_EQ(v4->metric, 0u);
  EXPECT_EQ(destination_text(*v4), "default");
  auto v6 = parse("default", "fe80::1", "net0");
  ASSERT_TRUE(v6.is_ok()) << v6.status().to_string();
  EXPECT_EQ(v6->family, AF_INET6);
  EXPECT_EQ(v6->metric, 1024u);  // Linux's default, spelled out
  auto m = parse("203.0.113.0/24", "192.0.2.254", "", "7");
  ASSERT_TRUE(m.is_ok());
  EXPECT_EQ(m->metric, 7u);
  EXPECT_EQ(destination_text(*m), "203.0.113.0/24");
  auto onlink = parse("198.51.100.0/24", "", "net0");
  ASSERT_TRUE(onlink.is_ok());
  EXPECT_FALSE(onlink->gateway);
  auto zero = parse("0.0.0.0/0", "192.0.2.1");
  ASSERT_TRUE(zero.is_ok());
  EXPECT_EQ(destination_text(*zero), "default");
}

TEST(RouteParse, RefusesBadInput) {
  struct Case {
    RouteText t;
    Errc code;
  } cases[] = {
      {{"default", "", "", ""}, Errc::InvalidArg},                       // default needs -g
      {{"203.0.113.0/24", "", "", ""}, Errc::InvalidArg},                // no -g, no -i
      {{"203.0.113.1/24", "192.0.2.1", "", ""}, Errc::BadAddr},          // host bits
      {{"203.0.113.0/33", "192.0.2.1", "", ""}, Errc::BadAddr},          // prefix length
      {{"203.0.113.0", "192.0.2.1", "", ""}, Errc::BadAddr},             // no /LEN
      {{"nonsense/8", "192.0.2.1", "", ""}, Errc::BadAddr},
      {{"default", "example.com", "", ""}, Errc::BadAddr},               // numeric only
      {{"default", "224.0.0.1", "", ""}, Errc::BadAddr},                 // multicast
      {{"default", "0.0.0.0", "", ""}, Errc::BadAddr},
      {{"2001:db8::/64", "192.0.2.1", "", ""}, Errc::BadProtocol},       // family mismatch
      {{"default", "fe80::1", "", ""}, Errc::InvalidArg},                // link-local needs -i
      {{"default", "192.0.2.1", "", "x"}, Errc::InvalidArg},     // metric
      {{"default", "192.0.2.1", "", "-1"}, Errc::InvalidArg},
      {{"default", "192.0.2.1", "", "4294967296"}, Errc::ERange},
      {{"default", "192.0.2.1", "bad/name", ""}, Errc::InvalidName},
  };
  for (const auto& c : cases) {
    auto r = parse_route(c.t);
    ASSERT_FALSE(r.is_ok()) << c.t.destination << " " << c.t.gateway << " " << c.t.metric;
    EXPECT_EQ(r.status().code(), c.code) << c.t.destination << " " << c.t.gateway << " "
                                         << c.t.metric << ": " << r.status().to_string();
  }
}

TEST(RouteParse, RecordRoundTrip) {
  for (auto r : {parse("default", "192.0.2.1"), parse("default", "fe80::1", "net0", "5"),
                 parse("203.0.113.0/24", "", "net0")}) {
    ASSERT_TRUE(r.is_ok());
    auto back = from_record(to_record(*r));
    ASSERT_TRUE(back.is_ok());
    EXPECT_TRUE(same_key(*back, *r));
    EXPECT_EQ(back->gateway, r->gateway);
    EXPECT_EQ(back->ifname, r->ifname);
  }
}

TEST(RouteParse, SelectorMatchesEitherFamilyOfDefault) {
  auto v4 = *parse("default", "192.0.2.1");
  auto v6 = *parse("default", "2001:db8::1");
  auto any = parse_route_selector({"default", "", "", ""});
  ASSERT_TRUE(any.is_ok());
  EXPECT_TRUE(selects(*any, v4));
  EXPECT_TRUE(selects(*any, v6));
  auto by_gw = parse_route_selector({"default", "2001:db8::1", "", ""});
  EXPECT_FALSE(selects(*by_gw, v4));
  EXPECT_TRUE(selects(*by_gw, v6));
  auto m0 = parse_route_selector({"default", "", "", "0"});
  EXPECT_TRUE(selects(*m0, v6));  // 0 is IPv6's 1024
  auto m5 = parse_route_selector({"default", "", "", "5"});
  EXPECT_FALSE(selects(*m5, v4));
}

class RouteService : public ::testing::Test {
 protected:
  void SetUp() override {
    auto st = store::SqliteStore::open(":memory:", store::OpenMode::ReadWrite);
    ASSERT_TRUE(st.is_ok());
    store_ = std::move(*st);
    faulty_ = std::make_unique<FaultyStore>(*store_);
    idx_ = kernel_.add_link("net0", IFF_BROADCAST | IFF_MULTICAST);
    idx1_ = kernel_.add_link("net1", IFF_BROADCAST | IFF_MULTICAST);
    svc_ = std::make_unique<Service>(kernel_, *faulty_, map_);
    ASSERT_TRUE(svc_->create_addr(static_addr_req("net0/v4", "192.0.2.10/24")).is_ok());
    ASSERT_TRUE(svc_->create_addr(static_addr_req("net0/v6", "2001:db8::10/64")).is_ok());
  }
  static rpc::CreateRouteReq create(const std::string& d, const std::string& g,
                                    const std::string& i = "", const std::string& m = "",
                                    bool temp = false) {
    rpc::CreateRouteReq r;
    r.set_destination(d);
    r.set_gateway(g);
    r.set_ifname(i);
    r.set_metric(m);
    r.set_temporary(temp);
    return r;
  }
  static rpc::DeleteRouteReq del(const std::string& d, const std::string& g = "",
                                 const std::string& i = "", const std::string& m = "") {
    rpc::DeleteRouteReq r;
    r.set_destination(d);
    r.set_gateway(g);
    r.set_ifname(i);
    r.set_metric(m);
    return r;
  }
  rpc::ShowRouteReply show(const std::string& ifname = "") {
    rpc::ShowRouteReq q;
    q.set_ifname(ifname);
    auto r = svc_->show_route(q);
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return r ? *r : rpc::ShowRouteReply();
  }
  size_t stored() { return (*store_->routes()).size(); }

  netlink::FakeKernel kernel_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<FaultyStore> faulty_;
  AddrObjMap map_{nullptr};
  std::unique_ptr<Service> svc_;
  int idx_ = 0, idx1_ = 0;
};

TEST_F(RouteService, CreateAppliesAndPersists) {
  ASSERT_TRUE(svc_->create_route(create("default", "192.0.2.1")).is_ok());
  ASSERT_TRUE(svc_->create_route(create("default", "2001:db8::1")).is_ok());
  ASSERT_TRUE(svc_->create_route(create("198.51.100.0/24", "", "net0", "20")).is_ok());
  ASSERT_EQ(kernel_.routes().size(), 3u);
  EXPECT_EQ(kernel_.routes()[0].ifindex, idx_);  // picked by the gateway
  EXPECT_EQ(kernel_.routes()[0].protocol, RTPROT_STATIC);
  EXPECT_EQ(kernel_.routes()[1].metric, 1024u);
  EXPECT_EQ(stored(), 3u);
  auto rows = show();
  ASSERT_EQ(rows.routes_size(), 3);
  EXPECT_EQ(rows.routes(0).destination(), "default");
  EXPECT_EQ(rows.routes(0).gateway(), "192.0.2.1");
  EXPECT_EQ(rows.routes(0).ifname(), "net0");
  EXPECT_EQ(rows.routes(0).type(), "static");
  EXPECT_EQ(rows.routes(0).state(), "ok");
  EXPECT_EQ(rows.routes(0).persistent(), "yes");
  EXPECT_EQ(rows.routes(2).gateway(), "");
  EXPECT_EQ(rows.routes(2).metric(), 20u);
}

TEST_F(RouteService, TemporaryIsNotStored) {
  ASSERT_TRUE(svc_->create_route(create("default", "192.0.2.1", "", "", true)).is_ok());
  EXPECT_EQ(kernel_.routes().size(), 1u);
  EXPECT_EQ(stored(), 0u);
  auto rows = show();
  ASSERT_EQ(rows.routes_size(), 1);
  EXPECT_EQ(rows.routes(0).type(), "static");
  EXPECT_EQ(rows.routes(0).persistent(), "no");
  ASSERT_TRUE(svc_->delete_route(del("default")).is_ok());
  EXPECT_TRUE(kernel_.routes().empty());
}

TEST_F(RouteService, ErrorsChangeNothing) {
  ASSERT_TRUE(svc_->create_route(create("default", "192.0.2.1")).is_ok());
  struct Case {
    rpc::CreateRouteReq req;
    Errc code;
  } cases[] = {
      {create("default", "192.0.2.2"), Errc::Exists},             // same key (metric 0)
      {create("default", "198.51.100.1", "", "5"), Errc::BadAddr},  // unreachable
      {create("default", "192.0.2.1", "net1", "5"), Errc::BadAddr},  // not on net1
      {create("default", "192.0.2.1", "nosuch", "5"), Errc::Enxio},
      {create("203.0.113.1/24", "192.0.2.1"), Errc::BadAddr},
      {create("default", "192.0.2.1", "", "99999999999"), Errc::ERange},
  };
  for (const auto& c : cases) {
    Status s = svc_->create_route(c.req);
    EXPECT_EQ(s.code(), c.code) << c.req.destination() << " " << c.req.gateway() << ": "
                                << s.to_string();
  }
  EXPECT_EQ(kernel_.routes().size(), 1u);
  EXPECT_EQ(stored(), 1u);
  Status none = svc_->delete_route(del("203.0.113.0/24"));
  EXPECT_EQ(none.code(), Errc::NotFound);
  EXPECT_EQ(kernel_.routes().size(), 1u);
}

TEST_F(RouteService, StoreFailureTakesTheKernelRouteBack) {
  faulty_->fail = true;
  EXPECT_FALSE(svc_->create_route(create("default", "192.0.2.1")).is_ok());
  EXPECT_TRUE(kernel_.routes().empty());
  faulty_->fail = false;
  ASSERT_TRUE(svc_->create_route(create("default", "192.0.2.1")).is_ok());
  faulty_->fail = true;
  EXPECT_FALSE(svc_->delete_route(del("default")).is_ok());
  EXPECT_EQ(kernel_.routes().size(), 1u);  // put back
  faulty_->fail = false;
  EXPECT_EQ(stored(), 1u);
}

TEST_F(RouteService, KernelFailureStoresNothing) {
  kernel_.fail_next(netlink::FakeOp::kRouteAdd, Status(Errc::NoBufs, "injected"));
  EXPECT_EQ(svc_->create_route(create("default", "192.0.2.1")).code(), Errc::NoBufs);
  EXPECT_EQ(stored(), 0u);
  EXPECT_TRUE(kernel_.routes().empty());
}

TEST_F(RouteService, ForeignRoutesAreShownNeverTouched) {
  netlink::RouteRequest foreign;
  foreign.ifindex = idx_;
  foreign.gateway = ip("192.0.2.99");
  foreign.dst = ip("203.0.113.0");
  foreign.dst_len = 24;
  foreign.protocol = RTPROT_BOOT;
  kernel_.inject_route(foreign);
  netlink::RouteRequest dhcp = foreign;
  dhcp.dst_len = 0;
  dhcp.dst = IpAddr{};
  dhcp.protocol = RTPROT_DHCP;
  dhcp.metric = 100;
  kernel_.inject_route(dhcp);
  auto rows = show();
  ASSERT_EQ(rows.routes_size(), 2);
  EXPECT_EQ(rows.routes(0).type(), "foreign");
  EXPECT_EQ(rows.routes(1).type(), "dhcp");
  EXPECT_EQ(rows.routes(0).persistent(), "");
  Status s = svc_->delete_route(del("203.0.113.0/24"));
  EXPECT_EQ(s.code(), Errc::NotFound);
  EXPECT_NE(s.detail().find("not managed by ipadm"), std::string::npos) << s.detail();
  EXPECT_EQ(svc_->create_route(create("203.0.113.0/24", "192.0.2.1")).code(), Errc::Exists);
  EXPECT_EQ(kernel_.routes().size(), 2u);
  EXPECT_EQ(stored(), 0u);
}

TEST_F(RouteService, DeleteNeedsOneMatch) {
  ASSERT_TRUE(svc_->create_route(create("default", "192.0.2.1")).is_ok());
  ASSERT_TRUE(svc_->create_route(create("default", "2001:db8::1")).is_ok());
  EXPECT_EQ(svc_->delete_route(del("default")).code(), Errc::InvalidArg);
  EXPECT_EQ(kernel_.routes().size(), 2u);
  ASSERT_TRUE(svc_->delete_route(del("default", "2001:db8::1")).is_ok());
  ASSERT_EQ(kernel_.routes().size(), 1u);
  EXPECT_EQ(kernel_.routes()[0].gateway, ip("192.0.2.1"));
  ASSERT_TRUE(svc_->delete_route(del("default")).is_ok());
  EXPECT_EQ(stored(), 0u);
  EXPECT_TRUE(kernel_.routes().empty());
}

TEST_F(RouteService, InactiveRouteIsShownAndDeletable) {
  ASSERT_TRUE(svc_->create_route(create("default", "192.0.2.1", "net0")).is_ok());
  ASSERT_TRUE(kernel_.link_set_up(idx_, false).is_ok());  // Linux drops the route
  auto rows = show();
  ASSERT_EQ(rows.routes_size(), 1);
  EXPECT_EQ(rows.routes(0).state(), "inactive");
  EXPECT_EQ(rows.routes(0).ifname(), "net0");
  ASSERT_TRUE(svc_->delete_route(del("default")).is_ok());
  EXPECT_EQ(stored(), 0u);
}

TEST_F(RouteService, RestorePutsRoutesAfterTheirAddresses) {
  ASSERT_TRUE(svc_->create_route(create("default", "192.0.2.1")).is_ok());
  ASSERT_TRUE(svc_->create_route(create("default", "2001:db8::1")).is_ok());
  ASSERT_TRUE(svc_->create_route(create("198.51.100.0/24", "", "net0", "3")).is_ok());
  // Reboot: a fresh kernel with the same links, a fresh map, the same store.
  netlink::FakeKernel k2;
  k2.add_link("net0", IFF_BROADCAST | IFF_MULTICAST);
  AddrObjMap m2(nullptr);
  Service s2(k2, *store_, m2);
  auto r = s2.restore();
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->failed_size(), 0) << r->failed(0);
  ASSERT_EQ(k2.routes().size(), 3u);  // the fake refuses an unreachable gateway
  rpc::ShowRouteReq q;
  auto rows = s2.show_route(q);
  ASSERT_TRUE(rows.is_ok());
  for (const auto& row : rows->routes()) EXPECT_EQ(row.state(), "ok") << row.destination();
}

TEST_F(RouteService, RestoreReportsWhatItCannotPutBack) {
  ASSERT_TRUE(svc_->create_route(create("default", "192.0.2.1", "net0")).is_ok());
  netlink::FakeKernel k2;  // net0 is gone
  AddrObjMap m2(nullptr);
  Service s2(k2, *store_, m2);
  auto r = s2.restore();
  ASSERT_TRUE(r.is_ok());
  bool named = false;
  for (const auto& f : r->failed()) named |= f.find("route default via 192.0.2.1") == 0;
  EXPECT_TRUE(named);
  EXPECT_TRUE(k2.routes().empty());
}

TEST_F(RouteService, HotplugBringsRoutesBack) {
  ASSERT_TRUE(svc_->create_route(create("default", "192.0.2.1", "net0")).is_ok());
  ASSERT_TRUE(svc_->create_route(create("default", "2001:db8::1")).is_ok());
  kernel_.remove_link(idx_);
  EXPECT_TRUE(svc_->link_gone("net0"));
  EXPECT_TRUE(kernel_.routes().empty());
  kernel_.add_link("net0", IFF_BROADCAST | IFF_MULTICAST);
  std::vector<std::string> failed;
  EXPECT_TRUE(svc_->link_appeared("net0", false, &failed));
  EXPECT_TRUE(failed.empty());
  EXPECT_EQ(kernel_.routes().size(), 2u);
}

TEST_F(RouteService, LinkUpAgainBringsRoutesBack) {
  ASSERT_TRUE(svc_->create_route(create("default", "192.0.2.1")).is_ok());
  ASSERT_TRUE(kernel_.link_set_up(idx_, false).is_ok());
  ASSERT_TRUE(kernel_.link_set_up(idx_, true).is_ok());
  EXPECT_TRUE(kernel_.routes().empty());
  svc_->link_up_again("net0");
  EXPECT_EQ(kernel_.routes().size(), 1u);
}

}  // namespace
}  // namespace ipadm::core

namespace ipadm::core {
namespace {

TEST_F(RouteService, ExportImportCarryRoutes) {
  ASSERT_TRUE(svc_->create_route(create("default", "192.0.2.1")).is_ok());
  ASSERT_TRUE(svc_->create_route(create("198.51.100.0/24", "", "net0", "4")).is_ok());
  for (const char* fmt : {"illumos", "json"}) {
    auto text = svc_->export_conf(fmt);
    ASSERT_TRUE(text.is_ok());
    ASSERT_TRUE(svc_->delete_route(del("default")).is_ok());
    ASSERT_EQ(stored(), 1u);
    auto r = svc_->import_conf(*text);
    ASSERT_TRUE(r.is_ok()) << fmt << ": " << r.status().to_string();
    EXPECT_EQ(r->routes(), 2u);
    EXPECT_EQ(stored(), 2u) << fmt;
  }
}

TEST_F(RouteService, StaticRoutesImportReplacesRoutesOnly) {
  ASSERT_TRUE(svc_->create_route(create("203.0.113.0/24", "192.0.2.1")).is_ok());
  auto r = svc_->import_conf("-inet default 192.0.2.1\n-inet6 default fe80::1 -ifp net0\n");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  auto routes = *store_->routes();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].destination, "default");
  EXPECT_EQ(routes[1].metric, 1024u);
  EXPECT_TRUE((*store_->interface("net0")).has_value());  // the rest is kept
  EXPECT_EQ((*store_->addrs("net0")).size(), 2u);
  // A refused record refuses the import, naming its line; nothing changes.
  auto bad = svc_->import_conf("-inet default 192.0.2.1\n-inet 203.0.113.1/24 192.0.2.1\n");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().detail().find("line 2"), std::string::npos) << bad.status().detail();
  EXPECT_EQ(store_->routes()->size(), 2u);
}

TEST_F(RouteService, StaticRoutesFirstStartImportOnce) {
  auto r = svc_->import_static_routes_once(
      "-inet default 192.0.2.1\n-inet 203.0.113.1/24 192.0.2.1\n-inet 10.0.0.0 -mtu 1400 192.0.2.1\n");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->routes(), 1u);
  EXPECT_EQ(r->warnings_size(), 2);  // host bits; unknown option
  EXPECT_EQ(stored(), 1u);
  EXPECT_EQ(stored(), 1u);
  auto again = svc_->import_static_routes_once("-inet 10.9.0.0/16 192.0.2.1\n");
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(stored(), 1u);  // once only
  EXPECT_TRUE(kernel_.routes().empty());  // the store only: restore applies it
}

}  // namespace
}  // namespace ipadm::core
