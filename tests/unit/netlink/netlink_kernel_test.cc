// NetlinkKernel against the real kernel. Needs root: each test moves the
// (single-threaded) test process into a fresh network namespace with
// unshare(CLONE_NEWNET) and builds a veth pair there with iproute2. The
// namespace and its links vanish with the last reference, so nothing
// outside it is touched and nothing needs cleaning up. Skipped without root.
#include "netlink/netlink_kernel.h"

#include "netlink/kernel_events.h"

#include <gtest/gtest.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>

namespace ipadm::netlink {
namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

int sh(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); }

std::string sh_out(const std::string& cmd) {
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0) out.append(buf, n);
  pclose(f);
  return out;
}

AddrRequest req(int ifindex, const char* local, uint8_t plen) {
  AddrRequest r;
  r.ifindex = ifindex;
  r.local = ip(local);
  r.prefixlen = plen;
  return r;
}

class NetlinkKernelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces)";
    if (unshare(CLONE_NEWNET) != 0) GTEST_SKIP() << "unshare(CLONE_NEWNET) failed";
    ASSERT_EQ(sh("ip link add nlt0 type veth peer name nlt1"), 0);
    auto k = NetlinkKernel::open();
    ASSERT_TRUE(k) << k.status().to_string();
    k_ = std::move(k).value();
    auto l = k_->link_by_name("nlt0");
    ASSERT_TRUE(l) << l.status().to_string();
    idx_ = l->ifindex;
  }

  const Addr* find(const std::vector<Addr>& v, const char* local) {
    for (const Addr& a : v)
      if (a.local == ip(local)) return &a;
    return nullptr;
  }

  std::unique_ptr<NetlinkKernel> k_;
  int idx_ = 0;
};

TEST_F(NetlinkKernelTest, LinksAndLinkByName) {
  auto links = k_->links();
  ASSERT_TRUE(links) << links.status().to_string();
  bool seen = false;
  for (const Link& l : *links)
    if (l.ifname == "nlt0") {
      seen = true;
      EXPECT_EQ(l.ifindex, idx_);
      EXPECT_EQ(l.kind, "veth");
      EXPECT_EQ(l.mtu, 1500u);
      EXPECT_FALSE(l.flags & IFF_UP);
    }
  EXPECT_TRUE(seen);
  auto missing = k_->link_by_name("nosuch0");
  EXPECT_EQ(missing.status().code(), Errc::Enxio);
  EXPECT_NE(missing.status().detail().find("nosuch0"), std::string::npos);
}

TEST_F(NetlinkKernelTest, LinkFlagsMtuAndAddrGenMode) {
  ASSERT_TRUE(k_->link_set_up(idx_, true));
  EXPECT_TRUE(k_->link_by_name("nlt0")->flags & IFF_UP);
  ASSERT_TRUE(k_->link_set_arp(idx_, false));
  EXPECT_TRUE(k_->link_by_name("nlt0")->flags & IFF_NOARP);
  ASSERT_TRUE(k_->link_set_arp(idx_, true));
  EXPECT_FALSE(k_->link_by_name("nlt0")->flags & IFF_NOARP);
  ASSERT_TRUE(k_->link_set_mtu(idx_, 1400));
  EXPECT_EQ(k_->link_by_name("nlt0")->mtu, 1400u);
  Status bad = k_->link_set_mtu(idx_, 10);
  EXPECT_EQ(bad.code(), Errc::InvalidArg);
  ASSERT_TRUE(k_->link_set_addr_gen_mode(idx_, 1));
  EXPECT_EQ(*k_->sysctl_get("net/ipv6/conf/nlt0/addr_gen_mode"), "1");
  ASSERT_TRUE(k_->link_set_up(idx_, false));
  EXPECT_FALSE(k_->link_by_name("nlt0")->flags & IFF_UP);
  EXPECT_EQ(k_->link_set_up(99999, true).code(), Errc::Enxio);
}

