// The readiness rules of ipadm wait-online (core/readiness.h), pure.
#include "core/readiness.h"

#include <gtest/gtest.h>

namespace ipadm::core {
namespace {

AddrFacts facts(AddrType t, std::vector<OwnedAddr> addrs, Presence p = Presence::Active,
                bool up = true) {
  AddrFacts f;
  f.aobjname = "net0/a";
  f.atype = t;
  f.presence = p;
  f.up = up;
  f.addrs = std::move(addrs);
  return f;
}

void expect(const ObjReadiness& r, bool ready, const std::string& why) {
  EXPECT_EQ(r.ready, ready) << r.why;
  EXPECT_EQ(r.why, why);
}

TEST(Readiness, StaticFollowsItsAddressState) {
  expect(addr_readiness(facts(AddrType::Static, {{"ok", false}})), true, "");
  expect(addr_readiness(facts(AddrType::Static, {{"tentative", false}})), false, "tentative");
  expect(addr_readiness(facts(AddrType::Static, {{"duplicate", false}})), false, "duplicate");
  expect(addr_readiness(facts(AddrType::Static, {{"inaccessible", false}})), false,
         "inaccessible");
  expect(addr_readiness(facts(AddrType::Static, {{"down", false}})), false, "down");
  expect(addr_readiness(facts(AddrType::Static, {})), false, "down");
}

TEST(Readiness, RouteIsReadyInTheKernel) {
  EXPECT_TRUE(route_readiness(true, Presence::Active).ready);
  EXPECT_EQ(route_readiness(false, Presence::Active).why, "not in the kernel");
  EXPECT_EQ(route_readiness(false, Presence::Offline).why, "offline");
  EXPECT_EQ(route_readiness(false, Presence::Unrestored).why, "not restored");
}

TEST(Readiness, DownByConfigurationIsReady) {
  expect(addr_readiness(facts(AddrType::Static, {{"down", false}}, Presence::Active, false)),
         true, "");
}

TEST(Readiness, PresenceComesFirst) {
  for (auto t : {AddrType::Static, AddrType::Dhcp, AddrType::Addrconf}) {
    expect(addr_readiness(facts(t, {{"ok", true}}, Presence::Unrestored)), false,
           "not restored");
    expect(addr_readiness(facts(t, {{"ok", true}}, Presence::Disabled)), false, "disabled");
    expect(addr_readiness(facts(t, {{"ok", true}}, Presence::Offline)), false, "offline");
  }
  expect(if_readiness(Presence::Active), true, "");
  expect(if_readiness(Presence::Offline), false, "offline");
  expect(if_readiness(Presence::Disabled), false, "disabled");
  expect(if_readiness(Presence::Unrestored), false, "not restored");
}

TEST(Readiness, DhcpNeedsABoundLeasePastDad) {
  expect(addr_readiness(facts(AddrType::Dhcp, {})), false, "no DHCP lease");
  expect(addr_readiness(facts(AddrType::Dhcp, {{"tentative", false}})), false, "tentative");
  expect(addr_readiness(facts(AddrType::Dhcp, {{"ok", false}})), true, "");
}

TEST(Readiness, AddrconfNeedsAUsableLinkLocal) {
  expect(addr_readiness(facts(AddrType::Addrconf, {})), false, "no link-local address");
  // A global address alone (an RA before the link-local was made) is not enough.
  expect(addr_readiness(facts(AddrType::Addrconf, {{"ok", false}})), false,
         "no link-local address");
  expect(addr_readiness(facts(AddrType::Addrconf, {{"tentative", true}})), false, "tentative");
  expect(addr_readiness(facts(AddrType::Addrconf, {{"duplicate", true}})), false, "duplicate");
  expect(addr_readiness(facts(AddrType::Addrconf, {{"ok", true}})), true, "");
  // The order of the rows does not matter.
  expect(addr_readiness(facts(AddrType::Addrconf, {{"ok", false}, {"ok", true}})), true, "");
}

TEST(Readiness, AddrconfWaitsForTheDadOfRouterAddressesAlreadyThere) {
  expect(addr_readiness(facts(AddrType::Addrconf, {{"ok", true}, {"tentative", false}})), false,
         "tentative");
  expect(addr_readiness(facts(AddrType::Addrconf, {{"ok", true}, {"ok", false}})), true, "");
}

}  // namespace
}  // namespace ipadm::core
