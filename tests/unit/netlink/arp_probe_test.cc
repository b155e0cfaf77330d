// RFC 5227 probing: the ARP codec, the conflict rule, the ProbeSet schedule
// and the session loop against a fake link and a fake clock.
#include "netlink/arp_probe.h"

#include <gtest/gtest.h>

#include <deque>

#include "netlink/arp_session.h"

namespace ipadm::netlink::arp {
namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }
const Mac kOwn{0x02, 0, 0, 0, 0, 0x01};
const Mac kPeer{0x02, 0, 0, 0, 0, 0x99};
const Mac kSibling{0x02, 0, 0, 0, 0, 0x02};  // another interface of this host

// An ARP packet as another host would send it.
Frame frame(uint16_t op, const Mac& sha, const char* spa, const char* tpa) {
  Frame f = build_announcement(sha, ip(spa));
  f[7] = static_cast<uint8_t>(op);
  auto t = ip(tpa);
  std::copy(t.bytes.begin(), t.bytes.begin() + 4, f.begin() + 24);
  return f;
}

TEST(ArpCodec, ProbeLayout) {
  Frame f = build_probe(kOwn, ip("192.0.2.10"));
  const Frame want{0, 1, 8, 0, 6, 4, 0, 1,                 // Ethernet, IPv4, request
                   0x02, 0, 0, 0, 0, 0x01, 0, 0, 0, 0,      // sha, spa 0.0.0.0
                   0, 0, 0, 0, 0, 0, 192, 0, 2, 10};        // tha 0, tpa
  EXPECT_EQ(f, want);
}

TEST(ArpCodec, AnnouncementHasSenderAndTarget) {
  auto p = parse(build_announcement(kOwn, ip("192.0.2.10")));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->op, kOpRequest);
  EXPECT_EQ(p->sha, kOwn);
  EXPECT_EQ(p->spa, ip("192.0.2.10"));
  EXPECT_EQ(p->tpa, ip("192.0.2.10"));
  EXPECT_EQ(p->tha, Mac{});
}

TEST(ArpCodec, ParseRejectsOtherArp) {
  Frame f = build_probe(kOwn, ip("192.0.2.10"));
  EXPECT_FALSE(parse(std::span(f).first(27)));  // short
  Frame hw = f;
  hw[1] = 6;  // IEEE 802 hardware
  EXPECT_FALSE(parse(hw));
  Frame proto = f;
  proto[2] = 0x86;  // not IPv4
  EXPECT_FALSE(parse(proto));
  Frame op = f;
  op[7] = 3;  // RARP request
  EXPECT_FALSE(parse(op));
  std::vector<uint8_t> padded(f.begin(), f.end());
  padded.resize(46, 0);  // Ethernet minimum-size padding is accepted
  EXPECT_TRUE(parse(padded));
}

TEST(ArpConflict, Rfc5227Rules) {
  const std::vector<Mac> host{kOwn, kSibling};
  const IpAddr a = ip("192.0.2.10");
  auto conflict = [&](const Frame& f) { return is_conflict(*parse(f), a, host); };
  // A reply (or any packet) sent from the address by another host.
  EXPECT_TRUE(conflict(frame(kOpReply, kPeer, "192.0.2.10", "0.0.0.0")));
  EXPECT_TRUE(conflict(frame(kOpRequest, kPeer, "192.0.2.10", "192.0.2.1")));
  // Another host probing for it at the same time.
  EXPECT_TRUE(conflict(build_probe(kPeer, a)));
  // Another host asking who has it (it does not claim it).
  EXPECT_FALSE(conflict(frame(kOpRequest, kPeer, "192.0.2.1", "192.0.2.10")));
  // Our own probe, and this host's kernel answering on another interface.
  EXPECT_FALSE(conflict(build_probe(kOwn, a)));
  EXPECT_FALSE(conflict(frame(kOpReply, kSibling, "192.0.2.10", "0.0.0.0")));
  // About another address.
  EXPECT_FALSE(conflict(frame(kOpReply, kPeer, "192.0.2.11", "0.0.0.0")));
}

Timing timing() { return Timing{}; }  // 100 ms, 3 x 150 ms, 2 x 2000 ms

size_t probes_in(const std::vector<Frame>& fs) {
  size_t n = 0;
  for (auto& f : fs) n += parse(f)->spa.is_zero();
  return n;
}

TEST(ProbeSet, FastProbeSchedule) {
  ProbeSet s(kOwn, {}, {ip("192.0.2.10"), ip("192.0.2.11")}, timing(), 1000);
  EXPECT_EQ(*s.next_ms(), 1100);
  EXPECT_TRUE(s.due(1099).empty());
  EXPECT_EQ(probes_in(s.due(1100)), 2u);  // first probe of each
  EXPECT_EQ(*s.next_ms(), 1250);
  EXPECT_EQ(probes_in(s.due(1400)), 4u);  // second and third
  EXPECT_FALSE(s.decided());
  EXPECT_EQ(*s.next_ms(), 1550);  // one interval after the last probe
  auto ann = s.due(1550);
  EXPECT_TRUE(s.decided());
  ASSERT_EQ(ann.size(), 2u);  // first announcement of each
  EXPECT_EQ(parse(ann[0])->spa, ip("192.0.2.10"));
  EXPECT_EQ(*s.next_ms(), 3550);
  EXPECT_EQ(s.due(3550).size(), 2u);
  EXPECT_TRUE(s.finished());
  EXPECT_FALSE(s.next_ms());
  EXPECT_EQ(s.conflicts(), (std::vector<bool>{false, false}));
}

