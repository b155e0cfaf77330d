// Checkpoints: the snapshot codec, the pure plans, and checkpoint / commit /
// rollback / expiry / start-up of the Service on FakeKernel + SQLite.
#include "core/checkpoint.h"

#include "core/props_fixture.h"
#include "common/addr_extra.h"
#include "store/conf_import.h"

namespace ipadm::core {
namespace {

AddrObj obj(const std::string& name, const std::string& local, uint32_t flags, bool up = true) {
  AddrObj o;
  o.aobjname = name;
  o.ifname = name.substr(0, name.find('/'));
  o.family = AF_INET;
  o.atype = AddrType::Static;
  o.flags = flags;
  o.local = *IpAddr::parse(local);
  o.local_text = local;
  o.prefixlen = 24;
  o.explicit_prefix = true;
  o.up = up;
  return o;
}

IfObj ifo(const std::string& n, uint32_t flags) { return IfObj{n, true, true, flags}; }

std::vector<std::string> names(const std::vector<rpc::Request>& v) {
  std::vector<std::string> out;
  for (const auto& r : v) {
    switch (r.body_case()) {
      case rpc::Request::kDeleteAddr: out.push_back("delete-addr " + r.delete_addr().aobjname()); break;
      case rpc::Request::kDeleteIf: out.push_back("delete-if " + r.delete_if().ifname()); break;
      case rpc::Request::kDisableIf: out.push_back("disable-if " + r.disable_if().ifname()); break;
      case rpc::Request::kDisableAddr: out.push_back("disable-addr " + r.disable_addr().aobjname()); break;
      case rpc::Request::kCreateIf:
        out.push_back(std::string("create-if") + (r.create_if().temporary() ? " -t " : " ") +
                      r.create_if().ifname());
        break;
      case rpc::Request::kEnableIf: out.push_back("enable-if " + r.enable_if().ifname()); break;
      case rpc::Request::kCreateAddr:
        out.push_back(std::string("create-addr") + (r.create_addr().temporary() ? " -t " : " ") +
                      (r.create_addr().down() ? "-d " : "") + r.create_addr().local() + " " +
                      r.create_addr().aobjname());
        break;
      case rpc::Request::kEnableAddr: out.push_back("enable-addr " + r.enable_addr().aobjname()); break;
      case rpc::Request::kUpAddr: out.push_back("up-addr " + r.up_addr().aobjname()); break;
      case rpc::Request::kDownAddr: out.push_back("down-addr " + r.down_addr().aobjname()); break;
      case rpc::Request::kSetProp:
        out.push_back("set-prop -t " + r.set_prop().object() + " " + r.set_prop().name() + "=" +
                      r.set_prop().value());
        break;
      default: out.push_back("?");
    }
  }
  return out;
}

using V = std::vector<std::string>;

TEST(CheckpointPlan, RemovesWhatIsNewOrChangedAndDisablesWhatWasDisabled) {
  CheckpointState want, now;
  want.ifs = {ifo("net0", kActive | kPersist), ifo("net2", kPersist)};
  want.addrs = {obj("net0/a", "192.0.2.1", kActive | kPersist),
                obj("net0/b", "192.0.2.2", kActive), obj("net0/c", "192.0.2.3", kPersist)};
  now.ifs = {ifo("net0", kActive | kPersist), ifo("net1", kActive), ifo("net2", kActive | kPersist)};
  now.addrs = {obj("net0/a", "192.0.2.1", kActive | kPersist),
               obj("net0/b", "192.0.2.9", kActive),           // changed address
               obj("net0/c", "192.0.2.3", kActive | kPersist),  // enabled since
               obj("net0/n", "192.0.2.4", kActive), obj("net1/x", "192.0.2.5", kActive)};
  EXPECT_EQ(names(plan_removals(want, now)),
            (V{"delete-addr net0/b", "disable-addr net0/c", "delete-addr net0/n", "delete-if net1",
               "disable-if net2"}));
}

TEST(CheckpointPlan, RoutesCreatedSinceGoAndRoutesGoneComeBackLast) {
  CheckpointState want, now;
  const ActiveRoute gw{{AF_INET, "default", "192.0.2.1", "", 0}, false};
  const ActiveRoute tmp{{AF_INET, "203.0.113.0/24", "", "net0", 0}, true};
  const ActiveRoute nu{{AF_INET6, "default", "2001:db8::1", "", 1024}, false};
  want.routes = {gw, tmp};
  now.routes = {tmp, nu};
  auto removals = plan_removals(want, now);
  ASSERT_EQ(removals.size(), 1u);
  const auto& d = removals[0].delete_route();
  EXPECT_EQ(d.destination() + " " + d.gateway() + " " + d.metric(), "default 2001:db8::1 1024");
  want.addrs = {obj("net0/a", "192.0.2.1", kActive | kPersist)};
  auto creations = plan_creations(want, now);
  ASSERT_EQ(creations.size(), 2u);
  EXPECT_TRUE(creations[0].has_create_addr());  // the address that reaches the gateway first
  const auto& c = creations[1].create_route();
  EXPECT_EQ(c.destination() + " " + c.gateway() + " " + c.ifname(), "default 192.0.2.1 ");
  EXPECT_FALSE(c.temporary());
  now.routes = want.routes;  // nothing to do
  EXPECT_TRUE(plan_removals(want, now).empty());
}

TEST(CheckpointPlan, CreatesEnablesAndRestoresValues) {
  CheckpointState want, now;
  want.ifs = {ifo("net0", kActive | kPersist), ifo("net1", kActive), ifo("net2", kActive | kPersist)};
  want.addrs = {obj("net0/a", "192.0.2.1", kActive | kPersist),
                obj("net0/b", "192.0.2.2", kActive, /*up=*/false),
                obj("net0/c", "192.0.2.3", kActive | kPersist), obj("net0/d", "192.0.2.4", kActive)};
  now.ifs = {ifo("net0", kActive | kPersist), ifo("net2", kPersist)};
  now.addrs = {obj("net0/c", "192.0.2.3", kPersist), obj("net0/d", "192.0.2.4", kActive)};
  EXPECT_EQ(names(plan_interfaces(want, now)), (V{"create-if -t net1", "enable-if net2"}));
  EXPECT_EQ(names(plan_creations(want, now)),
            (V{"create-addr 192.0.2.1/24 net0/a", "create-addr -t -d 192.0.2.2/24 net0/b",
               "enable-addr net0/c"}));
  now.addrs.back().up = false;
  want.props = {{"proto", "ipv4", "ipv4", "ttl", "64"}, {"if", "net0", "ipv4", "mtu", "1500"}};
  now.props = {{"proto", "ipv4", "ipv4", "ttl", "99"}, {"if", "net0", "ipv4", "mtu", "1500"}};
  EXPECT_EQ(names(plan_values(want, now)), (V{"up-addr net0/d", "set-prop -t ipv4 ttl=64"}));
  EXPECT_TRUE(plan_values(want, want).empty());
}

TEST(CheckpointPlan, DynamicObjectsAreRecreatedWithTheirTypeOptions) {
  AddrObj d = obj("net0/d", "0.0.0.0", kActive | kPersist);
  d.atype = AddrType::Dhcp;
  d.extra = format_dhcp(DhcpConf{30, true});
  rpc::CreateAddrReq r = create_request(d, false);
  EXPECT_EQ(r.type(), "dhcp");
  EXPECT_TRUE(r.primary());
  EXPECT_EQ(r.wait(), "0");  // the rollback does not wait for a lease
  EXPECT_FALSE(r.temporary());
  AddrObj a = obj("net0/v6", "::", kActive);
  a.family = AF_INET6;
  a.atype = AddrType::Addrconf;
  AddrconfConf c;
  c.token = IpAddr::parse("::1:2");
  c.plen = 64;
  c.stateful = false;
  a.extra = format_addrconf(c);
  r = create_request(a, true);
  EXPECT_EQ(r.type(), "addrconf");
  auto id = parse_interface_id(r.interface_id());  // the -i text create-addr reads
  ASSERT_TRUE(id.is_ok()) << r.interface_id();
  EXPECT_EQ(id->token, c.token);
  EXPECT_EQ(id->plen, 64);
  EXPECT_EQ(r.policy(), "stateless=yes,stateful=no");
  EXPECT_TRUE(r.temporary());
  // A new DHCP lease is state, not a new object.
  AddrObj leased = d;
  leased.local = *IpAddr::parse("192.0.2.50");
  EXPECT_TRUE(same_addr_config(d, leased));
}

TEST(CheckpointPlan, DelegatedAddressesAreNeverTouched) {
  CheckpointState want, now;
  want.ifs = now.ifs = {ifo("net0", kActive | kPersist)};
  AddrObj gz = obj("net0/_a1", "192.0.2.1", kActive);
  gz.atype = AddrType::FromGz;
  now.addrs = {gz};  // appeared in the window
  EXPECT_TRUE(plan_removals(want, now).empty());
  std::swap(want, now);  // went away in the window
  EXPECT_TRUE(plan_creations(want, now).empty());
}

TEST(CheckpointCodec, RoundTrips) {
  CheckpointState s;
  s.conf.ifs = {{"net0", true, true}};
  store::AddrRecord r;
  r.aobjname = "net0/a";
  r.ifname = "net0";
  r.family = AF_INET;
  r.local = "192.0.2.1";
  r.prefixlen = 24;
  s.conf.addrs = {r};
  s.conf.props = {{"ipv4", "", "", "ttl", "100"}};
  s.ifs = {ifo("net0", kActive | kPersist)};
  s.addrs = {obj("net0/a", "192.0.2.1", kActive | kPersist, false)};
  s.addrs[0].remote = IpAddr::parse("192.0.2.254");
  s.props = {{"addr", "net0/a", "", "deprecated", "on"}};
  s.routes = {{{AF_INET6, "2001:db8:1::/48", "", "net0", 1024}, true}};
  auto back = decode_checkpoint(encode_checkpoint(s));
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_TRUE(back->conf == s.conf);
  ASSERT_EQ(back->addrs.size(), 1u);
  EXPECT_TRUE(same_addr_config(back->addrs[0], s.addrs[0]));
  EXPECT_EQ(back->addrs[0].up, false);
  EXPECT_EQ(back->addrs[0].local, s.addrs[0].local);
  EXPECT_EQ(back->addrs[0].remote, s.addrs[0].remote);
  EXPECT_EQ(back->ifs[0].flags, kActive | kPersist);
  EXPECT_EQ(back->props, s.props);
  EXPECT_EQ(back->routes, s.routes);
  EXPECT_EQ(decode_checkpoint("{").status().code(), Errc::InvalidArg);
  EXPECT_EQ(decode_checkpoint(R"({"version": 2})").status().code(), Errc::InvalidArg);
}

// ---- Service ----

class CheckpointTest : public PropsTest {
 protected:
  void SetUp() override {
    PropsTest::SetUp();
    svc_->set_clock([this] { return now_; });
    svc_->set_checkpoint_timer([this](std::optional<int64_t> d) { armed_ = d; });
    svc_->set_rollback_log([this](const std::string& m) { log_.push_back(m); });
    ASSERT_TRUE(create_if("veth0").is_ok());
    ASSERT_TRUE(create_addr("veth0/keep", "192.0.2.10/24").is_ok());
    ASSERT_TRUE(create_addr("veth0/gone", "192.0.2.11/24").is_ok());
    ASSERT_TRUE(create_addr("veth0/tmp", "192.0.2.12/24", /*tmp=*/true).is_ok());
  }
  Status start(uint32_t secs = 0) {
    rpc::CheckpointReq q;
    q.set_seconds(secs);
    return svc_->checkpoint(q).status();
  }
  std::string conf() { return svc_->export_conf("json").value(); }
  Status delete_addr(const std::string& name) {
    rpc::DeleteAddrReq del;
    del.set_aobjname(name);
    return svc_->delete_addr(del);
  }
  bool in_kernel(const char* a) { return kaddr(a) != nullptr; }