TEST_F(NetlinkKernelTest, Ipv4AddDeleteWithBroadcast) {
  ASSERT_TRUE(k_->addr_add(req(idx_, "192.0.2.10", 24)));
  std::string shown = sh_out("ip -o -4 addr show dev nlt0");
  EXPECT_NE(shown.find("inet 192.0.2.10/24 brd 192.0.2.255"), std::string::npos) << shown;

  auto v = k_->addrs(AF_INET, idx_);
  ASSERT_TRUE(v) << v.status().to_string();
  ASSERT_EQ(v->size(), 1u);
  const Addr& a = (*v)[0];
  EXPECT_EQ(a.local, ip("192.0.2.10"));
  EXPECT_FALSE(a.peer);
  EXPECT_EQ(a.prefixlen, 24);
  EXPECT_EQ(a.label, "nlt0");
  EXPECT_TRUE(a.flags & IFA_F_PERMANENT);

  Status dup = k_->addr_add(req(idx_, "192.0.2.10", 24));
  EXPECT_EQ(dup.code(), Errc::Exists) << dup.to_string();
  ASSERT_TRUE(k_->addr_del(req(idx_, "192.0.2.10", 24)));
  Status gone = k_->addr_del(req(idx_, "192.0.2.10", 24));
  EXPECT_EQ(gone.code(), Errc::NotFound) << gone.to_string();
  EXPECT_TRUE(k_->addrs(AF_INET, idx_)->empty());
}

TEST_F(NetlinkKernelTest, Ipv4PointToPoint) {
  AddrRequest r = req(idx_, "10.9.0.1", 32);
  r.peer = ip("10.9.0.2");
  ASSERT_TRUE(k_->addr_add(r));
  std::string shown = sh_out("ip -o -4 addr show dev nlt0");
  EXPECT_NE(shown.find("inet 10.9.0.1 peer 10.9.0.2/32"), std::string::npos) << shown;
  auto v = k_->addrs(AF_INET, idx_);
  ASSERT_TRUE(v);
  const Addr* a = find(*v, "10.9.0.1");
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->peer);
  EXPECT_EQ(*a->peer, ip("10.9.0.2"));
  ASSERT_TRUE(k_->addr_del(r));
}

TEST_F(NetlinkKernelTest, Ipv6NodadLifetimesAndErrors) {
  AddrRequest r = req(idx_, "2001:db8::1", 64);
  r.nodad = true;
  r.noprefixroute = true;
  r.valid_lft = 3600;
  r.preferred_lft = 1800;
  ASSERT_TRUE(k_->addr_add(r));
  auto v = k_->addrs(AF_INET6, idx_);
  ASSERT_TRUE(v) << v.status().to_string();
  const Addr* a = find(*v, "2001:db8::1");
  ASSERT_NE(a, nullptr);
  EXPECT_FALSE(a->peer);
  EXPECT_EQ(a->family, AF_INET6);
  EXPECT_TRUE(a->flags & IFA_F_NODAD);
  EXPECT_TRUE(a->flags & IFA_F_NOPREFIXROUTE);  // only visible through IFA_FLAGS
  EXPECT_FALSE(a->flags & IFA_F_TENTATIVE);
  EXPECT_LE(a->valid_lft, 3600u);
  EXPECT_GT(a->valid_lft, 3500u);
  EXPECT_LE(a->preferred_lft, 1800u);

  EXPECT_EQ(k_->addr_add(r).code(), Errc::Exists);
  EXPECT_EQ(k_->addr_add(req(99999, "2001:db8::2", 64)).code(), Errc::Enxio);
  EXPECT_EQ(k_->addrs(AF_INET6, 99999).status().code(), Errc::Enxio);
  EXPECT_EQ(k_->addrs(AF_INET, idx_)->size(), 0u);
  ASSERT_TRUE(k_->addr_del(r));
  EXPECT_EQ(k_->addr_del(r).code(), Errc::NotFound);
}

