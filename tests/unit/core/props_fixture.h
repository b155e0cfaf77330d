// Fixture of the PropService tests: FakeKernel + SqliteStore(":memory:") +
// AddrObjMap, with a Service to create interfaces and addresses, and a store
// wrapper that fails apply() on demand.
#pragma once

#include <net/if.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "core/faulty_store.h"
#include "core/requests.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/props.h"
#include "core/service.h"
#include "netlink/fake_kernel.h"
#include "store/sqlite_store.h"

namespace ipadm::core {

using PropsFaultyStore = FaultyStore;

class PropsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sqlite_ = std::move(store::SqliteStore::open(":memory:", store::OpenMode::ReadWrite).value());
    store_ = std::make_unique<PropsFaultyStore>(*sqlite_);
    idx_ = kernel_.add_link("veth0", IFF_BROADCAST | IFF_MULTICAST);
    // Not seeded by FakeKernel; present on every Linux this targets.
    kernel_.set_sysctl("net/ipv4/ip_local_reserved_ports", "");
    kernel_.set_sysctl("net/ipv4/conf/all/rp_filter", "0");
    kernel_.set_sysctl("net/ipv4/conf/all/arp_ignore", "0");
    kernel_.set_sysctl("net/ipv4/conf/all/arp_announce", "0");
    kernel_.set_sysctl("net/ipv4/conf/all/send_redirects", "1");
    kernel_.set_sysctl("net/core/somaxconn", "4096");
    svc_ = std::make_unique<Service>(kernel_, *store_, map_);
    props_ = std::make_unique<PropService>(kernel_, *store_, map_);
  }

  static rpc::SetPropReq req(const std::string& kind, const std::string& object,
                             const std::string& proto, const std::string& name,
                             const std::string& value, int op = 0, bool tmp = false,
                             bool reset = false) {
    rpc::SetPropReq r;
    r.set_object_kind(kind);
    r.set_object(object);
    r.set_protocol(proto);
    r.set_name(name);
    r.set_value(value);
    r.set_op(op);
    r.set_temporary(tmp);
    r.set_reset(reset);
    return r;
  }
  // set-prop PROTO (the CLI sends the protocol as object and protocol).
  Status setp(const std::string& proto, const std::string& name, const std::string& value,
              int op = 0, bool tmp = false) {
    return props_->set(req("proto", proto, proto, name, value, op, tmp));
  }
  Status resetp(const std::string& proto, const std::string& name, bool tmp = false) {
    return props_->set(req("proto", proto, proto, name, "", 0, tmp, true));
  }
  Status setif(const std::string& ifname, const std::string& fam, const std::string& name,
               const std::string& value, bool tmp = false) {
    return props_->set(req("if", ifname, fam, name, value, 0, tmp));
  }
  Status resetif(const std::string& ifname, const std::string& fam, const std::string& name,
                 bool tmp = false) {
    return props_->set(req("if", ifname, fam, name, "", 0, tmp, true));
  }
  // props_ works beside svc_ on the same store: svc_ is told to publish its
  // read snapshot again, as its own set-prop would.
  Status seta(const std::string& aobj, const std::string& name, const std::string& value,
              bool tmp = false) {
    Status s = props_->set(req("addr", aobj, "", name, value, 0, tmp));
    svc_->publish();
    return s;
  }
  Status reseta(const std::string& aobj, const std::string& name, bool tmp = false) {
    Status s = props_->set(req("addr", aobj, "", name, "", 0, tmp, true));
    svc_->publish();
    return s;
  }

  std::vector<rpc::PropInfo> show(const std::string& kind, const std::string& object,
                                  const std::string& proto,
                                  const std::vector<std::string>& names = {}) {
    rpc::ShowPropReq q;
    q.set_object_kind(kind);
    q.set_object(object);
    q.set_protocol(proto);
    for (auto& n : names) q.add_names(n);
    auto r = props_->show(q);
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    if (!r) return {};
    return {r->props().begin(), r->props().end()};
  }
  Status show_status(const std::string& kind, const std::string& object,
                     const std::string& proto = "") {
    rpc::ShowPropReq q;
    q.set_object_kind(kind);
    q.set_object(object);
    q.set_protocol(proto);
    return props_->show(q).status();
  }
  // The one row of (object, protocol, name); fails the test if absent.
  rpc::PropInfo row(const std::string& kind, const std::string& object, const std::string& proto,
                    const std::string& name) {
    for (auto& r : show(kind, object, proto, {name}))
      if (r.object() == object && (proto.empty() || r.protocol() == proto)) return r;
    ADD_FAILURE() << "no row " << object << " " << proto << " " << name;
    return {};
  }

  // Store lines.
  std::optional<std::string> proto_line(const std::string& proto, const std::string& name) {
    auto recs = sqlite_->proto_props().value();
    for (auto& r : recs)
      if (r.protocol == proto && r.name == name) return r.value;
    return std::nullopt;
  }
  std::optional<std::string> if_line(const std::string& ifname, const std::string& proto,
                                     const std::string& name) {
    auto recs = sqlite_->if_props(ifname).value();
    for (auto& r : recs)
      if (r.protocol == proto && r.name == name) return r.value;
    return std::nullopt;
  }
  std::optional<std::string> addr_line(const std::string& aobj, const std::string& name) {
    auto recs = sqlite_->addr_props(aobj).value();
    for (auto& r : recs)
      if (r.name == name) return r.value;
    return std::nullopt;
  }
  size_t prop_lines() { return sqlite_->all_props().value().size(); }
  void put_line(const store::PropRecord& r) {
    ASSERT_TRUE(sqlite_->apply(store::Batch().add(store::PutProp{r})).is_ok());
  }
  std::string sysctl(const std::string& path) { return kernel_.sysctl(path).value_or("<none>"); }

  Status create_if(const std::string& n, bool tmp = false) {
    return svc_->create_if(if_req(n, tmp));
  }
  Status create_addr(const std::string& name, const std::string& local, bool tmp = false,
                     const std::string& remote = "", bool down = false) {
    return svc_->create_addr(static_addr_req(name, local, tmp, remote, down));
  }
  const netlink::Addr* kaddr(const char* a) {
    return kernel_.find_addr(idx_, *IpAddr::parse(a));
  }

  netlink::FakeKernel kernel_;
  std::unique_ptr<store::SqliteStore> sqlite_;
  std::unique_ptr<PropsFaultyStore> store_;
  AddrObjMap map_{nullptr};
  std::unique_ptr<Service> svc_;
  std::unique_ptr<PropService> props_;
  int idx_ = 0;
};

}  // namespace ipadm::core
