#include "core/readiness.h"

namespace ipadm::core {

namespace {

ObjReadiness ready() { return {true, ""}; }
ObjReadiness not_ready(std::string why) { return {false, std::move(why)}; }

// One owned address: usable when show-addr says "ok"; otherwise its state
// is the reason ("tentative", "duplicate", "down", "inaccessible").
ObjReadiness of_state(const OwnedAddr& a) {
  if (a.state == "ok") return ready();
  return not_ready(a.state);
}

ObjReadiness addrconf_readiness(const AddrFacts& f) {
  const OwnedAddr* ll = nullptr;
  for (const OwnedAddr& a : f.addrs)
    if (a.linklocal && (!ll || a.state == "ok")) ll = &a;
  if (!ll) return not_ready("no link-local address");
  if (ObjReadiness r = of_state(*ll); !r.ready) return r;
  // Router-derived addresses already there are waited for until their DAD
  // is over; a router that has not spoken yet is not (readiness.h).
  for (const OwnedAddr& a : f.addrs)
    if (!a.linklocal && a.state == "tentative") return not_ready("tentative");
  return ready();
}

}  // namespace

std::string presence_reason(Presence p) {
  switch (p) {
    case Presence::Unrestored: return "not restored";
    case Presence::Disabled: return "disabled";
    case Presence::Offline: return "offline";
    case Presence::Active: return "";
  }
  return "";
}

ObjReadiness if_readiness(Presence p) {
  if (p == Presence::Active) return ready();
  return not_ready(presence_reason(p));
}

ObjReadiness route_readiness(bool in_kernel, Presence iface) {
  if (in_kernel) return ready();
  if (iface != Presence::Active) return not_ready(presence_reason(iface));
  return not_ready("not in the kernel");
}

ObjReadiness addr_readiness(const AddrFacts& f) {
  if (f.presence != Presence::Active) return not_ready(presence_reason(f.presence));
  if (!f.up) return ready();
  switch (f.atype) {
    case AddrType::Addrconf:
      return addrconf_readiness(f);
    case AddrType::Dhcp:
      if (f.addrs.empty()) return not_ready("no DHCP lease");
      return of_state(f.addrs.front());
    default:  // static, from-gz
      if (f.addrs.empty()) return not_ready("down");
      return of_state(f.addrs.front());
  }
}

}  // namespace ipadm::core