TEST_F(NetlinkKernelTest, BatchReportsEachRequest) {
  std::vector<AddrRequest> reqs;
  for (int i = 0; i < 2000; ++i) {
    AddrRequest r;
    r.ifindex = idx_;
    r.local = ip("10.100.0.0");
    r.local.bytes[2] = static_cast<uint8_t>(i / 256);
    r.local.bytes[3] = static_cast<uint8_t>(i % 256);
    r.prefixlen = 32;
    reqs.push_back(r);
  }
  reqs[1000] = reqs[500];               // duplicate: Exists
  reqs[1500].ifindex = 99999;           // missing link: Enxio
  reqs[1700].local.family = 0;          // unbuildable: BadAddr
  // Only a chunk's last message asks for an ACK: failures there, and an
  // unbuildable last message (the ACK moves to the one before), too.
  ASSERT_EQ(k_->batch_size(), 256u);
  reqs[255].ifindex = 99999;            // last of chunk 0: Enxio
  reqs[767].local.family = 0;           // last of chunk 2, unbuildable
  reqs[1999] = reqs[0];                 // last of all: Exists
  std::vector<Status> results;
  ASSERT_TRUE(k_->addr_add_batch(reqs, &results));
  ASSERT_EQ(results.size(), reqs.size());
  for (size_t i = 0; i < results.size(); ++i) {
    if (i == 1000 || i == 1999) EXPECT_EQ(results[i].code(), Errc::Exists) << i;
    else if (i == 1500 || i == 255) EXPECT_EQ(results[i].code(), Errc::Enxio) << i;
    else if (i == 1700 || i == 767) EXPECT_EQ(results[i].code(), Errc::BadAddr) << i;
    else EXPECT_TRUE(results[i].is_ok()) << i << ": " << results[i].to_string();
  }
  auto v = k_->addrs(AF_UNSPEC, idx_);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->size(), 1994u);
}

TEST_F(NetlinkKernelTest, LargeDumpSpansManyDatagrams) {
  // 5000 IPv6 addresses on a down link (fast to add): ~100 bytes each, far
  // more than one 32 KiB dump datagram.
  std::vector<AddrRequest> reqs;
  for (int i = 0; i < 5000; ++i) {
    AddrRequest r = req(idx_, "2001:db8:1::", 128);
    r.local.bytes[14] = static_cast<uint8_t>(i >> 8);
    r.local.bytes[15] = static_cast<uint8_t>(i);
    r.nodad = true;
    reqs.push_back(r);
  }
  reqs[0].local.bytes[13] = 1;  // avoid the subnet-router anycast ::0
  std::vector<Status> results;
  ASSERT_TRUE(k_->addr_add_batch(reqs, &results));
  for (const Status& s : results) ASSERT_TRUE(s.is_ok()) << s.to_string();
  auto v = k_->addrs(AF_INET6, idx_);
  ASSERT_TRUE(v) << v.status().to_string();
  EXPECT_EQ(v->size(), 5000u);
  auto all = k_->addrs(AF_UNSPEC, 0);
  ASSERT_TRUE(all) << all.status().to_string();
  EXPECT_GE(all->size(), 5000u);
}

TEST_F(NetlinkKernelTest, WaitDadCompletesOnUpLink) {
  ASSERT_EQ(sh("ip link set nlt1 up"), 0);
  ASSERT_TRUE(k_->link_set_up(idx_, true));
  AddrRequest r = req(idx_, "2001:db8:2::1", 64);
  ASSERT_TRUE(k_->addr_add(r));
  auto t0 = std::chrono::steady_clock::now();
  auto flags = k_->addr_wait_dad(r, 5000);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(flags) << flags.status().to_string();
  EXPECT_FALSE(*flags & IFA_F_TENTATIVE) << std::hex << *flags;
  EXPECT_FALSE(*flags & IFA_F_DADFAILED);
  EXPECT_LT(ms, 3500);
  // IPv4 returns at once; a missing IPv6 address is NotFound.
  EXPECT_EQ(*k_->addr_wait_dad(req(idx_, "192.0.2.1", 24), 5000), 0u);
  EXPECT_EQ(k_->addr_wait_dad(req(idx_, "2001:db8:2::99", 64), 5000).status().code(),
            Errc::NotFound);
}