  int64_t now_ = 1'000'000;
  std::optional<int64_t> armed_;
  std::vector<std::string> log_;
};

TEST_F(CheckpointTest, RefusesSecondCheckpointAndCommitOrRollbackWithoutOne) {
  EXPECT_EQ(svc_->commit({}).code(), Errc::NotFound);
  EXPECT_EQ(svc_->rollback({}).code(), Errc::NotFound);
  EXPECT_FALSE(svc_->show_checkpoint({})->pending());
  ASSERT_TRUE(start(30).is_ok());
  EXPECT_EQ(armed_, now_ + 30);
  EXPECT_EQ(start().code(), Errc::Exists);
  auto show = svc_->show_checkpoint({});
  EXPECT_TRUE(show->pending());
  EXPECT_EQ(show->left(), 30);
  rpc::CheckpointReq big;
  big.set_seconds(kCheckpointMaxSeconds + 1);
  ASSERT_TRUE(svc_->commit({}).is_ok());
  EXPECT_EQ(armed_, std::nullopt);
  EXPECT_EQ(svc_->checkpoint(big).status().code(), Errc::ERange);
}

TEST_F(CheckpointTest, RollbackUndoesDeleteCreateDownAndProperties) {
  const std::string before = conf();
  ASSERT_TRUE(start().is_ok());
  ASSERT_TRUE(delete_addr("veth0/gone").is_ok());
  ASSERT_TRUE(delete_addr("veth0/tmp").is_ok());
  ASSERT_TRUE(create_addr("veth0/new", "192.0.2.20/24").is_ok());
  rpc::AddrObjReq down;
  down.set_aobjname("veth0/keep");
  ASSERT_TRUE(svc_->down_addr(down).is_ok());
  ASSERT_TRUE(svc_->set_prop(req("proto", "ipv4", "ipv4", "ttl", "100")).is_ok());
  ASSERT_TRUE(svc_->set_prop(req("if", "veth0", "ipv4", "mtu", "1400")).is_ok());
  ASSERT_TRUE(svc_->set_prop(req("addr", "veth0/keep", "", "deprecated", "on")).is_ok());
  ASSERT_NE(conf(), before);

  ASSERT_TRUE(svc_->rollback({}).is_ok());
  EXPECT_EQ(log_, V{});
  EXPECT_EQ(conf(), before);
  EXPECT_TRUE(in_kernel("192.0.2.10"));
  EXPECT_TRUE(in_kernel("192.0.2.11"));
  EXPECT_TRUE(in_kernel("192.0.2.12"));
  EXPECT_FALSE(in_kernel("192.0.2.20"));
  EXPECT_EQ(sysctl("net/ipv4/ip_default_ttl"), "64");
  EXPECT_EQ(row("if", "veth0", "ipv4", "mtu").current(), "1500");
  EXPECT_EQ(row("addr", "veth0/keep", "", "deprecated").current(), "off");
  ASSERT_NE(map_.find_addr("veth0/tmp"), nullptr);
  EXPECT_EQ(map_.find_addr("veth0/tmp")->flags, kActive);  // temporary again
  EXPECT_EQ(map_.find_addr("veth0/gone")->flags, kActive | kPersist);
  EXPECT_FALSE(svc_->show_checkpoint({})->pending());
  EXPECT_EQ(armed_, std::nullopt);
}

TEST_F(CheckpointTest, CommitKeepsTheChanges) {
  ASSERT_TRUE(start().is_ok());
  ASSERT_TRUE(create_addr("veth0/new", "192.0.2.20/24").is_ok());
  const std::string after = conf();
  ASSERT_TRUE(svc_->commit({}).is_ok());
  now_ += 1000;
  svc_->expire_checkpoint();
  EXPECT_EQ(conf(), after);
  EXPECT_TRUE(in_kernel("192.0.2.20"));
}

TEST_F(CheckpointTest, ExpiryRollsBackOnlyOnceTheDeadlinePassed) {
  ASSERT_TRUE(start(60).is_ok());
  ASSERT_TRUE(create_addr("veth0/new", "192.0.2.20/24").is_ok());
  const int64_t deadline = now_ + 60;
  now_ += 59;
  armed_.reset();
  svc_->expire_checkpoint();  // an early timer changes nothing and waits again
  EXPECT_TRUE(in_kernel("192.0.2.20"));
  EXPECT_EQ(armed_, deadline);
  EXPECT_TRUE(svc_->show_checkpoint({})->pending());
  now_ += 1;
  svc_->expire_checkpoint();
  EXPECT_FALSE(in_kernel("192.0.2.20"));
  EXPECT_EQ(map_.find_addr("veth0/new"), nullptr);
  EXPECT_FALSE(svc_->show_checkpoint({})->pending());
}

TEST_F(CheckpointTest, RollbackRecreatesADeletedInterface) {
  const std::string before = conf();
  ASSERT_TRUE(start().is_ok());
  rpc::DeleteIfReq del;
  del.set_ifname("veth0");
  ASSERT_TRUE(svc_->delete_if(del).is_ok());
  EXPECT_FALSE(in_kernel("192.0.2.10"));
  ASSERT_TRUE(svc_->rollback({}).is_ok());
  EXPECT_EQ(log_, V{});
  EXPECT_EQ(conf(), before);
  EXPECT_TRUE(in_kernel("192.0.2.10"));
  EXPECT_TRUE(in_kernel("192.0.2.11"));
  EXPECT_TRUE(in_kernel("192.0.2.12"));
}

TEST_F(CheckpointTest, ResumeAfterRestartRollsBackAtOnceWhenExpiredElseRearms) {
  ASSERT_TRUE(start(60).is_ok());
  ASSERT_TRUE(create_addr("veth0/new", "192.0.2.20/24").is_ok());
  armed_.reset();
  ASSERT_TRUE(svc_->resume_checkpoint(/*new_boot=*/false).is_ok());
  EXPECT_EQ(armed_, now_ + 60);
  EXPECT_TRUE(in_kernel("192.0.2.20"));
  now_ += 61;
  ASSERT_TRUE(svc_->resume_checkpoint(false).is_ok());
  EXPECT_FALSE(in_kernel("192.0.2.20"));
  EXPECT_FALSE(svc_->show_checkpoint({})->pending());
}

TEST_F(CheckpointTest, ResumeOnANewBootPutsBackOnlyThePersistentConfiguration) {
  const std::string before = conf();
  ASSERT_TRUE(start(60).is_ok());
  ASSERT_TRUE(create_addr("veth0/new", "192.0.2.20/24").is_ok());
  ASSERT_TRUE(delete_addr("veth0/gone").is_ok());
  ASSERT_TRUE(svc_->resume_checkpoint(/*new_boot=*/true).is_ok());
  EXPECT_EQ(conf(), before);
  EXPECT_FALSE(svc_->show_checkpoint({})->pending());
}

}  // namespace
}  // namespace ipadm::core
