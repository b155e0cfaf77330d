// Service::import_conf against FakeKernel + an in-memory SqliteStore: empty
// input, the checks of create-addr and set-prop on every record, and
// temporary objects (docs/import-export.md "Import semantics").
#include <net/if.h>

#include <gtest/gtest.h>

#include "core/requests.h"
#include "core/service.h"
#include "netlink/fake_kernel.h"
#include "store/conf_import.h"
#include "store/sqlite_store.h"

namespace ipadm::core {
namespace {

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto st = store::SqliteStore::open(":memory:", store::OpenMode::ReadWrite);
    ASSERT_TRUE(st.is_ok()) << st.status().to_string();
    store_ = std::move(*st);
    kernel_.add_link("veth0", IFF_BROADCAST | IFF_MULTICAST);
    svc_ = std::make_unique<Service>(kernel_, *store_, map_);
    ASSERT_TRUE(svc_->create_addr(static_addr_req("veth0/a", "192.0.2.10/24")).is_ok());
    ASSERT_TRUE(svc_->create_addr(static_addr_req("veth0/b", "192.0.2.11/24")).is_ok());
  }
  std::string exported() {
    auto t = svc_->export_conf("illumos");
    EXPECT_TRUE(t.is_ok()) << t.status().to_string();
    return t ? *t : "";
  }
  std::string lines_plus(const std::string& base, const std::string& line, size_t* n) {
    *n = static_cast<size_t>(std::count(base.begin(), base.end(), '\n')) + 1;
    return base + line + "\n";
  }
  bool persistent(const std::string& aobj) {
    const AddrObj* o = map_.find_addr(aobj);
    return o && (o->flags & kPersist);
  }

  netlink::FakeKernel kernel_;
  std::unique_ptr<store::SqliteStore> store_;
  AddrObjMap map_{nullptr};
  std::unique_ptr<Service> svc_;
};

TEST_F(ImportTest, EmptyInputRefusedUnlessAllowed) {
  const std::string before = exported();
  auto json = store::format_conf(store::ConfSnapshot{}, store::ConfFormat::Json);
  ASSERT_TRUE(json.is_ok());
  for (const std::string& text : {std::string(), std::string("\n\n"),
                                  std::string("# a comment only\n   \n"), *json}) {
    auto r = svc_->import_conf(text);
    ASSERT_FALSE(r.is_ok()) << text;
    EXPECT_EQ(r.status().code(), Errc::InvalidArg);
    EXPECT_NE(r.status().detail().find("--allow-empty"), std::string::npos);
    EXPECT_EQ(exported(), before);
  }
  ASSERT_TRUE(svc_->import_conf("", /*allow_empty=*/true).is_ok());
  auto snap = store::snapshot_of(*store_);
  ASSERT_TRUE(snap.is_ok());
  EXPECT_TRUE(snap->ifs.empty() && snap->addrs.empty() && snap->props.empty());
  // still running, as temporary objects
  EXPECT_TRUE(map_.find_addr("veth0/a") && !persistent("veth0/a"));
}

TEST_F(ImportTest, RecordsPassSetPropAndCreateAddrChecks) {
  const std::string base = exported();
  struct Case {
    const char* line;
    Errc code;
    const char* detail;  // after "line N: "
  };
  const Case cases[] = {
      {"_protocol=ipv4;ttl=abc;", Errc::InvalidArg, "property ttl: 'abc' is not a number"},
      {"_protocol=ipv4;ttl=256;", Errc::ERange, "property ttl"},
      {"_protocol=ipv4;nosuchprop=1;", Errc::PropUnknown, "property nosuchprop"},
      {"_protocol=tcp;forwarding=on;", Errc::BadProtocol, "property forwarding"},
      {"_protocol=ipv4;_ifname=veth0;mtu=-1;", Errc::ERange, "property mtu"},
      {"_protocol=ipv6;_ifname=veth0;nud=off;", Errc::NotSup, "property nud"},
      {"_ifname=veth0;_aobjname=veth0/a;deprecated=maybe;", Errc::InvalidArg,
       "property deprecated"},
      {"_ifname=veth0;_aobjname=veth0/a;reqhost=x;", Errc::NotSup, "property reqhost"},
      {"_ifname=veth0;_aobjname=veth0/z;_ipv4addr=0.0.0.0,;", Errc::BadAddr,
       "address object veth0/z"},
      {"_ifname=veth0;_aobjname=veth0/z;_ipv4addr=nosuch.host,;", Errc::BadAddr,
       "address object veth0/z"},
  };
  for (const Case& c : cases) {
    size_t n = 0;
    auto r = svc_->import_conf(lines_plus(base, c.line, &n));
    ASSERT_FALSE(r.is_ok()) << c.line;
    EXPECT_EQ(r.status().code(), c.code) << c.line << ": " << r.status().to_string();
    std::string want = "line " + std::to_string(n) + ": " + c.detail;
    EXPECT_EQ(r.status().detail().substr(0, want.size()), want) << r.status().detail();
    EXPECT_EQ(exported(), base) << c.line;
  }
  // the first bad line is named, whatever the kind of record
  size_t n = 0;
  auto r = svc_->import_conf(lines_plus(base, "_protocol=ipv4;ttl=abc;", &n) +
                             "_ifname=veth0;_aobjname=veth0/z;_ipv4addr=0.0.0.0,;\n");
  ASSERT_FALSE(r.is_ok());
  const std::string first = "line " + std::to_string(n) + ": property ttl:";
  EXPECT_EQ(r.status().detail().substr(0, first.size()), first) << r.status().detail();
  // the IPv6 MTU is bounded by the IPv4 MTU the same import sets
  std::string text = lines_plus(base, "_protocol=ipv4;_ifname=veth0;mtu=9000;", &n);
  EXPECT_TRUE(svc_->import_conf(text + "_protocol=ipv6;_ifname=veth0;mtu=8000;\n").is_ok());
}