TEST(ProbeSet, ConflictStopsProbesAndAnnouncements) {
  ProbeSet s(kOwn, {kSibling}, {ip("192.0.2.10"), ip("192.0.2.50")}, timing(), 0);
  EXPECT_EQ(s.due(100).size(), 2u);
  s.receive(frame(kOpReply, kSibling, "192.0.2.10", "0.0.0.0"));  // this host: ignored
  s.receive(frame(kOpReply, kPeer, "192.0.2.50", "0.0.0.0"));
  auto rest = s.due(400);
  ASSERT_EQ(rest.size(), 2u);  // .10 only
  for (auto& f : rest) EXPECT_EQ(parse(f)->tpa, ip("192.0.2.10"));
  auto ann = s.due(550);
  ASSERT_EQ(ann.size(), 1u);
  EXPECT_EQ(parse(ann[0])->spa, ip("192.0.2.10"));
  EXPECT_EQ(s.conflicts(), (std::vector<bool>{false, true}));
}

TEST(ProbeSet, NoDefenceAfterTheVerdict) {
  ProbeSet s(kOwn, {}, {ip("192.0.2.10")}, timing(), 0);
  s.due(550);
  ASSERT_TRUE(s.decided());
  s.receive(frame(kOpReply, kPeer, "192.0.2.10", "0.0.0.0"));
  EXPECT_EQ(s.conflicts(), std::vector<bool>{false});
}

TEST(ProbeSet, CountZeroDecidesAtOnce) {
  Timing t;
  t.probe_count = 0;
  ProbeSet s(kOwn, {}, {ip("192.0.2.10")}, t, 0);
  EXPECT_EQ(s.due(100).size(), 1u);  // the first announcement, no probe
  EXPECT_TRUE(s.decided());
}

// ---- the session loop ----

class FakeClock : public Clock {
 public:
  int64_t now_ms() override { return t; }
  int64_t t = 0;
};

// A link where a peer answers probes for the addresses it owns.
class FakeLink : public ArpLink {
 public:
  explicit FakeLink(FakeClock& c) : clock_(c) {}
  Status send(std::span<const uint8_t> f) override {
    auto p = parse(f);
    sent.push_back({clock_.t, *p});
    for (auto& owned : peer_owns)
      if (p->spa.is_zero() && p->tpa == ip(owned.c_str()))
        queue_.push_back(frame(kOpReply, kPeer, owned.c_str(), "0.0.0.0"));
    return Status::ok();
  }
  Result<std::optional<std::vector<uint8_t>>> recv(int timeout_ms) override {
    EXPECT_GE(timeout_ms, 0);
    EXPECT_LE(timeout_ms, 100);
    if (fail_recv) return Status(Errc::Failure, "link gone");
    if (!queue_.empty()) {
      Frame f = queue_.front();
      queue_.pop_front();
      return std::optional<std::vector<uint8_t>>(std::vector<uint8_t>(f.begin(), f.end()));
    }
    clock_.t += timeout_ms;
    return std::optional<std::vector<uint8_t>>();
  }
  struct Sent {
    int64_t at;
    Packet p;
  };
  std::vector<Sent> sent;
  std::vector<std::string> peer_owns;
  bool fail_recv = false;

 private:
  FakeClock& clock_;
  std::deque<Frame> queue_;
};

TEST(ProbeSession, PeerAnswerMakesADuplicate) {
  FakeClock clock;
  FakeLink link(clock);
  link.peer_owns = {"192.0.2.50"};
  ProbeSet s(kOwn, {}, {ip("192.0.2.10"), ip("192.0.2.50")}, timing(), clock.now_ms());
  int decided = 0;
  int64_t decided_at = -1;
  Status st = run_probe_session(s, link, clock, [] { return false; }, [&] {
    ++decided;
    decided_at = clock.t;
    EXPECT_EQ(s.conflicts(), (std::vector<bool>{false, true}));
  });
  EXPECT_TRUE(st.is_ok());
  EXPECT_EQ(decided, 1);
  EXPECT_EQ(decided_at, 550);  // the verdict does not wait for the announcements
  EXPECT_TRUE(s.finished());
  int probes10 = 0, probes50 = 0, ann10 = 0, ann50 = 0;
  for (auto& x : link.sent) {
    if (x.p.spa.is_zero()) (x.p.tpa == ip("192.0.2.50") ? probes50 : probes10)++;
    else (x.p.spa == ip("192.0.2.50") ? ann50 : ann10)++;
    if (x.p.spa.is_zero()) {
      EXPECT_GE(x.at, 100);  // not before the delay
    }
  }
  EXPECT_EQ(probes10, 3);
  EXPECT_EQ(probes50, 1);  // answered at once: no more probes
  EXPECT_EQ(ann10, 2);
  EXPECT_EQ(ann50, 0);
}

TEST(ProbeSession, StopEndsEarlyAndStillDecides) {
  FakeClock clock;
  FakeLink link(clock);
  ProbeSet s(kOwn, {}, {ip("192.0.2.10")}, timing(), 0);
  int decided = 0;
  Status st = run_probe_session(s, link, clock, [&] { return clock.t >= 200; },
                                [&] { ++decided; });
  EXPECT_TRUE(st.is_ok());
  EXPECT_EQ(decided, 1);
  EXPECT_LE(clock.t, 300);
  EXPECT_FALSE(s.finished());
}

TEST(ProbeSession, LinkFailureIsReturned) {
  FakeClock clock;
  FakeLink link(clock);
  link.fail_recv = true;
  ProbeSet s(kOwn, {}, {ip("192.0.2.10")}, timing(), 0);
  int decided = 0;
  Status st = run_probe_session(s, link, clock, [] { return false; }, [&] { ++decided; });
  EXPECT_FALSE(st.is_ok());
  EXPECT_EQ(decided, 1);
  EXPECT_EQ(s.conflicts(), std::vector<bool>{false});
}

}  // namespace
}  // namespace ipadm::netlink::arp