TEST_F(NetlinkKernelTest, WaitDadReportsDuplicate) {
  ASSERT_EQ(sh("ip link set nlt1 up"), 0);
  ASSERT_EQ(sh("ip addr add 2001:db8:3::1/64 dev nlt1 nodad"), 0);
  ASSERT_TRUE(k_->link_set_up(idx_, true));
  AddrRequest r = req(idx_, "2001:db8:3::1", 64);
  ASSERT_TRUE(k_->addr_add(r));
  auto flags = k_->addr_wait_dad(r, 5000);
  ASSERT_TRUE(flags) << flags.status().to_string();
  EXPECT_TRUE(*flags & IFA_F_DADFAILED) << std::hex << *flags;
}

TEST_F(NetlinkKernelTest, WaitDadTimesOutWithTentativeFlags) {
  // Link down: DAD never starts, so the wait ends at the timeout.
  AddrRequest r = req(idx_, "2001:db8:4::1", 64);
  ASSERT_TRUE(k_->addr_add(r));
  auto flags = k_->addr_wait_dad(r, 200);
  ASSERT_TRUE(flags) << flags.status().to_string();
  EXPECT_TRUE(*flags & IFA_F_TENTATIVE);
}

TEST_F(NetlinkKernelTest, WaitDadReportsRemoval) {
  // Link down keeps the address tentative; another process deletes it.
  AddrRequest r = req(idx_, "2001:db8:5::1", 64);
  ASSERT_TRUE(k_->addr_add(r));
  std::thread remover([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    sh("ip addr del 2001:db8:5::1/64 dev nlt0");
  });
  auto t0 = std::chrono::steady_clock::now();
  auto flags = k_->addr_wait_dad(r, 5000);
  remover.join();
  EXPECT_EQ(flags.status().code(), Errc::NotFound);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
}

TEST_F(NetlinkKernelTest, Sysctls) {
  const std::string path = "net/ipv4/conf/nlt0/forwarding";
  EXPECT_EQ(*k_->sysctl_get(path), "0");
  ASSERT_TRUE(k_->sysctl_set(path, "1"));
  EXPECT_EQ(*k_->sysctl_get(path), "1");
  EXPECT_EQ(k_->sysctl_set(path, "abc").code(), Errc::InvalidArg);
  auto missing = k_->sysctl_get("net/ipv4/conf/nosuch/forwarding");
  EXPECT_EQ(missing.status().code(), Errc::NotFound);
  EXPECT_EQ(missing.status().detail(), "net/ipv4/conf/nosuch/forwarding");
  EXPECT_EQ(k_->sysctl_get("../../etc/passwd").status().code(), Errc::InvalidArg);
  EXPECT_EQ(k_->sysctl_get("/etc/passwd").status().code(), Errc::InvalidArg);
}

