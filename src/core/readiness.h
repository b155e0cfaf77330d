// Readiness of configured objects: the logic of `ipadm wait-online`
// (systemd's network-online.target). Pure: the Service gathers one
// ObjFacts per object from the map, the store and its show-addr rows
// (kernel address state, IPv4 DAD state), and readiness_of() decides.
//
// An object is ready ("online") when it is usable as configured:
//   interface  active (plumbed; its link present)
//   static     its address is in the kernel, the link up and running, and
//              duplicate address detection is over (IPv6 DAD: not
//              IFA_F_TENTATIVE; IPv4: core/dad4 no longer "tentative")
//   dhcp       a lease is bound and its address passed DAD as above
//   addrconf   a link-local address that passed DAD, and no address the
//              object owns (SLAAC addresses from router advertisements
//              already received) still tentative. Routers that have not
//              advertised yet, and a DHCPv6 lease, are not waited for:
//              whether a router exists cannot be known (docs/linux-mapping.md,
//              "wait-online").
//   down       an object that is down by configuration (-d, down-addr) is
//              ready: there is nothing to wait for.
// Not ready: not yet restored since boot, disabled (disable-if -t,
// disable-addr -t), offline (the link is absent), down, inaccessible (no
// carrier), tentative, duplicate, no DHCP lease, no link-local address.
//
//   route      a persistent route (create-route without -t) is in the
//              kernel; one that names an interface waits for it first.
#pragma once

#include <string>
#include <vector>

#include "common/names.h"

namespace ipadm::core {

// Where an object stands in the daemon (from the map).
enum class Presence {
  Unrestored,  // persistent, not enabled since boot (no map entry)
  Disabled,    // disabled by the administrator (disable-if -t / disable-addr -t)
  Offline,     // its link is absent (kAbsent)
  Active,      // enabled in this boot
};

// One kernel address an address object owns, as show-addr states it
// ("ok", "tentative", "duplicate", "down", "inaccessible", ...).
struct OwnedAddr {
  std::string state;
  bool linklocal = false;  // IPv6 fe80::/10
};

struct AddrFacts {
  std::string aobjname;
  AddrType atype = AddrType::Static;
  Presence presence = Presence::Unrestored;
  bool up = true;                // false: down by configuration
  // Its show-addr rows: kernel addresses, or the row of an address kept out
  // of the kernel (down, IPv4 duplicate). Empty for a dhcp object without
  // a lease.
  std::vector<OwnedAddr> addrs;
};

struct ObjReadiness {
  bool ready = false;
  std::string why;  // "" when ready; else a short reason, e.g. "tentative"
};

// The reason a non-active object is not ready ("" for Active).
std::string presence_reason(Presence p);

ObjReadiness if_readiness(Presence p);
ObjReadiness addr_readiness(const AddrFacts& f);
// A persistent route: in_kernel as show-route states it (state ok); iface:
// the presence of the interface it names (Active when it names none).
ObjReadiness route_readiness(bool in_kernel, Presence iface);

}  // namespace ipadm::core