TEST_F(ImportTest, ImportIsAWayBack) {
  const std::string f1 = exported();
  ASSERT_TRUE(svc_->delete_addr([] {
                    rpc::DeleteAddrReq q;
                    q.set_aobjname("veth0/a");
                    return q;
                  }()).is_ok());
  ASSERT_TRUE(svc_->create_addr(static_addr_req("veth0/c", "192.0.2.12/24")).is_ok());
  const std::string f2 = exported();
  ASSERT_TRUE(svc_->import_conf(f1).is_ok());
  EXPECT_EQ(exported(), f1);
  EXPECT_TRUE(map_.find_addr("veth0/c") && !persistent("veth0/c"));  // kept, temporary
  ASSERT_TRUE(svc_->import_conf(f2).is_ok());  // names veth0/c again: persistent again
  EXPECT_EQ(exported(), f2);
  EXPECT_TRUE(persistent("veth0/c"));
  ASSERT_TRUE(svc_->import_conf(f1).is_ok());
  EXPECT_EQ(exported(), f1);
}

TEST_F(ImportTest, TemporaryObjectWithAnotherAddressKeepsItsName) {
  ASSERT_TRUE(svc_->create_addr(static_addr_req("veth0/t", "192.0.2.20/24", true)).is_ok());
  const std::string base = exported();
  size_t n = 0;
  auto r = svc_->import_conf(
      lines_plus(base, "_ifname=veth0;_aobjname=veth0/t;_ipv4addr=192.0.2.21,;", &n));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Errc::AddrObjExists) << r.status().to_string();
  EXPECT_EQ(exported(), base);
  EXPECT_FALSE(persistent("veth0/t"));
  // the same address: taken over
  ASSERT_TRUE(svc_->import_conf(
                      lines_plus(base, "_ifname=veth0;_aobjname=veth0/t;_ipv4addr=192.0.2.20,;"
                                       "prefixlen=24;", &n))
                  .is_ok());
  EXPECT_TRUE(persistent("veth0/t"));
}

// A legacy illumos ipadm.conf at the first start: what the checks refuse is
// left out with a warning naming its line, the rest is imported (the
// migration must not lose the whole file over an illumos-only property).
TEST_F(ImportTest, LegacyConfLeavesOutWhatTheChecksRefuse) {
  ASSERT_TRUE(svc_->import_conf("", /*allow_empty=*/true).is_ok());
  std::string text =
      "_ifname=net0;_family=2;\n"
      "_ifname=net0;_aobjname=net0/v4;_ipv4addr=192.168.10.5,;up=yes;\n"
      "_ifname=net0;_aobjname=net0/bad;_ipv4addr=0.0.0.0,;up=yes;\n"
      "_ifname=net0;_aobjname=net0/bad;deprecated=on;\n"
      "_protocol=ip;__ire_pathmtu_interval=600000;\n"
      "_protocol=ipv4;ttl=abc;\n"
      "_protocol=ipv4;forwarding=on;\n";
  auto r = svc_->import_legacy_once(text);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  std::vector<std::string> w(r->warnings().begin(), r->warnings().end());
  ASSERT_EQ(w.size(), 4u) << ::testing::PrintToString(w);
  EXPECT_EQ(w[0].substr(0, 34), "line 3: address object net0/bad: 0");
  EXPECT_EQ(w[1].substr(0, 29), "line 4: property deprecated: ");  // its object is left out
  EXPECT_EQ(w[2], "line 5: property _ire_pathmtu_interval; not imported (Unknown property)");
  EXPECT_EQ(w[3].substr(0, 21), "line 6: property ttl:");
  auto snap = store::snapshot_of(*store_);
  ASSERT_TRUE(snap.is_ok());
  ASSERT_EQ(snap->addrs.size(), 1u);
  EXPECT_EQ(snap->addrs[0].aobjname, "net0/v4");
  ASSERT_EQ(snap->props.size(), 1u);
  EXPECT_EQ(snap->props[0].name, "forwarding");
}

}  // namespace
}  // namespace ipadm::core