// The event loop against the kernel: a thread runs KernelEvents::run while
// the test changes the namespace; handlers record what they are told.
class EventsRun {
 public:
  explicit EventsRun(int rcvbuf = 0) {
    auto ev = KernelEvents::open(rcvbuf);
    EXPECT_TRUE(ev) << ev.status().to_string();
    auto k = NetlinkKernel::open();
    EXPECT_TRUE(k) << k.status().to_string();
    if (!ev || !k) return;
    events_ = std::move(*ev);
    dumper_ = std::move(*k);
  }
  void start() {
    KernelEvents::Handlers h;
    h.links = [this](const std::vector<LinkNotice>& n, bool initial) {
      std::unique_lock lock(mu_);
      gate_.wait(lock, [&] { return open_; });  // a stalled consumer, on demand
      for (auto& x : n) seen_.push_back(x);
      if (initial) initial_done_ = true;
      cv_.notify_all();
    };
    h.inet6 = [this](const std::string& ifname) {
      std::lock_guard lock(mu_);
      inet6_.push_back(ifname);
      cv_.notify_all();
    };
    thread_ = std::thread([this, h] { ran_ = events_->run(*dumper_, view_, h); });
  }
  ~EventsRun() {
    hold(false);
    if (thread_.joinable()) {
      events_->stop();
      thread_.join();
      EXPECT_TRUE(ran_.is_ok()) << ran_.to_string();
    }
  }
  void hold(bool on) {
    std::lock_guard lock(mu_);
    open_ = !on;
    gate_.notify_all();
  }
  // Polls p (under mu_) every 20 ms for up to secs: address events change
  // only the view, which notifies nobody.
  template <typename Pred>
  bool wait(Pred p, int secs = 5) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(secs);
    std::unique_lock lock(mu_);
    while (!p()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      cv_.wait_for(lock, std::chrono::milliseconds(20));
    }
    return true;
  }
  bool saw(LinkNotice::Kind k, const std::string& name) {
    for (auto& n : seen_)
      if (n.kind == k && n.ifname == name) return true;
    return false;
  }

  std::unique_ptr<KernelEvents> events_;
  std::unique_ptr<NetlinkKernel> dumper_;
  LiveView view_;
  std::mutex mu_;
  std::condition_variable cv_, gate_;
  bool open_ = true, initial_done_ = false;
  std::vector<LinkNotice> seen_;
  std::vector<std::string> inet6_;
  std::thread thread_;
  Status ran_ = Status(Errc::Failure, "not run");
};

// The kernel notifies RTNLGRP_IPV6_IFINFO when an IPv6 device changes (an
// RA's flags, here the token): the loop names the link; stop() ends run().
TEST_F(NetlinkKernelTest, EventsNameTheLinkWhoseIpv6DeviceChanged) {
  EventsRun r;
  r.start();
  ASSERT_TRUE(r.wait([&] { return r.initial_done_; }));
  ASSERT_TRUE(k_->link_set_token(idx_, ip("::1:2:3:4")));
  EXPECT_TRUE(r.wait([&] {
    return std::find(r.inet6_.begin(), r.inet6_.end(), "nlt0") != r.inet6_.end();
  })) << "no notification for nlt0";
}

// Links deleted, re-created and renamed: notices by name, view current.
TEST_F(NetlinkKernelTest, EventsFollowLinksThatComeAndGo) {
  EventsRun r;
  r.start();
  ASSERT_TRUE(r.wait([&] { return r.initial_done_; }));
  EXPECT_TRUE(r.wait([&] { return r.saw(LinkNotice::Kind::kAppeared, "nlt0"); }));  // the first dump
  ASSERT_EQ(sh("ip link del nlt0"), 0);
  EXPECT_TRUE(r.wait([&] { return r.saw(LinkNotice::Kind::kGone, "nlt0"); }));
  ASSERT_EQ(sh("ip link add tmp8 type veth peer name tmp9"), 0);
  ASSERT_EQ(sh("ip link set tmp8 name v8"), 0);
  EXPECT_TRUE(r.wait([&] {
    return r.saw(LinkNotice::Kind::kGone, "tmp8") && r.saw(LinkNotice::Kind::kAppeared, "v8");
  }));
  EXPECT_TRUE(r.view_.link("v8"));
  EXPECT_FALSE(r.view_.link("tmp8"));
  EXPECT_FALSE(r.view_.link("nlt0"));
  ASSERT_TRUE(k_->addr_add(req(r.view_.link("v8")->ifindex, "192.0.2.7", 24)));
  EXPECT_TRUE(r.wait([&] { return !r.view_.addrs(r.view_.link("v8")->ifindex).empty(); }));
}

// Address events paused during a bulk add: none is delivered meanwhile; on
// resume one dump brings the view up to date (not counted as an overrun).
TEST_F(NetlinkKernelTest, PausedAddressEventsAreCaughtUpOnResume) {
  EventsRun r;
  r.start();
  ASSERT_TRUE(r.wait([&] { return r.initial_done_; }));
  ASSERT_TRUE(r.events_->set_addr_events(false));
  std::vector<AddrRequest> reqs;
  for (int i = 1; i <= 50; ++i) {
    std::string a = "10.8.0." + std::to_string(i);
    reqs.push_back(req(idx_, a.c_str(), 32));
  }
  std::vector<Status> results;
  ASSERT_TRUE(k_->addr_add_batch(reqs, &results));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(r.view_.addrs(idx_).empty()) << "events arrived while paused";
  ASSERT_TRUE(r.events_->set_addr_events(true));
  EXPECT_TRUE(r.wait([&] { return r.view_.addrs(idx_).size() == 50; }));
  EXPECT_EQ(r.events_->resyncs(), 0u);
  ASSERT_TRUE(k_->addr_add(req(idx_, "10.8.1.1", 32)));  // events flow again
  EXPECT_TRUE(r.wait([&] { return r.view_.addrs(idx_).size() == 51; }));
}

// A consumer that stalls while the kernel sends a burst overflows a small
// event socket (ENOBUFS): the loop reads everything again and reports what
// it missed; the view then equals the kernel.
TEST_F(NetlinkKernelTest, EventsRecoverFromAnOverrun) {
  EventsRun r(4096);
  r.start();
  ASSERT_TRUE(r.wait([&] { return r.initial_done_; }));
  r.hold(true);
  ASSERT_EQ(sh("ip link set nlt0 up"), 0);  // a link notice: the handler stalls
  std::vector<AddrRequest> reqs;
  for (int i = 1; i <= 400; ++i) {
    std::string a = "10.9." + std::to_string(i / 256) + "." + std::to_string(i % 256);
    reqs.push_back(req(idx_, a.c_str(), 32));
  }
  std::vector<Status> results;
  ASSERT_TRUE(k_->addr_add_batch(reqs, &results));
  ASSERT_EQ(sh("ip link del nlt0"), 0);
  ASSERT_EQ(sh("ip link add nlt5 type veth peer name nlt6"), 0);
  r.hold(false);
  EXPECT_TRUE(r.wait([&] { return r.events_->resyncs() > 0; })) << "no overrun happened";
  EXPECT_TRUE(r.wait([&] {
    return r.saw(LinkNotice::Kind::kGone, "nlt0") && r.saw(LinkNotice::Kind::kAppeared, "nlt5");
  }));
  EXPECT_TRUE(r.wait([&] {
    auto kl = k_->links();
    auto ka = k_->addrs(AF_UNSPEC, 0);
    return kl && ka && kl->size() == r.view_.links().size() &&
           ka->size() == r.view_.addrs().size();
  })) << "view does not match the kernel after the resync";
}

// Read-your-writes from the view: right after each acknowledged change (ours
// through NetlinkKernel, others' through ip(8)) the loop reports the view
// settled, and the view then lists exactly the kernel's addresses in the
// kernel's own dump order (IPv4 primaries before secondaries, IPv6 newest
// first by scope), which is what show-addr prints.
TEST_F(NetlinkKernelTest, SettledViewHoldsEveryAckedChangeInDumpOrder) {
  ASSERT_EQ(sh("ip link set nlt1 up && ip link set nlt0 up"), 0);
  auto peer = k_->link_by_name("nlt1");
  ASSERT_TRUE(peer);
  EventsRun r;
  r.start();
  ASSERT_TRUE(r.wait([&] { return r.initial_done_; }));
  auto keys = [](const std::vector<Addr>& v) {
    std::vector<std::string> out;
    for (const Addr& a : v)
      out.push_back(std::to_string(a.ifindex) + " " + a.local.to_string() + "/" +
                    std::to_string(a.prefixlen));
    return out;
  };
  // kernel_made: the kernel adds link-local addresses itself and announces
  // them only when their DAD completes (a second or more), though they are
  // in dumps (tentative) at once; the loop reads the link again when it
  // comes up, which may race the kernel's own notifier by a moment: 200 ms.
  auto check = [&](const std::string& step, bool kernel_made = false) {
    for (int tries = kernel_made ? 10 : 1;; --tries) {
      ASSERT_TRUE(
          r.events_->wait_settled(std::chrono::steady_clock::now() + std::chrono::seconds(1)))
          << step;
      auto seen = keys(r.view_.dump_order());
      auto ka = k_->addrs(AF_UNSPEC, 0);
      ASSERT_TRUE(ka);
      if (seen == keys(*ka)) return;
      if (tries == 1) {
        EXPECT_EQ(seen, keys(*ka)) << "after " << step;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  };
  check("the first dump", true);
  const int p = peer->ifindex;
  struct Step {
    int ifindex;
    const char* addr;
    uint8_t plen;
    bool del;
  };
  for (const Step& st : {Step{idx_, "10.1.0.1", 24, false}, Step{idx_, "10.2.0.1", 24, false},
                         Step{idx_, "10.1.0.2", 24, false}, Step{p, "10.7.0.1", 24, false},
                         Step{idx_, "10.3.0.1", 24, false}, Step{idx_, "2001:db8::1", 64, false},
                         Step{idx_, "2001:db8::2", 64, false}, Step{idx_, "fe80::5", 64, false},
                         Step{p, "2001:db8:7::1", 64, false}, Step{idx_, "2001:db8:1::1", 64, false},
                         Step{idx_, "2001:db8::1", 64, true}, Step{idx_, "10.2.0.1", 24, true},
                         Step{idx_, "2001:db8::1", 64, false}, Step{idx_, "10.2.0.1", 24, false}}) {
    AddrRequest rq = req(st.ifindex, st.addr, st.plen);
    ASSERT_TRUE(st.del ? k_->addr_del(rq) : k_->addr_add(rq)) << st.addr;
    check(std::string(st.del ? "del " : "add ") + st.addr);
  }
  ASSERT_EQ(sh("ip addr add 10.4.0.1/24 dev nlt0 && ip -6 addr add 2001:db8:4::1/64 dev nlt0"), 0);
  check("ip addr add");
  ASSERT_EQ(sh("ip link set nlt0 down"), 0);  // IPv6 addresses go with it
  check("link down");
  ASSERT_EQ(sh("ip link set nlt0 up"), 0);
  check("link up", true);
}

// Not settled while the loop has not applied what the kernel announced, nor
// while address events are paused or a re-read is due: callers dump then.
TEST_F(NetlinkKernelTest, NotSettledWhileEventsAreUnappliedOrPaused) {
  EventsRun r;
  EXPECT_FALSE(r.events_->settled()) << "settled before run()";
  r.start();
  ASSERT_TRUE(r.wait([&] { return r.initial_done_; }));
  auto soon = [] { return std::chrono::steady_clock::now() + std::chrono::milliseconds(200); };
  EXPECT_TRUE(r.events_->wait_settled(soon()));
  r.hold(true);
  ASSERT_EQ(sh("ip link set nlt0 up"), 0);  // the handler stalls on its notice
  ASSERT_TRUE(k_->addr_add(req(idx_, "10.5.0.1", 24)));
  EXPECT_FALSE(r.events_->wait_settled(soon()));
  r.hold(false);
  EXPECT_TRUE(r.events_->wait_settled(soon()));
  EXPECT_TRUE(find(r.view_.addrs(idx_), "10.5.0.1"));
  ASSERT_TRUE(r.events_->set_addr_events(false));
  EXPECT_FALSE(r.events_->settled());
  ASSERT_TRUE(k_->addr_add(req(idx_, "10.5.0.2", 24)));
  ASSERT_TRUE(r.events_->set_addr_events(true));  // a re-read brings it in
  EXPECT_TRUE(r.events_->wait_settled(soon()));
  EXPECT_TRUE(find(r.view_.addrs(idx_), "10.5.0.2"));
}

}  // namespace
}  // namespace ipadm::netlink
